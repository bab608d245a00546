package exec

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/orcstore"
)

// take gathers rows of a (in order, repeats allowed) into a new array of the
// same type. Dictionary arrays stay dictionary-encoded (only indices are
// gathered); fixed-width and string arrays take fast paths; nested types go
// takeOrSlice is take, but rows that are one ascending run (an UNNEST's
// elements of consecutive rows, a partition in input order) come back as
// a zero-copy slice of a.
func takeOrSlice(mem memory.Allocator, a arrow.Array, rows []int32) (arrow.Array, error) {
	if len(rows) == 0 {
		return take(mem, a, rows)
	}
	lo := rows[0]
	for k, r := range rows {
		if r != lo+int32(k) {
			return take(mem, a, rows)
		}
	}
	return array.NewSlice(a, int64(lo), int64(lo)+int64(len(rows))), nil
}

// through orcstore.AppendRows, which unlike compute.Take handles maps.
func take(mem memory.Allocator, a arrow.Array, rows []int32) (arrow.Array, error) {
	switch a := a.(type) {
	case *array.Int64:
		return takeFixed(mem, a, a.Int64Values(), rows, arrow.Int64Traits.BytesRequired), nil
	case *array.Float64:
		return takeFixed(mem, a, a.Float64Values(), rows, arrow.Float64Traits.BytesRequired), nil
	case *array.Timestamp:
		return takeFixed(mem, a, a.TimestampValues(), rows, arrow.TimestampTraits.BytesRequired), nil
	case *array.Date32:
		return takeFixed(mem, a, a.Date32Values(), rows, arrow.Date32Traits.BytesRequired), nil
	case *array.Int32:
		return takeFixed(mem, a, a.Int32Values(), rows, arrow.Int32Traits.BytesRequired), nil
	case *array.Null:
		return array.NewNull(len(rows)), nil
	case *array.Binary:
		b := array.NewBinaryBuilder(mem, a.DataType().(arrow.BinaryDataType))
		defer b.Release()
		b.Reserve(len(rows))
		appendValues[[]byte](b, a, rows)
		return b.NewArray(), nil
	case *array.Dictionary:
		ix, err := take(mem, a.Indices(), rows)
		if err != nil {
			return nil, err
		}
		defer ix.Release()
		return array.NewDictionaryArray(a.DataType(), ix, a.Dictionary()), nil
	case *array.String:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		size := 0
		for _, r := range rows {
			size += a.ValueLen(int(r))
		}
		b.Reserve(len(rows))
		b.ReserveData(size)
		if a.NullN() == 0 {
			for _, r := range rows {
				b.Append(a.Value(int(r)))
			}
		} else {
			for _, r := range rows {
				if a.IsNull(int(r)) {
					b.AppendNull()
				} else {
					b.Append(a.Value(int(r)))
				}
			}
		}
		return b.NewArray(), nil
	}
	// Nested values are rebuilt with plain children: a struct read from a
	// dictionary-encoded stripe may hold dictionary<int32,string> fields.
	b := array.NewBuilder(mem, plainType(a.DataType()))
	defer b.Release()
	if err := appendRowsTo(b, a, rows); err != nil {
		return nil, err
	}
	return b.NewArray(), nil
}

// plainType is dt with every dictionary replaced by its value type.
func plainType(dt arrow.DataType) arrow.DataType {
	switch t := dt.(type) {
	case *arrow.DictionaryType:
		return plainType(t.ValueType)
	case *arrow.StructType:
		fs := t.Fields()
		for i := range fs {
			fs[i].Type = plainType(fs[i].Type)
		}
		return arrow.StructOf(fs...)
	case *arrow.ListType:
		f := t.ElemField()
		f.Type = plainType(f.Type)
		return arrow.ListOfField(f)
	case *arrow.MapType:
		m := arrow.MapOf(plainType(t.KeyType()), plainType(t.ItemType()))
		m.KeysSorted = t.KeysSorted
		return m
	}
	return dt
}

