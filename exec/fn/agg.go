package fn

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// Aggregates. Every accumulator keeps one slot per group in plain slices
// indexed by group id, so Update is a typed loop with no per-row
// allocation; NULL inputs are skipped and a group that saw no value
// yields NULL (count yields 0).

func grow[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		return s[:n]
	}
	ns := make([]T, n, max(n, 2*cap(s)))
	copy(ns, s)
	return ns
}

// countAcc is count(*) (star) or count(x).
type countAcc struct {
	star bool
	n    []int64
}

func (a *countAcc) Grow(n int) { a.n = grow(a.n, n) }
func (a *countAcc) Update(groups []uint32, args []arrow.Array) error {
	if a.star {
		for _, g := range groups {
			a.n[g]++
		}
		return nil
	}
	nl := arrNulls(args[0])
	if nl.isConst {
		return nil
	}
	if nl.bits == nil {
		for _, g := range groups {
			a.n[g]++
		}
		return nil
	}
	for i, g := range groups {
		if !nl.null(i) {
			a.n[g]++
		}
	}
	return nil
}
func (a *countAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newFixedOut[int64](mem, tI.Arrow(), len(a.n))
	copy(out.vals, a.n)
	return out.finish(), nil
}
func (a *countAcc) Bytes() int64 { return int64(cap(a.n)) * 8 }

// countIfAcc is count_if(boolean).
type countIfAcc struct{ n []int64 }

func (a *countIfAcc) Grow(n int) { a.n = grow(a.n, n) }
func (a *countIfAcc) Update(groups []uint32, args []arrow.Array) error {
	b := boolsOf(Vec{Arr: args[0]})
	for i, g := range groups {
		if !b.null(i) && b.at(i) {
			a.n[g]++
		}
	}
	return nil
}
func (a *countIfAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newFixedOut[int64](mem, tI.Arrow(), len(a.n))
	copy(out.vals, a.n)
	return out.finish(), nil
}
func (a *countIfAcc) Bytes() int64 { return int64(cap(a.n)) * 8 }

// sumIntAcc is sum(bigint) → bigint; overflow is an error, as in Trino.
type sumIntAcc struct {
	s   []int64
	has []bool
}

func (a *sumIntAcc) Grow(n int) { a.s, a.has = grow(a.s, n), grow(a.has, n) }
func (a *sumIntAcc) Update(groups []uint32, args []arrow.Array) error {
	r := intsOf(Vec{Arr: args[0]})
	if r.isConst {
		return nil
	}
	for i, g := range groups {
		if r.null(i) {
			continue
		}
		x := r.at(i)
		s := a.s[g] + x
		if (s > a.s[g]) != (x > 0) {
			return fmt.Errorf("bigint addition overflow: %d + %d", a.s[g], x)
		}
		a.s[g], a.has[g] = s, true
	}
	return nil
}
func (a *sumIntAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newFixedOut[int64](mem, tI.Arrow(), len(a.s))
	for g, ok := range a.has {
		if ok {
			out.vals[g] = a.s[g]
		} else {
			out.setNull(g)
		}
	}
	return out.finish(), nil
}
func (a *sumIntAcc) Bytes() int64 { return int64(cap(a.s)) * 9 }

// sumFloatAcc is sum(double), or avg(bigint|double) when avg is set.
type sumFloatAcc struct {
	avg bool
	s   []float64
	n   []int64
}

func (a *sumFloatAcc) Grow(n int) { a.s, a.n = grow(a.s, n), grow(a.n, n) }
func (a *sumFloatAcc) Update(groups []uint32, args []arrow.Array) error {
	if args[0].DataType().ID() == arrow.FLOAT64 {
		r := floatsOf(Vec{Arr: args[0]})
		for i, g := range groups {
			if !r.null(i) {
				a.s[g] += r.at(i)
				a.n[g]++
			}
		}
		return nil
	}
	r := intsOf(Vec{Arr: args[0]})
	if r.isConst {
		return nil
	}
	for i, g := range groups {
		if !r.null(i) {
			a.s[g] += float64(r.at(i))
			a.n[g]++
		}
	}
	return nil
}
func (a *sumFloatAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newFixedOut[float64](mem, tD.Arrow(), len(a.s))
	for g, n := range a.n {
		switch {
		case n == 0:
			out.setNull(g)
		case a.avg:
			out.vals[g] = a.s[g] / float64(n)
		default:
			out.vals[g] = a.s[g]
		}
	}
	return out.finish(), nil
}
func (a *sumFloatAcc) Bytes() int64 { return int64(cap(a.s)) * 16 }

