package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/resultfmt"
)

// querier runs a command's statements on the engine with the options its
// flags set (memory limit, pushdown, workers, JSON tables). The query CLI,
// the shell, batch files and the demo all go through it.
type querier struct {
	eng  *engine.Engine
	opts engine.Options
}

func newQuerier(c *orcstore.Catalog) *querier {
	return &querier{eng: engine.New(c)}
}

// queryOutput is a statement's outcome: a result that streams from the
// engine as it is written, or the text of an EXPLAIN [ANALYZE].
type queryOutput struct {
	Result  *resultfmt.Result // nil for EXPLAIN and EXPLAIN ANALYZE
	Explain string
	rows    *engine.Rows
	stats   engine.Stats
}

// Stats are the statement's figures; for a streamed result, final once the
// result has been written (or closed).
func (o *queryOutput) Stats() engine.Stats {
	if o.rows != nil {
		return o.rows.Stats()
	}
	return o.stats
}

// Close stops the query if rows remain unread and releases what it holds.
func (o *queryOutput) Close() error {
	if o.rows == nil {
		return nil
	}
	return o.rows.Close()
}

// start prepares a statement and opens its result stream. For EXPLAIN
// ANALYZE it runs the query; the output then carries the figures even when
// the run fails (for --stats).
func (q *querier) start(ctx context.Context, query string) (*queryOutput, error) {
	pq, err := q.eng.Prepare(ctx, query, q.opts)
	if err != nil {
		return nil, err
	}
	// A store `ctlake serve` is deleting reads as it does through the API.
	if err := lakeapi.CheckQueryable(pq.Plan); err != nil {
		pq.Close()
		return nil, err
	}
	switch {
	case pq.IsExplain():
		// The estimates read the snapshots' metadata: print, then release.
		text := pq.Explain()
		pq.Close()
		return &queryOutput{Explain: text}, nil
	case pq.IsAnalyze():
		text, st, err := pq.Analyze(ctx, engine.AnalyzeTimes)
		return &queryOutput{Explain: text, stats: st}, err
	}
	rows, err := pq.Open(ctx)
	if err != nil {
		return nil, err
	}
	rs := &resultfmt.Result{Names: rows.Names(), Schema: rows.Schema(), Next: rows.Next}
	return &queryOutput{Result: rs, rows: rows}, nil
}

// collect runs a statement and gathers its whole (small) result.
func (q *querier) collect(ctx context.Context, query string) (*engine.Output, error) {
	return q.eng.Run(ctx, query, q.opts)
}

// printStats writes --stats figures, one per line.
func printStats(w interface{ Write([]byte) (int, error) }, s engine.Stats) {
	fmt.Fprintf(w, "events scanned: %d\n", s.EventsScanned)
	fmt.Fprintf(w, "events matched: %d\n", s.EventsMatched)
	fmt.Fprintf(w, "rows returned: %d\n", s.RowsOut)
	fmt.Fprintf(w, "bytes scanned: %d (%s)\n", s.BytesScanned, humanBytes(s.BytesScanned))
	fmt.Fprintf(w, "files: %d read, %d skipped\n", s.Scan.FilesRead, s.Scan.FilesSkipped)
	fmt.Fprintf(w, "stripes: %d read, %d skipped\n", s.Scan.StripesRead, s.Scan.StripesSkipped)
	fmt.Fprintf(w, "row groups: %d read, %d skipped\n", s.Scan.RowGroupsRead, s.Scan.RowGroupsSkipped)
	if t := s.Scan; t.TopNFilesSkipped+t.TopNStripesSkipped+t.TopNRowGroupsSkipped > 0 {
		fmt.Fprintf(w, "top-N pruning: %s\n", exec.TopNPruned(t))
	}
	if s.Scan.RowsLate > 0 {
		fmt.Fprintf(w, "rows fetched late (all columns read for these only): %d\n", s.Scan.RowsLate)
	}
	if s.JSONScans > 0 {
		fmt.Fprintf(w, "JSON events rejected (skipped, as ingest would reject them): %d\n", s.JSONRejected)
		fmt.Fprintf(w, "JSON inputs damaged (read up to the damage): %d\n", s.JSONDamaged)
		fmt.Fprintf(w, "JSON duplicate events (skipped, as ingest skips them): %d\n", s.JSONDuplicates)
	}
	fmt.Fprintf(w, "time: %s\n", s.Elapsed.Round(time.Microsecond))
}
