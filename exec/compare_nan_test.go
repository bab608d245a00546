package exec

import (
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
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
