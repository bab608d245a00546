package fn

import (
	"errors"
	"math"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// approx_percentile(x, p) computed exactly: every non-NULL value of the
// group is kept (counted in Bytes, so the query memory limit applies) and
// the result is the value at rank round(p*(n-1)) of the sorted values.
// Trino answers from a sketch within its documented error; an exact answer
// is always within it. p is the first non-NULL percentage seen and must be
// in [0, 1].
type percentileAcc struct {
	double bool
	ints   [][]int64
	floats [][]float64
	p      []float64
	hasP   []bool
	held   int64 // the value slices' backing arrays
}

func (a *percentileAcc) Grow(n int) {
	a.ints, a.floats = grow(a.ints, n), grow(a.floats, n)
	a.p, a.hasP = grow(a.p, n), grow(a.hasP, n)
}

func (a *percentileAcc) Update(groups []uint32, args []arrow.Array) error {
	ps := floatsOf(Vec{Arr: args[1]})
	var is ints
	var fs floats
	if a.double {
		fs = floatsOf(Vec{Arr: args[0]})
	} else {
		is = intsOf(Vec{Arr: args[0]})
	}
	for i, g := range groups {
		if !a.hasP[g] && !ps.null(i) {
			p := ps.at(i)
			if p < 0 || p > 1 || math.IsNaN(p) {
				return errors.New("Percentile must be between 0 and 1")
			}
			a.p[g], a.hasP[g] = p, true
		}
		if a.double {
			if !fs.null(i) {
				before := cap(a.floats[g])
				a.floats[g] = append(a.floats[g], fs.at(i))
				a.held += capDelta(before, cap(a.floats[g]), 8)
			}
		} else if !is.null(i) {
			before := cap(a.ints[g])
			a.ints[g] = append(a.ints[g], is.at(i))
			a.held += capDelta(before, cap(a.ints[g]), 8)
		}
	}
	return nil
}

func (a *percentileAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	if a.double {
		out := newFixedOut[float64](mem, tD.Arrow(), len(a.floats))
		for g, vs := range a.floats {
			if len(vs) == 0 || !a.hasP[g] {
				out.setNull(g)
				continue
			}
			slices.Sort(vs)
			out.vals[g] = vs[int(math.Round(a.p[g]*float64(len(vs)-1)))]
		}
		return out.finish(), nil
	}
	out := newFixedOut[int64](mem, tI.Arrow(), len(a.ints))
	for g, vs := range a.ints {
		if len(vs) == 0 || !a.hasP[g] {
			out.setNull(g)
			continue
		}
		slices.Sort(vs)
		out.vals[g] = vs[int(math.Round(a.p[g]*float64(len(vs)-1)))]
	}
	return out.finish(), nil
}

func (a *percentileAcc) Bytes() int64 {
	return a.held + int64(cap(a.ints)+cap(a.floats))*sliceHeader + int64(cap(a.p))*8 + int64(cap(a.hasP))
}

func (c *Catalog) addPercentile() {
	for _, t := range []planner.Type{tI, tD} {
		t := t
		c.agg("approx_percentile", "("+t.String()+", double)", func(args []planner.Type, distinct bool) *Aggregate {
			return &Aggregate{Ps: ts(t, tD), Ret: t, New: func() Accumulator {
				return &percentileAcc{double: t.Kind == planner.KindDouble}
			}}
		})
	}
}
