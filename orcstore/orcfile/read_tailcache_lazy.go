package orcfile

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// With the tail and metadata caches, most Files a store scan opens never
// read a byte: planning needs only the tail, and a point lookup's bloom
// filters rule out all but one stripe from cached filters. Opening,
// fstat-ing and closing every file for every stripe was then a tenth of a
// repeated lookup's CPU (three system calls per stripe). A File whose tail
// came from the cache therefore opens its file on the first ReadAt.
//
// The cache key was taken from a stat of the path; the file opened later
// must be the same version, or cached metadata would be applied to other
// bytes. lazyFile checks the opened file's size and mtime against the key
// and fails every read when they differ (store files never change, so this
// only guards against misuse; the caller sees an error, never wrong data).

// lazyFile is an io.ReaderAt and io.Closer over the file at key.path that
// opens it on first use.
type lazyFile struct {
	key  tailKey
	once sync.Once
	fh   *os.File
	err  error
}

func (l *lazyFile) open() {
	fh, err := os.Open(l.key.path)
	if err != nil {
		l.err = err
		return
	}
	st, err := fh.Stat()
	if err == nil && (st.Size() != l.key.size || !st.ModTime().Equal(l.key.mtime)) {
		err = fmt.Errorf("%s changed since it was opened (size %d → %d, modified %v → %v)",
			l.key.path, l.key.size, st.Size(), l.key.mtime, st.ModTime())
	}
	if err != nil {
		fh.Close()
		l.err = err
		return
	}
	l.fh = fh
}

// ReadAt opens the file on first use.
func (l *lazyFile) ReadAt(p []byte, off int64) (int, error) {
	l.once.Do(l.open)
	if l.err != nil {
		return 0, l.err
	}
	return l.fh.ReadAt(p, off)
}

// Close closes the file if it was opened. Reads after Close fail.
func (l *lazyFile) Close() error {
	l.once.Do(func() { l.err = os.ErrClosed })
	if l.fh == nil {
		return nil
	}
	fh := l.fh
	l.fh, l.err = nil, os.ErrClosed
	return fh.Close()
}

// openLazy is OpenFile for a file whose tail is cached: one stat, no open
// until data is read. It reports false when the tail is not cached (or the
// path cannot be stat-ed); openCached then opens the file as before.
func openLazy(path string) (*File, bool) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return nil, false
	}
	k := tailKey{path: path, size: st.Size(), mtime: st.ModTime()}
	f, ok := cachedTail(k)
	if !ok {
		return nil, false
	}
	l := &lazyFile{key: k}
	f.r, f.name, f.closer = l, path, l
	f.cacheKey = &k
	return f, true
}

var _ io.ReaderAt = (*lazyFile)(nil)
