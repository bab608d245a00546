package querytest

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// Boxed values of the reference evaluator and of converted engine results.
// nil is SQL NULL; scalars are bool, int64 (bigint, timestamp ns, date days,
// intervals), float64 and string (varchar, json); compounds are []any
// (array), *MapVal (map, entries in stored order) and RowVal (a struct's
// fields in type order). Speed does not matter here; clarity does.

// MapVal is a map value with its entries in order.
type MapVal struct {
	Keys, Vals []any
}

// RowVal is a row (struct) value.
type RowVal []any

// Get returns the value under key k and whether it is present.
func (m *MapVal) Get(k any) (any, bool) {
	for i, key := range m.Keys {
		if key == k {
			return m.Vals[i], true
		}
	}
	return nil, false
}

// FromArrow boxes row i of a (dictionary-encoded arrays are decoded).
func FromArrow(a arrow.Array, i int, t planner.Type) any {
	if a.IsNull(i) {
		return nil
	}
	if d, ok := a.(*array.Dictionary); ok {
		return FromArrow(d.Dictionary(), d.GetValueIndex(i), t)
	}
	if s, ok := a.(*array.String); ok && (t.Kind == planner.KindIPAddress || t.Kind == planner.KindIPPrefix) {
		// Results carry addresses as text (exec.ResultArrow); the boxed
		// form is the engine's 16 (17) bytes.
		parse := planner.ParseIP
		if t.Kind == planner.KindIPPrefix {
			parse = planner.ParsePrefix
		}
		b, err := parse(s.Value(i))
		if err != nil {
			panic(fmt.Sprintf("querytest: result %q is not a %s", s.Value(i), t))
		}
		return b
	}
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return string(a.Value(i))
	case *array.Duration:
		return int64(a.Value(i))
	case *array.MonthInterval:
		return int64(a.Value(i))
	case *array.LargeString:
		return a.Value(i)
	case *array.Timestamp:
		return int64(a.Value(i))
	case *array.Date32:
		return int64(a.Value(i))
	case *array.Map:
		lo, hi := a.ValueOffsets(i)
		m := &MapVal{}
		for j := int(lo); j < int(hi); j++ {
			m.Keys = append(m.Keys, FromArrow(a.Keys(), j, *t.Key))
			m.Vals = append(m.Vals, FromArrow(a.Items(), j, *t.Value))
		}
		return m
	case *array.List:
		lo, hi := a.ValueOffsets(i)
		out := []any{}
		for j := int(lo); j < int(hi); j++ {
			out = append(out, FromArrow(a.ListValues(), j, *t.Elem))
		}
		return out
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		out := make(RowVal, len(t.Fields))
		for fi, f := range t.Fields {
			idx, ok := st.FieldIdx(f.Name)
			if !ok {
				continue
			}
			out[fi] = FromArrow(a.Field(idx), i, f.Type)
		}
		return out
	case *array.Null:
		return nil
	}
	panic(fmt.Sprintf("querytest: unexpected array %T", a))
}

// ToArrow builds a one-row array of type t holding v, to call a function
// kernel on one row.
func ToArrow(v any, t planner.Type) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, t.Arrow())
	defer b.Release()
	appendValue(b, v, t)
	return b.NewArray()
}

func appendValue(b array.Builder, v any, t planner.Type) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.Int64Builder:
		b.Append(v.(int64))
	case *array.Int32Builder:
		b.Append(int32(v.(int64)))
	case *array.Float64Builder:
		b.Append(v.(float64))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.BinaryBuilder:
		b.Append([]byte(v.(string)))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v.(int64)))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v.(int64)))
	case *array.ListBuilder:
		b.Append(true)
		for _, e := range v.([]any) {
			appendValue(b.ValueBuilder(), e, *t.Elem)
		}
	case *array.MapBuilder:
		m := v.(*MapVal)
		b.Append(true)
		for i := range m.Keys {
			appendValue(b.KeyBuilder(), m.Keys[i], *t.Key)
			appendValue(b.ItemBuilder(), m.Vals[i], *t.Value)
		}
	case *array.StructBuilder:
		r := v.(RowVal)
		b.Append(true)
		for i, f := range t.Fields {
			appendValue(b.FieldBuilder(i), r[i], f.Type)
		}
	case *array.NullBuilder:
		b.AppendNull()
	default:
		panic(fmt.Sprintf("querytest: unexpected builder %T", b))
	}
}

