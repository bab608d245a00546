package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// fastAggregate computes count, count_if, sum, avg, min, max, bool_and,
// every and bool_or over arbitrary frames without feeding rows to
// accumulators; ok is false for other aggregates (and argument types
// these kernels do not cover).
func (l *winLayout) fastAggregate(env *Env, f *WindowFunc, args []arrow.Array, fr *frames) (arrow.Array, bool, error) {
	valid := func(a arrow.Array) func(k int) bool {
		return func(k int) bool { return validAt(a, int(l.perm[k])) }
	}
	switch f.Name {
	case "count":
		out := make([]int64, l.n)
		if len(args) == 0 {
			for k := range out {
				out[k] = int64(fr.hi[k] - fr.lo[k])
			}
		} else {
			c := prefixCount(l.n, valid(args[0]))
			for k := range out {
				out[k] = int64(c[fr.hi[k]] - c[fr.lo[k]])
			}
		}
		return int64Array(env, out, nil), true, nil
	case "count_if":
		b, ok := args[0].(*array.Boolean)
		if !ok {
			return nil, false, nil
		}
		c := prefixCount(l.n, func(k int) bool { r := int(l.perm[k]); return b.IsValid(r) && b.Value(r) })
		out := make([]int64, l.n)
		for k := range out {
			out[k] = int64(c[fr.hi[k]] - c[fr.lo[k]])
		}
		return int64Array(env, out, nil), true, nil
	case "bool_and", "every", "bool_or":
		b, ok := args[0].(*array.Boolean)
		if !ok {
			return nil, false, nil
		}
		want := f.Name == "bool_or" // the value that decides the result
		hits := prefixCount(l.n, func(k int) bool { r := int(l.perm[k]); return b.IsValid(r) && b.Value(r) == want })
		seen := prefixCount(l.n, valid(b))
		bb := array.NewBooleanBuilder(env.mem())
		defer bb.Release()
		for k := 0; k < l.n; k++ {
			lo, hi := fr.lo[k], fr.hi[k]
			if seen[hi]-seen[lo] == 0 {
				bb.AppendNull()
			} else {
				bb.Append((hits[hi]-hits[lo] > 0) == want)
			}
		}
		return bb.NewArray(), true, nil
	case "sum", "avg":
		return l.sumAvg(env, f.Name == "avg", args[0], fr)
	case "min", "max":
		if len(args) != 1 {
			return nil, false, nil
		}
		return l.minMax(env, f, args[0], fr)
	}
	return nil, false, nil
}

// sumAvg computes sum or avg over frames: integer sums exactly by prefix
// sums, double sums sequentially where frames only grow (running totals)
// and by a segment tree otherwise (no cancellation between far-apart
// values, unlike subtracting prefix sums).
func (l *winLayout) sumAvg(env *Env, avg bool, x arrow.Array, fr *frames) (arrow.Array, bool, error) {
	cnt := prefixCount(l.n, func(k int) bool { return validAt(x, int(l.perm[k])) })
	count := func(k int) int64 { return int64(cnt[fr.hi[k]] - cnt[fr.lo[k]]) }
	switch x := x.(type) {
	case *array.Int64:
		vals := make([]int64, l.n)
		for k, r := range l.perm {
			if x.IsValid(int(r)) {
				vals[k] = x.Value(int(r))
			}
		}
		sums, err := sumInts(vals, fr.lo, fr.hi)
		if err != nil {
			return nil, true, err
		}
		if !avg {
			ok := make([]bool, l.n)
			for k := range ok {
				ok[k] = count(k) > 0
			}
			return int64Array(env, sums, ok), true, nil
		}
		out := make([]float64, l.n)
		for k := range out {
			if c := count(k); c > 0 {
				out[k] = float64(sums[k]) / float64(c)
			}
		}
		return l.float64Result(env, out, count), true, nil
	case *array.Float64:
		vals := make([]float64, l.n)
		for k, r := range l.perm {
			if x.IsValid(int(r)) {
				vals[k] = x.Value(int(r))
			}
		}
		out := make([]float64, l.n)
		if fr.running {
			l.frontier(fr, func(k int) { out[k] = 0 }, func(k, j int) { out[k] += vals[j] }, func(k int) { out[k] = out[k-1] })
		} else {
			t := newSegTree(vals, 0, func(a, b float64) float64 { return a + b })
			for k := range out {
				out[k] = t.query(int(fr.lo[k]), int(fr.hi[k]))
			}
		}
		if avg {
			for k := range out {
				if c := count(k); c > 0 {
					out[k] /= float64(c)
				}
			}
		}
		return l.float64Result(env, out, count), true, nil
	}
	return nil, false, nil
}

func (l *winLayout) float64Result(env *Env, vals []float64, count func(k int) int64) arrow.Array {
	ok := make([]bool, len(vals))
	for k := range ok {
		ok[k] = count(k) > 0
	}
	b := array.NewFloat64Builder(env.mem())
	defer b.Release()
	b.AppendValues(vals, ok)
	return b.NewArray()
}

// frontier walks running frames (each starting at its partition's start,
// ends never decreasing): reset(k) at a partition's first position, add(k,
// j) for each position j entering position k's frame, and carry(k) to
// start position k from position k-1's state.
func (l *winLayout) frontier(fr *frames, reset func(k int), add func(k, j int), carry func(k int)) {
	j := 0
	for k := 0; k < l.n; k++ {
		if k == 0 || l.partOf[k] != l.partOf[k-1] {
			reset(k)
			j = int(fr.lo[k])
		} else {
			carry(k)
		}
		for ; j < int(fr.hi[k]); j++ {
			add(k, j)
		}
	}
}

// minMax computes min or max over frames as the position of the best
// value: carried along running frames, else from a segment tree.
func (l *winLayout) minMax(env *Env, f *WindowFunc, x arrow.Array, fr *frames) (arrow.Array, bool, error) {
	cmpRows, err := comparator(x, x)
	if err != nil {
		return nil, false, nil
	}
	isMax := f.Name == "max"
	valid := make([]bool, l.n)
	for k, r := range l.perm {
		valid[k] = validAt(x, int(r))
	}
	// better picks the position with the better value (-1: none).
	better := func(a, b int32) int32 {
		switch {
		case a < 0:
			return b
		case b < 0:
			return a
		}
		c := cmpRows(int(l.perm[a]), int(l.perm[b]))
		if isMax && c < 0 || !isMax && c > 0 {
			return b
		}
		return a
	}
	best := make([]int32, l.n)
	if fr.running {
		l.frontier(fr, func(k int) { best[k] = -1 }, func(k, j int) {
			if valid[j] {
				best[k] = better(best[k], int32(j))
			}
		}, func(k int) { best[k] = best[k-1] })
	} else {
		pos := make([]int32, l.n)
		for k := range pos {
			pos[k] = -1
			if valid[k] {
				pos[k] = int32(k)
			}
		}
		t := newSegTree(pos, -1, better)
		for k := range best {
			best[k] = t.query(int(fr.lo[k]), int(fr.hi[k]))
		}
	}
	from := make([]int8, l.n)
	rows := make([]int32, l.n)
	for k, p := range best {
		if p < 0 {
			from[k] = -1
		} else {
			rows[k] = l.perm[p]
		}
	}
	a, err := gatherFrom(env, f.T, []arrow.Array{x}, from, rows)
	return a, true, err
}
