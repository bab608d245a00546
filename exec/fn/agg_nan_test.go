package fn

import (
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// TestMinMaxNaN: Trino's max ranks NaN below every number and min above
// every number, so a NaN is the answer only when a group has nothing else
// (found by querytest's edge.test against the reference evaluator).
func TestMinMaxNaN(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name    string
		in      []float64
		want    float64
		wantNaN bool
	}{
		{"max", []float64{nan, 1, 2}, 2, false},
		{"max", []float64{1, nan, 2}, 2, false},
		{"max", []float64{2, 1, nan}, 2, false},
		{"min", []float64{nan, 1, 2}, 1, false},
		{"min", []float64{2, nan, 1}, 1, false},
		{"max", []float64{nan, nan}, 0, true},
		{"min", []float64{nan}, 0, true},
	} {
		a, err := testCatalog.ResolveAggregate(c.name, []planner.Type{planner.Double}, false)
		if err != nil {
			t.Fatal(err)
		}
		acc := a.New()
		acc.Grow(1)
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		b.AppendValues(c.in, nil)
		arr := b.NewArray()
		if err := acc.Update(make([]uint32, len(c.in)), []arrow.Array{arr}); err != nil {
			t.Fatal(err)
		}
		res, err := acc.Result(memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		got := res.(*array.Float64).Value(0)
		if c.wantNaN && !math.IsNaN(got) || !c.wantNaN && got != c.want {
			t.Errorf("%s(%v) = %v, want %v (NaN: %v)", c.name, c.in, got, c.want, c.wantNaN)
		}
		arr.Release()
		res.Release()
		b.Release()
	}
}
