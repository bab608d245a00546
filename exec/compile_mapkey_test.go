package exec

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// mapRows builds a map<string, string> column of the rows below, with keys
// and values plain or dictionary-encoded (as ORC stripes deliver them).
// nil is a NULL map; a "-" value is a NULL value.
func mapRows(t *testing.T, dict bool, rows [][]string) arrow.Array {
	t.Helper()
	var kt, vt arrow.DataType = arrow.BinaryTypes.String, arrow.BinaryTypes.String
	if dict {
		kt = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		vt = kt
	}
	b := array.NewMapBuilder(memory.DefaultAllocator, kt, vt, false)
	defer b.Release()
	appendStr := func(bl array.Builder, s string) {
		switch bl := bl.(type) {
		case *array.StringBuilder:
			bl.Append(s)
		case *array.BinaryDictionaryBuilder:
			if err := bl.AppendString(s); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, kv := range rows {
		if kv == nil {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for i := 0; i < len(kv); i += 2 {
			appendStr(b.KeyBuilder(), kv[i])
			if kv[i+1] == "-" {
				b.ItemBuilder().AppendNull()
			} else {
				appendStr(b.ItemBuilder(), kv[i+1])
			}
		}
	}
	return b.NewArray()
}

// TestMapKeyEval reads one key of map rows in place, over every row and
// over a selection, with keys and values plain or dictionary-encoded; the
// expected values are read off the rows by hand. subscript fails on a live
// row that lacks the key and not on a row outside the selection.
func TestMapKeyEval(t *testing.T) {
	rows := [][]string{
		{"bucketName", "logs", "key", "a.txt"},
		nil,
		{},
		{"key", "b.txt"},
		{"bucketName", "-"},
		{"key", "c.txt", "bucketName", "data"},
		{"bucketNameX", "nope", "BucketName", "case"},
	}
	want := []any{"logs", nil, nil, nil, nil, "data", nil}
	for _, dict := range []bool{false, true} {
		for _, sel := range [][]int32{nil, {0, 2, 4, 5}, {5}} {
			t.Run(fmt.Sprintf("dict=%v/sel=%v", dict, sel), func(t *testing.T) {
				m := mapRows(t, dict, rows)
				defer m.Release()
				rec := recordOf("requestParameters", m)
				defer rec.Release()
				mt := planner.MapOf(planner.Varchar, planner.Varchar)
				call := &planner.Call{Name: "element_at", Args: []planner.Expr{ref(0, "requestParameters", mt), lit("bucketName")}, T: planner.Varchar}
				c := &compiler{in: rec.Schema(), env: &Env{}}
				ev := c.mapKeyCall(call, nil)
				if ev == nil {
					t.Fatal("element_at(map column, 'literal') not recognised")
				}
				v, err := ev.Eval(context.Background(), Batch{Rec: rec, Sel: sel})
				if err != nil {
					t.Fatal(err)
				}
				defer v.Release()
				live := sel
				if live == nil {
					live = []int32{0, 1, 2, 3, 4, 5, 6}
				}
				if v.Arr.Len() != len(live) {
					t.Fatalf("%d values for %d live rows", v.Arr.Len(), len(live))
				}
				if _, isDict := v.Arr.(*array.Dictionary); isDict != dict {
					t.Errorf("result %s: dictionary-encoded values should stay encoded (and only those)", v.Arr.DataType())
				}
				for i, r := range live {
					if got := cell(v.Arr, i); got != want[r] {
						t.Errorf("row %d: %v, want %v", r, got, want[r])
					}
				}
				// subscript: rows 0 and 5 hold the key; any other live row fails.
				call.Name = "subscript"
				strict := c.mapKeyCall(call, nil)
				v2, err := strict.Eval(context.Background(), Batch{Rec: rec, Sel: sel})
				allHave := sel != nil && len(sel) == 1
				if allHave {
					if err != nil {
						t.Fatalf("subscript on rows holding the key: %v", err)
					}
					v2.Release()
				} else if err == nil || !strings.Contains(err.Error(), "Key not present in map: bucketName") {
					v2.Release()
					t.Fatalf("subscript over rows lacking the key: error %v", err)
				}
			})
		}
	}
}

// TestMapKeyCallDeclines leaves other calls to the generic kernel.
func TestMapKeyCallDeclines(t *testing.T) {
	mt := planner.MapOf(planner.Varchar, planner.Varchar)
	mi := planner.MapOf(planner.Varchar, planner.Bigint)
	c := &compiler{env: &Env{}}
	for _, call := range []*planner.Call{
		{Name: "element_at", Args: []planner.Expr{ref(0, "m", mt), ref(1, "k", planner.Varchar)}},
		{Name: "element_at", Args: []planner.Expr{ref(0, "m", mt), lit(nil)}},
		{Name: "element_at", Args: []planner.Expr{ref(0, "m", mi), lit("k")}},
		{Name: "map_keys", Args: []planner.Expr{ref(0, "m", mt), lit("k")}},
	} {
		if ev := c.mapKeyCall(call, nil); ev != nil {
			t.Errorf("%s(%v) taken by mapKeyEval", call.Name, call.Args)
		}
	}
}

// BenchmarkMapKeyEval reads element_at(m, 'bucketName') from 8192 maps of
// 3 dictionary-encoded entries, a third of them selected.
func BenchmarkMapKeyEval(b *testing.B) {
	t := &testing.T{}
	var rows [][]string
	for i := 0; i < 8192; i++ {
		rows = append(rows, []string{"key", fmt.Sprintf("obj-%d", i%500), "bucketName", fmt.Sprintf("bucket-%d", i%40), "x-amz-acl", "private"})
	}
	m := mapRows(t, true, rows)
	defer m.Release()
	rec := recordOf("requestParameters", m)
	defer rec.Release()
	var sel []int32
	for i := int32(0); i < 8192; i += 3 {
		sel = append(sel, i)
	}
	mt := planner.MapOf(planner.Varchar, planner.Varchar)
	call := &planner.Call{Name: "element_at", Args: []planner.Expr{ref(0, "requestParameters", mt), lit("bucketName")}, T: planner.Varchar}
	ev := (&compiler{in: rec.Schema(), env: &Env{}}).mapKeyCall(call, nil)
	for b.Loop() {
		v, err := ev.Eval(context.Background(), Batch{Rec: rec, Sel: sel})
		if err != nil {
			b.Fatal(err)
		}
		v.Release()
	}
	b.ReportMetric(float64(len(sel))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
