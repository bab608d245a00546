package parquetexport

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// The oracle is Arrow's own Parquet reader (pqarrow, test-only): every
// value written must read back equal, nested levels included.

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "d", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "st", Type: arrow.StructOf(
		arrow.Field{Name: "a", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "inner", Type: arrow.StructOf(arrow.Field{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), Nullable: true},
	), Nullable: true},
	{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	{Name: "l", Type: arrow.ListOf(arrow.StructOf(
		arrow.Field{Name: "arn", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	)), Nullable: true},
	{Name: "nul", Type: arrow.Null, Nullable: true},
}, nil)

// randomRecord builds n rows with NULLs, empty and NULL lists and maps at
// every level.
func randomRecord(r *rand.Rand, n int) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, testSchema)
	defer b.Release()
	null := func() bool { return r.Intn(5) == 0 }
	str := func() string { return fmt.Sprintf("v%d", r.Intn(50)) }
	for i := 0; i < n; i++ {
		for c, fb := range b.Fields() {
			if null() && c != 11 {
				fb.AppendNull()
				continue
			}
			switch x := fb.(type) {
			case *array.StringBuilder:
				x.Append(str())
			case *array.BinaryDictionaryBuilder:
				x.AppendString(str())
			case *array.BooleanBuilder:
				x.Append(r.Intn(2) == 0)
			case *array.Int32Builder:
				x.Append(r.Int31() - 1<<30)
			case *array.Int64Builder:
				x.Append(r.Int63() - 1<<62)
			case *array.Float64Builder:
				x.Append(r.NormFloat64())
			case *array.TimestampBuilder:
				x.Append(arrow.Timestamp(1714521600_000_000_000 + r.Int63n(1e15)*1000))
			case *array.Date32Builder:
				x.Append(arrow.Date32(19000 + r.Intn(1000)))
			case *array.StructBuilder:
				x.Append(true)
				sb := x.FieldBuilder(0).(*array.StringBuilder)
				if null() {
					sb.AppendNull()
				} else {
					sb.Append(str())
				}
				ib := x.FieldBuilder(1).(*array.StructBuilder)
				if null() {
					ib.AppendNull()
				} else {
					ib.Append(true)
					nb := ib.FieldBuilder(0).(*array.Int64Builder)
					if null() {
						nb.AppendNull()
					} else {
						nb.Append(int64(r.Intn(1000)))
					}
				}
			case *array.MapBuilder:
				x.Append(true)
				for k := r.Intn(4); k > 0; k-- {
					x.KeyBuilder().(*array.StringBuilder).Append(str())
					if null() {
						x.ItemBuilder().AppendNull()
					} else {
						x.ItemBuilder().(*array.StringBuilder).Append(str())
					}
				}
			case *array.ListBuilder:
				x.Append(true)
				eb := x.ValueBuilder().(*array.StructBuilder)
				for k := r.Intn(3); k > 0; k-- {
					if null() {
						eb.AppendNull()
						continue
					}
					eb.Append(true)
					ab := eb.FieldBuilder(0).(*array.StringBuilder)
					if null() {
						ab.AppendNull()
					} else {
						ab.Append(str())
					}
					tb := eb.FieldBuilder(1).(*array.ListBuilder)
					if null() {
						tb.AppendNull()
						continue
					}
					tb.Append(true)
					for t := r.Intn(3); t > 0; t-- {
						if null() {
							tb.ValueBuilder().AppendNull()
						} else {
							tb.ValueBuilder().(*array.StringBuilder).Append(str())
						}
					}
				}
			case *array.NullBuilder:
				x.AppendNull()
			default:
				panic(fmt.Sprintf("column %d: %T", c, fb))
			}
		}
	}
	return b.NewRecord()
}

// render prints value i of a canonically: dictionaries resolved, times as
// UTC instants, nested values recursively.
func render(a arrow.Array, i int) string {
	if a.IsNull(i) || a.DataType().ID() == arrow.NULL {
		return "NULL"
	}
	switch x := a.(type) {
	case *array.Dictionary:
		return render(x.Dictionary(), x.GetValueIndex(i))
	case *array.Timestamp:
		return x.Value(i).ToTime(x.DataType().(*arrow.TimestampType).Unit).UTC().Format(time.RFC3339Nano)
	case *array.Struct:
		var parts []string
		for f := 0; f < x.NumField(); f++ {
			parts = append(parts, render(x.Field(f), i))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case *array.Map:
		s, e := x.ValueOffsets(i)
		var parts []string
		for j := s; j < e; j++ {
			parts = append(parts, render(x.Keys(), int(j))+"="+render(x.Items(), int(j)))
		}
		return "map{" + strings.Join(parts, ",") + "}"
	case *array.List:
		s, e := x.ValueOffsets(i)
		var parts []string
		for j := s; j < e; j++ {
			parts = append(parts, render(x.ListValues(), int(j)))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return a.ValueStr(i)
}

func renderRows(recs []arrow.Record) []string {
	var rows []string
	for _, rec := range recs {
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for c := 0; c < int(rec.NumCols()); c++ {
				cells = append(cells, render(rec.Column(c), i))
			}
			rows = append(rows, strings.Join(cells, " | "))
		}
	}
	return rows
}

func readBack(t *testing.T, b []byte) (*arrow.Schema, []string, int) {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	groups := pf.NumRowGroups()
	r, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := r.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, 1<<20)
	defer tr.Release()
	var recs []arrow.Record
	for tr.Next() {
		rec := tr.Record()
		rec.Retain()
		defer rec.Release()
		recs = append(recs, rec)
	}
	return tbl.Schema(), renderRows(recs), groups
}

func TestRoundTripThroughPqarrow(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var recs []arrow.Record
	for _, n := range []int{0, 1, 7, 300, 2000} {
		recs = append(recs, randomRecord(r, n))
	}
	// A slice: offsets of nested children must be honoured.
	big := randomRecord(r, 500)
	recs = append(recs, big.NewSlice(123, 456))
	big.Release()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sc, got, _ := readBack(t, buf.Bytes())
	want := renderRows(recs)
	if len(got) != len(want) {
		t.Fatalf("%d rows read back, %d written", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d:\n got  %s\n want %s", i, got[i], want[i])
		}
	}
	// The stored Arrow schema gives the export types back.
	for i, f := range Schema(testSchema).Fields() {
		if g := sc.Field(i); g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) {
			t.Errorf("column %d read back as %s %s, want %s %s", i, g.Name, g.Type, f.Name, f.Type)
		}
	}
	for _, rec := range recs {
		rec.Release()
	}
}

func TestRowGroupsBounded(t *testing.T) {
	s := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	const rows = RowGroupRows*2 + 1000
	for i := 0; i < rows; i++ {
		b.Append(int64(i))
	}
	col := b.NewArray()
	rec := array.NewRecord(s, []arrow.Array{col}, rows)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, got, groups := readBack(t, buf.Bytes())
	if len(got) != rows || got[rows-1] != fmt.Sprint(rows-1) || groups != 3 {
		t.Fatalf("%d rows in %d row groups, last %q", len(got), groups, got[len(got)-1])
	}
}

func TestUnsupportedType(t *testing.T) {
	s := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.FixedWidthTypes.DayTimeInterval, Nullable: true}}, nil)
	if _, err := NewWriter(&bytes.Buffer{}, s); err == nil || !strings.Contains(err.Error(), "column x") {
		t.Fatalf("err = %v", err)
	}
}
