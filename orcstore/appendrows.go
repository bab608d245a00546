package orcstore

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// AppendRows appends the rows of src listed in rows (in that order, repeats
// allowed) to dst. It is a gather ("take") that works for every type of the
// event schema, nested ones included: string, boolean, timestamp, struct,
// list and map. Arrow Go's compute.Take does not support MAP, and ingest
// sorts each partition's events by eventTime across several decoded batches,
// so it needs this; the query engine reuses it to gather rows.
//
// Beyond same-type copies, int64, float64 and dictionary<int32,string>
// sources append to a string builder as their text (float64 as the shortest
// 'g' form), and timestamps convert between units. Any other pair is an
// error, reported before anything is appended to dst.
func AppendRows(dst array.Builder, src arrow.Array, rows []int) error {
	if err := checkAppend(dst.Type(), src.DataType()); err != nil {
		return err
	}
	for _, r := range rows {
		if r < 0 || r >= src.Len() {
			return fmt.Errorf("AppendRows: row %d out of range [0,%d)", r, src.Len())
		}
	}
	appendRows(dst, src, rows)
	return nil
}

// checkAppend reports whether appendRows supports src -> dst.
func checkAppend(dst, src arrow.DataType) error {
	if !appendable(dst, src) {
		return fmt.Errorf("AppendRows: cannot append %s to %s", src, dst)
	}
	return nil
}

// appendable is checkAppend's test. It builds no error (formatting the
// nested types cost a tenth of a top-N's CPU): the caller names the types.
func appendable(dst, src arrow.DataType) bool {
	switch d := dst.(type) {
	case *arrow.StringType:
		switch s := src.(type) {
		case *arrow.StringType, *arrow.Int64Type, *arrow.Float64Type:
			return true
		case *arrow.DictionaryType:
			if s.IndexType.ID() == arrow.INT32 && s.ValueType.ID() == arrow.STRING {
				return true
			}
		}
		return false
	case *arrow.BooleanType, *arrow.Int64Type, *arrow.Float64Type:
		if src.ID() == dst.ID() {
			return true
		}
		return false
	case *arrow.TimestampType:
		if src.ID() == arrow.TIMESTAMP {
			return true
		}
		return false
	case *arrow.StructType:
		s, ok := src.(*arrow.StructType)
		if !ok || s.NumFields() != d.NumFields() {
			return false
		}
		for i := 0; i < d.NumFields(); i++ {
			if !appendable(d.Field(i).Type, s.Field(i).Type) {
				return false
			}
		}
		return true
	case *arrow.MapType:
		s, ok := src.(*arrow.MapType)
		if !ok {
			return false
		}
		return appendable(d.Elem(), s.Elem())
	case *arrow.ListType:
		s, ok := src.(*arrow.ListType)
		if !ok {
			return false
		}
		return appendable(d.Elem(), s.Elem())
	}
	return false
}

// appendRows is AppendRows after checking; a negative row appends NULL
// (used for the children of NULL structs, so that they match what a
// builder's AppendNull produces).
func appendRows(dst array.Builder, src arrow.Array, rows []int) {
	switch d := dst.(type) {
	case *array.StringBuilder:
		appendStrings(d, src, rows)
	case *array.BooleanBuilder:
		s := src.(*array.Boolean)
		for _, r := range rows {
			if r < 0 || s.IsNull(r) {
				d.AppendNull()
			} else {
				d.Append(s.Value(r))
			}
		}
	case *array.Int64Builder:
		s := src.(*array.Int64)
		for _, r := range rows {
			if r < 0 || s.IsNull(r) {
				d.AppendNull()
			} else {
				d.Append(s.Value(r))
			}
		}
	case *array.Float64Builder:
		s := src.(*array.Float64)
		for _, r := range rows {
			if r < 0 || s.IsNull(r) {
				d.AppendNull()
			} else {
				d.Append(s.Value(r))
			}
		}
	case *array.TimestampBuilder:
		s := src.(*array.Timestamp)
		from := s.DataType().(*arrow.TimestampType).Unit
		to := d.Type().(*arrow.TimestampType).Unit
		for _, r := range rows {
			if r < 0 || s.IsNull(r) {
				d.AppendNull()
			} else {
				d.Append(convertUnit(s.Value(r), from, to))
			}
		}
	case *array.StructBuilder:
		s := src.(*array.Struct)
		valid := make([]bool, len(rows))
		child := make([]int, len(rows))
		for i, r := range rows {
			valid[i] = r >= 0 && s.IsValid(r)
			child[i] = -1
			if valid[i] {
				child[i] = r
			}
		}
		d.AppendValues(valid)
		for i := 0; i < d.NumField(); i++ {
			appendRows(d.FieldBuilder(i), s.Field(i), child)
		}
	case *array.MapBuilder:
		s := src.(*array.Map)
		offsets, valid, child := listRows(d.ValueBuilder().Len(), s.List, rows)
		d.AppendValues(offsets, valid)
		appendRows(d.ValueBuilder(), s.ListValues(), child)
	case *array.ListBuilder:
		s := src.(*array.List)
		offsets, valid, child := listRows(d.ValueBuilder().Len(), s, rows)
		d.AppendValues(offsets, valid)
		appendRows(d.ValueBuilder(), s.ListValues(), child)
	}
}

