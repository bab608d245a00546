package fn

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// tv is a typed SQL value in a test case.
type tv struct {
	t planner.Type
	v planner.Value
}

func S(s string) tv  { return tv{tV, planner.Value{Str: s}} }
func J(s string) tv  { return tv{tJ, planner.Value{Str: s}} }
func I(i int64) tv   { return tv{tI, planner.Value{Int: i}} }
func F(f float64) tv { return tv{tD, planner.Value{Float: f}} }
func B(b bool) tv    { return tv{tB, planner.Value{Bool: b}} }
func N(t planner.Type) tv {
	return tv{t, planner.Value{Null: true}}
}

// TS parses "2006-01-02 15:04:05.000000000"-like text (UTC) in tests.
func TS(s string) tv {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return tv{tTS, planner.Value{Int: t.UnixNano()}}
		}
	}
	panic("bad test timestamp " + s)
}

func DT(s string) tv {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return tv{tDT, planner.Value{Int: t.Unix() / 86400}}
}

func IV(d time.Duration) tv { return tv{tIDS, planner.Value{Int: int64(d)}} }
func IYM(m int64) tv        { return tv{tIYM, planner.Value{Int: m}} }

var testCatalog = NewCatalog()

// buildArray builds a length-n array of t holding x in every row, sliced
// from a larger array so that kernels must honour the array offset.
func buildArray(t planner.Type, x planner.Value, n int) arrow.Array {
	out := newValOut(memory.DefaultAllocator, t, n+1)
	out.set(0, planner.Value{Null: true})
	for i := 1; i <= n; i++ {
		out.set(i, x)
	}
	full := out.finish()
	defer full.Release()
	return array.NewSlice(full, 1, int64(n+1))
}

// call runs name(args) through the catalog in three argument shapes (all
// constants, all arrays, first an array and the rest constants) and checks
// they agree; it returns the value and the result type.
func call(t *testing.T, name string, args ...tv) (tv, error) {
	t.Helper()
	types := make([]planner.Type, len(args))
	for i, a := range args {
		types[i] = a.t
	}
	s, err := testCatalog.ResolveScalar(name, types)
	if err != nil {
		return tv{}, err
	}
	const n = 3
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	ctx := &Context{Mem: mem, Now: TS("2024-05-01 12:00:00").v.Int}
	var results []planner.Value
	var firstErr error
	for shape := 0; shape < 3; shape++ {
		vecs := make([]Vec, len(args))
		for i, a := range args {
			// Cast to the parameter type as the planner would.
			val := a.v
			pt := s.Ps[i]
			if !a.t.Equal(pt) && !val.Null {
				k, err := CastKernel(a.t, pt, false)
				if err != nil {
					t.Fatalf("test setup: cast %s to %s: %v", a.t, pt, err)
				}
				r, err := k(ctx, []Vec{{IsConst: true, Const: val}}, 1)
				if err != nil {
					t.Fatalf("test setup: cast: %v", err)
				}
				val = arrGetter(r, pt)(0)
				if val.Str != "" {
					val.Str = strings.Clone(val.Str)
				}
				r.Release()
			}
			asArray := shape == 1 || (shape == 2 && i == 0)
			if asArray {
				vecs[i] = Vec{Arr: buildArray(pt, val, n)}
			} else {
				vecs[i] = Vec{IsConst: true, Const: val}
			}
		}
		out, err := s.Kernel(ctx, vecs, n)
		for _, v := range vecs {
			if v.Arr != nil {
				v.Arr.Release()
			}
		}
		if err != nil {
			if shape > 0 && firstErr == nil {
				t.Errorf("%s: shape %d fails (%v) where shape 0 did not", name, shape, err)
			}
			firstErr = err
			continue
		}
		if firstErr != nil {
			t.Errorf("%s: shape %d succeeds where shape 0 failed: %v", name, shape, firstErr)
		}
		if out.Len() != n {
			t.Fatalf("%s: result length %d, want %d", name, out.Len(), n)
		}
		if !arrow.TypeEqual(out.DataType(), s.Ret.Arrow()) {
			t.Fatalf("%s: result type %v, declared %v", name, out.DataType(), s.Ret.Arrow())
		}
		if isScalarKind(s.Ret) {
			g := arrGetter(out, s.Ret)
			for i := 0; i < n; i++ {
				r := g(i)
				r.Str = strings.Clone(r.Str)
				results = append(results, r)
			}
		} else {
			results = append(results, planner.Value{Str: arrString(out, 0)})
		}
		out.Release()
	}
	mem.AssertSize(t, 0)
	if firstErr != nil {
		return tv{}, firstErr
	}
	for _, r := range results[1:] {
		if !sameResult(r, results[0], s.Ret) {
			t.Errorf("%s: shapes disagree: %+v vs %+v", name, r, results[0])
		}
	}
	return tv{s.Ret, results[0]}, nil
}

// arrString renders row i of a compound array for comparisons.
func arrString(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NULL"
	}
	return a.ValueStr(i)
}

func sameResult(a, b planner.Value, t planner.Type) bool {
	if a.Null || b.Null {
		return a.Null == b.Null
	}
	if t.Kind == planner.KindDouble {
		if math.IsNaN(a.Float) || math.IsNaN(b.Float) {
			return math.IsNaN(a.Float) && math.IsNaN(b.Float)
		}
		return a.Float == b.Float || math.Abs(a.Float-b.Float) <= 1e-9*math.Max(1, math.Abs(b.Float))
	}
	return a == b
}

// fcase is one function test: name(args) = want, or an error containing
// err.
type fcase struct {
	name string
	args []tv
	want tv
	err  string
}

func runCases(t *testing.T, cases []fcase) {
	t.Helper()
	for _, c := range cases {
		got, err := call(t, c.name, c.args...)
		label := c.name + "(" + argText(c.args) + ")"
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want one containing %q", label, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", label, err)
			continue
		}
		if c.want.t.Kind != planner.KindUnknown && !got.t.Equal(c.want.t) {
			t.Errorf("%s: type %s, want %s", label, got.t, c.want.t)
		}
		if !sameResult(got.v, c.want.v, got.t) {
			t.Errorf("%s = %s, want %s", label, show(got), show(c.want))
		}
	}
}

func show(x tv) string {
	if x.v.Null {
		return "NULL"
	}
	if !isScalarKind(x.t) {
		return x.v.Str
	}
	return planner.FormatValue(x.v, x.t, true)
}

func argText(args []tv) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = show(a)
	}
	return strings.Join(parts, ", ")
}

func args(a ...tv) []tv { return a }
