//go:build unix

package orcstore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// fileLock is an advisory lock on a store's writer.lock file. The kernel
// drops it when the process dies, so a kill -9 never leaves a store locked.
type fileLock struct{ f *os.File }

func acquireLock(dir string) (*fileLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, "writer.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(f.Name())
		f.Close()
		if h := strings.TrimSpace(string(holder)); h != "" {
			return nil, fmt.Errorf("%w (%s)", ErrLocked, h)
		}
		return nil, ErrLocked
	}
	// Say who holds it, for the error message of the next writer.
	f.Truncate(0)
	f.WriteAt([]byte(fmt.Sprintf("pid %d\n", os.Getpid())), 0)
	return &fileLock{f: f}, nil
}

func (l *fileLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
