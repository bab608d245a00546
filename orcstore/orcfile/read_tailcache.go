package orcfile

import (
	"os"
	"sync"
	"time"
)

// OpenFile parses a file's tail (postscript, footer with column statistics,
// metadata with stripe statistics) on every call; a store scan opens each
// file once to plan and again for every stripe it reads, and the protobuf
// decoding of those tails took a quarter of the CPU of short aggregation
// queries. tailCache keeps the parsed tails of recently opened files so
// that later opens of the same unchanged file only stat it. The parsed tail
// is immutable after Open (a File is safe for concurrent use), so Files
// share it.

// tailCacheSize bounds the cached tails (a tail of a 93-column event file
// with a few stripes is some hundred KB parsed).
const tailCacheSize = 64

// tailKey identifies one version of a file: ORC files are written once,
// and a rewrite under the same name changes its size or modification time.
type tailKey struct {
	path  string
	size  int64
	mtime time.Time
}

// tail is the parsed, validated tail shared by the Files of one file.
type tail struct {
	f    File // the fields readTail sets; r, name and closer unused
	used uint64
}

var tailCache struct {
	sync.Mutex
	m    map[tailKey]*tail
	tick uint64
}

func cachedTail(k tailKey) (*File, bool) {
	tailCache.Lock()
	defer tailCache.Unlock()
	t, ok := tailCache.m[k]
	if !ok {
		return nil, false
	}
	tailCache.tick++
	t.used = tailCache.tick
	f := t.f
	return &f, true
}

func storeTail(k tailKey, f *File) {
	tailCache.Lock()
	defer tailCache.Unlock()
	if tailCache.m == nil {
		tailCache.m = map[tailKey]*tail{}
	}
	if len(tailCache.m) >= tailCacheSize {
		// Evict the least recently used.
		var old tailKey
		var oldest *tail
		for key, t := range tailCache.m {
			if oldest == nil || t.used < oldest.used {
				old, oldest = key, t
			}
		}
		delete(tailCache.m, old)
	}
	tailCache.tick++
	t := &tail{f: *f, used: tailCache.tick}
	t.f.r, t.f.closer = nil, nil
	tailCache.m[k] = t
}

// openCached is OpenFile through the tail cache.
func openCached(path string) (*File, error) {
	if f, ok := openLazy(path); ok {
		return f, nil // read_tailcache_lazy.go
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	k := tailKey{path: path, size: st.Size(), mtime: st.ModTime()}
	if f, ok := cachedTail(k); ok {
		f.r, f.name, f.closer = fh, path, fh
		f.cacheKey = &k
		return f, nil
	}
	f, err := Open(fh, st.Size(), path)
	if err != nil {
		fh.Close()
		return nil, err
	}
	storeTail(k, f)
	f.closer = fh
	f.cacheKey = &k
	return f, nil
}
