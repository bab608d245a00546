package exec

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// frames holds every position's frame as positions [lo, hi); an empty
// frame has lo >= hi.
type frames struct {
	lo, hi []int32
	// running: every frame starts at its partition's start and frames end
	// in non-decreasing order, so aggregates can be computed by adding
	// rows one at a time.
	running bool
}

// frames computes f's frame for every position, following Trino: ROWS
// counts rows; RANGE compares the single ORDER BY key with the current
// row's key plus or minus the offset (CURRENT ROW is the peer group, and a
// row whose key is NULL has the NULL rows as its offset bounds); GROUPS
// counts peer groups.
func (l *winLayout) frames(ctx context.Context, rec arrow.Record, f *WindowFunc, env *Env) (*frames, error) {
	if f.Frame.Unit != sql.FrameRows || f.Frame.Start.Kind == sql.CurrentRow || f.Frame.End.Kind == sql.CurrentRow {
		l.peers()
	}
	fr := &frames{lo: make([]int32, l.n), hi: make([]int32, l.n)}
	var starts, ends []int64
	var err error
	if f.Start != nil {
		if starts, err = l.offsets(ctx, rec, f.Start, f.StartType, env); err != nil {
			return nil, &ExprError{Pos: f.StartPos, Expr: f.Label, Err: err}
		}
	}
	if f.End != nil {
		if ends, err = l.offsets(ctx, rec, f.End, f.EndType, env); err != nil {
			return nil, &ExprError{Pos: f.EndPos, Expr: f.Label, Err: err}
		}
	}
	var rk *rangeKeys
	if f.Frame.Unit == sql.FrameRange && (starts != nil || ends != nil) {
		if rk, err = l.rangeKeys(f); err != nil {
			return nil, err
		}
	}
	var groups *peerGroups
	if f.Frame.Unit == sql.FrameGroups {
		groups = l.peerGroups()
	}
	bound := func(k int, b planner.WindowBound, offs []int64, typ planner.Type, end bool) int {
		ps, pe := l.partRange(k)
		switch b.Kind {
		case sql.UnboundedPreceding:
			return ps
		case sql.UnboundedFollowing:
			return pe
		case sql.CurrentRow:
			switch {
			case f.Frame.Unit == sql.FrameRows && end:
				return k + 1
			case f.Frame.Unit == sql.FrameRows:
				return k
			case end:
				return int(l.peerEnd[k])
			}
			return int(l.peerStart[k])
		}
		off := offs[l.perm[k]]
		if b.Kind == sql.Preceding {
			off = -off
		}
		switch f.Frame.Unit {
		case sql.FrameRows:
			p := int64(k) + off
			if end {
				p++
			}
			return int(min(max(p, int64(ps)), int64(pe)))
		case sql.FrameGroups:
			return groups.bound(k, off, end, ps, pe)
		}
		return rk.bound(l, k, offs[l.perm[k]], b.Kind, typ, end)
	}
	fr.running = f.Frame.Start.Kind == sql.UnboundedPreceding
	for k := 0; k < l.n; k++ {
		lo := bound(k, f.Frame.Start, starts, f.StartType, false)
		hi := bound(k, f.Frame.End, ends, f.EndType, true)
		fr.lo[k], fr.hi[k] = int32(lo), int32(max(lo, hi))
		if fr.running && k > 0 && l.partOf[k] == l.partOf[k-1] && fr.hi[k] < fr.hi[k-1] {
			fr.running = false
		}
	}
	return fr, nil
}

// offsets evaluates a frame offset for every row; NULL and negative
// offsets are errors, as in Trino. Interval and integer offsets come back
// as int64 (nanoseconds, months, counts); a double offset is rounded
// toward what its ORDER BY key allows (see rangeKeys).
func (l *winLayout) offsets(ctx context.Context, rec arrow.Record, ev Evaluator, t planner.Type, env *Env) ([]int64, error) {
	arrs, err := evalAll(ctx, []Evaluator{ev}, []planner.Type{t}, Batch{Rec: rec}, env, true)
	if err != nil {
		return nil, err
	}
	defer releaseAll(arrs)
	a := arrs[0]
	out := make([]int64, a.Len())
	floats, isFloat := a.(*array.Float64)
	ints, _ := int64s(a)
	if !isFloat && ints == nil && a.Len() > 0 {
		return nil, fmt.Errorf("unexpected frame offset type %s", a.DataType())
	}
	for i := range out {
		if !validAt(a, i) {
			return nil, fmt.Errorf("a window frame offset must not be NULL")
		}
		if isFloat {
			v := floats.Value(i)
			if v < 0 || v != v {
				return nil, fmt.Errorf("a window frame offset must not be negative")
			}
			out[i] = int64(math.Float64bits(v)) // decoded by rangeKeys
			continue
		}
		if ints[i] < 0 {
			return nil, fmt.Errorf("a window frame offset must not be negative")
		}
		out[i] = ints[i]
	}
	return out, nil
}

// peerGroups numbers the peer groups of a layout for GROUPS frames.
type peerGroups struct {
	of     []int32 // position → peer group
	starts []int32 // peer group → its first position; one extra entry: n
}

func (l *winLayout) peerGroups() *peerGroups {
	g := &peerGroups{of: make([]int32, l.n)}
	for k := 0; k < l.n; k++ {
		if int(l.peerStart[k]) == k {
			g.starts = append(g.starts, int32(k))
		}
		g.of[k] = int32(len(g.starts) - 1)
	}
	g.starts = append(g.starts, int32(l.n))
	return g
}

