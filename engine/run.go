package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/planner"
)

// Output is a whole statement's outcome: rows, or the text of an EXPLAIN
// or EXPLAIN ANALYZE, and the figures.
type Output struct {
	Names   []string
	Schema  *arrow.Schema
	Records []arrow.Record // nil for EXPLAIN and EXPLAIN ANALYZE
	Explain string
	Stats   Stats
}

// Rows counts the result's rows.
func (o *Output) Rows() int64 {
	var n int64
	for _, r := range o.Records {
		n += r.NumRows()
	}
	return n
}

// Release releases the records.
func (o *Output) Release() {
	for _, r := range o.Records {
		r.Release()
	}
	o.Records = nil
}

// Run prepares and runs one statement and collects its whole result. On an
// execution error the Output still carries the figures gathered so far (for
// --stats). Large results are better read through Prepare and Open.
func (e *Engine) Run(ctx context.Context, text string, o Options) (*Output, error) {
	q, err := e.Prepare(ctx, text, o)
	if err != nil {
		return nil, err
	}
	return q.Collect(ctx, AnalyzeTimes)
}

// Collect runs a prepared statement and gathers its result (or its EXPLAIN
// text; times prints EXPLAIN ANALYZE's operator times).
func (q *Query) Collect(ctx context.Context, times TimeFormat) (*Output, error) {
	switch {
	case q.IsExplain():
		// The estimates read the snapshots' metadata: print, then release.
		text := q.Explain()
		q.Close()
		return &Output{Explain: text, Stats: Stats{Elapsed: time.Since(q.start)}}, nil
	case q.IsAnalyze():
		text, st, err := q.Analyze(ctx, times)
		return &Output{Explain: text, Stats: st}, err
	}
	rows, err := q.Open(ctx)
	if err != nil {
		return nil, err
	}
	out := &Output{Names: rows.Names(), Schema: rows.Schema()}
	for {
		rec, err := rows.Next()
		if err != nil {
			out.Release()
			out.Stats = rows.Stats()
			return out, err
		}
		if rec == nil {
			break
		}
		out.Records = append(out.Records, rec)
	}
	out.Stats = rows.Stats()
	return out, nil
}

// TimeFormat renders an operator's time in EXPLAIN ANALYZE.
type TimeFormat func(time.Duration) string

// AnalyzeTimes prints times rounded to 10µs, as the CLI shows them.
func AnalyzeTimes(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }

// HiddenTimes prints "<hidden>", so golden files do not depend on speed.
func HiddenTimes(time.Duration) string { return "<hidden>" }

// Analyze runs the query to the end, dropping its rows, and prints the plan
// with each operator's figures.
func (q *Query) Analyze(ctx context.Context, times TimeFormat) (string, Stats, error) {
	defer q.Close()
	opStats, s, err := q.Profile(ctx)
	if err != nil {
		return "", s, err
	}
	// Each scan's estimate beside what it read (the estimate is computed
	// from metadata, now or before the run for a scan limit).
	est, _ := q.Estimate(ctx)
	return FormatAnalyze(q.Plan, opStats, times, est.ByScan), s, nil
}

// Profile runs the query to the end, dropping its rows, and returns each
// operator's figures (exec.StatsByNode pairs them with the plan's nodes)
// and the query's: what Analyze prints, for callers that read the figures
// (the benchmarks report one join side's pruning). It leaves the query's
// snapshots leased, for the estimate printed beside the figures: the
// caller closes the query.
func (q *Query) Profile(ctx context.Context) (*exec.OpStats, Stats, error) {
	if err := q.checkLimits(ctx); err != nil {
		return nil, Stats{}, err
	}
	op, err := exec.BuildContext(ctx, q.Plan, q.env)
	if err != nil {
		return nil, Stats{}, Positioned(q.Text, err)
	}
	st, err := exec.NewStream(op, q.Plan.Names, q.env)
	if err != nil {
		op.Close()
		return nil, Stats{}, err
	}
	var rows int64
	for {
		rec, err := st.Next(ctx)
		if err != nil {
			st.Close()
			s := q.stats(exec.Stats(op))
			s.RowsOut = rows
			return nil, s, Positioned(q.Text, err)
		}
		if rec == nil {
			break
		}
		rows += rec.NumRows()
		rec.Release()
	}
	opStats := exec.Stats(op)
	s := q.stats(opStats)
	s.RowsOut = rows
	return opStats, s, nil
}

// FormatAnalyze prints the plan with each operator's runtime figures, and
// each scan's estimate when estimates has it. The operator tree mirrors the
// plan node for node.
func FormatAnalyze(plan *planner.Plan, root *exec.OpStats, times TimeFormat, estimates map[*planner.Scan]Estimate) string {
	figures := exec.StatsByNode(plan.Root, root)
	return planner.Format(plan.Root, func(n planner.Node) string {
		s := figures[n]
		if s == nil {
			return ""
		}
		parts := []string{fmt.Sprintf("rows: %d", s.Rows), "time: " + times(s.Time)}
		keys := make([]string, 0, len(s.Extra))
		for k := range s.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, k+": "+s.Extra[k])
		}
		if sc, ok := n.(*planner.Scan); ok && estimates != nil {
			if e, ok := estimates[sc]; ok {
				parts = append(parts, "estimated: ["+e.String()+"]")
			}
		}
		return "(" + strings.Join(parts, ", ") + ")"
	})
}
