package orcfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// read decodes the next n rows of the column. parentValid, when not nil,
// marks (1/0 per row) the rows whose parent struct is present: only those
// consume values from this column's streams, the others come out null.
func (r *readColumn) read(n int, parentValid []byte) (arrow.ArrayData, error) {
	valid, nn, err := r.readValid(n, parentValid)
	if err != nil {
		return nil, err
	}
	var bitmap *memory.Buffer
	if valid != nil && nn < n {
		bitmap = readBitmap(r.mem, valid)
	} else {
		valid = nil
	}
	nulls := n - nn
	switch r.col.Kind {
	case orcproto.Type_BOOLEAN:
		return r.readBool(n, nn, valid, bitmap, nulls)
	case orcproto.Type_BYTE:
		return r.readBytes(n, nn, valid, bitmap, nulls)
	case orcproto.Type_SHORT:
		return readInts[int16](r, arrow.PrimitiveTypes.Int16, n, nn, valid, bitmap, nulls)
	case orcproto.Type_INT:
		return readInts[int32](r, arrow.PrimitiveTypes.Int32, n, nn, valid, bitmap, nulls)
	case orcproto.Type_DATE:
		return readInts[int32](r, arrow.FixedWidthTypes.Date32, n, nn, valid, bitmap, nulls)
	case orcproto.Type_LONG:
		return readInts[int64](r, arrow.PrimitiveTypes.Int64, n, nn, valid, bitmap, nulls)
	case orcproto.Type_FLOAT:
		return readFloats[float32](r, arrow.PrimitiveTypes.Float32, 4, n, nn, valid, bitmap, nulls)
	case orcproto.Type_DOUBLE:
		return readFloats[float64](r, arrow.PrimitiveTypes.Float64, 8, n, nn, valid, bitmap, nulls)
	case orcproto.Type_TIMESTAMP:
		return r.readTimestamps(n, nn, valid, bitmap, nulls)
	case orcproto.Type_DECIMAL:
		return r.readDecimals(n, nn, valid, bitmap, nulls)
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR, orcproto.Type_BINARY:
		if r.isDict() {
			return r.readDictStrings(n, nn, valid, bitmap, nulls)
		}
		return r.readDirectStrings(n, nn, valid, bitmap, nulls)
	case orcproto.Type_STRUCT:
		return r.readStruct(n, valid, bitmap, nulls)
	case orcproto.Type_LIST, orcproto.Type_MAP:
		return r.readList(n, nn, valid, bitmap, nulls)
	case orcproto.Type_UNION:
		return r.readUnion(n, nn, valid, bitmap, nulls)
	}
	if bitmap != nil {
		bitmap.Release()
	}
	return nil, r.fail(-1, fmt.Errorf("unsupported type %v", r.col.Kind))
}

// readValid combines the parent's validity with this column's PRESENT
// stream. valid is nil when every row is present.
func (r *readColumn) readValid(n int, parentValid []byte) ([]byte, int, error) {
	if !r.hasPresent {
		if parentValid == nil {
			return nil, n, nil
		}
		return parentValid, readCount(parentValid), nil
	}
	if cap(r.valid) < n {
		r.valid = readScratchBytes(r.valid, n)
	}
	v := r.valid[:n]
	if parentValid == nil {
		if err := r.present.next(v); err != nil {
			return nil, 0, r.fail(rPresent, err)
		}
		return v, readCount(v), nil
	}
	m := readCount(parentValid)
	if err := r.present.next(v[:m]); err != nil {
		return nil, 0, r.fail(rPresent, err)
	}
	readSpread(v, parentValid, m)
	return v, readCount(v), nil
}

// readCount counts the 1 bytes of v.
func readCount(v []byte) int {
	n := 0
	for _, b := range v {
		n += int(b)
	}
	return n
}

// readSpread moves the first nn values of buf to the positions of valid's
// 1s (in order), zeroing the others. It runs backwards so it works in place.
func readSpread[T any](buf []T, valid []byte, nn int) {
	var zero T
	j := nn - 1
	for i := len(valid) - 1; i >= 0 && i > j; i-- {
		if valid[i] != 0 {
			buf[i] = buf[j]
			j--
		} else {
			buf[i] = zero
		}
	}
}

