package orcstore

import (
	"math"
	"sort"
	"sync/atomic"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// Top-N pruning (a "dynamic filter" in Trino's and DuckDB's words): for
// ORDER BY eventTime [DESC] ... LIMIT k over a scan, the scan visits files,
// stripes and row groups in eventTime order, and skips every unit whose
// eventTime range cannot reach the top k. The bound that rules units out
// comes from two places, both lower bounds of the k-th row's eventTime
// (DESC; upper bounds for ASC):
//
//   - the top-N operator, which publishes its k-th row's eventTime as soon
//     as it holds k rows (TimeBound.Offer);
//   - the scan itself, when every row it returns reaches the top-N (no
//     filter in between): statistics that prove k rows have eventTime ≥ t
//     make t a bound before anything is read (seedBound).
//
// A unit is skipped only when its whole range lies strictly beyond the
// bound: rows that tie the k-th row's eventTime may still win on a later
// sort key, so they are read.

// TopNOrder asks a scan to visit its data in eventTime order for a top-N
// above it, and to skip what cannot reach it. It is plan-time data; the
// live bound arrives in ScanOptions.Bound.
type TopNOrder struct {
	Desc       bool // newest first
	NullsFirst bool // NULL eventTimes rank before every value
	// Limit, when > 0, promises that every row the scan returns reaches a
	// top-N keeping Limit rows (only projections in between), so the scan
	// may bound the k-th row from statistics alone. 0: no such promise
	// (a filter sits in between); only the top-N's own bound prunes.
	Limit int64
	// Rows, when > 0, promises that every row the scan returns after
	// ScanSpec.Filter reaches a top-N keeping Rows rows: the scan may then
	// bound the k-th row from the values it reads and fetch the other
	// columns of the rows that can still win only (scan_late.go). Limit
	// implies it; a filter the scan applies exactly allows it alone.
	Rows int64
}

func (o TopNOrder) String() string {
	s := "eventTime ASC"
	if o.Desc {
		s = "eventTime DESC"
	}
	if o.NullsFirst {
		s += " NULLS FIRST"
	}
	return s
}

// TimeBound is the shared, tightening eventTime bound between a top-N and
// the scan under it. It is safe for concurrent use: the top-N offers from
// its goroutine, scan workers read from theirs.
type TimeBound struct {
	desc, nullsFirst bool
	v                atomic.Int64 // MinInt64 (DESC) / MaxInt64 (ASC): no bound yet
}

// NewTimeBound returns an empty bound for the order o.
func NewTimeBound(o TopNOrder) *TimeBound {
	b := &TimeBound{desc: o.Desc, nullsFirst: o.NullsFirst}
	if o.Desc {
		b.v.Store(math.MinInt64)
	} else {
		b.v.Store(math.MaxInt64)
	}
	return b
}

// Offer tightens the bound to ns (Unix nanoseconds) if that is tighter:
// for DESC it is a value the k-th row's eventTime is known to be at least,
// for ASC at most. Looser offers are ignored, so offers may race.
func (b *TimeBound) Offer(ns int64) {
	for {
		cur := b.v.Load()
		if (b.desc && ns <= cur) || (!b.desc && ns >= cur) {
			return
		}
		if b.v.CompareAndSwap(cur, ns) {
			return
		}
	}
}

// Get returns the bound and whether there is one.
func (b *TimeBound) Get() (int64, bool) {
	v := b.v.Load()
	if b.desc {
		return v, v != math.MinInt64
	}
	return v, v != math.MaxInt64
}

// timeSpan is what statistics say about a unit's eventTimes.
type timeSpan struct {
	lo, hi  int64  // Unix ns, inclusive; valid when known
	known   bool   // lo/hi hold (some value is present and stats are usable)
	count   uint64 // non-null values
	allNull bool   // known to hold only NULLs
	mayNull bool   // may hold NULLs
}

// spanOf reads eventTime statistics (milliseconds) as a span in
// nanoseconds; values inside the last millisecond count up to its end.
func spanOf(st orcfile.Statistics) timeSpan {
	s := timeSpan{count: st.Count, mayNull: !st.HasNullKnown || st.HasNull}
	if st.Count == 0 && st.HasNullKnown {
		s.allNull = true
		return s
	}
	if ts := st.Timestamp; ts != nil && ts.UTC && st.Count > 0 {
		s.lo, s.hi, s.known = ts.Min*1_000_000, ts.Max*1_000_000+999_999, true
	}
	return s
}

// Excludes reports whether no row of a unit with span s can rank in the top
// k, given the bound. NULL eventTimes rank after every value (NULLS LAST)
// and so never beat a bound, or before every value (NULLS FIRST), and then
// a unit that may hold one is always read.
func (b *TimeBound) Excludes(s timeSpan) bool {
	if b == nil {
		return false
	}
	v, ok := b.Get()
	if !ok || (b.nullsFirst && s.mayNull) {
		return false
	}
	if s.allNull {
		return true // NULLS LAST: every row ranks after the bound's row
	}
	if !s.known {
		return false
	}
	if b.desc {
		return s.hi < v
	}
	return s.lo > v
}

// seedBound derives a bound from statistics alone: if units entirely inside
// the time range hold at least k non-null eventTimes ≥ t (DESC), the k-th
// row's eventTime is ≥ t. It picks the tightest such t from spans.
func seedBound(spans []timeSpan, k int64, desc bool, r TimeRange) (int64, bool) {
	if k <= 0 {
		return 0, false
	}
	var use []timeSpan
	for _, s := range spans {
		if s.known && s.count > 0 && r.Contains(s.lo) && r.Contains(s.hi) {
			use = append(use, s)
		}
	}
	// Every row of a unit is ≥ its lo (DESC): taking units by lo from the
	// highest, the lo at which the count reaches k is the bound.
	if desc {
		sort.Slice(use, func(i, j int) bool { return use[i].lo > use[j].lo })
	} else {
		sort.Slice(use, func(i, j int) bool { return use[i].hi < use[j].hi })
	}
	var n uint64
	for _, s := range use {
		n += s.count
		if n >= uint64(k) {
			if desc {
				return s.lo, true
			}
			return s.hi, true
		}
	}
	return 0, false
}

// before orders two spans for visiting: the one likelier to hold top rows
// first (newest first for DESC), spans without statistics first of all,
// since nothing can skip them.
func (o TopNOrder) before(a, b timeSpan) bool {
	if a.known != b.known {
		return !a.known
	}
	if o.Desc {
		return a.hi > b.hi
	}
	return a.lo < b.lo
}
