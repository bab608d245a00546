package orcfile

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// readStringType is the Arrow type for a direct-encoded column of this kind.
func (r *readColumn) readStringType() arrow.DataType {
	if r.col.Kind == orcproto.Type_BINARY {
		return arrow.BinaryTypes.Binary
	}
	return arrow.BinaryTypes.String
}

// readDictType is the type of dictionary-encoded string batches.
var readDictType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// readDirectStrings decodes DIRECT strings and binaries: LENGTH holds the
// byte length of each non-null value, DATA their bytes back to back.
func (r *readColumn) readDirectStrings(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	fail := func(slot int, err error) (arrow.ArrayData, error) {
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(slot, err)
	}
	lens := r.int64s(nn)
	if err := r.ints2.next(lens); err != nil {
		return fail(rLength, err)
	}
	rs := &r.streams[rData]
	avail := int64(rs.len() - r.rawPos)
	offs := r.newBuf((n + 1) * 4)
	o := arrow.Int32Traits.CastFromBytes(offs.Bytes())
	total := int64(0)
	j := 0
	for i := 0; i < n; i++ {
		o[i] = int32(total)
		if valid != nil && valid[i] == 0 {
			continue
		}
		l := lens[j]
		j++
		if l < 0 || l > avail-total {
			offs.Release()
			return fail(rData, fmt.Errorf("value of %d bytes runs past the stream's end: %w", l, ErrCorrupt))
		}
		total += l
	}
	if total > math.MaxInt32 {
		offs.Release()
		return fail(rData, fmt.Errorf("batch holds %d bytes of strings, more than Arrow's 2 GiB offsets allow", total))
	}
	o[n] = int32(total)
	if rs.lazy != nil {
		vals := r.newBuf(int(total))
		if err := rs.lazy.copyAt(vals.Bytes(), r.rawPos); err != nil {
			offs.Release()
			vals.Release()
			return fail(rData, err)
		}
		r.rawPos += int(total)
		return readData(r.readStringType(), n, []*memory.Buffer{bitmap, offs, vals}, nil, nulls), nil
	}
	if (rs.shared != nil || rs.buf != nil) && int64(r.rawPos)+total <= math.MaxInt32 {
		// The decompressed stream belongs to this scanner: hand its bytes
		// to Arrow instead of copying each batch's values (copying
		// eventJson was a fifth of SELECT * … ORDER BY eventTime LIMIT's
		// CPU). The buffer is then never reused; offsets point into it.
		if rs.shared == nil {
			rs.shared = memory.NewBufferBytes(rs.b)
			rs.buf = nil
		}
		base := int32(r.rawPos)
		for i := range o {
			o[i] += base
		}
		r.rawPos += int(total)
		rs.shared.Retain()
		return readData(r.readStringType(), n, []*memory.Buffer{bitmap, offs, rs.shared}, nil, nulls), nil
	}
	vals := r.newBuf(int(total))
	copy(vals.Bytes(), rs.b[r.rawPos:r.rawPos+int(total)])
	r.rawPos += int(total)
	return readData(r.readStringType(), n, []*memory.Buffer{bitmap, offs, vals}, nil, nulls), nil
}

// readDictStrings decodes DICTIONARY strings: DATA holds indexes into the
// stripe's dictionary. The batch is a dictionary array sharing the stripe's
// dictionary, or plain strings when the scan asked for them.
func (r *readColumn) readDictStrings(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	fail := func(err error) (arrow.ArrayData, error) {
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(rData, err)
	}
	idx := r.int64s(nn)
	if err := r.ints.next(idx); err != nil {
		return fail(err)
	}
	size := int64(r.dictLen)
	for _, v := range idx {
		if uint64(v) >= uint64(size) {
			return fail(fmt.Errorf("dictionary index %d out of range (%d entries): %w", v, size, ErrCorrupt))
		}
	}
	if r.plain || r.col.Kind == orcproto.Type_BINARY {
		return r.readDictPlain(n, nn, valid, bitmap, nulls, idx)
	}
	buf := r.newBuf(n * 4)
	out := arrow.Int32Traits.CastFromBytes(buf.Bytes())
	for i, v := range idx {
		out[i] = int32(v)
	}
	if valid != nil {
		readSpread(out, valid, nn)
	}
	d := array.NewDataWithDictionary(readDictType, n, []*memory.Buffer{bitmap, buf}, nulls, 0, r.dict)
	if bitmap != nil {
		bitmap.Release()
	}
	buf.Release()
	return d, nil
}

// readDictPlain looks dictionary indexes up into a plain string array.
func (r *readColumn) readDictPlain(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int, idx []int64) (arrow.ArrayData, error) {
	var doffs []int32
	var dvals []byte
	if r.dictLazy != nil {
		doffs = r.dictOffs
	} else {
		doffs = arrow.Int32Traits.CastFromBytes(r.dict.Buffers()[1].Bytes())
		dvals = r.dict.Buffers()[2].Bytes()
	}
	total := 0
	for _, v := range idx {
		total += int(doffs[v+1] - doffs[v])
	}
	if total > math.MaxInt32 {
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(rData, fmt.Errorf("batch holds %d bytes of strings, more than Arrow's 2 GiB offsets allow", total))
	}
	offs := r.newBuf((n + 1) * 4)
	o := arrow.Int32Traits.CastFromBytes(offs.Bytes())
	vals := r.newBuf(total)
	vb := vals.Bytes()
	pos := 0
	j := 0
	for i := 0; i < n; i++ {
		o[i] = int32(pos)
		if valid != nil && valid[i] == 0 {
			continue
		}
		v := idx[j]
		j++
		if r.dictLazy != nil {
			l := int(doffs[v+1] - doffs[v])
			if err := r.dictLazy.copyAt(vb[pos:pos+l], int(doffs[v])); err != nil {
				offs.Release()
				vals.Release()
				if bitmap != nil {
					bitmap.Release()
				}
				return nil, r.fail(rDictData, err)
			}
			pos += l
			continue
		}
		pos += copy(vb[pos:], dvals[doffs[v]:doffs[v+1]])
	}
	o[n] = int32(pos)
	return readData(r.readStringType(), n, []*memory.Buffer{bitmap, offs, vals}, nil, nulls), nil
}
