package orcstore

import (
	"os"
	"path/filepath"
	"sync"
	"time"
)

// metaSnapCache keeps the decoded snapshot of each store a process has
// queried, keyed by the file's identity, so that repeated queries (the
// shell, the API server, bench's warm runs) decode it once per commit.
var metaSnapCache struct {
	sync.Mutex
	m map[string]metaSnapCached
}

type metaSnapCached struct {
	size  int64
	mtime time.Time
	snap  *metaSnapshot
}

// metaSnapshotOf returns store dir's decoded snapshot, or nil when it has
// none or it cannot be used (old store, damaged file): callers then plan
// from the files' tails.
func metaSnapshotOf(dir string) *metaSnapshot {
	p := filepath.Join(dir, metaSnapName)
	st, err := os.Stat(p)
	if err != nil {
		return nil
	}
	metaSnapCache.Lock()
	c, ok := metaSnapCache.m[p]
	metaSnapCache.Unlock()
	if ok && c.size == st.Size() && c.mtime.Equal(st.ModTime()) {
		return c.snap
	}
	snap, err := readMetaSnapshotFile(dir)
	if err != nil {
		snap = nil
	}
	metaSnapCache.Lock()
	if metaSnapCache.m == nil {
		metaSnapCache.m = map[string]metaSnapCached{}
	}
	metaSnapCache.m[p] = metaSnapCached{size: st.Size(), mtime: st.ModTime(), snap: snap}
	metaSnapCache.Unlock()
	return snap
}

// readMetaSnapshotFile reads and decodes store dir's manifest.meta.
func readMetaSnapshotFile(dir string) (*metaSnapshot, error) {
	b, err := os.ReadFile(filepath.Join(dir, metaSnapName))
	if err != nil {
		return nil, err
	}
	return decodeMetaSnapshot(b)
}
