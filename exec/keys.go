package exec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// keyEncoder appends a canonical byte encoding of row i of one column:
// equal SQL values (a dictionary entry and the same plain string, -0 and 0,
// maps with the same entries in any order) encode to equal bytes, and the
// encoding is self-delimiting so several columns concatenate unambiguously.
// GROUP BY and DISTINCT over maps, arrays and rows hash these bytes.
type keyEncoder func(buf []byte, i int) []byte

func newKeyEncoder(a arrow.Array) (keyEncoder, error) {
	val, err := valueEncoder(a)
	if err != nil {
		return nil, err
	}
	if d, ok := a.(*array.Dictionary); ok {
		return func(buf []byte, i int) []byte {
			if !validAt(d, i) {
				return append(buf, 0)
			}
			return val(append(buf, 1), i)
		}, nil
	}
	if a.NullN() == 0 {
		return func(buf []byte, i int) []byte { return val(append(buf, 1), i) }, nil
	}
	return func(buf []byte, i int) []byte {
		if a.IsNull(i) {
			return append(buf, 0)
		}
		return val(append(buf, 1), i)
	}, nil
}

// valueEncoder encodes a non-NULL value.
func valueEncoder(a arrow.Array) (keyEncoder, error) {
	if vals, ok := int64s(a); ok {
		return func(buf []byte, i int) []byte { return binary.LittleEndian.AppendUint64(buf, uint64(vals[i])) }, nil
	}
	if at, ok := stringAt(a); ok {
		return func(buf []byte, i int) []byte {
			s := at(i)
			return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
		}, nil
	}
	switch a := a.(type) {
	case *array.Float64:
		vals := a.Float64Values()
		return func(buf []byte, i int) []byte {
			return binary.LittleEndian.AppendUint64(buf, math.Float64bits(normFloat(vals[i])))
		}, nil
	case *array.Boolean:
		return func(buf []byte, i int) []byte { return append(buf, byte(b2i(a.Value(i)))) }, nil
	case *array.Null:
		return func(buf []byte, i int) []byte { return buf }, nil
	case *array.Struct:
		fs := make([]keyEncoder, a.NumField())
		for k := range fs {
			f, err := newKeyEncoder(a.Field(k))
			if err != nil {
				return nil, err
			}
			fs[k] = f
		}
		return func(buf []byte, i int) []byte {
			for _, f := range fs {
				buf = f(buf, i)
			}
			return buf
		}, nil
	case *array.Map:
		keys, err := newKeyEncoder(a.Keys())
		if err != nil {
			return nil, err
		}
		items, err := newKeyEncoder(a.Items())
		if err != nil {
			return nil, err
		}
		return func(buf []byte, i int) []byte {
			s, e := a.ValueOffsets(i)
			buf = binary.AppendUvarint(buf, uint64(e-s))
			ents := make([][]byte, 0, e-s)
			for j := s; j < e; j++ {
				ent := keys(nil, int(j))
				ents = append(ents, items(ent, int(j)))
			}
			// Keys are unique within a map and self-delimiting, so
			// sorting whole entries sorts by key.
			sort.Slice(ents, func(x, y int) bool { return bytes.Compare(ents[x], ents[y]) < 0 })
			for _, ent := range ents {
				buf = append(buf, ent...)
			}
			return buf
		}, nil
	case *array.List:
		elem, err := newKeyEncoder(a.ListValues())
		if err != nil {
			return nil, err
		}
		return func(buf []byte, i int) []byte {
			s, e := a.ValueOffsets(i)
			buf = binary.AppendUvarint(buf, uint64(e-s))
			for j := s; j < e; j++ {
				buf = elem(buf, int(j))
			}
			return buf
		}, nil
	}
	return nil, fmt.Errorf("cannot group by values of type %s", a.DataType())
}
