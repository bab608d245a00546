package orcstore

import (
	"strings"

	"github.com/ctlake/ctlake/orcstore/orcfile"
	"github.com/ctlake/ctlake/orcstore/orcfile/bloom"
)

// Pruning decides, from statistics and bloom filters alone, that a stripe or
// row group cannot hold a matching row. Every rule errs on the side of
// reading: missing or untrusted statistics never skip anything.

// mayMatch tests a stripe's statistics against the time range and the
// pruning predicates.
func mayMatch(f *orcfile.File, stats []orcfile.Statistics, spec ScanSpec) bool {
	return mayMatchCols(func(path string) (orcfile.Statistics, bool) {
		c, ok := f.Root().Find(path)
		if !ok || c.ID >= len(stats) {
			return orcfile.Statistics{}, false
		}
		return stats[c.ID], true
	}, spec)
}

// mayMatchCols is mayMatch over statistics found by column path (from a
// file's metadata or from the store's metadata snapshot).
func mayMatchCols(col func(path string) (orcfile.Statistics, bool), spec ScanSpec) bool {
	if !spec.Time.All() {
		if st, ok := col("eventTime"); ok && !timeMayMatch(st, spec.Time) {
			return false
		}
	}
	for _, p := range spec.Prune {
		if !usesStats(p) {
			continue
		}
		if st, ok := col(p.Column); ok && !statsMayMatch(st, p) {
			return false
		}
	}
	return true
}

// usesStats reports whether a predicate can be tested on its column's
// statistics. IS NULL on a struct child cannot: where the parent struct is
// NULL, the child holds no value at all, so the child's statistics neither
// count those rows nor flag them as NULL, yet the SQL value is NULL.
func usesStats(p Predicate) bool {
	return !(p.Op == PredIsNull && strings.Contains(p.Column, "."))
}

// selectRowGroups picks a stripe's row groups from the row index statistics
// of the constrained columns and from bloom filters (equality and IN on
// string columns). It returns one flag per row group and how many it
// skipped.
func selectRowGroups(f *orcfile.File, s *orcfile.Stripe, rowIndex func(col int) ([]orcfile.RowGroup, error), spec ScanSpec) ([]bool, int, error) {
	stride := f.RowIndexStride()
	if stride <= 0 {
		return nil, 0, nil
	}
	n := int((s.Info.Rows + uint64(stride) - 1) / uint64(stride))
	keep := make([]bool, n)
	for i := range keep {
		keep[i] = true
	}
	if spec.NoPruning {
		return keep, 0, nil
	}
	apply := func(path string, test func(g int, st orcfile.Statistics) bool) error {
		c, ok := f.Root().Find(path)
		if !ok {
			return nil
		}
		groups, err := rowIndex(c.ID)
		if err != nil || groups == nil {
			return err
		}
		for g := 0; g < n && g < len(groups); g++ {
			if keep[g] && !test(g, groups[g].Stats) {
				keep[g] = false
			}
		}
		return nil
	}
	if !spec.Time.All() {
		if err := apply("eventTime", func(_ int, st orcfile.Statistics) bool { return timeMayMatch(st, spec.Time) }); err != nil {
			return nil, 0, err
		}
	}
	for _, p := range spec.Prune {
		p := p
		if !usesStats(p) {
			continue
		}
		if err := apply(p.Column, func(_ int, st orcfile.Statistics) bool { return statsMayMatch(st, p) }); err != nil {
			return nil, 0, err
		}
		if (p.Op == PredEq || p.Op == PredIn) && len(p.Values) > 0 && p.Values[0].Kind == ScalarString {
			if err := applyBloom(f, s, p, keep); err != nil {
				return nil, 0, err
			}
		}
	}
	skipped := 0
	for _, k := range keep {
		if !k {
			skipped++
		}
	}
	return keep, skipped, nil
}

// applyBloom clears the row groups whose UTF-8 bloom filter rules out every
// value of an equality or IN predicate.
func applyBloom(f *orcfile.File, s *orcfile.Stripe, p Predicate, keep []bool) error {
	c, ok := f.Root().Find(p.Column)
	if !ok {
		return nil
	}
	// The decoded set is cached per file version: converting every row
	// group's bitset per query copied ~2.8 MB per lookup on 1M events.
	set, utf8, err := f.BloomFilterSet(s, c.ID)
	if err != nil || set == nil || !utf8 {
		return err // legacy (pre-UTF-8) filters are not trusted
	}
	applyBloomSet(set, p, keep)
	return nil
}

