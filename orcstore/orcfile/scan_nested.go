package orcfile

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// readStruct reads the selected fields for the same rows: a child has values
// only where the struct is present, so the struct's validity goes down as
// the children's parent validity. The struct's type is rebuilt from the
// children's batch types, which differ between dictionary and direct
// stripes.
func (r *readColumn) readStruct(n int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	kids := make([]arrow.ArrayData, len(r.children))
	for i, c := range r.children {
		d, err := c.read(n, valid)
		if err != nil {
			for _, k := range kids[:i] {
				k.Release()
			}
			if bitmap != nil {
				bitmap.Release()
			}
			return nil, err
		}
		kids[i] = d
	}
	return readData(r.structType(kids), n, []*memory.Buffer{bitmap}, kids, nulls), nil
}

// structType returns the struct type for children of the given batch types,
// reusing the previous one when nothing changed.
func (r *readColumn) structType(kids []arrow.ArrayData) arrow.DataType {
	if st, ok := r.outType.(*arrow.StructType); ok && st.NumFields() == len(kids) {
		same := true
		for i, k := range kids {
			if !arrow.TypeEqual(st.Field(i).Type, k.DataType()) {
				same = false
				break
			}
		}
		if same {
			return st
		}
	}
	fields := make([]arrow.Field, len(kids))
	for i, k := range kids {
		fields[i] = arrow.Field{Name: r.children[i].col.Name, Type: k.DataType(), Nullable: true}
	}
	r.outType = arrow.StructOf(fields...)
	return r.outType
}

// readLengths reads the LENGTH values of the nn present rows and turns
// them into Arrow offsets; it returns the buffer and the element count.
func (r *readColumn) readLengths(n, nn int, valid []byte) (*memory.Buffer, int, error) {
	lens := r.int64s(nn)
	if err := r.ints2.next(lens); err != nil {
		return nil, 0, r.fail(rLength, err)
	}
	offs := r.newBuf((n + 1) * 4)
	o := arrow.Int32Traits.CastFromBytes(offs.Bytes())
	// maxElems is the stripe-wide element budget, so that lengths from a
	// corrupt file cannot make us build far more elements than the
	// children's streams could hold (an empty struct child holds none).
	limit := int64(min(r.maxElems, math.MaxInt32))
	total := int64(0)
	j := 0
	for i := 0; i < n; i++ {
		o[i] = int32(total)
		if valid != nil && valid[i] == 0 {
			continue
		}
		l := lens[j]
		j++
		if l < 0 || l > limit-total {
			offs.Release()
			return nil, 0, r.fail(rLength, fmt.Errorf("%d elements in one batch, more than the column's streams can hold: %w", total+l, ErrCorrupt))
		}
		total += l
	}
	o[n] = int32(total)
	r.maxElems -= int(total)
	return offs, int(total), nil
}

// readList reads lists and maps: lengths, then the elements (keys and
// values) of all rows at once.
func (r *readColumn) readList(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	offs, total, err := r.readLengths(n, nn, valid)
	if err != nil {
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, err
	}
	kids := make([]arrow.ArrayData, len(r.children))
	for i, c := range r.children {
		d, err := c.read(total, nil)
		if err != nil {
			for _, k := range kids[:i] {
				k.Release()
			}
			offs.Release()
			if bitmap != nil {
				bitmap.Release()
			}
			return nil, err
		}
		kids[i] = d
	}
	if r.col.Kind == orcproto.Type_LIST {
		dt := r.outType
		if lt, ok := dt.(*arrow.ListType); !ok || !arrow.TypeEqual(lt.Elem(), kids[0].DataType()) {
			dt = arrow.ListOf(kids[0].DataType())
			r.outType = dt
		}
		return readData(dt, n, []*memory.Buffer{bitmap, offs}, kids, nulls), nil
	}
	if kids[0].NullN() > 0 {
		for _, k := range kids {
			k.Release()
		}
		offs.Release()
		if bitmap != nil {
			bitmap.Release()
		}
		return nil, r.fail(-1, fmt.Errorf("map has null keys, which Arrow maps cannot hold"))
	}
	mt, ok := r.outType.(*arrow.MapType)
	if !ok || !arrow.TypeEqual(mt.KeyType(), kids[0].DataType()) || !arrow.TypeEqual(mt.ItemType(), kids[1].DataType()) {
		mt = arrow.MapOf(kids[0].DataType(), kids[1].DataType())
		r.outType = mt
	}
	entries := array.NewData(mt.Elem(), total, []*memory.Buffer{nil}, kids, 0, 0)
	kids[0].Release()
	kids[1].Release()
	return readData(mt, n, []*memory.Buffer{bitmap, offs}, []arrow.ArrayData{entries}, nulls), nil
}

// readUnion reads a union as an Arrow dense union. Arrow unions have no
// validity of their own, so a null union row becomes tag 0 with a null
// value (an extra null slot in the first variant).
func (r *readColumn) readUnion(n, nn int, valid []byte, bitmap *memory.Buffer, nulls int) (arrow.ArrayData, error) {
	if bitmap != nil {
		bitmap.Release()
	}
	tags := r.newBuf(n)
	tb := tags.Bytes()
	if err := r.bytes.next(tb[:nn]); err != nil {
		tags.Release()
		return nil, r.fail(rData, err)
	}
	if valid != nil {
		readSpread(tb, valid, nn)
	}
	offs := r.newBuf(n * 4)
	o := arrow.Int32Traits.CastFromBytes(offs.Bytes())
	counts := make([]int, len(r.children))
	masks := make([][]byte, len(r.children))
	for i, t := range tb {
		if int(t) >= len(r.children) {
			tags.Release()
			offs.Release()
			return nil, r.fail(rData, fmt.Errorf("union tag %d, the union has %d variants: %w", t, len(r.children), ErrCorrupt))
		}
		o[i] = int32(counts[t])
		counts[t]++
		isNull := valid != nil && valid[i] == 0
		if t == 0 && (isNull || masks[0] != nil) {
			if masks[0] == nil {
				masks[0] = make([]byte, counts[0]-1, n)
				for k := range masks[0] {
					masks[0][k] = 1
				}
			}
			if isNull {
				masks[0] = append(masks[0], 0)
			} else {
				masks[0] = append(masks[0], 1)
			}
		}
	}
	kids := make([]arrow.ArrayData, len(r.children))
	fields := make([]arrow.Field, len(r.children))
	codes := make([]arrow.UnionTypeCode, len(r.children))
	for i, c := range r.children {
		d, err := c.read(counts[i], masks[i])
		if err != nil {
			for _, k := range kids[:i] {
				k.Release()
			}
			tags.Release()
			offs.Release()
			return nil, err
		}
		kids[i] = d
		fields[i] = arrow.Field{Name: c.col.Name, Type: d.DataType(), Nullable: true}
		codes[i] = arrow.UnionTypeCode(i)
	}
	dt := arrow.DenseUnionOf(fields, codes)
	return readData(dt, n, []*memory.Buffer{nil, tags, offs}, kids, 0), nil
}
