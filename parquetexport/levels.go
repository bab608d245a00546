package parquetexport

import (
	"fmt"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
)

// A leaf column's values and levels come from walking each row from its
// top-level array down the leaf's path. Every nested level is optional
// (query results are nullable throughout) except map keys:
//
//	struct member   present +1
//	list            present +1, non-empty +1 (repeated), element as its type
//	map key/value   present +1, non-empty +1 (repeated), key required
//
// An absent value at any level ends the walk with a NULL at the level
// reached; a list's second and later elements repeat at the list's own
// repetition level.

type stepKind uint8

const (
	stepField    stepKind = iota // into struct member field
	stepList                     // into a list's elements
	stepMapKey                   // into a map's keys
	stepMapValue                 // into a map's values
)

type step struct {
	kind  stepKind
	field int
}

// leaf is one Parquet column and the buffers of the rows being written.
type leaf struct {
	col      int    // top-level column
	path     []step // from the top-level array to the leaf's
	optional bool
	phys     parquet.Type
	maxDef   int16
	maxRep   int16

	defs, reps []int16
	bools      []bool
	i32        []int32
	i64        []int64
	f32        []float32
	f64        []float64
	bytes      []parquet.ByteArray
}

func (l *leaf) reset() {
	l.defs, l.reps = l.defs[:0], l.reps[:0]
	l.bools, l.i32, l.i64, l.f32, l.f64, l.bytes = l.bools[:0], l.i32[:0], l.i64[:0], l.f32[:0], l.f64[:0], l.bytes[:0]
}

func (l *leaf) level(def, rep int16) {
	l.defs = append(l.defs, def)
	if l.maxRep > 0 {
		l.reps = append(l.reps, rep)
	}
}

// walk emits row i of array a, which sits at step depth of the path,
// reached with definition level def and repetition level rep.
func (l *leaf) walk(a arrow.Array, i, depth int, def, rep int16) error {
	if depth == len(l.path) {
		if a.IsNull(i) || a.DataType().ID() == arrow.NULL { // a Null array has no validity bitmap
			if !l.optional {
				return fmt.Errorf("NULL in a required field (a map key)")
			}
			l.level(def, rep)
			return nil
		}
		if l.optional {
			def++
		}
		l.level(def, rep)
		return l.value(a, i)
	}
	if a.IsNull(i) {
		l.level(def, rep)
		return nil
	}
	def++
	st := l.path[depth]
	switch st.kind {
	case stepField:
		s, ok := a.(*array.Struct)
		if !ok {
			return fmt.Errorf("a %s where the schema has a struct", a.DataType())
		}
		return l.walk(s.Field(st.field), i, depth+1, def, rep)
	case stepList:
		lst, ok := a.(*array.List)
		if !ok {
			return fmt.Errorf("a %s where the schema has a list", a.DataType())
		}
		return l.repeated(lst.ListValues(), lst.ValueOffsets, i, depth, def, rep)
	default:
		m, ok := a.(*array.Map)
		if !ok {
			return fmt.Errorf("a %s where the schema has a map", a.DataType())
		}
		child := m.Items()
		if st.kind == stepMapKey {
			child = m.Keys()
		}
		return l.repeated(child, m.ValueOffsets, i, depth, def, rep)
	}
}

// repeated emits the elements of row i of a list or map: an empty one as
// a NULL at def, the first element at the row's repetition level, the
// others at this list's.
func (l *leaf) repeated(child arrow.Array, offsets func(int) (int64, int64), i, depth int, def, rep int16) error {
	start, end := offsets(i)
	if start == end {
		l.level(def, rep)
		return nil
	}
	own := l.repLevel(depth)
	for j := start; j < end; j++ {
		r := rep
		if j > start {
			r = own
		}
		if err := l.walk(child, int(j), depth+1, def+1, r); err != nil {
			return err
		}
	}
	return nil
}

