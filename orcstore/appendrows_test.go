package orcstore

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// randAppend appends one random value of b's type, NULL with probability
// 1/5 at every level.
func randAppend(rng *rand.Rand, b array.Builder) {
	if rng.Intn(5) == 0 {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(fmt.Sprintf("s%d", rng.Intn(1000)))
	case *array.BooleanBuilder:
		b.Append(rng.Intn(2) == 0)
	case *array.Int64Builder:
		b.Append(rng.Int63n(2000) - 1000)
	case *array.Float64Builder:
		b.Append(rng.NormFloat64() * 1e6)
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(rng.Int63()))
	case *array.StructBuilder:
		b.Append(true)
		for i := 0; i < b.NumField(); i++ {
			randAppend(rng, b.FieldBuilder(i))
		}
	case *array.MapBuilder:
		b.Append(true)
		for n := rng.Intn(4); n > 0; n-- {
			b.KeyBuilder().(*array.StringBuilder).Append(fmt.Sprintf("k%d", rng.Intn(10)))
			randAppend(rng, b.ItemBuilder())
		}
	case *array.ListBuilder:
		b.Append(true)
		for n := rng.Intn(4); n > 0; n-- {
			randAppend(rng, b.ValueBuilder())
		}
	default:
		panic(fmt.Sprintf("randAppend: %T", b))
	}
}

// naiveAppend is the row-by-row reference: it appends a[i] to b with the
// builders' own per-value methods.
func naiveAppend(t *testing.T, b array.Builder, a arrow.Array, i int) {
	if a.IsNull(i) {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		switch a := a.(type) {
		case *array.String:
			b.Append(a.Value(i))
		case *array.Int64:
			b.Append(fmt.Sprint(a.Value(i)))
		case *array.Float64:
			b.Append(fmt.Sprint(a.Value(i)))
		case *array.Dictionary:
			b.Append(a.Dictionary().(*array.String).Value(a.GetValueIndex(i)))
		}
	case *array.BooleanBuilder:
		b.Append(a.(*array.Boolean).Value(i))
	case *array.Int64Builder:
		b.Append(a.(*array.Int64).Value(i))
	case *array.Float64Builder:
		b.Append(a.(*array.Float64).Value(i))
	case *array.TimestampBuilder:
		b.Append(a.(*array.Timestamp).Value(i))
	case *array.StructBuilder:
		s := a.(*array.Struct)
		b.Append(true)
		for f := 0; f < b.NumField(); f++ {
			naiveAppend(t, b.FieldBuilder(f), s.Field(f), i)
		}
	case *array.MapBuilder:
		m := a.(*array.Map)
		b.Append(true)
		start, end := m.ValueOffsets(i)
		for j := int(start); j < int(end); j++ {
			naiveAppend(t, b.KeyBuilder(), m.Keys(), j)
			naiveAppend(t, b.ItemBuilder(), m.Items(), j)
		}
	case *array.ListBuilder:
		l := a.(*array.List)
		b.Append(true)
		start, end := l.ValueOffsets(i)
		for j := int(start); j < int(end); j++ {
			naiveAppend(t, b.ValueBuilder(), l.ListValues(), j)
		}
	default:
		t.Fatalf("naiveAppend: %T", b)
	}
}

