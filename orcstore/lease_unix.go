//go:build unix

package orcstore

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// lockShared takes the shared flock a reader holds on its lease.
func lockShared(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
}

// probeLease reports the version a lease holds and whether its reader is
// alive: a reader holds a shared flock for as long as its lease lives, so
// an exclusive lock is granted only on the lease of a reader that is gone
// (the kernel dropped its lock when it exited). Such a lease is removed.
func probeLease(p string) (version int64, live bool, err error) {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil // released meanwhile
	}
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		os.Remove(p)
		return 0, false, nil
	} else if !errors.Is(err, syscall.EWOULDBLOCK) {
		return 0, false, err
	}
	b := make([]byte, 64)
	n, _ := f.ReadAt(b, 0)
	return parseLease(b[:n]), true, nil
}
