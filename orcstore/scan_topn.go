package orcstore

import (
	"sort"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// The scan's side of top-N pruning (see topn.go): the order it visits
// files, stripes and row groups in, and the checks before each.

// fileSpan is a file's eventTime range from the manifest. The manifest
// keeps no NULL count, so a file may always hold NULLs.
func fileSpan(fe FileEntry) timeSpan {
	if fe.MinTime.IsZero() || fe.MaxTime.IsZero() {
		return timeSpan{mayNull: true}
	}
	return timeSpan{lo: fe.MinTime.UnixNano(), hi: fe.MaxTime.UnixNano(), known: true, mayNull: true}
}

// sortFiles puts the files likeliest to hold the top rows first (newest
// first for DESC), so that the bound is tight before the rest are opened.
func sortFiles(files []FileEntry, o TopNOrder) {
	sort.SliceStable(files, func(i, j int) bool { return o.before(fileSpan(files[i]), fileSpan(files[j])) })
}

// stripeSpan is a stripe's eventTime span from its statistics.
func stripeSpan(f *orcfile.File, stats []orcfile.Statistics) timeSpan {
	c, ok := f.Root().Find("eventTime")
	if !ok || c.ID >= len(stats) {
		return timeSpan{mayNull: true}
	}
	return spanOf(stats[c.ID])
}

// orderStripes seeds the bound from the statistics of the stripes of f
// (when the spec allows it), drops the stripes the bound rules out and
// sorts the rest into visiting order. It runs on the planning goroutine
// only.
func (sc *Scanner) orderStripes(f *orcfile.File, units []scanUnit, spec ScanSpec) []scanUnit {
	return sc.orderUnits(units, spec, func(u scanUnit) { sc.seedFromRowIndex(f, u, spec) })
}

// orderUnits is orderStripes with the row-index seeding of the first unit
// left to seed (from the file or from the metadata snapshot).
func (sc *Scanner) orderUnits(units []scanUnit, spec ScanSpec, seed func(scanUnit)) []scanUnit {
	o := sc.order
	if o.Limit > 0 {
		for _, u := range units {
			sc.seeds = append(sc.seeds, u.span)
		}
		if t, ok := seedBound(sc.seeds, o.Limit, o.Desc, spec.Time); ok {
			sc.bound.Offer(t)
		}
	}
	sort.SliceStable(units, func(i, j int) bool { return o.before(units[i].span, units[j].span) })
	if o.Limit > 0 && len(units) > 0 && !sc.bound.Excludes(units[0].span) {
		// The first stripe to read is the likeliest to hold the top rows:
		// its row groups' statistics give a tighter bound than the
		// stripe's, which may rule out the next files before they are
		// opened.
		seed(units[0])
	}
	out := units[:0]
	for _, u := range units {
		if sc.bound.Excludes(u.span) {
			sc.addStats(ScanStats{StripesSkipped: 1, TopNStripesSkipped: 1})
			continue
		}
		out = append(out, u)
	}
	return out
}

// seedFromRowIndex offers the bound the row-group statistics of stripe
// u allow. It is only an optimisation: errors leave the bound as it was
// (the reader meets them again).
func (sc *Scanner) seedFromRowIndex(f *orcfile.File, u scanUnit, spec ScanSpec) {
	c, ok := f.Root().Find("eventTime")
	if !ok {
		return
	}
	st, err := f.ReadStripe(u.stripe)
	if err != nil {
		return
	}
	groups, err := f.RowIndex(st, c.ID)
	if err != nil {
		return
	}
	spans := make([]timeSpan, len(groups))
	for i, g := range groups {
		spans[i] = spanOf(g.Stats)
	}
	sc.seedSpans(spans, spec)
}

// seedSpans offers the bound what row-group spans allow.
func (sc *Scanner) seedSpans(spans []timeSpan, spec ScanSpec) {
	if t, ok := seedBound(spans, sc.order.Limit, sc.order.Desc, spec.Time); ok {
		sc.bound.Offer(t)
	}
}

// pruneRowGroups clears the kept row groups of a stripe that the bound
// rules out, after seeding the bound from their statistics (when the spec
// allows it). It returns how many it cleared.
func (sc *Scanner) pruneRowGroups(f *orcfile.File, rowIndex func(col int) ([]orcfile.RowGroup, error), keep []bool, spec ScanSpec) (int, error) {
	c, ok := f.Root().Find("eventTime")
	if !ok || len(keep) == 0 {
		return 0, nil
	}
	groups, err := rowIndex(c.ID)
	if err != nil || groups == nil {
		return 0, err
	}
	spans := make([]timeSpan, 0, len(groups))
	for g := range groups {
		if g < len(keep) && keep[g] {
			spans = append(spans, spanOf(groups[g].Stats))
		}
	}
	if sc.order.Limit > 0 {
		if t, ok := seedBound(spans, sc.order.Limit, sc.order.Desc, spec.Time); ok {
			sc.bound.Offer(t)
		}
	}
	n := 0
	for g := range keep {
		if keep[g] && g < len(groups) && sc.bound.Excludes(spanOf(groups[g].Stats)) {
			keep[g] = false
			n++
		}
	}
	return n, nil
}
