package orcstore

import (
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore/orcfile"
	"github.com/ctlake/ctlake/orcstore/orcfile/bloom"
)

// RowFilter keeps the rows of a batch that a consumer above the scan can
// use: a hash join publishes one once it has read its build side, so that
// the scan's workers drop probe rows whose key the build side lacks
// (Trino's dynamic filtering), in parallel and before the rows travel up.
// It must be safe for concurrent use.
type RowFilter interface {
	// Select returns the rows of rec to keep, ascending, among sel (every
	// row when sel is nil); a nil result keeps the batch as it is, an empty
	// one keeps no row.
	Select(rec arrow.Record, sel []int32) []int32
}

// DynamicFilter is where a consumer publishes a RowFilter while the scan
// runs; until it does, the scan keeps every row.
type DynamicFilter struct {
	f atomic.Pointer[rowFilterBox]
}

type rowFilterBox struct{ f RowFilter }

// Set publishes f to the scan's workers.
func (d *DynamicFilter) Set(f RowFilter) { d.f.Store(&rowFilterBox{f}) }

// Get is the filter published last (nil: none yet).
func (d *DynamicFilter) Get() RowFilter {
	if d == nil {
		return nil
	}
	if b := d.f.Load(); b != nil {
		return b.f
	}
	return nil
}

// applyDynamic filters a shaped batch; false when no row is left (the
// record is then released).
func applyDynamic(d *DynamicFilter, b ScanBatch, st *ScanStats) (ScanBatch, bool) {
	f := d.Get()
	if f == nil {
		return b, true
	}
	before := b.len()
	sel := f.Select(b.Rec, b.Sel)
	if sel == nil {
		return b, true
	}
	st.RowsDynFiltered += int64(before - len(sel))
	if len(sel) == 0 {
		b.Rec.Release()
		return ScanBatch{}, false
	}
	if b.Sel != nil || len(sel) < int(b.Rec.NumRows()) {
		b.Sel = sel
	}
	return b, true
}

// KeySet is implemented by a RowFilter that keeps exactly the rows whose
// key column holds one of a set of strings (a hash join's build keys). The
// scan then also skips the row groups whose bloom filter on that column
// rules out every key, before it reads or decodes them: a join probing a
// whole store by random IDs (eventID, requestID) for the keys of one hour
// would otherwise decode every value only to drop nearly all of them.
type KeySet interface {
	// StringKeys returns the key column's dotted path and the keys, or
	// false when the filter's keys are not strings or more than limit.
	StringKeys(limit int) (column string, keys []string, ok bool)
}

// maxBloomKeys bounds the keys tested against bloom filters: at the
// stores' fpp (eventfile.go) a row group's filter answers "maybe" for some
// key of a larger set almost surely, so testing would only cost time.
const maxBloomKeys = 1 << 16

// dynBloom is a scan's use of a KeySet: its keys hashed once, and how
// often they ruled row groups out, so that a set that never does (too
// many keys, or keys found everywhere) stops being tested.
type dynBloom struct {
	column          string
	set             *bloom.Set
	tested, skipped atomic.Int64
}

// dynBloomTrial is how many row groups a key set is tested against before
// its usefulness is judged; below one skipped in dynBloomMinRate, it stops.
const (
	dynBloomTrial   = 64
	dynBloomMinRate = 16
)

// dynBloomOf is the scan's bloom test for the filter published in d (nil
// when there is none, or it is no KeySet of bloom-filtered size).
func (sc *Scanner) dynBloomOf(d *DynamicFilter) *dynBloom {
	f := d.Get()
	if f == nil {
		return nil
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.dynFrom == f {
		return sc.dyn
	}
	sc.dynFrom, sc.dyn = f, nil
	if ks, ok := f.(KeySet); ok {
		if col, keys, ok := ks.StringKeys(maxBloomKeys); ok && len(keys) <= maxBloomKeys {
			sc.dyn = &dynBloom{column: col, set: bloom.NewSet(keys)}
		}
	}
	return sc.dyn
}

// prune clears the row groups of stripe s of f whose bloom filter on the
// key column holds none of the keys, and returns how many it cleared. A
// column without (UTF-8) bloom filters, a malformed filter, or a key set
// that has shown itself useless clears nothing.
func (db *dynBloom) prune(f *orcfile.File, s *orcfile.Stripe, keep []bool) (int, error) {
	if db == nil || !db.useful() {
		return 0, nil
	}
	c, ok := f.Root().Find(db.column)
	if !ok {
		return 0, nil
	}
	set, utf8, err := f.BloomFilterSet(s, c.ID)
	if err != nil || set == nil || !utf8 {
		return 0, err
	}
	return db.pruneSet(set, keep), nil
}

func (db *dynBloom) useful() bool {
	t := db.tested.Load()
	return t < dynBloomTrial || db.skipped.Load()*dynBloomMinRate >= t
}

func (db *dynBloom) pruneSet(set []*bloom.Filter, keep []bool) int {
	tested, skipped := 0, 0
	for g, bf := range set {
		if g >= len(keep) || !keep[g] || bf == nil {
			continue
		}
		tested++
		if !db.set.MightContainAny(bf) {
			keep[g] = false
			skipped++
		}
	}
	db.tested.Add(int64(tested))
	db.skipped.Add(int64(skipped))
	return skipped
}
