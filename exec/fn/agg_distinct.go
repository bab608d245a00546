package fn

import (
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// DISTINCT aggregates wrap any one-argument accumulator: a per-(group,
// value) hash set drops rows whose value the group has already seen, and
// only first occurrences reach the inner accumulator. A NULL counts as one
// value (count ignores it anyway; array_agg keeps one).

// withDistinct returns mk, or mk wrapped in a distinct filter.
func withDistinct(distinct bool, t planner.Type, mk func() Accumulator) func() Accumulator {
	if !distinct {
		return mk
	}
	return func() Accumulator { return &distinctAcc{t: t, inner: mk()} }
}

type distinctAcc struct {
	t     planner.Type
	inner Accumulator
	ints  []map[int64]struct{} // per group: map[int64] hashes well, a struct key did not
	strs  []*strSet
	nulls []bool
	bytes int64
	// scratch
	sel    []int
	selGrp []uint32
	memo   []uint32 // per dictionary entry: group+1 whose set is known to hold it (this batch)
}

// TakesDictionaries: varchar arguments may stay dictionary-encoded.
func (a *distinctAcc) TakesDictionaries() bool {
	return a.t.Kind == planner.KindVarchar || a.t.Kind == planner.KindJSON
}

func (a *distinctAcc) Grow(n int) {
	a.inner.Grow(n)
	a.nulls = grow(a.nulls, n)
}

func (a *distinctAcc) Update(groups []uint32, args []arrow.Array) error {
	a.sel, a.selGrp = a.sel[:0], a.selGrp[:0]
	nl := arrNulls(args[0])
	keep := func(i int, g uint32) {
		a.sel = append(a.sel, i)
		a.selGrp = append(a.selGrp, g)
	}
	var dictNull func(i int) bool // set for dictionaries with NULL entries
	isNull := func(i int, g uint32) bool {
		if !nl.null(i) && (dictNull == nil || !dictNull(i)) {
			return false
		}
		if !a.nulls[g] {
			a.nulls[g] = true
			keep(i, g)
		}
		return true
	}
	v := Vec{Arr: args[0]}
	switch a.t.Kind {
	case planner.KindVarchar, planner.KindJSON, planner.KindUUID, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix:
		a.strs = grow(a.strs, len(a.nulls))
		r := strsOf(v)
		// A dictionary row whose (group, entry) an earlier row of the
		// batch settled needs no string lookup.
		var idx []int32
		if r.dict != nil && r.idx != nil {
			idx = r.idx
			a.memo = grow(a.memo[:0], r.a.Len())
			clear(a.memo)
		}
		if idx != nil && r.a.NullN() > 0 {
			// A NULL dictionary entry makes its rows NULL.
			dictNull = func(i int) bool { return r.a.IsNull(int(idx[i])) }
		}
		for i, g := range groups {
			if isNull(i, g) {
				continue
			}
			if idx != nil {
				if a.memo[idx[i]] == g+1 {
					continue
				}
				a.memo[idx[i]] = g + 1
			}
			m := a.strs[g]
			if m == nil {
				m = &strSet{}
				a.strs[g] = m
			}
			isNew, grew := m.add(r.at(i))
			a.bytes += grew
			if isNew {
				keep(i, g)
			}
		}
	default:
		a.ints = grow(a.ints, len(a.nulls))
		var get func(i int) int64
		switch a.t.Kind {
		case planner.KindDouble:
			r := floatsOf(v)
			get = func(i int) int64 {
				f := r.at(i)
				if f == 0 {
					f = 0
				}
				return int64(math.Float64bits(f))
			}
		case planner.KindBoolean:
			r := boolsOf(v)
			get = func(i int) int64 { return b2i(r.at(i)) }
		case planner.KindUnknown:
			get = func(int) int64 { return 0 }
		default:
			r := intsOf(v)
			if r.v == nil && r.v32 == nil {
				get = func(int) int64 { return 0 }
			} else if r.v32 != nil {
				get = func(i int) int64 { return int64(r.v32[i]) }
			} else {
				get = func(i int) int64 { return r.v[i] }
			}
		}
		for i, g := range groups {
			if isNull(i, g) {
				continue
			}
			m := a.ints[g]
			if m == nil {
				m = map[int64]struct{}{}
				a.ints[g] = m
				a.bytes += mapHeader
			}
			k := get(i)
			if _, seen := m[k]; !seen {
				m[k] = struct{}{}
				a.bytes += mapEntryBytes(8)
				keep(i, g)
			}
		}
	}
	if len(a.sel) == 0 {
		return nil
	}
	if _, dict := args[0].(*array.Dictionary); len(a.sel) == len(groups) && !dict {
		return a.inner.Update(groups, args)
	}
	sub := gather(args[0], a.sel)
	defer sub.Release()
	return a.inner.Update(a.selGrp, []arrow.Array{sub})
}

// gather copies rows sel of a into a new plain array.
func gather(a arrow.Array, sel []int) arrow.Array {
	dt := a.DataType()
	if d, ok := a.(*array.Dictionary); ok { // gather decodes
		dt = d.Dictionary().DataType()
	}
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	b.Reserve(len(sel))
	for _, i := range sel {
		appendFrom(b, a, i)
	}
	return b.NewArray()
}

func (a *distinctAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	return a.inner.Result(mem)
}

func (a *distinctAcc) Bytes() int64 {
	return a.inner.Bytes() + a.bytes + int64(cap(a.nulls)) + int64(cap(a.ints)+cap(a.strs))*8 +
		int64(cap(a.sel))*8 + int64(cap(a.selGrp)+cap(a.memo))*4
}

// ResultBytes is the inner aggregate's (array_agg(DISTINCT x) copies).
func (a *distinctAcc) ResultBytes() int64 {
	if r, ok := a.inner.(ResultSizer); ok {
		return r.ResultBytes()
	}
	return 0
}
