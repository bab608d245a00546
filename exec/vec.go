package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// Vec is the value of an expression over a batch: an array with one value
// per live row (dense, in Sel order), or a constant. Unlike fn.Vec, Arr may
// be dictionary-encoded (dictionary<int32, string>) where the SQL type is a
// string. The receiver of a Vec owns Arr and must Release it.
type Vec struct {
	Arr     arrow.Array
	IsConst bool
	Const   planner.Value
}

// Release releases Arr if any.
func (v Vec) Release() {
	if v.Arr != nil {
		v.Arr.Release()
	}
}

func constVec(v planner.Value) Vec { return Vec{IsConst: true, Const: v} }

// materialize returns v as a plain array of n values of type t (constants
// broadcast, dictionaries decoded). The caller releases the result.
func materialize(mem memory.Allocator, v Vec, t planner.Type, n int) (arrow.Array, error) {
	if v.IsConst {
		return constArray(mem, t, v.Const, n)
	}
	if d, ok := v.Arr.(*array.Dictionary); ok {
		return decodeDict(mem, d)
	}
	v.Arr.Retain()
	return v.Arr, nil
}

// toFn converts v to a kernel argument: dictionaries decoded, constants kept.
func toFn(mem memory.Allocator, v Vec) (fn.Vec, func(), error) {
	if v.IsConst {
		return fn.Vec{IsConst: true, Const: v.Const}, func() {}, nil
	}
	if d, ok := v.Arr.(*array.Dictionary); ok {
		arr, err := decodeDict(mem, d)
		if err != nil {
			return fn.Vec{}, nil, err
		}
		return fn.Vec{Arr: arr}, arr.Release, nil
	}
	return fn.Vec{Arr: v.Arr}, func() {}, nil
}

// decodeDict turns a dictionary array into a plain array of its value type.
func decodeDict(mem memory.Allocator, d *array.Dictionary) (arrow.Array, error) {
	b := array.NewBuilder(mem, d.Dictionary().DataType())
	defer b.Release()
	if err := appendDictRows(b, d, nil); err != nil {
		return nil, err
	}
	return b.NewArray(), nil
}

// constArray broadcasts one constant to n rows of type t.
func constArray(mem memory.Allocator, t planner.Type, v planner.Value, n int) (arrow.Array, error) {
	if v.Null {
		b := array.NewBuilder(mem, t.Arrow())
		defer b.Release()
		b.AppendNulls(n)
		return b.NewArray(), nil
	}
	b := array.NewBuilder(mem, t.Arrow())
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		if err := appendValue(b, v); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}

// appendValue appends one scalar constant to a builder of its type.
func appendValue(b array.Builder, v planner.Value) error {
	if v.Null {
		b.AppendNull()
		return nil
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		b.Append(v.Bool)
	case *array.Int64Builder:
		b.Append(v.Int)
	case *array.Int32Builder:
		b.Append(int32(v.Int))
	case *array.Float64Builder:
		b.Append(v.Float)
	case *array.StringBuilder:
		b.Append(v.Str)
	case *array.BinaryBuilder:
		b.Append([]byte(v.Str))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v.Int))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v.Int))
	case *array.NullBuilder:
		b.AppendNull()
	default:
		return fmt.Errorf("cannot build a constant of type %s", b.Type())
	}
	return nil
}

// valueAt reads row i of a scalar array as a planner.Value.
func valueAt(a arrow.Array, i int) (planner.Value, error) {
	if a.IsNull(i) {
		return planner.Value{Null: true}, nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return planner.Value{Bool: a.Value(i)}, nil
	case *array.Int64:
		return planner.Value{Int: a.Value(i)}, nil
	case *array.Int32:
		return planner.Value{Int: int64(a.Value(i))}, nil
	case *array.Float64:
		return planner.Value{Float: a.Value(i)}, nil
	case *array.String:
		return planner.Value{Str: a.Value(i)}, nil
	case *array.Binary:
		return planner.Value{Str: string(a.Value(i))}, nil
	case *array.Timestamp:
		return planner.Value{Int: int64(a.Value(i))}, nil
	case *array.Date32:
		return planner.Value{Int: int64(a.Value(i))}, nil
	case *array.Dictionary:
		return valueAt(a.Dictionary(), a.GetValueIndex(i))
	case *array.Null:
		return planner.Value{Null: true}, nil
	}
	return planner.Value{}, fmt.Errorf("no constant form for a value of type %s", a.DataType())
}

// int64s returns the values of an integer-like array (bigint, timestamp,
// date, interval) widened to int64, sharing memory where possible.
func int64s(a arrow.Array) ([]int64, bool) {
	switch a := a.(type) {
	case *array.Int64:
		return a.Int64Values(), true
	case *array.Timestamp:
		v := a.TimestampValues()
		return arrow.Int64Traits.CastFromBytes(arrow.TimestampTraits.CastToBytes(v)), true
	case *array.Date32:
		out := make([]int64, a.Len())
		for i, d := range a.Date32Values() {
			out[i] = int64(d)
		}
		return out, true
	case *array.Int32:
		out := make([]int64, a.Len())
		for i, d := range a.Int32Values() {
			out[i] = int64(d)
		}
		return out, true
	}
	return nil, false
}

// strings returns the values of a string array as zero-copy Go strings.
func stringsOf(a *array.String) []string {
	out := make([]string, a.Len())
	for i := range out {
		out[i] = a.Value(i)
	}
	return out
}

// normFloat maps -0 to 0 and every NaN to one NaN, so that equal SQL values
// hash and compare equal.
func normFloat(f float64) float64 {
	if f == 0 {
		return 0
	}
	if f != f {
		return math.NaN()
	}
	return f
}

// dictIndexes returns a dictionary's indices as int32 (the ORC reader's
// index type), converting other index widths.
func dictIndexes(d *array.Dictionary) []int32 {
	if ix, ok := d.Indices().(*array.Int32); ok {
		return ix.Int32Values()
	}
	out := make([]int32, d.Len())
	for i := range out {
		out[i] = int32(d.GetValueIndex(i))
	}
	return out
}

// validAt reports whether row i of a is non-NULL, looking through
// dictionaries whose values may hold NULLs.
func validAt(a arrow.Array, i int) bool {
	if a.DataType().ID() == arrow.NULL {
		return false // array.Null has no bitmap, so IsNull says false
	}
	if a.IsNull(i) {
		return false
	}
	if d, ok := a.(*array.Dictionary); ok {
		return d.Dictionary().IsValid(d.GetValueIndex(i))
	}
	return true
}
