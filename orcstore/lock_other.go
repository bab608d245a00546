//go:build !unix

package orcstore

import (
	"fmt"
	"os"
	"path/filepath"
)

// fileLock on platforms without flock: an exclusively created lock file.
// Unlike flock it survives a crash; the error message says how to clear it.
type fileLock struct{ path string }

func acquireLock(dir string) (*fileLock, error) {
	p := filepath.Join(dir, "writer.lock.held")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return nil, fmt.Errorf("%w (if no ctlake process is running, delete %s)", ErrLocked, p)
		}
		return nil, err
	}
	fmt.Fprintf(f, "pid %d\n", os.Getpid())
	f.Close()
	return &fileLock{path: p}, nil
}

func (l *fileLock) release() error {
	if l == nil || l.path == "" {
		return nil
	}
	err := os.Remove(l.path)
	l.path = ""
	return err
}
