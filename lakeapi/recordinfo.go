package lakeapi

import (
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// resultColumns are a prepared query's result columns as the console shows
// them; an EXPLAIN answers with one varchar column, "Query Plan".
func resultColumns(q *engine.Query) []ResultColumn {
	if q.IsExplain() || q.IsAnalyze() {
		return []ResultColumn{{Name: "Query Plan", Type: "varchar"}}
	}
	names, types := q.Names(), q.Types()
	cols := make([]ResultColumn, len(names))
	for i, n := range names {
		cols[i] = ResultColumn{Name: n}
		if i < len(types) {
			cols[i].Type = types[i].String()
		}
	}
	return cols
}

// storeVersions are the manifest versions of the snapshots a plan reads,
// by store ID: a later run of the statement reads the same events exactly
// when every store is still at its version.
func storeVersions(p *planner.Plan) map[string]int64 {
	out := map[string]int64{}
	var walk func(n planner.Node)
	walk = func(n planner.Node) {
		if sc, ok := n.(*planner.Scan); ok && sc.Store != nil && sc.Snapshot != nil {
			out[sc.Store.Info.ID] = sc.Snapshot.Version
		}
		for _, in := range n.Inputs() {
			walk(in)
		}
	}
	walk(p.Root)
	if len(out) == 0 {
		return nil
	}
	return out
}

// scopeTimes are a time scope's bounds (nil where unbounded).
func scopeTimes(r orcstore.TimeRange) (from, to *time.Time) {
	if r.HasMin {
		t := time.Unix(0, r.Min).UTC()
		from = &t
	}
	if r.HasMax {
		t := time.Unix(0, r.Max).UTC()
		to = &t
	}
	return from, to
}

// timeScope is the range [from, to) (a zero time is unbounded).
func timeScope(from, to time.Time) orcstore.TimeRange {
	var r orcstore.TimeRange
	if !from.IsZero() {
		r.Min, r.HasMin = from.UnixNano(), true
	}
	if !to.IsZero() {
		r.Max, r.HasMax = to.UnixNano(), true
	}
	return r
}
