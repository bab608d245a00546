package orcfile

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	orc "github.com/scritchley/orc"
)

// Test helpers shared by the writer tests: a random Arrow data generator,
// a canonical Go form of values (from Arrow, and from scritchley/orc's
// Cursor as an independent decoder), and a round-trip runner.

// wtTS and wtDate are canonical timestamp and date values.
type wtTS struct{ ns int64 }
type wtDate struct{ days int64 }

// wtAllTypes has every type the writer accepts, nested at every level.
var wtAllTypes = arrow.NewSchema([]arrow.Field{
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "Str", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "tsMs", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "dict", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	{Name: "st", Type: arrow.StructOf(
		arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "inner", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.BinaryTypes.String, Nullable: true}), Nullable: true},
	), Nullable: true},
	{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
	{Name: "ls", Type: arrow.ListOf(arrow.StructOf(
		arrow.Field{Name: "a", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	)), Nullable: true},
	{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	{Name: "mi", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64), Nullable: true},
	{Name: "tsUs", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	{Name: "tsS", Type: &arrow.TimestampType{Unit: arrow.Second}, Nullable: true},
	{Name: "lm", Type: arrow.ListOf(arrow.MapOf(arrow.BinaryTypes.String, arrow.FixedWidthTypes.Date32)), Nullable: true},
}, nil)

// wtGen fills Arrow builders with random values.
type wtGen struct {
	rng      *rand.Rand
	nullProb float64
	// mapNullValues allows NULL map values (scritchley misreads them).
	mapNullValues bool
	// negTimes allows timestamps before 1970 (scritchley ignores ORC's
	// negative-seconds rule).
	negTimes bool
	// noNullDates avoids NULL dates (scritchley misreads them).
	noNullDates bool
	words       []string
}

func wtNewGen(seed int64, nullProb float64) *wtGen {
	g := &wtGen{rng: rand.New(rand.NewSource(seed)), nullProb: nullProb}
	for i := 0; i < 50; i++ {
		g.words = append(g.words, fmt.Sprintf("w%03d-%s", i, string(rune('a'+i%26))))
	}
	return g
}

func (g *wtGen) null() bool { return g.nullProb > 0 && g.rng.Float64() < g.nullProb }

func (g *wtGen) str() string {
	switch g.rng.Intn(4) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("%x-%d-é", g.rng.Int63(), g.rng.Intn(1000))
	default:
		return g.words[g.rng.Intn(len(g.words))]
	}
}

func (g *wtGen) int64() int64 {
	switch g.rng.Intn(5) {
	case 0:
		return g.rng.Int63n(10)
	case 1:
		return -g.rng.Int63n(1000)
	case 2:
		return g.rng.Int63() - g.rng.Int63()
	case 3:
		return []int64{math.MinInt64, math.MaxInt64, 0, -1, 1}[g.rng.Intn(5)]
	}
	return g.rng.Int63n(1 << 20)
}

// append adds one random value (or NULL) of b's type.
func (g *wtGen) append(b array.Builder, allowNull bool) {
	if _, isDate := b.(*array.Date32Builder); isDate && g.noNullDates {
		allowNull = false
	}
	if allowNull && g.null() {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		b.Append(g.rng.Intn(3) == 0)
	case *array.Int8Builder:
		b.Append(int8(g.rng.Intn(256) - 128))
	case *array.Int16Builder:
		b.Append(int16(g.rng.Intn(65536) - 32768))
	case *array.Int32Builder:
		b.Append(int32(g.int64()))
	case *array.Int64Builder:
		b.Append(g.int64())
	case *array.Float32Builder:
		b.Append(float32(g.rng.NormFloat64() * 1000))
	case *array.Float64Builder:
		b.Append(g.rng.NormFloat64() * 1e6)
	case *array.StringBuilder:
		b.Append(g.str())
	case *array.BinaryBuilder:
		v := make([]byte, g.rng.Intn(20))
		g.rng.Read(v)
		b.Append(v)
	case *array.BinaryDictionaryBuilder:
		_ = b.AppendString(g.words[g.rng.Intn(10)])
	case *array.TimestampBuilder:
		unit := b.Type().(*arrow.TimestampType).Unit
		lo := int64(0)
		if g.negTimes {
			lo = -3e9
		}
		sec := lo + g.rng.Int63n(5e9)
		var sub int64
		switch g.rng.Intn(4) {
		case 0:
			sub = 0
		case 1:
			sub = g.rng.Int63n(1e9)
		case 2:
			sub = g.rng.Int63n(1000) * 1e6
		default:
			sub = g.rng.Int63n(1e6) * 1e3
		}
		switch unit {
		case arrow.Second:
			b.Append(arrow.Timestamp(sec))
		case arrow.Millisecond:
			b.Append(arrow.Timestamp(sec*1000 + sub/1e6))
		case arrow.Microsecond:
			b.Append(arrow.Timestamp(sec*1e6 + sub/1e3))
		default:
			b.Append(arrow.Timestamp(sec*1e9 + sub))
		}
	case *array.Date32Builder:
		b.Append(arrow.Date32(g.rng.Intn(40000) - 5000))
	case *array.StructBuilder:
		b.Append(true)
		for i := 0; i < b.NumField(); i++ {
			g.append(b.FieldBuilder(i), true)
		}
	case *array.MapBuilder:
		b.Append(true)
		n := g.rng.Intn(4)
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			k := g.str()
			if seen[k] {
				continue
			}
			seen[k] = true
			b.KeyBuilder().(*array.StringBuilder).Append(k)
			g.append(b.ItemBuilder(), g.mapNullValues)
		}
	case *array.ListBuilder:
		b.Append(true)
		n := g.rng.Intn(4)
		for i := 0; i < n; i++ {
			g.append(b.ValueBuilder(), true)
		}
	default:
		panic(fmt.Sprintf("wtGen: no generator for %T", b))
	}
}