// repLevel is the repetition level of the list or map at path step depth:
// the number of repeated levels down to and including it.
func (l *leaf) repLevel(depth int) int16 {
	var n int16
	for _, st := range l.path[:depth+1] {
		if st.kind != stepField {
			n++
		}
	}
	return n
}

// value appends value i of a (non-null) to the leaf's values.
func (l *leaf) value(a arrow.Array, i int) error {
	if d, ok := a.(*array.Dictionary); ok {
		return l.value(d.Dictionary(), d.GetValueIndex(i))
	}
	switch x := a.(type) {
	case *array.Boolean:
		l.bools = append(l.bools, x.Value(i))
	case *array.Int8:
		l.i32 = append(l.i32, int32(x.Value(i)))
	case *array.Int16:
		l.i32 = append(l.i32, int32(x.Value(i)))
	case *array.Int32:
		l.i32 = append(l.i32, x.Value(i))
	case *array.Uint8:
		l.i32 = append(l.i32, int32(x.Value(i)))
	case *array.Uint16:
		l.i32 = append(l.i32, int32(x.Value(i)))
	case *array.Uint32:
		l.i32 = append(l.i32, int32(x.Value(i)))
	case *array.Date32:
		l.i32 = append(l.i32, int32(x.Value(i)))
	case *array.Int64:
		l.i64 = append(l.i64, x.Value(i))
	case *array.Uint64:
		l.i64 = append(l.i64, int64(x.Value(i)))
	case *array.Duration:
		l.i64 = append(l.i64, int64(x.Value(i)))
	case *array.MonthInterval:
		l.i32 = append(l.i32, int32(x.Value(i)))
	case *array.Timestamp:
		l.i64 = append(l.i64, micros(int64(x.Value(i)), x.DataType().(*arrow.TimestampType).Unit))
	case *array.Float32:
		l.f32 = append(l.f32, x.Value(i))
	case *array.Float64:
		l.f64 = append(l.f64, x.Value(i))
	case *array.String:
		l.bytes = append(l.bytes, stringBytes(x.Value(i)))
	case *array.LargeString:
		l.bytes = append(l.bytes, stringBytes(x.Value(i)))
	case *array.Binary:
		l.bytes = append(l.bytes, parquet.ByteArray(x.Value(i)))
	case *array.LargeBinary:
		l.bytes = append(l.bytes, parquet.ByteArray(x.Value(i)))
	default:
		return fmt.Errorf("values of type %s: %w", a.DataType(), ErrUnsupported)
	}
	return nil
}

// stringBytes views an Arrow string value's bytes (no copy: the column
// writer encodes them before the record is released).
func stringBytes(s string) parquet.ByteArray { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// micros converts a timestamp to microseconds, truncating finer units.
func micros(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1_000_000
	case arrow.Millisecond:
		return v * 1_000
	case arrow.Nanosecond:
		return v / 1_000
	}
	return v
}

// flush writes the buffered levels and values to the column's writer.
func (l *leaf) flush(cw file.ColumnChunkWriter) error {
	var reps []int16
	if l.maxRep > 0 {
		reps = l.reps
	}
	var err error
	switch w := cw.(type) {
	case *file.BooleanColumnChunkWriter:
		_, err = w.WriteBatch(l.bools, l.defs, reps)
	case *file.Int32ColumnChunkWriter:
		_, err = w.WriteBatch(l.i32, l.defs, reps)
	case *file.Int64ColumnChunkWriter:
		_, err = w.WriteBatch(l.i64, l.defs, reps)
	case *file.Float32ColumnChunkWriter:
		_, err = w.WriteBatch(l.f32, l.defs, reps)
	case *file.Float64ColumnChunkWriter:
		_, err = w.WriteBatch(l.f64, l.defs, reps)
	case *file.ByteArrayColumnChunkWriter:
		_, err = w.WriteBatch(l.bytes, l.defs, reps)
	default:
		return fmt.Errorf("column writer %T: %w", cw, ErrUnsupported)
	}
	return err
}
