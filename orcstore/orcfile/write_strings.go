package orcfile

import (
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// Interleaved runs of top-level string columns. Ingest writes a partition in
// time order, one-row runs from tens of records in turn; the general path
// then reaches every value through its record's column (an interface), the
// array header, its data and buffers: for ~40 records times the schema's
// string columns, headers visited round-robin that fall out of the cache.
// WriteRuns resolves each record's top-level string columns to their raw
// buffers once per call and encodes a segment's rows of such a column in
// one loop over those (BenchmarkWriteRunsInterleaved).

// wStrView is one record's top-level string column as raw buffers.
type wStrView struct {
	valid  []byte // validity bitmap; nil when the column has no NULLs
	off    int    // the array's offset into its buffers
	offs   []int32
	values string
}

// wStrViews maps the records of one WriteRuns call to their views: record
// i's view of string column k is views[i*n+k], n the number of columns.
type wStrViews struct {
	idx   map[arrow.Record]int
	views []wStrView
	ok    bool // every record's string columns are plain *array.String
}

// reset forgets the records: the writer must not keep them, or their
// buffers, alive (the views point into them).
func (v *wStrViews) reset() {
	clear(v.idx)
	clear(v.views)
	v.views = v.views[:0]
	v.ok = true
}

// index returns rec's index, resolving its string columns (at cols, the
// top-level column indexes) the first time.
func (v *wStrViews) index(rec arrow.Record, cols []int) int {
	if i, ok := v.idx[rec]; ok {
		return i
	}
	if v.idx == nil {
		v.idx = map[arrow.Record]int{}
	}
	i := len(v.views) / len(cols)
	v.idx[rec] = i
	for _, c := range cols {
		a, ok := rec.Column(c).(*array.String)
		if !ok {
			v.ok = false
			v.views = append(v.views, wStrView{})
			continue
		}
		v.views = append(v.views, wViewOf(a))
	}
	return i
}

// wViewOf resolves a's buffers.
func wViewOf(a *array.String) wStrView {
	var sv wStrView
	d := a.Data()
	bufs := d.Buffers()
	sv.off = d.Offset()
	if a.NullN() > 0 && bufs[0] != nil {
		sv.valid = bufs[0].Bytes()
	}
	if bufs[1] != nil {
		sv.offs = arrow.Int32Traits.CastFromBytes(bufs[1].Bytes())
	}
	if bufs[2] != nil {
		if b := bufs[2].Bytes(); len(b) > 0 {
			sv.values = unsafe.String(&b[0], len(b))
		}
	}
	return sv
}

// writeStringViews encodes the groups' rows of top-level string column k
// (its position among the n viewed columns) like write and writePrimitive
// would.
func (wc *wColumn) writeStringViews(k, n int, groups []writeGroup, views []wStrView) {
	for gi := range groups {
		g := &groups[gi]
		v := &views[g.ri*n+k]
		for _, r := range g.rs {
			if wc.str.chunked != nil && v.valid == nil {
				wc.present.appendRun(true, r.hi-r.lo)
				wc.addStringRun(v, v.off+r.lo, v.off+r.hi)
				continue
			}
			for row := r.lo; row < r.hi; row++ {
				j := v.off + row
				if v.valid != nil && v.valid[j>>3]>>(uint(j)&7)&1 == 0 {
					wc.present.append1(false)
					wc.nulls = true
					wc.rg.hasNull = true
					continue
				}
				wc.present.append1(true)
				wc.addString(v.values[v.offs[j]:v.offs[j+1]])
			}
		}
	}
}