// bound is the frame bound off groups away from position k's group
// (negative: preceding), within the partition [ps, pe).
func (g *peerGroups) bound(k int, off int64, end bool, ps, pe int) int {
	t := int64(g.of[k]) + off
	first, last := int64(g.of[ps]), int64(g.of[pe-1])
	if end {
		if t < first {
			return ps
		}
		return int(g.starts[min(t, last)+1])
	}
	if t > last {
		return pe
	}
	return int(g.starts[max(t, first)])
}

// rangeKeys are the ORDER BY key's values in layout order, widened to one
// domain: int64 (integers; timestamps and dates as nanoseconds) or
// float64 (when the key or an offset is a double).
type rangeKeys struct {
	desc, nullsFirst bool
	ints             []int64
	floats           []float64
	null             []bool
	days             bool // a date key (nanoseconds of midnight UTC)
	floatOffsets     bool
	// nonNull[p] are the positions of partition p's non-NULL keys (NULLs
	// sort to one end of a partition).
	nonNull [][2]int32
}

// segments finds each partition's non-NULL keys.
func (rk *rangeKeys) segments(l *winLayout) {
	rk.nonNull = make([][2]int32, len(l.bounds)-1)
	for p := range rk.nonNull {
		lo, hi := l.bounds[p], l.bounds[p+1]
		if rk.nullsFirst {
			for lo < hi && rk.null[lo] {
				lo++
			}
		} else {
			for hi > lo && rk.null[hi-1] {
				hi--
			}
		}
		rk.nonNull[p] = [2]int32{lo, hi}
	}
}

func (l *winLayout) rangeKeys(f *WindowFunc) (*rangeKeys, error) {
	key := l.keys[0]
	rk := &rangeKeys{desc: l.order[0].Desc, nullsFirst: l.order[0].NullsFirst, null: make([]bool, l.n)}
	rk.floatOffsets = f.StartType.Kind == planner.KindDouble || f.EndType.Kind == planner.KindDouble
	if fa, ok := key.(*array.Float64); ok || rk.floatOffsets {
		rk.floats = make([]float64, l.n)
		ints, _ := int64s(key)
		for k, r := range l.perm {
			rk.null[k] = !validAt(key, int(r))
			if ok {
				rk.floats[k] = fa.Value(int(r))
			} else if ints != nil {
				rk.floats[k] = float64(ints[r])
			}
		}
		rk.segments(l)
		return rk, nil
	}
	ints, ok := int64s(key)
	if !ok {
		return nil, fmt.Errorf("a RANGE frame cannot order by %s", key.DataType())
	}
	_, rk.days = key.(*array.Date32)
	rk.ints = make([]int64, l.n)
	for k, r := range l.perm {
		rk.null[k] = !validAt(key, int(r))
		v := ints[r]
		if rk.days {
			v *= int64(24 * time.Hour)
		}
		rk.ints[k] = v
	}
	rk.segments(l)
	return rk, nil
}

// bound is a RANGE frame bound for position k: the first position of its
// partition's non-NULL rows whose key is not before (start) or is after
// (end) the current key moved by off in the frame's direction; for a row
// with a NULL key, the first or last of the NULL rows.
func (rk *rangeKeys) bound(l *winLayout, k int, off int64, kind sql.BoundKind, typ planner.Type, end bool) int {
	seg := rk.nonNull[l.partOf[k]]
	nnLo, nnHi := int(seg[0]), int(seg[1])
	if rk.null[k] {
		if end {
			return int(l.peerEnd[k])
		}
		return int(l.peerStart[k])
	}
	// Moving "forward" follows the sort: up for ASC, down for DESC.
	forward := kind == sql.Following
	if rk.desc {
		forward = !forward
	}
	// before(p): key p sorts before the target; for an end bound, "not
	// after" the target counts as before.
	var before func(p int) bool
	if rk.floats != nil {
		d := float64(off)
		if rk.floatOffsets && typ.Kind == planner.KindDouble {
			d = math.Float64frombits(uint64(off))
		}
		t := rk.floats[k] - d
		if forward {
			t = rk.floats[k] + d
		}
		before = func(p int) bool {
			v := rk.floats[p]
			if rk.desc {
				return v > t || end && v == t
			}
			return v < t || end && v == t
		}
	} else {
		t := rk.shifted(rk.ints[k], off, typ, forward)
		before = func(p int) bool {
			v := rk.ints[p]
			if rk.desc {
				return v > t || end && v == t
			}
			return v < t || end && v == t
		}
	}
	return nnLo + sort.Search(nnHi-nnLo, func(i int) bool { return !before(nnLo + i) })
}

// shifted moves v by off (nanoseconds, months for a year-month interval,
// or a plain number), saturating instead of overflowing.
func (rk *rangeKeys) shifted(v, off int64, typ planner.Type, up bool) int64 {
	if typ.Kind == planner.KindIntervalYM {
		m := int(off)
		if !up {
			m = -m
		}
		return time.Unix(0, v).UTC().AddDate(0, m, 0).UnixNano()
	}
	if up {
		if v > math.MaxInt64-off {
			return math.MaxInt64
		}
		return v + off
	}
	if v < math.MinInt64+off {
		return math.MinInt64
	}
	return v - off
}
