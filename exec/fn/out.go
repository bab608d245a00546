package fn

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Result buffers: kernels write values straight into Arrow buffers taken
// from Context.Mem and finish them into arrays.

// fixedOut is the result buffer of a kernel returning a fixed-width type:
// kernels store into vals[i] and call setNull for NULL rows.
type fixedOut[T int64 | int32 | float64] struct {
	mem   memory.Allocator
	dt    arrow.DataType
	data  *memory.Buffer
	valid *memory.Buffer
	vals  []T
	bits  []byte
	nullN int
}

func newFixedOut[T int64 | int32 | float64](mem memory.Allocator, dt arrow.DataType, n int) *fixedOut[T] {
	var zero T
	size := int(arrowSize(zero))
	o := &fixedOut[T]{mem: mem, dt: dt, data: memory.NewResizableBuffer(mem)}
	o.data.Resize(n * size)
	b := o.data.Bytes()
	switch any(zero).(type) {
	case int64:
		o.vals = any(arrow.Int64Traits.CastFromBytes(b)).([]T)
	case int32:
		o.vals = any(arrow.Int32Traits.CastFromBytes(b)).([]T)
	case float64:
		o.vals = any(arrow.Float64Traits.CastFromBytes(b)).([]T)
	}
	o.vals = o.vals[:n]
	return o
}

func arrowSize(v any) int {
	if _, ok := v.(int32); ok {
		return 4
	}
	return 8
}

func (o *fixedOut[T]) setNull(i int) {
	if o.valid == nil {
		n := len(o.vals)
		o.valid = memory.NewResizableBuffer(o.mem)
		o.valid.Resize(int(bitutil.BytesForBits(int64(n))))
		o.bits = o.valid.Bytes()
		for j := range o.bits {
			o.bits[j] = 0xff
		}
	}
	if bitutil.BitIsSet(o.bits, i) {
		bitutil.ClearBit(o.bits, i)
		o.nullN++
	}
	o.vals[i] = 0
}

func (o *fixedOut[T]) finish() arrow.Array {
	return finishFixed(o.dt, len(o.vals), o.valid, o.data, o.nullN)
}

func finishFixed(dt arrow.DataType, n int, valid, data *memory.Buffer, nullN int) arrow.Array {
	if nullN == 0 && valid != nil {
		valid.Release()
		valid = nil
	}
	d := array.NewData(dt, n, []*memory.Buffer{valid, data}, nil, nullN, 0)
	a := array.MakeFromData(d)
	d.Release()
	if valid != nil {
		valid.Release()
	}
	data.Release()
	return a
}

// boolOut is the result buffer of a boolean kernel.
type boolOut struct {
	mem         memory.Allocator
	data, valid *memory.Buffer
	vals, bits  []byte
	n, nullN    int
}

func newBoolOut(mem memory.Allocator, n int) *boolOut {
	o := &boolOut{mem: mem, data: memory.NewResizableBuffer(mem), n: n}
	o.data.Resize(int(bitutil.BytesForBits(int64(n))))
	o.vals = o.data.Bytes()
	for i := range o.vals {
		o.vals[i] = 0
	}
	return o
}

func (o *boolOut) set(i int, v bool) {
	if v {
		bitutil.SetBit(o.vals, i)
	}
}

func (o *boolOut) setNull(i int) {
	if o.valid == nil {
		o.valid = memory.NewResizableBuffer(o.mem)
		o.valid.Resize(int(bitutil.BytesForBits(int64(o.n))))
		o.bits = o.valid.Bytes()
		for j := range o.bits {
			o.bits[j] = 0xff
		}
	}
	if bitutil.BitIsSet(o.bits, i) {
		bitutil.ClearBit(o.bits, i)
		o.nullN++
	}
	bitutil.ClearBit(o.vals, i)
}

func (o *boolOut) finish() arrow.Array {
	return finishFixed(arrow.FixedWidthTypes.Boolean, o.n, o.valid, o.data, o.nullN)
}

