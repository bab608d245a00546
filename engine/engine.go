// Package engine turns CloudTrail Lake SQL into results: it parses, plans
// and executes a statement, routes each scan to an event data store or to
// JSON files, gathers the query's statistics and prints EXPLAIN and EXPLAIN
// ANALYZE. Every front-end — `ctlake query`, the shell, batch files, the
// benchmarks, the golden tests and the API server — calls it, so they all
// run the same code.
//
// A statement is prepared (parsed and planned: syntax and binding errors
// come back at once, positioned in the user's text) and then opened as a
// Rows stream of Arrow records, which a caller writes out batch by batch
// without holding the whole result; Run collects a stream for callers that
// want it all. Each query carries its own context, memory budget and
// statistics, so one Engine serves any number of concurrent queries over
// one data directory.
package engine

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/jsontable"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// DefaultMemoryLimit is the memory a query's aggregations, sorts and joins
// may hold when Options.MemoryLimit is zero.
const DefaultMemoryLimit int64 = 2 << 30

// Engine runs Lake SQL over the stores of one catalog (and JSON tables named
// per query). It is safe for concurrent use.
type Engine struct {
	catalog   *orcstore.Catalog // nil: only JSON tables
	functions *fn.Catalog
}

// New returns an engine over c (nil when only JSON tables are queried).
func New(c *orcstore.Catalog) *Engine {
	return &Engine{catalog: c, functions: fn.NewCatalog()}
}

// Catalog is the engine's store catalog (nil without one).
func (e *Engine) Catalog() *orcstore.Catalog { return e.catalog }

// Functions is the function catalog queries resolve names in.
func (e *Engine) Functions() *fn.Catalog { return e.functions }

// Options are one query's settings.
type Options struct {
	// MemoryLimit caps what the query's operators may hold (0: DefaultMemoryLimit).
	MemoryLimit int64
	// NoPushdown reads every file, stripe and row group (to compare results).
	NoPushdown bool
	// NoRules plans without the optimizer's rewrite rules (the plan as
	// bound): for the golden tests' reference evaluator, never to run.
	NoRules bool
	// Workers is the number of parallel scan workers (0: one per CPU).
	Workers int
	// JSONTables are tables read straight from JSON files (name → files,
	// folders or globs), looked up before stores.
	JSONTables map[string][]string
	// JSON says how JSON tables are read: by default as ingest reads them
	// into a store (rejects skipped, the first copy of an eventID kept), so
	// that the same SQL gives the same answer over the files and over a
	// store built from them.
	JSON JSONOptions
	// Now pins now() and current_timestamp (zero: the time of Prepare).
	Now time.Time
	// MaxBytesScanned and MaxEventsScanned refuse a query whose scans
	// would read more, by their estimate from metadata, before anything
	// is read (0: no limit). See estimate.go.
	MaxBytesScanned, MaxEventsScanned int64
	// TimeScope, when bounded, limits every scan to this eventTime range
	// as if each table held only those events (the console's time picker).
	TimeScope orcstore.TimeRange
	// SampleSeed fixes TABLESAMPLE's choices (0: random per query).
	SampleSeed uint64
}

// JSONOptions are ingest's reading rules for JSON tables.
type JSONOptions struct {
	// TimeField is ingest's --time-field: a fallback for events without a
	// parseable eventTime, e.g. "@timestamp".
	TimeField string
	// NoDedup is ingest's --no-dedup: keep every copy of an eventID.
	NoDedup bool
}

// Query is a prepared statement: parsed and planned, ready to open.
type Query struct {
	Text  string
	Plan  *planner.Plan
	env   *exec.Env
	start time.Time

	opts      Options
	mu        sync.Mutex
	jsonScans []*jsontable.Scan
	estimate  *Estimate // computed once (estimate.go)
}

