package fn

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// Aggregates of issue 14: listagg, approx_percentile over an array of
// percentages and with weights, approx_most_frequent, and sum/avg of
// intervals. ORDER BY and FILTER are exec's business (they wrap these).

// listaggMax is Trino's limit on a listagg result, in bytes.
const listaggMax = 1 << 20

// listaggAcc joins a group's non-NULL strings with the separator (the
// second argument, a constant); on overflow it fails or truncates, as the
// third (mode) and fourth (filler) arguments say.
type listaggAcc struct {
	distinct bool
	seenVal  []map[string]bool // per group, with distinct
	vals     [][]string
	sep      string
	mode     int64
	fill     string
	seen     bool
	bytes    int64
}

func (a *listaggAcc) Grow(n int) {
	a.vals = grow(a.vals, n)
	if a.distinct {
		a.seenVal = grow(a.seenVal, n)
	}
}

func (a *listaggAcc) Update(groups []uint32, args []arrow.Array) error {
	x := strsOf(Vec{Arr: args[0]})
	if !a.seen && len(groups) > 0 {
		sep, mode, fill := strsOf(Vec{Arr: args[1]}), intsOf(Vec{Arr: args[2]}), strsOf(Vec{Arr: args[3]})
		a.sep, a.mode, a.fill = strings.Clone(sep.at(0)), mode.at(0), strings.Clone(fill.at(0))
		a.seen = true
	}
	for i, g := range groups {
		if x.null(i) {
			continue
		}
		if a.distinct {
			if a.seenVal[g] == nil {
				a.seenVal[g] = map[string]bool{}
			}
			if a.seenVal[g][x.at(i)] {
				continue
			}
		}
		s := strings.Clone(x.at(i))
		if a.distinct {
			a.seenVal[g][s] = true
			a.bytes += int64(len(s)) + 32
		}
		a.vals[g] = append(a.vals[g], s)
		a.bytes += int64(len(s)) + 16
	}
	return nil
}

func (a *listaggAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newStrOut(mem, len(a.vals), int(a.bytes))
	var b strings.Builder
	for _, vs := range a.vals {
		if len(vs) == 0 {
			out.appendNull()
			continue
		}
		b.Reset()
		for k, s := range vs {
			extra := len(s)
			if k > 0 {
				extra += len(a.sep)
			}
			if b.Len()+extra > listaggMax {
				if a.mode == planner.ListaggError {
					out.finish().Release()
					return nil, fmt.Errorf("Concatenated string has the length in bytes larger than the maximum output length %d", listaggMax)
				}
				b.WriteString(a.sep)
				b.WriteString(a.fill)
				if a.mode == planner.ListaggTruncateWithCount {
					fmt.Fprintf(&b, "(%d)", len(vs)-k)
				}
				break
			}
			if k > 0 {
				b.WriteString(a.sep)
			}
			b.WriteString(s)
		}
		out.appendString(b.String())
	}
	return out.finish(), nil
}

func (a *listaggAcc) Bytes() int64 { return a.bytes + int64(cap(a.vals))*24 }

// percentilesAcc is approx_percentile with an array of percentages and/or
// weights, computed exactly: the value at rank round(p*(W-1)) of the
// group's values sorted, W the sum of weights (each value counted weight
// times).
type percentilesAcc struct {
	t       planner.Type
	weights bool
	array   bool
	vals    [][]wv
	ps      [][]float64
	n       int64
}

type wv struct {
	v planner.Value
	w int64
}

func (a *percentilesAcc) Grow(n int) { a.vals, a.ps = grow(a.vals, n), grow(a.ps, n) }

func (a *percentilesAcc) Update(groups []uint32, args []arrow.Array) error {
	get := arrGetter(args[0], a.t)
	var w ints
	if a.weights {
		w = intsOf(Vec{Arr: args[1]})
	}
	pa := args[len(args)-1]
	for i, g := range groups {
		if a.ps[g] == nil {
			ps, err := percentages(pa, i, a.array)
			if err != nil {
				return err
			}
			a.ps[g] = ps
		}
		x := get(i)
		if x.Null {
			continue
		}
		weight := int64(1)
		if a.weights {
			if w.null(i) {
				continue
			}
			if weight = w.at(i); weight <= 0 {
				return errors.New("weight must be > 0")
			}
		}
		a.vals[g] = append(a.vals[g], wv{v: x, w: weight})
		a.n++
	}
	return nil
}