// record builds n random rows of schema.
func (g *wtGen) record(schema *arrow.Schema, n int) arrow.Record {
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	for i := 0; i < n; i++ {
		for _, fb := range rb.Fields() {
			g.append(fb, true)
		}
	}
	return rb.NewRecord()
}

// wtValue is the canonical Go form of arr[i].
func wtValue(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
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
		return append([]byte{}, a.Value(i)...)
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(i))
	case *array.Timestamp:
		v := int64(a.Value(i))
		switch a.DataType().(*arrow.TimestampType).Unit {
		case arrow.Second:
			v *= 1e9
		case arrow.Millisecond:
			v *= 1e6
		case arrow.Microsecond:
			v *= 1e3
		}
		return wtTS{v}
	case *array.Date32:
		return wtDate{int64(a.Value(i))}
	case *array.Struct:
		m := map[string]any{}
		st := a.DataType().(*arrow.StructType)
		for f := 0; f < a.NumField(); f++ {
			m[st.Field(f).Name] = wtValue(a.Field(f), i)
		}
		return m
	case *array.Map:
		s, e := a.ValueOffsets(i)
		out := []any{}
		for j := int(s); j < int(e); j++ {
			out = append(out, [2]any{wtValue(a.Keys(), j), wtValue(a.Items(), j)})
		}
		return out
	case *array.List:
		s, e := a.ValueOffsets(i)
		out := []any{}
		for j := int(s); j < int(e); j++ {
			out = append(out, wtValue(a.ListValues(), j))
		}
		return out
	}
	panic(fmt.Sprintf("wtValue: %T", arr))
}

// wtRows is every row of recs in canonical form.
func wtRows(recs ...arrow.Record) [][]any {
	var out [][]any
	for _, r := range recs {
		for i := 0; i < int(r.NumRows()); i++ {
			row := make([]any, r.NumCols())
			for c := range row {
				row[c] = wtValue(r.Column(c), i)
			}
			out = append(out, row)
		}
	}
	return out
}

// wtNorm turns a scritchley/orc value into the canonical form.
func wtNorm(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case int8:
		return int64(v)
	case int64:
		return v
	case orc.Float:
		return float64(v)
	case orc.Double:
		return float64(v)
	case time.Time:
		return wtTS{v.UnixNano()}
	case orc.Date:
		return wtDate{v.Unix() / 86400}
	case orc.Struct:
		m := map[string]any{}
		for k, x := range v {
			m[k] = wtNorm(x)
		}
		return m
	case []interface{}:
		out := []any{}
		for _, x := range v {
			out = append(out, wtNorm(x))
		}
		return out
	case []orc.MapEntry:
		out := []any{}
		for _, e := range v {
			out = append(out, [2]any{wtNorm(e.Key), wtNorm(e.Value)})
		}
		return out
	}
	return v
}

// wtWrite writes recs to an in-memory ORC file.
func wtWrite(t testing.TB, schema *arrow.Schema, opts WriterOptions, recs ...arrow.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, schema, opts)
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

type wtSized struct{ *bytes.Reader }

func (s wtSized) Size() int64 { return s.Reader.Size() }

// wtReadScritchley decodes every row with scritchley/orc's Cursor.
func wtReadScritchley(t testing.TB, file []byte, schema *arrow.Schema) [][]any {
	t.Helper()
	r, err := orc.NewReader(wtSized{bytes.NewReader(file)})
	if err != nil {
		t.Fatalf("scritchley NewReader: %v", err)
	}
	var names []string
	for _, f := range schema.Fields() {
		names = append(names, f.Name)
	}
	c := r.Select(names...)
	var out [][]any
	for c.Stripes() {
		for c.Next() {
			row := c.Row()
			n := make([]any, len(row))
			for i, v := range row {
				n[i] = wtNorm(v)
			}
			out = append(out, n)
		}
	}
	if err := c.Err(); err != nil {
		t.Fatalf("scritchley read: %v", err)
	}
	return out
}

// wtCompareRows reports the first differing rows.
func wtCompareRows(t testing.TB, got, want [][]any, schema *arrow.Schema) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(want))
	}
	bad := 0
	for i := range want {
		for c := range want[i] {
			if !wtEqual(got[i][c], want[i][c]) {
				t.Errorf("row %d column %s: got %#v, want %#v", i, schema.Field(c).Name, got[i][c], want[i][c])
				bad++
				if bad > 10 {
					t.FailNow()
				}
			}
		}
	}
}

// wtEqual is reflect.DeepEqual, except that wtApprox floats compare with a
// relative tolerance of 1e-5.
func wtEqual(a, b any) bool {
	switch x := a.(type) {
	case wtApprox:
		y, ok := b.(wtApprox)
		if !ok {
			return false
		}
		d := math.Abs(float64(x - y))
		return d <= 1e-5*math.Max(math.Abs(float64(x)), math.Abs(float64(y))) || d < 1e-30
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !wtEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case [2]any:
		y, ok := b.([2]any)
		return ok && wtEqual(x[0], y[0]) && wtEqual(x[1], y[1])
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !wtEqual(x[k], y[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