// strOut builds a varchar/json result straight into offset and data
// buffers (no builder call per row): about 3x faster than
// array.StringBuilder for short strings. Rows are appended in order.
type strOut struct {
	mem      memory.Allocator
	offsets  *memory.Buffer
	offs     []int32
	data     *memory.Buffer
	bytes    []byte
	size     int // bytes used in data
	valid    *memory.Buffer
	bits     []byte
	n, nullN int
	row      int
	err      error          // the data passed maxBatchBytes; result reports it
	dt       arrow.DataType // string, or binary (newBinOut)
}

// newBinOut is newStrOut for varbinary results (and ipaddress, ipprefix).
func newBinOut(mem memory.Allocator, n, dataHint int) *strOut {
	o := newStrOut(mem, n, dataHint)
	o.dt = arrow.BinaryTypes.Binary
	return o
}

func newStrOut(mem memory.Allocator, n, dataHint int) *strOut {
	o := &strOut{mem: mem, n: n, offsets: memory.NewResizableBuffer(mem), data: memory.NewResizableBuffer(mem), dt: arrow.BinaryTypes.String}
	o.offsets.Resize((n + 1) * 4)
	o.offs = arrow.Int32Traits.CastFromBytes(o.offsets.Bytes())[:n+1]
	o.offs[0] = 0
	if dataHint < 64 {
		dataHint = 64
	}
	o.data.Resize(dataHint)
	o.bytes = o.data.Bytes()
	return o
}

func (o *strOut) appendString(s string) {
	if o.size+len(s) > len(o.bytes) && !o.reserve(len(s)) {
		o.row++
		o.offs[o.row] = int32(o.size)
		return
	}
	copy(o.bytes[o.size:], s)
	o.size += len(s)
	o.row++
	o.offs[o.row] = int32(o.size)
}

func (o *strOut) appendBytes(b []byte) {
	if o.size+len(b) > len(o.bytes) && !o.reserve(len(b)) {
		o.row++
		o.offs[o.row] = int32(o.size)
		return
	}
	copy(o.bytes[o.size:], b)
	o.size += len(b)
	o.row++
	o.offs[o.row] = int32(o.size)
}

// reserve makes room for extra more bytes; past maxBatchBytes it records
// the error instead (the row is then written empty, and result fails).
func (o *strOut) reserve(extra int) bool {
	if o.err != nil || int64(o.size)+int64(extra) > maxBatchBytes {
		if o.err == nil {
			o.err = fmt.Errorf("result of %s in one batch of %d rows is too large (at most %s)", sizeText(int64(o.size)+int64(extra)), o.n, sizeText(maxBatchBytes))
		}
		return false
	}
	want := min(max(2*len(o.bytes), o.size+extra), maxBatchBytes)
	o.data.Resize(want)
	o.bytes = o.data.Bytes()
	return true
}

// result is finish, or the error of an output that passed maxBatchBytes.
func (o *strOut) result() (arrow.Array, error) {
	if o.err != nil {
		o.release()
		return nil, o.err
	}
	return o.finish(), nil
}

// release frees the buffers of an output that is not finished.
func (o *strOut) release() {
	for _, b := range []*memory.Buffer{o.offsets, o.data, o.valid} {
		if b != nil {
			b.Release()
		}
	}
}

func (o *strOut) appendNull() {
	if o.valid == nil {
		o.valid = memory.NewResizableBuffer(o.mem)
		o.valid.Resize(int(bitutil.BytesForBits(int64(o.n))))
		o.bits = o.valid.Bytes()
		for j := range o.bits {
			o.bits[j] = 0xff
		}
	}
	bitutil.ClearBit(o.bits, o.row)
	o.nullN++
	o.row++
	o.offs[o.row] = int32(o.size)
}

func (o *strOut) finish() arrow.Array {
	for o.row < o.n { // rows never written are NULL
		o.appendNull()
	}
	o.data.Resize(o.size)
	valid := o.valid
	if o.nullN == 0 && valid != nil {
		valid.Release()
		valid = nil
	}
	d := array.NewData(o.dt, o.n, []*memory.Buffer{valid, o.offsets, o.data}, nil, o.nullN, 0)
	a := array.MakeFromData(d)
	d.Release()
	if valid != nil {
		valid.Release()
	}
	o.offsets.Release()
	o.data.Release()
	return a
}