// applyBloomSet clears the row groups whose filter in set rules out every
// value of an equality or IN predicate.
func applyBloomSet(set []*bloom.Filter, p Predicate, keep []bool) {
	for g, bf := range set {
		if g >= len(keep) || !keep[g] || bf == nil {
			continue // a malformed filter (nil) prunes nothing
		}
		any := false
		for _, v := range p.Values {
			if bf.MightContainString(v.Str) {
				any = true
				break
			}
		}
		if !any {
			keep[g] = false
		}
	}
}

// timeMayMatch tests eventTime statistics (milliseconds) against a range in
// nanoseconds. Values inside the last millisecond count up to its end.
func timeMayMatch(st orcfile.Statistics, r TimeRange) bool {
	if st.Count == 0 && st.HasNullKnown {
		return false // only NULL eventTimes: outside every bounded range
	}
	ts := st.Timestamp
	if ts == nil || !ts.UTC {
		return true
	}
	lo := ts.Min * 1_000_000
	hi := ts.Max*1_000_000 + 999_999
	return r.Overlaps(lo, hi)
}

// statsMayMatch tests min/max (and null) statistics against a predicate.
func statsMayMatch(st orcfile.Statistics, p Predicate) bool {
	switch p.Op {
	case PredIsNull:
		return !st.HasNullKnown || st.HasNull
	case PredIsNotNull:
		return st.Count > 0 || !st.HasNullKnown
	}
	if st.Count == 0 && st.HasNullKnown {
		return false // all NULL: no comparison is TRUE
	}
	if len(p.Values) == 0 {
		return true
	}
	cmp, ok := statsComparator(st, p.Values[0].Kind)
	if !ok {
		return true
	}
	switch p.Op {
	case PredEq:
		return cmp.inRange(p.Values[0])
	case PredIn:
		for _, v := range p.Values {
			if cmp.inRange(v) {
				return true
			}
		}
		return false
	case PredLt:
		return cmp.minCmp(p.Values[0]) < 0
	case PredLe:
		return cmp.minCmp(p.Values[0]) <= 0
	case PredGt:
		return cmp.maxCmp(p.Values[0]) > 0
	case PredGe:
		return cmp.maxCmp(p.Values[0]) >= 0
	case PredPrefix:
		if p.Values[0].Kind != ScalarString || st.String == nil {
			return true
		}
		pre := p.Values[0].Str
		if st.String.Max < pre {
			return false
		}
		if succ, ok := prefixSuccessor(pre); ok && st.String.Min >= succ {
			return false
		}
		return true
	}
	return true
}

// comparator compares a constant with a column's min and max.
type comparator struct {
	minCmp, maxCmp func(Scalar) int // sign of (min - v) and (max - v)
}

func (c comparator) inRange(v Scalar) bool { return c.minCmp(v) <= 0 && c.maxCmp(v) >= 0 }

func sign[T int64 | float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func statsComparator(st orcfile.Statistics, k ScalarKind) (comparator, bool) {
	switch {
	case k == ScalarString && st.String != nil && st.String.HasMinMax && st.String.Trusted:
		s := st.String
		return comparator{func(v Scalar) int { return sign(s.Min, v.Str) }, func(v Scalar) int { return sign(s.Max, v.Str) }}, true
	case k == ScalarInt && st.Int != nil:
		s := st.Int
		return comparator{func(v Scalar) int { return sign(s.Min, v.Int) }, func(v Scalar) int { return sign(s.Max, v.Int) }}, true
	case k == ScalarFloat && st.Double != nil:
		s := st.Double
		return comparator{func(v Scalar) int { return sign(s.Min, v.Float) }, func(v Scalar) int { return sign(s.Max, v.Float) }}, true
	case k == ScalarTime && st.Timestamp != nil && st.Timestamp.UTC:
		s := st.Timestamp
		lo, hi := s.Min*1_000_000, s.Max*1_000_000+999_999
		return comparator{func(v Scalar) int { return sign(lo, v.Int) }, func(v Scalar) int { return sign(hi, v.Int) }}, true
	case k == ScalarBool && st.Bool != nil:
		// false < true: min is true only when every value is true, max is
		// false only when none is.
		minV, maxV := int64(0), int64(1)
		if st.Bool.TrueCount == st.Count {
			minV = 1
		}
		if st.Bool.TrueCount == 0 {
			maxV = 0
		}
		b := func(v Scalar) int64 {
			if v.Bool {
				return 1
			}
			return 0
		}
		return comparator{func(v Scalar) int { return sign(minV, b(v)) }, func(v Scalar) int { return sign(maxV, b(v)) }}, true
	}
	return comparator{}, false
}

// prefixSuccessor is the smallest string greater than every string that
// starts with p (false when p is all 0xff bytes).
func prefixSuccessor(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}
