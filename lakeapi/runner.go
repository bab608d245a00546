package lakeapi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ctlake/ctlake/engine"
)

// run waits for a runner slot, runs the query into its results file and
// records how it ended.
func (m *queryManager) run(e *queryEntry) {
	defer m.wg.Done()
	defer close(e.done)
	defer e.cancel()
	select {
	case m.slots <- struct{}{}:
	case <-e.ctx.Done():
		m.end(e, outcome{status: stCancelled})
		return
	}
	defer func() { <-m.slots }()

	m.mu.Lock()
	if terminal(e.rec.Status) { // cancelled as it got its slot
		if e.prep != nil {
			e.prep.Close()
			e.prep = nil
		}
		m.mu.Unlock()
		m.end(e, outcome{status: stCancelled})
		return
	}
	e.rec.Status = stRunning
	e.rec.StartedAt = m.s.now()
	prep := e.prep
	e.prep = nil
	m.mu.Unlock()
	defer prep.Close() // also when it never opens (persist failed)
	if err := m.persist(e); err != nil {
		m.end(e, outcome{status: stFailed, err: fmt.Errorf("recording the query's state: %w", err)})
		return
	}
	if h := m.s.cfg.hooks; h != nil && h.beforeRun != nil {
		h.beforeRun(e.ctx, e.rec.ID, e.rec.Statement)
	}
	if f := m.s.cfg.BeforeRun; f != nil {
		f(e.ctx, e.rec.ID, e.rec.Statement)
	}
	ctx, cancel := context.WithTimeout(e.ctx, m.s.cfg.QueryTimeout)
	defer cancel()
	m.end(e, m.execute(ctx, e, prep))
}

// outcome is how a run ended.
type outcome struct {
	status  string
	err     error
	stats   engine.Stats
	started time.Time
	rows    int64
	bytes   int64
	partial string  // results file written (to rename or remove)
	index   []int64 // where every indexEvery-th row starts
}

// execute runs a prepared query, streaming its rows to the results file.
func (m *queryManager) execute(ctx context.Context, e *queryEntry, prep *engine.Query) outcome {
	start := time.Now()
	partial := m.resultPath(e.rec.ID) + ".partial"
	out := outcome{started: start, partial: partial}
	var rw *resultWriter
	var err error
	switch {
	case prep.IsExplain() || prep.IsAnalyze():
		rw, err = createResults(partial, newRowEncoder(nil, nil, false))
		if err != nil {
			out.status, out.err = stFailed, err
			return out
		}
		text := prep.Explain()
		plan := prep.PlanTree()
		if prep.IsAnalyze() {
			text, plan, out.stats, err = prep.AnalyzeTree(ctx, engine.AnalyzeTimes)
		}
		m.mu.Lock()
		e.rec.Plan = plan
		m.mu.Unlock()
		if err == nil {
			err = rw.writeRaw(appendPlanRow(nil, text))
		}
	default:
		var rows *engine.Rows
		rows, err = prep.Open(ctx)
		if err != nil {
			break
		}
		m.mu.Lock()
		e.rows = rows
		m.mu.Unlock()
		rw, err = createResults(partial, newRowEncoder(rows.Names(), prep.Types(), e.rec.NestedJSON))
		if err == nil {
			err = m.drain(ctx, e, rows, rw)
		}
		rows.Close()
		out.stats = rows.Stats()
		m.mu.Lock()
		e.rows = nil
		m.mu.Unlock()
	}
	if rw != nil {
		out.rows, out.bytes, out.index = rw.rows, rw.bytes, rw.index
		if ferr := rw.finish(); err == nil {
			err = ferr
		}
	}
	out.err = err
	switch {
	case err == nil:
		out.status = stFinished
	case e.ctx.Err() != nil:
		out.status = stCancelled
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		out.status = stTimedOut
	default:
		out.status = stFailed
	}
	return out
}

// drain writes every record of rows.
func (m *queryManager) drain(ctx context.Context, e *queryEntry, rows *engine.Rows, rw *resultWriter) error {
	for {
		rec, err := rows.Next()
		if err != nil {
			return err
		}
		if rec == nil {
			return nil
		}
		err = rw.writeRecord(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("writing results: %w", err)
		}
		if h := m.s.cfg.hooks; h != nil && h.afterRecord != nil {
			h.afterRecord(ctx, e.rec.ID, e.rec.Statement)
		}
	}
}

// appendPlanRow is the one row an EXPLAIN answers with, as Trino's: the
// plan text in a column named "Query Plan".
func appendPlanRow(buf []byte, text string) []byte {
	buf = append(buf, `[{"Query Plan":`...)
	buf = appendJSONString(buf, []byte(text))
	return append(buf, "}]"...)
}

// end records a query's outcome: its figures, its state (a cancellation
// already recorded stays), and its results file kept (FINISHED, TIMED_OUT)
// or removed.
func (m *queryManager) end(e *queryEntry, o outcome) {
	keep := o.status == stFinished || o.status == stTimedOut
	if o.partial != "" {
		if keep {
			// The index first: a results file is never there without it.
			err := writeIndex(m.indexPath(e.rec.ID), o.index)
			if err == nil {
				err = os.Rename(o.partial, m.resultPath(e.rec.ID))
			}
			if err != nil {
				os.Remove(m.indexPath(e.rec.ID))
				o.status, o.err, keep = stFailed, fmt.Errorf("keeping the results: %w", err), false
			}
		}
		if !keep {
			os.Remove(o.partial)
		}
	}
	m.mu.Lock()
	r := &e.rec
	if !o.started.IsZero() {
		r.ExecutionMillis = time.Since(o.started).Milliseconds()
	}
	r.EventsScanned, r.EventsMatched, r.BytesScanned = o.stats.EventsScanned, o.stats.EventsMatched, o.stats.BytesScanned
	r.Scan = scanFigures(o.stats.Scan)
	if keep {
		r.Rows, r.ResultBytes = o.rows, o.bytes
	}
	if !terminal(r.Status) {
		r.Status = o.status
		r.EndedAt = m.s.now()
		switch o.status {
		case stCancelled:
			r.ErrorMessage = e.reason
			if r.ErrorMessage == "" {
				r.ErrorMessage = "The query was cancelled."
			}
		case stTimedOut:
			r.ErrorMessage = fmt.Sprintf("The query ran longer than the %v query timeout; the %d rows found until then are readable.", m.s.cfg.QueryTimeout, o.rows)
		case stFailed:
			r.ErrorMessage = failureMessage(o.err)
		}
	}
	m.mu.Unlock()
	if err := m.persist(e); err != nil {
		m.s.log.Printf("query %s: recording its end: %v", e.rec.ID, err)
	}
}

// failureMessage fits an error into ErrorMessage (4 to 1,000 characters).
func failureMessage(err error) string {
	msg := "The query failed."
	if err != nil {
		msg = err.Error()
	}
	if len(msg) < 4 {
		msg = "query failed: " + msg
	}
	if len(msg) > 1000 {
		msg = strings.ToValidUTF8(msg[:997], "") + "..."
	}
	return msg
}
