package exec

import (
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// TestComparatorNaN: ORDER BY puts NaN above every number, +Inf included,
// as Trino does (found by querytest's edge.test against the reference).
func TestComparatorNaN(t *testing.T) {
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	vals := []float64{math.NaN(), math.Inf(1), 1, math.Inf(-1), math.NaN()}
	b.AppendValues(vals, nil)
	a := b.NewFloat64Array()
	defer a.Release()
	f, err := comparator(a, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		i, j, want int
	}{{0, 1, 1}, {1, 0, -1}, {0, 4, 0}, {3, 0, -1}, {2, 1, -1}, {2, 3, 1}} {
		if got := f(c.i, c.j); got != c.want {
			t.Errorf("compare(%v, %v) = %d, want %d", vals[c.i], vals[c.j], got, c.want)
		}
	}
}

// TestCompareNaN: comparison operators on doubles are IEEE 754, as in
// Trino: NaN = NaN is false, NaN <> NaN true, NaN is neither < nor > 1;
// IS DISTINCT FROM treats two NaNs as the same value.
func TestCompareNaN(t *testing.T) {
	dbl := func(f float64) *planner.Literal {
		return &planner.Literal{V: planner.Value{Float: f}, T: planner.Double}
	}
	nan, one := dbl(math.NaN()), dbl(1.0)
	f := Folder{Env: &Env{}}
	for _, c := range []struct {
		op   planner.CmpOp
		l, r *planner.Literal
		want bool
	}{
		{planner.OpEq, nan, nan, false},
		{planner.OpNe, nan, nan, true},
		{planner.OpLt, nan, one, false},
		{planner.OpGt, nan, one, false},
		{planner.OpGe, one, nan, false},
		{planner.OpLe, one, one, true},
		{planner.OpIsDistinct, nan, nan, false},
		{planner.OpIsNotDistinct, nan, nan, true},
		{planner.OpIsDistinct, nan, one, true},
	} {
		v, err := f.Fold(&planner.Compare{Op: c.op, L: c.l, R: c.r})
		if err != nil || v.Null || v.Bool != c.want {
			t.Errorf("%v %v %v = %+v, %v; want %v", c.l.V.Float, c.op, c.r.V.Float, v, err, c.want)
		}
	}
}
