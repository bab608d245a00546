package orcstore

import (
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
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