// listRows computes, for the given rows of a list array, the start offsets
// of the new elements (the child builder holding base values already), their
// validity, and the child rows to append.
func listRows(base int, s *array.List, rows []int) ([]int32, []bool, []int) {
	offsets := make([]int32, len(rows))
	valid := make([]bool, len(rows))
	var child []int
	for i, r := range rows {
		offsets[i] = int32(base + len(child))
		if r < 0 || s.IsNull(r) {
			continue
		}
		valid[i] = true
		start, end := s.ValueOffsets(r)
		for j := start; j < end; j++ {
			child = append(child, int(j))
		}
	}
	return offsets, valid, child
}

func appendStrings(d *array.StringBuilder, src arrow.Array, rows []int) {
	var buf []byte
	switch s := src.(type) {
	case *array.String:
		// Reserve once, then append without per-value capacity checks:
		// this is the hot loop of a sort (most leaves are strings).
		offs := s.ValueOffsets()
		data, base := s.ValueBytes(), offs[0]
		total := 0
		for _, r := range rows {
			if r >= 0 {
				total += int(offs[r+1] - offs[r])
			}
		}
		reserveStrings(d, len(rows), total)
		for _, r := range rows {
			if r < 0 || s.IsNull(r) {
				d.AppendNull()
			} else {
				d.UnsafeAppend(data[offs[r]-base : offs[r+1]-base])
			}
		}
	case *array.Int64:
		for _, r := range rows {
			if r < 0 || s.IsNull(r) {
				d.AppendNull()
			} else {
				buf = strconv.AppendInt(buf[:0], s.Value(r), 10)
				d.BinaryBuilder.Append(buf)
			}
		}
	case *array.Float64:
		for _, r := range rows {
			if r < 0 || s.IsNull(r) {
				d.AppendNull()
			} else {
				buf = strconv.AppendFloat(buf[:0], s.Value(r), 'g', -1, 64)
				d.BinaryBuilder.Append(buf)
			}
		}
	case *array.Dictionary:
		// The struct fields of resources and userIdentity are dictionary
		// encoded: size the bytes first, as for plain strings, or the
		// value buffer grows by copying (a third of filter(resources, …)).
		dict := s.Dictionary().(*array.String)
		offs := dict.ValueOffsets()
		data, base := dict.ValueBytes(), offs[0]
		ix := make([]int32, len(rows))
		total := 0
		for i, r := range rows {
			ix[i] = -1
			if r >= 0 && s.IsValid(r) {
				k := int32(s.GetValueIndex(r))
				ix[i] = k
				total += int(offs[k+1] - offs[k])
			}
		}
		reserveStrings(d, len(rows), total)
		for _, k := range ix {
			if k < 0 || dict.IsNull(int(k)) {
				d.AppendNull()
			} else {
				d.UnsafeAppend(data[offs[k]-base : offs[k+1]-base])
			}
		}
	}
}

// reserveStrings makes room in d for n more values of size bytes in all.
// ReserveData grows to exactly the size asked: ask for at least double,
// or appending batch after batch (a sort's collection) copies
// quadratically.
func reserveStrings(d *array.StringBuilder, n, size int) {
	d.Reserve(n)
	if d.DataLen()+size > d.DataCap() {
		d.ReserveData(max(size, d.DataCap()))
	}
}

func convertUnit(v arrow.Timestamp, from, to arrow.TimeUnit) arrow.Timestamp {
	if from == to {
		return v
	}
	// Units are 0 (s) .. 3 (ns), each 1000 times finer.
	for u := from; u < to; u++ {
		v *= 1000
	}
	for u := from; u > to; u-- {
		v /= 1000
	}
	return v
}