// percentages reads row i's percentage(s); nil when NULL.
func percentages(a arrow.Array, i int, isArray bool) ([]float64, error) {
	var ps []float64
	if isArray {
		l, ok := a.(*array.List)
		if !ok || l.IsNull(i) {
			return nil, nil
		}
		f := floatsOf(Vec{Arr: l.ListValues()})
		s, e := l.ValueOffsets(i)
		for j := int(s); j < int(e); j++ {
			if f.null(j) {
				return nil, errors.New("Percentile cannot be null")
			}
			ps = append(ps, f.at(j))
		}
		if ps == nil {
			ps = []float64{}
		}
	} else {
		f := floatsOf(Vec{Arr: a})
		if f.null(i) {
			return nil, nil
		}
		ps = []float64{f.at(i)}
	}
	for _, p := range ps {
		if p < 0 || p > 1 || math.IsNaN(p) {
			return nil, errors.New("Percentile must be between 0 and 1")
		}
	}
	return ps, nil
}

func (a *percentilesAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	pick := func(vs []wv, p float64) planner.Value {
		var total int64
		for _, x := range vs {
			total += x.w
		}
		rank := int64(math.Round(p * float64(total-1)))
		for _, x := range vs {
			if rank < x.w {
				return x.v
			}
			rank -= x.w
		}
		return vs[len(vs)-1].v
	}
	if !a.array {
		out := newValOut(mem, a.t, len(a.vals))
		for g, vs := range a.vals {
			if len(vs) == 0 || a.ps[g] == nil {
				out.set(g, vnull)
				continue
			}
			a.sort(vs)
			out.set(g, pick(vs, a.ps[g][0]))
		}
		return out.finish(), nil
	}
	lb := array.NewListBuilder(mem, a.t.Arrow())
	defer lb.Release()
	vb := lb.ValueBuilder()
	for g, vs := range a.vals {
		if len(vs) == 0 || a.ps[g] == nil {
			lb.AppendNull()
			continue
		}
		a.sort(vs)
		lb.Append(true)
		for _, p := range a.ps[g] {
			appendValue(vb, pick(vs, p), a.t)
		}
	}
	return lb.NewArray(), nil
}

func (a *percentilesAcc) sort(vs []wv) {
	sort.SliceStable(vs, func(i, j int) bool { return compareValues(vs[i].v, vs[j].v, a.t) < 0 })
}

func (a *percentilesAcc) Bytes() int64 { return a.n*40 + int64(cap(a.ps))*48 }

// mostFrequentAcc is approx_most_frequent(buckets, value, capacity),
// computed exactly: the buckets most frequent non-NULL values of the group
// with their counts (ties by value). capacity, the size of Trino's
// space-saving sketch, must be at least buckets.
type mostFrequentAcc struct {
	t       planner.Type
	counts  []map[hkey]int64
	buckets []int64
	bytes   int64
}

func (a *mostFrequentAcc) Grow(n int) { a.counts, a.buckets = grow(a.counts, n), grow(a.buckets, n) }

func (a *mostFrequentAcc) Update(groups []uint32, args []arrow.Array) error {
	b, c := intsOf(Vec{Arr: args[0]}), intsOf(Vec{Arr: args[2]})
	get := arrGetter(args[1], a.t)
	for i, g := range groups {
		if a.buckets[g] == 0 && !b.null(i) {
			if b.at(i) < 1 || c.null(i) || c.at(i) < b.at(i) {
				return errors.New("approx_most_frequent: buckets must be at least 1 and capacity at least buckets")
			}
			a.buckets[g] = b.at(i)
		}
		x := get(i)
		if x.Null {
			continue
		}
		m := a.counts[g]
		if m == nil {
			m = map[hkey]int64{}
			a.counts[g] = m
		}
		k := keyOf(x, a.t)
		if _, ok := m[k]; !ok {
			k.s = strings.Clone(k.s)
			a.bytes += int64(len(k.s)) + 48
		}
		m[k]++
	}
	return nil
}

func (a *mostFrequentAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	mb := array.NewMapBuilder(mem, a.t.Arrow(), arrow.PrimitiveTypes.Int64, false)
	defer mb.Release()
	kb, ib := mb.KeyBuilder(), mb.ItemBuilder().(*array.Int64Builder)
	for g, m := range a.counts {
		if m == nil {
			mb.AppendNull()
			continue
		}
		keys := make([]hkey, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(x, y int) bool {
			if m[keys[x]] != m[keys[y]] {
				return m[keys[x]] > m[keys[y]]
			}
			return compareValues(valueOfKey(keys[x], a.t), valueOfKey(keys[y], a.t), a.t) < 0
		})
		if n := a.buckets[g]; int64(len(keys)) > n {
			keys = keys[:n]
		}
		mb.Append(true)
		for _, k := range keys {
			appendValue(kb, valueOfKey(k, a.t), a.t)
			ib.Append(m[k])
		}
	}
	return mb.NewArray(), nil
}

