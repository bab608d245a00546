//go:build !unix

package orcstore

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// Without flock a writer cannot tell a live reader from a dead one; a lease
// is taken as live for leaseMaxAge after it was published, so a reader that
// crashed holds files back for at most that long, and a query running
// longer than that may lose its files to a compaction.
const leaseMaxAge = 24 * time.Hour

func lockShared(f *os.File) error { return nil }

func probeLease(p string) (version int64, live bool, err error) {
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if time.Since(st.ModTime()) > leaseMaxAge {
		os.Remove(p)
		return 0, false, nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, false, err
	}
	return parseLease(b), true, nil
}
