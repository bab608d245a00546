package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/bench"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// engine runs CloudTrail Lake SQL against the stores of one data directory.
// The query CLI, the shell and batch files all go through it.
type engine struct {
	catalog     *orcstore.Catalog
	functions   *fn.Catalog
	memoryLimit int64
	noPushdown  bool
	workers     int
	// jsonTables are tables read from JSON files without ingest (query
	// --table NAME=PATH), looked up before stores.
	jsonTables map[string][]string
}

func newEngine(c *orcstore.Catalog) *engine {
	return &engine{catalog: c, functions: fn.NewCatalog(), memoryLimit: 2 << 30}
}

// queryStats are the figures --stats and the shell's .stats print.
type queryStats struct {
	EventsScanned int64 // rows decoded by the scans
	EventsMatched int64 // rows the scans returned after the exact time range
	RowsOut       int64
	BytesScanned  int64 // compressed bytes read
	Scan          orcstore.ScanStats
	Elapsed       time.Duration
	JSONScans     int   // scans of JSON tables
	JSONRejected  int64 // events of JSON tables skipped as ingest would reject them
	JSONDamaged   int64 // JSON inputs not readable to the end (truncated gzip or JSON)
}

// queryOutput is a statement's outcome: rows, or the text of an EXPLAIN.
type queryOutput struct {
	Result  *resultSet
	Explain string
	Stats   queryStats
}

// run parses, plans and executes one statement.
func (e *engine) run(ctx context.Context, query string) (*queryOutput, error) {
	start := time.Now()
	stmt, err := sql.Parse(query)
	if err != nil {
		return nil, err
	}
	env := &exec.Env{Now: start.UnixNano(), MemoryLimit: e.memoryLimit, Catalog: e.functions}
	var mu sync.Mutex
	var jsonScans []*bench.JSONScan
	env.Scan = bench.ScanHook(env, e.workers, func(j *bench.JSONScan) {
		mu.Lock()
		jsonScans = append(jsonScans, j)
		mu.Unlock()
	})
	plan, err := planner.Build(query, stmt, planner.Options{
		JSONTables: e.jsonTables,
		Stores:     e.catalog,
		Functions:  e.functions,
		Folder:     exec.Folder{Env: env},
		NoPushdown: e.noPushdown,
	})
	if err != nil {
		return nil, err
	}
	out := &queryOutput{}
	if plan.Explain && !plan.Analyze {
		out.Explain = planner.Format(plan.Root, nil)
		out.Stats.Elapsed = time.Since(start)
		return out, nil
	}
	res, stats, err := exec.Execute(ctx, plan, env)
	out.Stats = collectStats(stats)
	out.Stats.Elapsed = time.Since(start)
	mu.Lock()
	out.Stats.JSONScans = len(jsonScans)
	for _, j := range jsonScans {
		out.Stats.JSONRejected += j.Rejected()
		out.Stats.JSONDamaged += j.InputErrors()
	}
	mu.Unlock()
	if err != nil {
		return out, positioned(query, err)
	}
	out.Stats.RowsOut = res.Rows()
	if plan.Analyze {
		out.Explain = formatAnalyze(plan, stats)
		res.Release()
		return out, nil
	}
	out.Result = &resultSet{Names: res.Names, Records: res.Records, Schema: res.Schema}
	return out, nil
}

// positioned turns an executor error carrying a query position into the
// line:col form every other error has.
func positioned(query string, err error) error {
	var ee *exec.ExprError
	if errors.As(err, &ee) {
		return sql.NewError(query, ee.Pos, nil, "%v", ee.Err)
	}
	return err
}

// collectStats sums the figures of every scan in the operator tree.
func collectStats(root *exec.OpStats) queryStats {
	var qs queryStats
	var walk func(s *exec.OpStats)
	walk = func(s *exec.OpStats) {
		if s == nil {
			return
		}
		if s.Scan != nil {
			qs.Scan.Add(*s.Scan)
		}
		for _, c := range s.Children {
			walk(c)
		}
	}
	walk(root)
	qs.EventsScanned = qs.Scan.RowsRead
	qs.EventsMatched = qs.Scan.RowsOut
	qs.BytesScanned = qs.Scan.BytesRead
	return qs
}

// formatAnalyze prints the plan with each operator's runtime figures. The
// operator tree mirrors the plan node for node.
func formatAnalyze(plan *planner.Plan, root *exec.OpStats) string {
	figures := exec.StatsByNode(plan.Root, root)
	return planner.Format(plan.Root, func(n planner.Node) string {
		s := figures[n]
		if s == nil {
			return ""
		}
		parts := []string{fmt.Sprintf("rows: %d", s.Rows), "time: " + s.Time.Round(10*time.Microsecond).String()}
		keys := make([]string, 0, len(s.Extra))
		for k := range s.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, k+": "+s.Extra[k])
		}
		return "(" + strings.Join(parts, ", ") + ")"
	})
}

// printStats writes --stats figures, one per line.
func printStats(w interface{ Write([]byte) (int, error) }, s queryStats) {
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
	}
	fmt.Fprintf(w, "time: %s\n", s.Elapsed.Round(time.Microsecond))
}