// readBitmap packs 0/1 bytes into an Arrow (LSB-first) bitmap.
func readBitmap(mem memory.Allocator, valid []byte) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize((len(valid) + 7) / 8)
	b := buf.Bytes()
	full := len(valid) / 8
	for i := 0; i < full; i++ {
		v := valid[8*i : 8*i+8]
		b[i] = v[0] | v[1]<<1 | v[2]<<2 | v[3]<<3 | v[4]<<4 | v[5]<<5 | v[6]<<6 | v[7]<<7
	}
	if rem := len(valid) - 8*full; rem > 0 {
		var c byte
		for k, x := range valid[8*full:] {
			c |= x << uint(k)
		}
		b[full] = c
	}
	return buf
}

func (r *readColumn) newBuf(size int) *memory.Buffer {
	b := memory.NewResizableBuffer(r.mem)
	b.Resize(size)
	return b
}

// readData wraps buffers into array data and drops the reader's references.
func readData(dt arrow.DataType, n int, bufs []*memory.Buffer, children []arrow.ArrayData, nulls int) *array.Data {
	d := array.NewData(dt, n, bufs, children, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	for _, c := range children {
		c.Release()
	}
	return d
}

func (r *readColumn) int64s(n int) []int64 {
	if cap(r.ints64) < n {
		r.ints64 = readScratchInts(r.ints64, n)
	}
	return r.ints64[:n]
}

func (r *readColumn) readBool(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	if cap(r.tmp) < n {
		r.tmp = readScratchBytes(r.tmp, n)
	}
	t := r.tmp[:n]
	if err := r.bools.next(t[:nn]); err != nil {
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(rData, err)
	}
	if valid != nil {
		readSpread(t, valid, nn)
	}
	return readData(r.outType, n, []*memory.Buffer{bitmap, readBitmap(r.mem, t)}, nil, nulls), nil
}

func (r *readColumn) readBytes(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	buf := r.newBuf(n)
	b := buf.Bytes()
	if err := r.bytes.next(b[:nn]); err != nil {
		buf.Release()
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(rData, err)
	}
	if valid != nil {
		readSpread(b, valid, nn)
	}
	return readData(r.outType, n, []*memory.Buffer{bitmap, buf}, nil, nulls), nil
}

// readInts decodes integer-encoded columns (short, int, long, date).
func readInts[T int16 | int32 | int64](r *readColumn, dt arrow.DataType, n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	var zero T
	size := int(readSizeof(zero))
	buf := r.newBuf(n * size)
	var out []T
	var tmp []int64
	switch any(zero).(type) {
	case int64:
		tmp = arrow.Int64Traits.CastFromBytes(buf.Bytes())[:nn]
		out = any(arrow.Int64Traits.CastFromBytes(buf.Bytes())).([]T)
	case int32:
		tmp = r.int64s(nn)
		out = any(arrow.Int32Traits.CastFromBytes(buf.Bytes())).([]T)
	default:
		tmp = r.int64s(nn)
		out = any(arrow.Int16Traits.CastFromBytes(buf.Bytes())).([]T)
	}
	if err := r.ints.next(tmp); err != nil {
		buf.Release()
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(rData, err)
	}
	if size != 8 {
		for i, v := range tmp {
			out[i] = T(v)
		}
	}
	if valid != nil {
		readSpread(out, valid, nn)
	}
	return readData(dt, n, []*memory.Buffer{bitmap, buf}, nil, nulls), nil
}

func readSizeof[T int16 | int32 | int64](v T) uintptr {
	switch any(v).(type) {
	case int16:
		return 2
	case int32:
		return 4
	}
	return 8
}

// readFloats copies IEEE 754 little-endian values, which is also Arrow's
// layout on the little-endian machines Go runs on.
func readFloats[T float32 | float64](r *readColumn, dt arrow.DataType, size, n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	data := r.streams[rData].b
	need := nn * size
	if need > len(data)-r.rawPos {
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(rData, decErrShort)
	}
	buf := r.newBuf(n * size)
	b := buf.Bytes()
	src := data[r.rawPos : r.rawPos+need]
	r.rawPos += need
	if size == 4 {
		out := arrow.Float32Traits.CastFromBytes(b)
		for i := 0; i < nn; i++ {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
		if valid != nil {
			readSpread(out, valid, nn)
		}
	} else {
		out := arrow.Float64Traits.CastFromBytes(b)
		for i := 0; i < nn; i++ {
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
		}
		if valid != nil {
			readSpread(out, valid, nn)
		}
	}
	return readData(dt, n, []*memory.Buffer{bitmap, buf}, nil, nulls), nil
}

// readNanoPow are the multipliers of the nanosecond encoding: the low three
// bits z of a value say it had z+1 trailing decimal zeros removed (z>0).
var readNanoPow = [8]int64{1, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

func (r *readColumn) readTimestamps(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	buf := r.newBuf(n * 8)
	out := arrow.Int64Traits.CastFromBytes(buf.Bytes())
	secs := out[:nn]
	if err := r.ints.next(secs); err != nil {
		buf.Release()
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(rData, err)
	}
	nanos := r.int64s(nn)
	if err := r.ints2.next(nanos); err != nil {
		buf.Release()
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(rSecondary, err)
	}
	epoch := r.tsEpoch
	for i, s := range secs {
		ns := nanos[i]
		ns = (ns >> 3) * readNanoPow[ns&7]
		if ns > 999999999 || ns < 0 {
			buf.Release()
			if bitmap != nil {
				bitmap.Release()
			}
			return nil, r.fail(rSecondary, fmt.Errorf("nanoseconds %d out of range: %w", ns, ErrCorrupt))
		}
		s += epoch
		// Java writers truncated negative times towards zero, so a time
		// before 1970 with a sub-millisecond part is one second too late.
		if s < 0 && ns > 999999 {
			s--
		}
		secs[i] = s*1e9 + ns
	}
	if valid != nil {
		readSpread(out, valid, nn)
	}
	return readData(r.outType, n, []*memory.Buffer{bitmap, buf}, nil, nulls), nil
}

// readDecimals decodes unbounded zigzag varints (DATA) scaled by per-value
// scales (SECONDARY) into decimal128 at the column's scale.
func (r *readColumn) readDecimals(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	dt := r.outType.(*arrow.Decimal128Type)
	scales := r.int64s(nn)
	fail := func(slot int, err error) (arrow.ArrayData, error) {
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(slot, err)
	}
	if err := r.ints2.next(scales); err != nil {
		return fail(rSecondary, err)
	}
	buf := r.newBuf(n * 16)
	out := arrow.Decimal128Traits.CastFromBytes(buf.Bytes())
	data := r.streams[rData].b
	for i := 0; i < nn; i++ {
		var lo, hi uint64
		shift := uint(0)
		for {
			if r.rawPos >= len(data) {
				buf.Release()
				return fail(rData, decErrShort)
			}
			c := data[r.rawPos]
			r.rawPos++
			v := uint64(c & 0x7f)
			if shift < 64 {
				lo |= v << shift
				if shift > 57 {
					hi |= v >> (64 - shift)
				}
			} else if shift < 128 {
				hi |= v << (shift - 64)
			} else {
				buf.Release()
				return fail(rData, fmt.Errorf("decimal varint longer than 128 bits: %w", ErrCorrupt))
			}
			shift += 7
			if c < 0x80 {
				break
			}
		}
		// unzigzag 128-bit: (u >> 1) ^ -(u & 1)
		neg := lo&1 == 1
		lo = lo>>1 | hi<<63
		hi >>= 1
		if neg {
			lo, hi = ^lo, ^hi
		}
		v := decimal128.New(int64(hi), lo)
		if s := int32(scales[i]); s != dt.Scale {
			var err error
			v, err = readRescale(v, s, dt.Scale)
			if err != nil {
				buf.Release()
				return fail(rSecondary, err)
			}
		}
		out[i] = v
	}
	if valid != nil {
		readSpread(out, valid, nn)
	}
	return readData(dt, n, []*memory.Buffer{bitmap, buf}, nil, nulls), nil
}

// readRescale converts a decimal from scale from to scale to, rounding half
// away from zero when digits are dropped. Values that do not fit 128 bits
// after scaling are corrupt for a decimal(38) column.
func readRescale(v decimal128.Num, from, to int32) (decimal128.Num, error) {
	if from < -38 || from > 76 {
		return v, fmt.Errorf("decimal scale %d out of range: %w", from, ErrCorrupt)
	}
	b := v.BigInt()
	if to > from {
		b.Mul(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(to-from)), nil))
	} else {
		d := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(from-to)), nil)
		q, m := new(big.Int).QuoRem(b, d, new(big.Int))
		m.Abs(m).Mul(m, big.NewInt(2))
		if m.Cmp(d) >= 0 {
			if b.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
		b = q
	}
	if b.BitLen() > 127 {
		return v, fmt.Errorf("decimal value does not fit 128 bits at scale %d: %w", to, ErrCorrupt)
	}
	return decimal128.FromBigInt(b), nil
}
