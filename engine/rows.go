package engine

import (
	"context"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/orcstore"
)

// Stats are a query's figures: what --stats, the shell's .stats, EXPLAIN
// ANALYZE and the API's QueryStatistics report.
type Stats struct {
	EventsScanned int64 // rows decoded by the scans
	EventsMatched int64 // rows the scans returned after the exact time range
	RowsOut       int64 // result rows
	BytesScanned  int64 // compressed bytes read
	Scan          orcstore.ScanStats
	Elapsed       time.Duration // from Prepare to the last row (or now, while running)
	JSONScans     int           // scans of JSON tables
	JSONRejected  int64         // events of JSON tables skipped as ingest would reject them
	JSONDamaged   int64         // JSON inputs not readable to the end (truncated gzip or JSON)
	// JSONDuplicates are events of JSON tables skipped because an earlier
	// one had their eventID, as ingest skips them (0 with JSON.NoDedup).
	JSONDuplicates int64
	// JSONFirstReject names the first event of a JSON table skipped as a
	// reject, with its file, line and reason ("" if none).
	JSONFirstReject string
	// JSONTimeHints counts those rejects by a top-level field holding a
	// time that JSONOptions.TimeField would take (see ingest.TimeHints).
	JSONTimeHints map[string]int64
}

// Rows streams a query's result as dense Arrow records (strings plain,
// never dictionary-encoded). It is used by one goroutine; Stats may be
// called from another.
type Rows struct {
	q      *Query
	ctx    context.Context
	stream *exec.Stream

	mu       sync.Mutex
	rows     int64
	done     bool
	final    *Stats
	opErr    error
	closeErr error
}

// Open builds the query's operators and starts its scans. The query runs as
// the caller pulls records; ctx cancels it. For EXPLAIN ANALYZE use Analyze.
func (q *Query) Open(ctx context.Context) (*Rows, error) {
	if err := q.checkLimits(ctx); err != nil {
		q.Close() // refused: it never runs
		return nil, err
	}
	op, err := exec.BuildContext(ctx, q.Plan, q.env)
	if err != nil {
		q.Close()
		return nil, Positioned(q.Text, err)
	}
	st, err := exec.NewStream(op, q.Plan.Names, q.env)
	if err != nil {
		op.Close()
		q.Close()
		return nil, err
	}
	return &Rows{q: q, ctx: ctx, stream: st}, nil
}

// Names are the result's column names.
func (r *Rows) Names() []string { return r.stream.Names }

// Schema is the records' schema (fields named as Names).
func (r *Rows) Schema() *arrow.Schema { return r.stream.Schema }

// Next returns the next record, which the caller must Release, or nil at
// the end of the result. After an error or the end, the operators are
// closed; Stats then holds the final figures.
func (r *Rows) Next() (arrow.Record, error) {
	r.mu.Lock()
	done, err := r.done, r.opErr
	r.mu.Unlock()
	if done {
		return nil, err
	}
	rec, err := r.stream.Next(r.ctx)
	if err != nil || rec == nil {
		r.finish(err)
		r.mu.Lock()
		defer r.mu.Unlock()
		return nil, r.opErr
	}
	r.mu.Lock()
	r.rows += rec.NumRows()
	r.mu.Unlock()
	return rec, nil
}

// finish closes the operators once and freezes the figures.
func (r *Rows) finish(err error) {
	cerr := r.stream.Close()
	r.q.Close() // the operators are closed: no file is read any more
	st := r.q.stats(exec.Stats(r.stream.Operator()))
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return
	}
	r.done = true
	if err == nil {
		err = cerr
	}
	if err != nil {
		err = Positioned(r.q.Text, err)
	}
	r.opErr, r.closeErr = err, cerr
	st.RowsOut = r.rows
	r.final = &st
}

// Close stops the query (early, if rows remain) and releases its scans.
func (r *Rows) Close() error {
	r.finish(nil)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closeErr
}

// Err is the error that ended the stream, if any.
func (r *Rows) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.opErr
}

// Stats are the query's figures: final once the stream has ended or been
// closed, else the rows returned so far and the time elapsed.
func (r *Rows) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final != nil {
		return *r.final
	}
	return Stats{RowsOut: r.rows, Elapsed: time.Since(r.q.start)}
}

// stats sums the figures of every scan in the operator tree and the JSON
// scans' reject counts.
func (q *Query) stats(root *exec.OpStats) Stats {
	var s Stats
	var walk func(o *exec.OpStats)
	walk = func(o *exec.OpStats) {
		if o == nil {
			return
		}
		if o.Scan != nil {
			s.Scan.Add(*o.Scan)
		}
		for _, c := range o.Children {
			walk(c)
		}
	}
	walk(root)
	s.EventsScanned = s.Scan.RowsRead
	s.EventsMatched = s.Scan.RowsOut
	s.BytesScanned = s.Scan.BytesRead
	q.mu.Lock()
	s.JSONScans = len(q.jsonScans)
	for _, j := range q.jsonScans {
		s.JSONRejected += j.Rejected()
		s.JSONDamaged += j.InputErrors()
		s.JSONDuplicates += j.Duplicates()
		if s.JSONFirstReject == "" {
			s.JSONFirstReject = j.FirstReject()
		}
		for k, n := range j.TimeHints() {
			if s.JSONTimeHints == nil {
				s.JSONTimeHints = map[string]int64{}
			}
			s.JSONTimeHints[k] += n
		}
	}
	q.mu.Unlock()
	s.Elapsed = time.Since(q.start)
	return s
}
