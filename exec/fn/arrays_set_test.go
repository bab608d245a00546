package fn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// runLists calls name over list arguments and renders each result row.
func runLists(t *testing.T, name string, lists []arrow.Array, types []planner.Type) []string {
	t.Helper()
	s, err := testCatalog.ResolveScalar(name, types)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	vecs := make([]Vec, len(lists))
	for i, l := range lists {
		vecs[i] = Vec{Arr: l}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	out, err := s.Kernel(&Context{Mem: mem}, vecs, lists[0].Len())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer out.Release()
	res := make([]string, out.Len())
	for i := range res {
		res[i] = arrString(out, i)
	}
	return res
}

// TestArraySetFunctions pins Trino's semantics: one NULL kept (NULL
// matches NULL), order of first occurrence, array_intersect in the order of
// the larger array, arrays_overlap NULL when it finds no match but a NULL.
func TestArraySetFunctions(t *testing.T) {
	x := buildIntLists([][]any{{1, 2, 2, nil, nil, 3}, {nil}, {}, nil, {5, 6}, {4, 5}})
	defer x.Release()
	y := buildIntLists([][]any{{2, nil, 7, 1}, {nil, nil}, {1}, {1}, nil, {6, 5, 4, 4}})
	defer y.Release()
	at := planner.ArrayOf(tI)
	for _, c := range []struct{ name, want string }{
		{"array_union", "[1,2,null,3,7]|[null]|[1]|NULL|NULL|[4,5,6]"},
		{"array_intersect", "[1,2,null]|[null]|[]|NULL|NULL|[5,4]"},
		{"array_except", "[3]|[]|[]|NULL|NULL|[]"},
		{"arrays_overlap", "true|NULL|false|NULL|NULL|true"},
	} {
		if got := strings.Join(runLists(t, c.name, []arrow.Array{x, y}, []planner.Type{at, at}), "|"); got != c.want {
			t.Errorf("%s = %s, want %s", c.name, got, c.want)
		}
	}
	if got := strings.Join(runLists(t, "array_distinct", []arrow.Array{x}, []planner.Type{at}), "|"); got != "[1,2,null,3]|[null]|[]|NULL|[5,6]|[4,5]" {
		t.Errorf("array_distinct = %s", got)
	}
	// Doubles: NaN matches NaN, -0.0 matches 0.0 (IS NOT DISTINCT FROM).
	fb := array.NewListBuilder(memory.DefaultAllocator, arrow.PrimitiveTypes.Float64)
	defer fb.Release()
	fb.Append(true)
	fv := fb.ValueBuilder().(*array.Float64Builder)
	for _, f := range []float64{math.NaN(), math.Copysign(0, -1), 0, math.Float64frombits(0x7ff8000000000042), 1.5, 1.5} {
		fv.Append(f)
	}
	fl := fb.NewArray()
	defer fl.Release()
	if got := runLists(t, "array_distinct", []arrow.Array{fl}, []planner.Type{planner.ArrayOf(tD)}); got[0] != `["NaN",-0,1.5]` {
		t.Errorf("array_distinct(doubles) = %s", got[0])
	}
	// Strings, also dictionary-encoded as ORC map and list children arrive.
	s1 := buildStrLists([][]any{{"b", "a", "b", nil}, {"x"}})
	defer s1.Release()
	s2 := dictStrLists(t, [][]any{{"a", nil, "c"}, {"y", "x"}})
	defer s2.Release()
	st := planner.ArrayOf(tV)
	if got := strings.Join(runLists(t, "array_union", []arrow.Array{s1, s2}, []planner.Type{st, st}), "|"); got != `["b","a",null,"c"]|["x","y"]` {
		t.Errorf("array_union(strings) = %q", got)
	}
	if got := strings.Join(runLists(t, "array_distinct", []arrow.Array{s2}, []planner.Type{st}), "|"); got != `["a",null,"c"]|["y","x"]` {
		t.Errorf("array_distinct(dictionary) = %q", got)
	}
	// Mixed element types bind to the common type.
	if _, err := testCatalog.ResolveScalar("array_union", []planner.Type{at, planner.ArrayOf(tD)}); err != nil {
		t.Errorf("array_union(array(bigint), array(double)): %v", err)
	}
}

// dictStrLists builds list<dictionary<int32, string>> rows.
func dictStrLists(t *testing.T, rows [][]any) arrow.Array {
	t.Helper()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	b := array.NewListBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	vb := b.ValueBuilder().(*array.BinaryDictionaryBuilder)
	for _, r := range rows {
		b.Append(true)
		for _, x := range r {
			if x == nil {
				vb.AppendNull()
			} else if err := vb.AppendString(x.(string)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b.NewArray()
}

// TestArraySetFunctionsMatchNaive compares the hashed kernels with the
// quadratic definitions on random arrays over a small domain (so that
// duplicates, NULLs and matches are common).
func TestArraySetFunctionsMatchNaive(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	var r1, r2 [][]any
	for i := 0; i < 300; i++ {
		gen := func() []any {
			if rng.Intn(20) == 0 {
				return nil
			}
			row := []any{}
			for n := rng.Intn(12); n > 0; n-- {
				if rng.Intn(6) == 0 {
					row = append(row, nil)
				} else {
					row = append(row, rng.Intn(8))
				}
			}
			return row
		}
		r1, r2 = append(r1, gen()), append(r2, gen())
	}
	x, y := buildIntLists(r1), buildIntLists(r2)
	defer x.Release()
	defer y.Release()
	at := planner.ArrayOf(tI)
	got := map[string][]string{}
	for _, name := range []string{"array_union", "array_intersect", "array_except", "arrays_overlap"} {
		got[name] = runLists(t, name, []arrow.Array{x, y}, []planner.Type{at, at})
	}
	got["array_distinct"] = runLists(t, "array_distinct", []arrow.Array{x}, []planner.Type{at})
	for i := range r1 {
		a, b := r1[i], r2[i]
		want := map[string]string{"array_distinct": naiveList(naiveDistinct(a), a == nil)}
		if a == nil || b == nil {
			for _, k := range []string{"array_union", "array_intersect", "array_except", "arrays_overlap"} {
				want[k] = "NULL"
			}
		} else {
			want["array_union"] = naiveList(naiveDistinct(append(append([]any{}, a...), b...)), false)
			big, small := a, b
			if len(a) < len(b) {
				big, small = b, a
			}
			var inter, except []any
			for _, v := range naiveDistinct(big) {
				if naiveHas(small, v) {
					inter = append(inter, v)
				}
			}
			for _, v := range naiveDistinct(a) {
				if !naiveHas(b, v) {
					except = append(except, v)
				}
			}
			want["array_intersect"], want["array_except"] = naiveList(inter, false), naiveList(except, false)
			overlap := "false"
			for _, v := range a {
				if v != nil && naiveHas(b, v) {
					overlap = "true"
				}
			}
			if overlap == "false" && len(a) > 0 && len(b) > 0 && (naiveHas(a, nil) || naiveHas(b, nil)) {
				overlap = "NULL"
			}
			want["arrays_overlap"] = overlap
		}
		for name, w := range want {
			if got[name][i] != w {
				t.Fatalf("row %d %s(%v, %v) = %s, want %s", i, name, a, b, got[name][i], w)
			}
		}
	}
}

func naiveHas(xs []any, v any) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

func naiveDistinct(xs []any) []any {
	var out []any
	for _, x := range xs {
		if !naiveHas(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func naiveList(xs []any, null bool) string {
	if null {
		return "NULL"
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		if x == nil {
			parts[i] = "null"
		} else {
			parts[i] = fmt.Sprint(x)
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// bigIntList is one row holding n elements, half of them duplicates.
func bigIntList(n int) arrow.Array {
	b := array.NewListBuilder(memory.DefaultAllocator, arrow.PrimitiveTypes.Int64)
	defer b.Release()
	b.Append(true)
	vb := b.ValueBuilder().(*array.Int64Builder)
	vb.Reserve(n)
	for i := 0; i < n; i++ {
		vb.UnsafeAppend(int64(i % (n / 2)))
	}
	return b.NewArray()
}

// TestArrayDistinctPollsContext: a cancelled query stops array_distinct
// inside a row, not after it. The context reports cancellation from its
// tenth look on; a million elements would take some 240 looks.
func TestArrayDistinctPollsContext(t *testing.T) {
	l := bigIntList(1_000_000)
	defer l.Release()
	s, err := testCatalog.ResolveScalar("array_distinct", []planner.Type{planner.ArrayOf(tI)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := &countdownCtx{Context: context.Background(), left: 10}
	_, err = s.Kernel(&Context{Mem: memory.DefaultAllocator, Ctx: ctx}, []Vec{{Arr: l}}, 1)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if ctx.looks > 11 {
		t.Errorf("kept going for %d looks after cancellation", ctx.looks-10)
	}
	out, err := s.Kernel(&Context{Mem: memory.DefaultAllocator, Ctx: context.Background()}, []Vec{{Arr: l}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if n := out.(*array.List).ListValues().Len(); n != 500_000 {
		t.Errorf("%d distinct elements, want 500000", n)
	}
}

// countdownCtx is a context whose Err turns to Canceled after left calls.
type countdownCtx struct {
	context.Context
	left, looks int
}

func (c *countdownCtx) Err() error {
	c.looks++
	if c.looks > c.left {
		return context.Canceled
	}
	return nil
}

// BenchmarkArrayDistinct is array_distinct over one row of a million
// bigint elements (half duplicates); it was quadratic (117,000 elements
// took 52 s).
func BenchmarkArrayDistinct(b *testing.B) {
	for _, n := range []int{1000, 1_000_000} {
		l := bigIntList(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s, err := testCatalog.ResolveScalar("array_distinct", []planner.Type{planner.ArrayOf(tI)})
			if err != nil {
				b.Fatal(err)
			}
			ctx := &Context{Mem: memory.DefaultAllocator, Ctx: context.Background()}
			for i := 0; i < b.N; i++ {
				out, err := s.Kernel(ctx, []Vec{{Arr: l}}, 1)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
		})
		l.Release()
	}
}
