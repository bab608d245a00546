package exec

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// Aggregates as window functions. A frame that is the whole partition (no
// ORDER BY, or UNBOUNDED on both sides) feeds each partition to one
// accumulator once. The common aggregates over any other frame have
// kernels of their own (window_agg_fast.go): prefix sums for counts and
// integer sums, running values where every frame starts at its
// partition's start, and segment trees otherwise, so each row costs
// O(log n) whatever its frame's size. Every other aggregate feeds each
// row's frame to a fresh group of its accumulator, in chunks of bounded
// size: O(total frame size) work, which is exact but slow for long
// running frames.

// frameFeedMax bounds the rows one chunk of the generic path feeds to its
// accumulator.
const frameFeedMax = 1 << 20

// aggregate computes an aggregate over each position's frame (fr is nil
// for whole-partition frames).
func (l *winLayout) aggregate(ctx context.Context, env *Env, f *WindowFunc, args []arrow.Array, fr *frames) (arrow.Array, error) {
	if fr == nil {
		return l.aggregateWhole(env, f, args)
	}
	if a, ok, err := l.fastAggregate(env, f, args, fr); ok || err != nil {
		return a, err
	}
	return l.aggregateFrames(ctx, env, f, args, fr)
}

// aggregateWhole feeds each partition to one group of an accumulator and
// hands every row its partition's value.
func (l *winLayout) aggregateWhole(env *Env, f *WindowFunc, args []arrow.Array) (arrow.Array, error) {
	groups := make([]uint32, l.n) // by row
	for k, r := range l.perm {
		groups[r] = uint32(l.partOf[k])
	}
	acc := f.NewAcc()
	acc.Grow(len(l.bounds) - 1)
	if err := acc.Update(groups, args); err != nil {
		return nil, aggErr(f, err)
	}
	res, err := acc.Result(env.mem())
	if err != nil {
		return nil, aggErr(f, err)
	}
	defer res.Release()
	return take(env.mem(), res, l.partOf)
}

// aggregateFrames is the generic path: chunks of consecutive positions,
// each position a group fed the rows of its frame.
func (l *winLayout) aggregateFrames(ctx context.Context, env *Env, f *WindowFunc, args []arrow.Array, fr *frames) (arrow.Array, error) {
	var chunks []arrow.Array
	defer func() { releaseAll(chunks) }()
	size := func(k int) int { return max(0, int(fr.hi[k]-fr.lo[k])) }
	for c0 := 0; c0 < l.n; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		feed, c1 := size(c0), c0+1
		for c1 < l.n && feed+size(c1) <= frameFeedMax {
			feed += size(c1)
			c1++
		}
		groups := make([]uint32, 0, feed)
		rows := make([]int32, 0, feed)
		for k := c0; k < c1; k++ {
			for j := fr.lo[k]; j < fr.hi[k]; j++ {
				groups = append(groups, uint32(k-c0))
				rows = append(rows, l.perm[j])
			}
		}
		taken := make([]arrow.Array, 0, len(args))
		for _, a := range args {
			t, err := take(env.mem(), a, rows)
			if err != nil {
				releaseAll(taken)
				return nil, err
			}
			taken = append(taken, t)
		}
		acc := f.NewAcc()
		acc.Grow(c1 - c0)
		err := acc.Update(groups, taken)
		releaseAll(taken)
		if err != nil {
			return nil, aggErr(f, err)
		}
		res, err := acc.Result(env.mem())
		if err != nil {
			return nil, aggErr(f, err)
		}
		chunks = append(chunks, res)
		c0 = c1
	}
	if len(chunks) == 1 {
		a := chunks[0]
		chunks = nil
		return a, nil
	}
	return array.Concatenate(chunks, env.mem())
}

func aggErr(f *WindowFunc, err error) error {
	return fmt.Errorf("%s: %w", f.Label, err)
}

// segTree answers range queries of an associative, commutative operation
// over positions in O(log n): a bottom-up segment tree.
type segTree[T any] struct {
	n    int
	t    []T
	zero T
	op   func(a, b T) T
}

func newSegTree[T any](vals []T, zero T, op func(a, b T) T) *segTree[T] {
	n := len(vals)
	s := &segTree[T]{n: n, t: make([]T, 2*n), zero: zero, op: op}
	copy(s.t[n:], vals)
	for i := n - 1; i >= 1; i-- {
		s.t[i] = op(s.t[2*i], s.t[2*i+1])
	}
	return s
}

// query combines positions [lo, hi).
func (s *segTree[T]) query(lo, hi int) T {
	res := s.zero
	for lo, hi = lo+s.n, hi+s.n; lo < hi; lo, hi = lo>>1, hi>>1 {
		if lo&1 == 1 {
			res = s.op(res, s.t[lo])
			lo++
		}
		if hi&1 == 1 {
			hi--
			res = s.op(res, s.t[hi])
		}
	}
	return res
}

// prefix counts, per position, how many earlier positions satisfy pred:
// out[k] for positions before k (n+1 entries).
func prefixCount(n int, pred func(k int) bool) []int32 {
	out := make([]int32, n+1)
	for k := 0; k < n; k++ {
		out[k+1] = out[k]
		if pred(k) {
			out[k+1]++
		}
	}
	return out
}

// sumInts sums integers over frames exactly: wrapping prefix sums give the
// exact frame sum whenever it fits in int64, and a float shadow detects
// when it does not (Trino's overflow error).
func sumInts(vals []int64, lo, hi []int32) ([]int64, error) {
	n := len(vals)
	p := make([]int64, n+1)
	fp := make([]float64, n+1)
	for k, v := range vals {
		p[k+1] = p[k] + v
		fp[k+1] = fp[k] + float64(v)
	}
	out := make([]int64, len(lo))
	for k := range out {
		if lo[k] >= hi[k] {
			continue
		}
		if f := fp[hi[k]] - fp[lo[k]]; math.Abs(f) >= 9.2e18 {
			return nil, fmt.Errorf("bigint addition overflow")
		}
		out[k] = p[hi[k]] - p[lo[k]]
	}
	return out, nil
}
