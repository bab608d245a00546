package fn

import (
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// This file holds the typed views kernels read their arguments through
// (out.go has the buffers they write into). A view hides whether an
// argument is a constant or an array, without broadcasting constants and
// without boxing values: kernels loop over rows calling at(i) and null(i).

// nulls answers "is row i NULL" for one argument.
type nulls struct {
	isConst bool
	cnull   bool
	bits    []byte // validity bitmap; nil when the array has no NULLs
	off     int
}

func (c *nulls) null(i int) bool {
	if c.isConst {
		return c.cnull
	}
	return c.bits != nil && !bitutil.BitIsSet(c.bits, c.off+i)
}

func nullsOf(v Vec) nulls {
	if v.IsConst {
		return nulls{isConst: true, cnull: v.Const.Null}
	}
	return arrNulls(v.Arr)
}

func arrNulls(a arrow.Array) nulls {
	if a == nil || a.DataType().ID() == arrow.NULL {
		return nulls{isConst: true, cnull: true}
	}
	n := nulls{off: a.Data().Offset()}
	if a.NullN() > 0 {
		n.bits = a.NullBitmapBytes()
	}
	return n
}

// ints views bigint, timestamp (ns), interval day-second (ns), date
// (days) and interval year-month (months) arguments as int64.
type ints struct {
	nulls
	v   []int64
	v32 []int32 // date32 and month intervals
	c   int64
}

func (r *ints) at(i int) int64 {
	if r.isConst {
		return r.c
	}
	if r.v32 != nil {
		return int64(r.v32[i])
	}
	return r.v[i]
}

func intsOf(v Vec) ints {
	r := ints{nulls: nullsOf(v)}
	if v.IsConst {
		r.c = v.Const.Int
		return r
	}
	if r.isConst { // NULL-typed array
		return r
	}
	r.v, r.v32 = int64Values(decodeDict(v.Arr))
	return r
}

// int64Values returns the values of a fixed-width integer array of 64 or 32
// bits (one of the two results is nil).
func int64Values(a arrow.Array) ([]int64, []int32) {
	d := a.Data()
	off, n := d.Offset(), d.Len()
	buf := d.Buffers()[1]
	if buf == nil || n == 0 {
		return []int64{}, nil
	}
	switch a.DataType().ID() {
	case arrow.DATE32, arrow.INT32, arrow.INTERVAL_MONTHS:
		return nil, arrow.Int32Traits.CastFromBytes(buf.Bytes())[off : off+n]
	}
	return arrow.Int64Traits.CastFromBytes(buf.Bytes())[off : off+n], nil
}

// floats views a double argument.
type floats struct {
	nulls
	v []float64
	c float64
}

func (r *floats) at(i int) float64 {
	if r.isConst {
		return r.c
	}
	return r.v[i]
}

func floatsOf(v Vec) floats {
	r := floats{nulls: nullsOf(v)}
	if v.IsConst {
		r.c = v.Const.Float
		return r
	}
	if r.isConst {
		return r
	}
	d := decodeDict(v.Arr).Data()
	if d.Len() == 0 {
		return r
	}
	r.v = arrow.Float64Traits.CastFromBytes(d.Buffers()[1].Bytes())[d.Offset() : d.Offset()+d.Len()]
	return r
}

// strs views a varchar or json argument, plain or dictionary-encoded (the
// children of map and list columns may arrive as dictionaries). at returns
// a string that aliases the Arrow buffer: clone it before keeping it beyond
// the call.
type strs struct {
	nulls
	bin  *array.Binary // varbinary, ipaddress and ipprefix values
	a    *array.String
	dict *array.Dictionary // a holds its dictionary values
	idx  []int32           // the dictionary's indices when they are int32
	c    string
}

func (r *strs) at(i int) string {
	if r.isConst {
		return r.c
	}
	if r.bin != nil {
		b := r.bin.Value(i)
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	if r.dict != nil {
		if r.idx != nil {
			return r.a.Value(int(r.idx[i]))
		}
		return r.a.Value(r.dict.GetValueIndex(i))
	}
	return r.a.Value(i)
}

func strsOf(v Vec) strs {
	r := strs{nulls: nullsOf(v)}
	if v.IsConst {
		r.c = v.Const.Str
		return r
	}
	if r.isConst {
		return r
	}
	switch a := v.Arr.(type) {
	case *array.Binary:
		r.bin = a
		return r
	case *array.String:
		r.a = a
	case *array.Dictionary:
		if vals, ok := a.Dictionary().(*array.String); ok {
			r.dict, r.a = a, vals
			if ix, ok := a.Indices().(*array.Int32); ok {
				r.idx = ix.Int32Values()
			}
		}
	}
	if r.a == nil {
		r.isConst, r.cnull = true, true
	}
	return r
}

// decodeDict returns a plain copy of a dictionary-encoded array, or a
// itself. The copy lives in Go-managed memory, so callers need not release
// it.
func decodeDict(a arrow.Array) arrow.Array {
	d, ok := a.(*array.Dictionary)
	if !ok {
		return a
	}
	b := array.NewBuilder(memory.DefaultAllocator, d.Dictionary().DataType())
	defer b.Release()
	b.Reserve(d.Len())
	for i := 0; i < d.Len(); i++ {
		appendFrom(b, d, i)
	}
	return b.NewArray()
}

// bools views a boolean argument.
type bools struct {
	nulls
	bits []byte
	off  int
	c    bool
}

func (r *bools) at(i int) bool {
	if r.isConst {
		return r.c
	}
	return bitutil.BitIsSet(r.bits, r.off+i)
}

func boolsOf(v Vec) bools {
	r := bools{nulls: nullsOf(v)}
	if v.IsConst {
		r.c = v.Const.Bool
		return r
	}
	if r.isConst {
		return r
	}
	d := decodeDict(v.Arr).Data()
	r.off = d.Offset()
	if b := d.Buffers()[1]; b != nil {
		r.bits = b.Bytes()
	}
	return r
}

// dataLen is the byte length of a string argument's data, a hint for the
// size of string results.
func dataLen(r *strs, n int) int {
	if r.isConst {
		return len(r.c) * n
	}
	if r.a == nil || r.a.Len() == 0 {
		return 0
	}
	return r.a.ValueOffset(r.a.Len()-1) + r.a.ValueLen(r.a.Len()-1) - r.a.ValueOffset(0)
}