// takeFixed gathers a fixed-width array straight into new buffers.
func takeFixed[T any](mem memory.Allocator, a arrow.Array, vals []T, rows []int32, bytes func(int) int) arrow.Array {
	n := len(rows)
	data := memory.NewResizableBuffer(mem)
	data.Resize(bytes(n))
	out := castSlice[T](data.Bytes(), n)
	var nullBuf *memory.Buffer
	nulls := 0
	if a.NullN() == 0 {
		for i, r := range rows {
			out[i] = vals[r]
		}
	} else {
		nullBuf = memory.NewResizableBuffer(mem)
		nullBuf.Resize(int(bitutil.BytesForBits(int64(n))))
		bits := nullBuf.Bytes()
		for i := range bits {
			bits[i] = 0
		}
		for i, r := range rows {
			out[i] = vals[r]
			if a.IsValid(int(r)) {
				bitutil.SetBit(bits, i)
			} else {
				nulls++
			}
		}
	}
	d := array.NewData(a.DataType(), n, []*memory.Buffer{nullBuf, data}, nil, nulls, 0)
	defer d.Release()
	data.Release()
	if nullBuf != nil {
		nullBuf.Release()
	}
	return array.MakeFromData(d)
}

// appendRowsTo appends rows of a to b, b being of a's plain type (a may be
// a dictionary of it). Types the event schema lacks (date, int32, null) are
// handled here; the rest by orcstore.AppendRows.
func appendRowsTo(b array.Builder, a arrow.Array, rows []int32) error {
	if d, ok := a.(*array.Dictionary); ok {
		return appendDictRows(b, d, rows)
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		if s, ok := a.(*array.String); ok {
			// Reserve the bytes once: growing the value buffer by doubling
			// dominated Sort's collection phase in profiles.
			size := 0
			for _, r := range rows {
				size += s.ValueLen(int(r))
			}
			b.Reserve(len(rows))
			if b.DataLen()+size > b.DataCap() {
				// ReserveData grows to exactly the size asked: ask for
				// at least double, or appending batch after batch copies
				// quadratically.
				b.ReserveData(max(size, b.DataCap()))
			}
			appendValues(b, s, rows)
			return nil
		}
	case *array.Date32Builder:
		s, ok := a.(*array.Date32)
		if !ok {
			return fmt.Errorf("cannot append %s to date", a.DataType())
		}
		appendValues(b, s, rows)
		return nil
	case *array.Int32Builder:
		s, ok := a.(*array.Int32)
		if !ok {
			return fmt.Errorf("cannot append %s to int32", a.DataType())
		}
		appendValues(b, s, rows)
		return nil
	case *array.NullBuilder:
		b.AppendNulls(len(rows))
		return nil
	case *array.BinaryBuilder:
		if s, ok := a.(*array.Binary); ok {
			appendValues[[]byte](b, s, rows)
			return nil
		}
	}
	ints := make([]int, len(rows))
	for i, r := range rows {
		ints[i] = int(r)
	}
	if err := orcstore.AppendRows(b, a, ints); err != nil {
		// Types the event schema lacks, nested (array(date),
		// array(ipaddress), map(varchar, interval), …): value by value.
		return appendGeneric(b, a, rows)
	}
	return nil
}

// appendValues appends rows of src to b, NULLs included: the one loop of
// the string, date and int32 cases of appendRowsTo.
func appendValues[T any](b interface {
	Append(T)
	AppendNull()
}, src interface {
	IsNull(int) bool
	Value(int) T
}, rows []int32) {
	for _, r := range rows {
		if src.IsNull(int(r)) {
			b.AppendNull()
		} else {
			b.Append(src.Value(int(r)))
		}
	}
}

// appendDictRows appends rows of a dictionary array (every row when rows is
// nil) to a builder of its value type.
func appendDictRows(b array.Builder, d *array.Dictionary, rows []int32) error {
	dict := d.Dictionary()
	if rows == nil {
		rows = make([]int32, d.Len())
		for i := range rows {
			rows[i] = int32(i)
		}
	}
	if sb, ok := b.(*array.StringBuilder); ok {
		if s, ok := dict.(*array.String); ok {
			for _, r := range rows {
				if !validAt(d, int(r)) {
					sb.AppendNull()
				} else {
					sb.Append(s.Value(d.GetValueIndex(int(r))))
				}
			}
			return nil
		}
	}
	idx := make([]int32, len(rows))
	var nullRows []int
	for i, r := range rows {
		if d.IsNull(int(r)) {
			nullRows = append(nullRows, i)
			continue
		}
		idx[i] = int32(d.GetValueIndex(int(r)))
	}
	if len(nullRows) == 0 {
		return appendRowsTo(b, dict, idx)
	}
	// Rare: NULL indices into a non-string dictionary; append row by row.
	for i := range rows {
		if len(nullRows) > 0 && nullRows[0] == i {
			nullRows = nullRows[1:]
			b.AppendNull()
			continue
		}
		if err := appendRowsTo(b, dict, idx[i:i+1]); err != nil {
			return err
		}
	}
	return nil
}
