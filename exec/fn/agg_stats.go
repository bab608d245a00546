package fn

import (
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// varianceAcc is variance/var_samp/var_pop and stddev/stddev_samp/
// stddev_pop over doubles (bigint coerces), with Welford's running mean so
// large values do not lose precision. Sample statistics of fewer than two
// values are NULL, population statistics of none are NULL, as in Trino.
type varianceAcc struct {
	sample, sqrt bool
	n            []int64
	mean, m2     []float64
}

func (a *varianceAcc) Grow(n int) {
	a.n, a.mean, a.m2 = grow(a.n, n), grow(a.mean, n), grow(a.m2, n)
}

func (a *varianceAcc) Update(groups []uint32, args []arrow.Array) error {
	r := floatsOf(Vec{Arr: args[0]})
	for i, g := range groups {
		if r.null(i) {
			continue
		}
		x := r.at(i)
		a.n[g]++
		d := x - a.mean[g]
		a.mean[g] += d / float64(a.n[g])
		a.m2[g] += d * (x - a.mean[g])
	}
	return nil
}

func (a *varianceAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newFixedOut[float64](mem, tD.Arrow(), len(a.n))
	for g, n := range a.n {
		div := float64(n)
		if a.sample {
			div--
		}
		if div <= 0 {
			out.setNull(g)
			continue
		}
		v := a.m2[g] / div
		if a.sqrt {
			v = math.Sqrt(v)
		}
		out.vals[g] = v
	}
	return out.finish(), nil
}

func (a *varianceAcc) Bytes() int64 { return int64(cap(a.n)) * 24 }

func (c *Catalog) addStats() {
	for _, s := range []struct {
		names        string
		sample, sqrt bool
	}{
		{"variance,var_samp", true, false},
		{"var_pop", false, false},
		{"stddev,stddev_samp", true, true},
		{"stddev_pop", false, true},
	} {
		s := s
		c.agg(s.names, "(double)", func(args []planner.Type, distinct bool) *Aggregate {
			return &Aggregate{Ps: ts(tD), Ret: tD, New: withDistinct(distinct, tD, func() Accumulator {
				return &varianceAcc{sample: s.sample, sqrt: s.sqrt}
			})}
		})
	}
}