// Prepare parses and plans text. Errors are positioned (*sql.Error) where
// they concern the user's text.
func (e *Engine) Prepare(ctx context.Context, text string, o Options) (*Query, error) {
	start := time.Now()
	stmt, err := sql.Parse(text)
	if err != nil {
		return nil, err
	}
	now := o.Now
	if now.IsZero() {
		now = start
	}
	limit := o.MemoryLimit
	if limit == 0 {
		limit = DefaultMemoryLimit
	}
	q := &Query{Text: text, start: start, opts: o}
	q.env = &exec.Env{Now: now.UnixNano(), MemoryLimit: limit, Catalog: e.functions}
	q.env.Scan = q.scanHook(o)
	opts := planner.Options{
		JSONTables: o.JSONTables,
		Functions:  e.functions,
		Folder:     exec.Folder{Env: q.env},
		NoPushdown: o.NoPushdown,
		NoRules:    o.NoRules,
		TimeScope:  o.TimeScope,
		SampleSeed: o.SampleSeed,
	}
	if e.catalog != nil {
		opts.Stores = e.catalog
	}
	q.Plan, err = planner.Build(text, stmt, opts)
	if err != nil {
		return nil, err
	}
	return q, nil
}

// scanHook routes each planned scan: JSON tables to a jsontable.Scan (kept
// for their reject counts), stores to exec's store scan.
func (q *Query) scanHook(o Options) func(ctx context.Context, s *planner.Scan) (exec.Operator, error) {
	store := exec.StoreScanHook(q.env, o.Workers)
	cfg := jsontable.Config{Workers: o.Workers, TimeField: o.JSON.TimeField, NoDedup: o.JSON.NoDedup}
	return func(ctx context.Context, s *planner.Scan) (exec.Operator, error) {
		if len(s.JSON) == 0 {
			return store(ctx, s)
		}
		js, err := jsontable.New(ctx, s, cfg)
		if err != nil {
			return nil, err
		}
		q.mu.Lock()
		q.jsonScans = append(q.jsonScans, js)
		q.mu.Unlock()
		return js, nil
	}
}

// Close ends the query's reader leases on its stores' snapshots, so that
// compaction and retention may delete the files they replaced. The query
// closes itself when its rows end or are closed and when Analyze returns;
// call Close for a query prepared and never run (a plain EXPLAIN, a
// validation). It is safe to call more than once; a query cannot run after.
func (q *Query) Close() { q.Plan.ReleaseSnapshots() }

// IsExplain reports a plain EXPLAIN: the plan is the answer, nothing runs.
func (q *Query) IsExplain() bool { return q.Plan.Explain && !q.Plan.Analyze }

// IsAnalyze reports EXPLAIN ANALYZE: the query runs and the answer is the
// plan with each operator's figures.
func (q *Query) IsAnalyze() bool { return q.Plan.Explain && q.Plan.Analyze }

// Explain is the plan as EXPLAIN prints it, each scan with its estimate
// of what it will read (estimate.go).
func (q *Query) Explain() string {
	est, err := q.Estimate(context.Background())
	return planner.Format(q.Plan.Root, func(n planner.Node) string {
		s, ok := n.(*planner.Scan)
		switch {
		case !ok:
			return ""
		case err != nil:
			return "(estimate unavailable: " + err.Error() + ")"
		}
		return "(estimate: " + est.ByScan[s].String() + ")"
	})
}

// Names are the result's column names (Lake's naming).
func (q *Query) Names() []string { return q.Plan.Names }

// Types are the result's column types.
func (q *Query) Types() []planner.Type {
	cols := q.Plan.Root.Columns()
	ts := make([]planner.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.T
	}
	return ts
}

// Positioned gives an executor error that carries a query position the
// line:col form every parse and binding error has.
func Positioned(query string, err error) error {
	var ee *exec.ExprError
	if errors.As(err, &ee) {
		return sql.NewError(query, ee.Pos, nil, "%v", ee.Err)
	}
	return err
}