// Render prints a value as the golden files show it: scalars as Lake prints
// them, arrays as [a, b], maps as {k=v}, rows as {name=v} (Trino's text).
func Render(v any, t planner.Type) string {
	if v == nil {
		return "NULL"
	}
	switch t.Kind {
	case planner.KindBoolean:
		return strconv.FormatBool(v.(bool))
	case planner.KindBigint:
		return strconv.FormatInt(v.(int64), 10)
	case planner.KindDouble:
		f := v.(float64)
		// Twelve significant digits: sums of doubles may differ in the
		// last bits with summation order.
		return strconv.FormatFloat(f, 'g', 12, 64)
	case planner.KindTimestamp:
		return time.Unix(0, v.(int64)).UTC().Format("2006-01-02 15:04:05.000")
	case planner.KindArray:
		parts := []string{}
		for _, e := range v.([]any) {
			parts = append(parts, Render(e, *t.Elem))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case planner.KindMap:
		m := v.(*MapVal)
		parts := []string{}
		for i := range m.Keys {
			parts = append(parts, Render(m.Keys[i], *t.Key)+"="+Render(m.Vals[i], *t.Value))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case planner.KindRow:
		r := v.(RowVal)
		parts := []string{}
		for i, f := range t.Fields {
			parts = append(parts, f.Name+"="+Render(r[i], f.Type))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case planner.KindVarchar, planner.KindJSON:
		return v.(string)
	}
	pv := planner.Value{}
	switch x := v.(type) {
	case int64:
		pv.Int = x
	case string:
		pv.Str = x
	}
	return planner.FormatValue(pv, t, false)
}

// Compare orders two non-NULL values of one type (-1, 0, 1); it is the
// reference's own ordering, used for ORDER BY, min/max and comparisons.
func Compare(a, b any, t planner.Type) int {
	switch t.Kind {
	case planner.KindBoolean:
		x, y := a.(bool), b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case planner.KindDouble:
		x, y := a.(float64), b.(float64)
		// NaN sorts above everything, as in Trino.
		switch {
		case math.IsNaN(x) && math.IsNaN(y):
			return 0
		case math.IsNaN(x):
			return 1
		case math.IsNaN(y):
			return -1
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case planner.KindVarchar, planner.KindJSON, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix, planner.KindUUID:
		return strings.Compare(a.(string), b.(string))
	case planner.KindArray:
		x, y := a.([]any), b.([]any)
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := compareNullable(x[i], y[i], *t.Elem); c != 0 {
				return c
			}
		}
		return cmpInt(int64(len(x)), int64(len(y)))
	case planner.KindRow:
		x, y := a.(RowVal), b.(RowVal)
		for i, f := range t.Fields {
			if c := compareNullable(x[i], y[i], f.Type); c != 0 {
				return c
			}
		}
		return 0
	case planner.KindMap:
		return strings.Compare(Render(a, t), Render(b, t))
	}
	return cmpInt(a.(int64), b.(int64))
}

// compareNullable orders NULLs last.
func compareNullable(a, b any, t planner.Type) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return Compare(a, b, t)
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// Key is a value's identity for grouping and DISTINCT: equal values (and
// NULLs) share a key.
func Key(v any, t planner.Type) string {
	if v == nil {
		return "\x00NULL"
	}
	if t.Kind == planner.KindDouble {
		f := v.(float64)
		if f == 0 {
			f = 0 // -0 and 0 group together
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return "v:" + Render(v, t)
}

// SortRows orders rendered rows lexically, for order-insensitive comparison.
func SortRows(rows []string) []string {
	out := append([]string(nil), rows...)
	sort.Strings(out)
	return out
}

// JSONText renders a compound value as compact JSON (arrays, maps and rows
// as objects keyed by field name), for comparing with engines that print
// nested values as JSON. Scalars inside are JSON numbers, booleans and
// strings; timestamps are strings in Render's form.
func JSONText(v any, t planner.Type) string {
	var b strings.Builder
	writeJSON(&b, v, t)
	return b.String()
}

func writeJSON(b *strings.Builder, v any, t planner.Type) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch t.Kind {
	case planner.KindBoolean, planner.KindBigint, planner.KindDouble:
		b.WriteString(Render(v, t))
	case planner.KindArray:
		b.WriteString("[")
		for i, e := range v.([]any) {
			if i > 0 {
				b.WriteString(",")
			}
			writeJSON(b, e, *t.Elem)
		}
		b.WriteString("]")
	case planner.KindMap:
		m := v.(*MapVal)
		b.WriteString("{")
		for i := range m.Keys {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(jsonString(Render(m.Keys[i], *t.Key)) + ":")
			writeJSON(b, m.Vals[i], *t.Value)
		}
		b.WriteString("}")
	case planner.KindRow:
		r := v.(RowVal)
		b.WriteString("{")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(jsonString(f.Name) + ":")
			writeJSON(b, r[i], f.Type)
		}
		b.WriteString("}")
	default:
		b.WriteString(jsonString(Render(v, t)))
	}
}

func jsonString(s string) string {
	out, _ := json.Marshal(s)
	return string(out)
}