func (a *mostFrequentAcc) Bytes() int64 { return a.bytes + int64(cap(a.counts))*16 }

// intervalSumAcc is sum and avg of intervals (both kinds): exact int64
// arithmetic; avg truncates toward zero to the unit (ns or months).
type intervalSumAcc struct {
	t   planner.Type
	avg bool
	s   []int64
	n   []int64
}

func (a *intervalSumAcc) Grow(n int) { a.s, a.n = grow(a.s, n), grow(a.n, n) }

func (a *intervalSumAcc) Update(groups []uint32, args []arrow.Array) error {
	x := intsOf(Vec{Arr: args[0]})
	for i, g := range groups {
		if x.null(i) {
			continue
		}
		s, err := addInt(a.s[g], x.at(i))
		if err != nil {
			return errors.New("interval sum overflow")
		}
		a.s[g] = s
		a.n[g]++
	}
	return nil
}

func (a *intervalSumAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newValOut(mem, a.t, len(a.s))
	for g := range a.s {
		switch {
		case a.n[g] == 0:
			out.set(g, vnull)
		case a.avg:
			out.set(g, vi(a.s[g]/a.n[g]))
		default:
			out.set(g, vi(a.s[g]))
		}
	}
	return out.finish(), nil
}

func (a *intervalSumAcc) Bytes() int64 { return int64(cap(a.s)) * 16 }

func (c *Catalog) addMoreAggregates() {
	c.agg("listagg", "(varchar, varchar)", func(args []planner.Type, distinct bool) *Aggregate {
		if len(args) != 4 {
			return nil
		}
		return &Aggregate{Ps: ts(tV, tV, tI, tV), Ret: tV, OwnDistinct: true, New: func() Accumulator { return &listaggAcc{distinct: distinct} }}
	})
	for _, t := range []planner.Type{tI, tD} {
		t := t
		c.agg("approx_percentile", "("+t.String()+", array(double)) or ("+t.String()+", bigint, double) or ("+t.String()+", bigint, array(double))", func(args []planner.Type, distinct bool) *Aggregate {
			switch {
			case len(args) == 2 && args[1].Kind == planner.KindArray:
				return &Aggregate{Ps: ts(t, planner.ArrayOf(tD)), Ret: planner.ArrayOf(t), New: func() Accumulator {
					return &percentilesAcc{t: t, array: true}
				}}
			case len(args) == 3 && args[2].Kind == planner.KindArray:
				return &Aggregate{Ps: ts(t, tI, planner.ArrayOf(tD)), Ret: planner.ArrayOf(t), New: func() Accumulator {
					return &percentilesAcc{t: t, array: true, weights: true}
				}}
			case len(args) == 3:
				return &Aggregate{Ps: ts(t, tI, tD), Ret: t, New: func() Accumulator {
					return &percentilesAcc{t: t, weights: true}
				}}
			}
			return nil
		})
	}
	c.agg("approx_most_frequent", "(bigint, T, bigint)", func(args []planner.Type, distinct bool) *Aggregate {
		if len(args) != 3 || !isScalarKind(args[1]) || args[1].Kind == planner.KindUnknown {
			return nil
		}
		t := args[1]
		return &Aggregate{Ps: ts(tI, t, tI), Ret: planner.MapOf(t, tI), New: func() Accumulator { return &mostFrequentAcc{t: t} }}
	})
	for _, t := range []planner.Type{tIDS, tIYM} {
		t := t
		c.agg("sum", "("+t.String()+")", func(args []planner.Type, distinct bool) *Aggregate {
			return &Aggregate{Ps: ts(t), Ret: t, New: withDistinct(distinct, t, func() Accumulator { return &intervalSumAcc{t: t} })}
		})
		c.agg("avg", "("+t.String()+")", func(args []planner.Type, distinct bool) *Aggregate {
			return &Aggregate{Ps: ts(t), Ret: t, New: withDistinct(distinct, t, func() Accumulator { return &intervalSumAcc{t: t, avg: true} })}
		})
	}
}