// testType covers every type of the event schema plus int64 and float64.
var testType = arrow.StructOf(
	arrow.Field{Name: "ev", Type: arrow.StructOf(EventSchema.Fields()...), Nullable: true},
	arrow.Field{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	arrow.Field{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "lm", Type: arrow.ListOf(StringMap), Nullable: true},
)

func TestAppendRowsMatchesNaive(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 20; trial++ {
		n := 1 + rng.Intn(60)
		sb := array.NewBuilder(mem, testType)
		for i := 0; i < n; i++ {
			randAppend(rng, sb)
		}
		src := sb.NewArray()
		sb.Release()
		// A sliced source checks that offsets are honoured.
		lo := rng.Intn(n)
		sliced := array.NewSlice(src, int64(lo), int64(n))
		for _, a := range []arrow.Array{src, sliced} {
			rows := make([]int, rng.Intn(2*a.Len()+1))
			for i := range rows {
				rows[i] = rng.Intn(a.Len())
			}
			got := array.NewBuilder(mem, testType)
			want := array.NewBuilder(mem, testType)
			// Two calls, to check appending after existing rows.
			half := len(rows) / 2
			if err := AppendRows(got, a, rows[:half]); err != nil {
				t.Fatal(err)
			}
			if err := AppendRows(got, a, rows[half:]); err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				naiveAppend(t, want, a, r)
			}
			ga, wa := got.NewArray(), want.NewArray()
			if !array.Equal(ga, wa) {
				t.Fatalf("trial %d: AppendRows differs from row-by-row append\ngot  %v\nwant %v", trial, ga, wa)
			}
			ga.Release()
			wa.Release()
			got.Release()
			want.Release()
		}
		sliced.Release()
		src.Release()
	}
}

func TestAppendRowsConversions(t *testing.T) {
	mem := memory.NewGoAllocator()
	ib := array.NewInt64Builder(mem)
	ib.AppendValues([]int64{-5, 0, 1234567890123}, []bool{true, false, true})
	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{1.5, 1e21, -0.25}, nil)
	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for _, s := range []string{"a", "b", "a"} {
		if err := db.AppendString(s); err != nil {
			t.Fatal(err)
		}
	}
	db.AppendNull()
	cases := []struct {
		src  arrow.Array
		rows []int
		want []string // "<nil>" for NULL
	}{
		{ib.NewArray(), []int{2, 1, 0}, []string{"1234567890123", "<nil>", "-5"}},
		{fb.NewArray(), []int{0, 1, 2}, []string{"1.5", "1e+21", "-0.25"}},
		{db.NewArray(), []int{3, 2, 1}, []string{"<nil>", "a", "b"}},
	}
	for _, c := range cases {
		sb := array.NewStringBuilder(mem)
		if err := AppendRows(sb, c.src, c.rows); err != nil {
			t.Fatal(err)
		}
		a := sb.NewStringArray()
		for i, w := range c.want {
			got := "<nil>"
			if a.IsValid(i) {
				got = a.Value(i)
			}
			if got != w {
				t.Errorf("%s row %d: got %q, want %q", c.src.DataType(), c.rows[i], got, w)
			}
		}
	}

	tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Millisecond})
	tb.Append(1700000000123)
	dst := array.NewTimestampBuilder(mem, TimestampType)
	if err := AppendRows(dst, tb.NewArray(), []int{0}); err != nil {
		t.Fatal(err)
	}
	if got := dst.NewTimestampArray().Value(0); got != 1700000000123000000 {
		t.Errorf("ms -> ns: got %d", got)
	}
}

func TestAppendRowsErrors(t *testing.T) {
	mem := memory.NewGoAllocator()
	sb := array.NewStringBuilder(mem)
	sb.Append("x")
	src := sb.NewArray()
	if err := AppendRows(array.NewBooleanBuilder(mem), src, []int{0}); err == nil {
		t.Error("string -> bool: want an error")
	}
	dst := array.NewStringBuilder(mem)
	if err := AppendRows(dst, src, []int{0, 1}); err == nil {
		t.Error("row out of range: want an error")
	}
	if dst.Len() != 0 {
		t.Errorf("a failed AppendRows appended %d rows", dst.Len())
	}
}

// BenchmarkAppendRows gathers a random permutation of 8192 random event
// rows (every column of the schema), as ingest's sort by eventTime does.
func BenchmarkAppendRows(b *testing.B) {
	rng := rand.New(rand.NewSource(2))
	st := arrow.StructOf(EventSchema.Fields()...)
	sb := array.NewBuilder(memory.DefaultAllocator, st)
	const n = 8192
	for i := 0; i < n; i++ {
		randAppend(rng, sb)
	}
	src := sb.NewArray()
	rows := rng.Perm(n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst := array.NewBuilder(memory.DefaultAllocator, st)
		if err := AppendRows(dst, src, rows); err != nil {
			b.Fatal(err)
		}
		dst.NewArray().Release()
		dst.Release()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