// boolAggAcc is bool_and/every (and=true) or bool_or.
type boolAggAcc struct {
	and bool
	v   []bool
	has []bool
}

func (a *boolAggAcc) Grow(n int) { a.v, a.has = grow(a.v, n), grow(a.has, n) }
func (a *boolAggAcc) Update(groups []uint32, args []arrow.Array) error {
	b := boolsOf(Vec{Arr: args[0]})
	for i, g := range groups {
		if b.null(i) {
			continue
		}
		x := b.at(i)
		if !a.has[g] {
			a.v[g], a.has[g] = x, true
		} else if a.and {
			a.v[g] = a.v[g] && x
		} else {
			a.v[g] = a.v[g] || x
		}
	}
	return nil
}
func (a *boolAggAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newBoolOut(mem, len(a.v))
	for g, ok := range a.has {
		if ok {
			out.set(g, a.v[g])
		} else {
			out.setNull(g)
		}
	}
	return out.finish(), nil
}
func (a *boolAggAcc) Bytes() int64 { return int64(cap(a.v)) * 2 }

func one(args []planner.Type) (planner.Type, bool) {
	if len(args) != 1 {
		return planner.Type{}, false
	}
	return args[0], true
}

func (c *Catalog) addAggregates() {
	c.agg("count", "() or (T)", func(args []planner.Type, distinct bool) *Aggregate {
		if len(args) == 0 {
			return &Aggregate{Ret: tI, New: func() Accumulator { return &countAcc{star: true} }}
		}
		t, ok := one(args)
		if !ok {
			return nil
		}
		return &Aggregate{Ps: ts(t), Ret: tI, New: withDistinct(distinct, t, func() Accumulator { return &countAcc{} })}
	})
	c.agg("count_if", "(boolean)", func(args []planner.Type, distinct bool) *Aggregate {
		return &Aggregate{Ps: ts(tB), Ret: tI, New: withDistinct(distinct, tB, func() Accumulator { return &countIfAcc{} })}
	})
	for _, in := range []planner.Type{tI, tD} {
		in := in
		sig := "(" + in.String() + ")"
		c.agg("sum", sig, func(args []planner.Type, distinct bool) *Aggregate {
			if in.Kind == planner.KindBigint {
				return &Aggregate{Ps: ts(tI), Ret: tI, New: withDistinct(distinct, tI, func() Accumulator { return &sumIntAcc{} })}
			}
			return &Aggregate{Ps: ts(tD), Ret: tD, New: withDistinct(distinct, tD, func() Accumulator { return &sumFloatAcc{} })}
		})
		c.agg("avg", sig, func(args []planner.Type, distinct bool) *Aggregate {
			return &Aggregate{Ps: ts(in), Ret: tD, New: withDistinct(distinct, in, func() Accumulator { return &sumFloatAcc{avg: true} })}
		})
	}
	c.agg("bool_and,every", "(boolean)", func(args []planner.Type, distinct bool) *Aggregate {
		return &Aggregate{Ps: ts(tB), Ret: tB, New: func() Accumulator { return &boolAggAcc{and: true} }}
	})
	c.agg("bool_or", "(boolean)", func(args []planner.Type, distinct bool) *Aggregate {
		return &Aggregate{Ps: ts(tB), Ret: tB, New: func() Accumulator { return &boolAggAcc{} }}
	})
	c.addMinMax()
	c.addStats()
	c.addMapAggs()
	c.addPercentile()
	c.agg("approx_distinct", "(T)", func(args []planner.Type, distinct bool) *Aggregate {
		t, ok := one(args)
		if !ok || !isScalarKind(t) {
			return nil
		}
		if t.Kind == planner.KindUnknown {
			t = tV
		}
		return &Aggregate{Ps: ts(t), Ret: tI, New: func() Accumulator { return newHLLAcc(t) }}
	})
}
