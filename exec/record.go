package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// makeRecord builds a record named like schema but typed by its arrays
// (a batch may carry dictionary<int32,string> where the operator's schema
// says string). It takes over the caller's references to cols.
func makeRecord(schema *arrow.Schema, cols []arrow.Array, n int) arrow.Record {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		f := schema.Field(i)
		f.Type = c.DataType()
		fields[i] = f
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// compact gathers the live rows of b into a new record (Sel nil after).
func compact(mem memory.Allocator, b Batch) (arrow.Record, error) {
	cols := make([]arrow.Array, b.Rec.NumCols())
	for i := range cols {
		c, err := take(mem, b.Rec.Column(i), b.Sel)
		if err != nil {
			for _, c := range cols[:i] {
				c.Release()
			}
			return nil, err
		}
		cols[i] = c
	}
	return makeRecord(b.Rec.Schema(), cols, len(b.Sel)), nil
}

// arrayBytes estimates the memory an array holds (its buffers, children
// and dictionary).
func arrayBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += arrayBytes(c)
	}
	if d.DataType().ID() == arrow.DICTIONARY {
		n += arrayBytes(d.Dictionary())
	}
	return n
}

// liveBytes estimates the bytes of b's live rows.
func liveBytes(b Batch) int64 {
	var n int64
	for _, c := range b.Rec.Columns() {
		n += arrayBytes(c.Data())
	}
	if rows := b.Rec.NumRows(); rows > 0 && b.Sel != nil {
		n = n * int64(len(b.Sel)) / rows
	}
	return n
}

// schemaOf is the logical schema of named columns of the given types.
func schemaOf(names []string, types []arrow.DataType) *arrow.Schema {
	fs := make([]arrow.Field, len(names))
	for i := range names {
		fs[i] = arrow.Field{Name: names[i], Type: types[i], Nullable: true}
	}
	return arrow.NewSchema(fs, nil)
}

// nextSlice hands out rec in slices of up to size rows: it releases the
// previous slice and returns the next one with the new offset (a zero
// Batch at the end).
func nextSlice(rec, prev arrow.Record, off, size int) (arrow.Record, Batch, int) {
	if prev != nil {
		prev.Release()
	}
	if rec == nil || off >= int(rec.NumRows()) {
		return nil, Batch{}, off
	}
	n := min(size, int(rec.NumRows())-off)
	sl := rec.NewSlice(int64(off), int64(off+n))
	return sl, Batch{Rec: sl}, off + n
}

func releaseRecs(recs ...*arrow.Record) {
	for _, r := range recs {
		if *r != nil {
			(*r).Release()
			*r = nil
		}
	}
}
