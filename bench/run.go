package bench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// Runner plans and runs queries the way `ctlake query` does (parse, plan
// with pushdown, execute), over stores and JSON tables. It exists so that
// the Go benchmarks and the bench command time the very engine users run.
type Runner struct {
	Stores     planner.Stores      // may be nil when only JSON tables are used
	JSONTables map[string][]string // table name -> JSON paths
	Workers    int                 // scan workers (0: one per CPU)
	functions  *fn.Catalog
}

// Outcome is one query's rows (canonical text, see Canonical) and figures.
type Outcome struct {
	Names    []string
	Rows     []string
	Scan     orcstore.ScanStats
	Rejected int64
	Elapsed  time.Duration
}

// Run executes query and returns its rows as canonical text.
func (r *Runner) Run(ctx context.Context, query string) (*Outcome, error) {
	if r.functions == nil {
		r.functions = fn.NewCatalog()
	}
	start := time.Now()
	stmt, err := sql.Parse(query)
	if err != nil {
		return nil, err
	}
	env := &exec.Env{Now: start.UnixNano(), MemoryLimit: 2 << 30, Catalog: r.functions}
	var mu sync.Mutex
	var js []*JSONScan
	env.Scan = ScanHook(env, r.Workers, func(j *JSONScan) { mu.Lock(); js = append(js, j); mu.Unlock() })
	var stores planner.Stores
	if r.Stores != nil {
		stores = r.Stores
	}
	plan, err := planner.Build(query, stmt, planner.Options{Stores: stores, JSONTables: r.JSONTables, Functions: r.functions, Folder: exec.Folder{Env: env}})
	if err != nil {
		return nil, err
	}
	res, stats, err := exec.Execute(ctx, plan, env)
	if err != nil {
		return nil, err
	}
	defer res.Release()
	out := &Outcome{Names: res.Names, Elapsed: time.Since(start)}
	var walk func(s *exec.OpStats)
	walk = func(s *exec.OpStats) {
		if s == nil {
			return
		}
		if s.Scan != nil {
			out.Scan.Add(*s.Scan)
		}
		for _, c := range s.Children {
			walk(c)
		}
	}
	walk(stats)
	for _, j := range js {
		out.Rejected += j.Rejected()
	}
	out.Rows = Canonical(res.Records)
	return out, nil
}

// Canonical renders records as one tab-separated line per row (NULL for
// nulls, dictionary values resolved), so results of different scans can be
// compared as text.
func Canonical(recs []arrow.Record) []string {
	var rows []string
	var b strings.Builder
	for _, rec := range recs {
		for i := 0; i < int(rec.NumRows()); i++ {
			b.Reset()
			for c := 0; c < int(rec.NumCols()); c++ {
				if c > 0 {
					b.WriteByte('\t')
				}
				b.WriteString(cell(rec.Column(c), i))
			}
			rows = append(rows, b.String())
		}
	}
	return rows
}

func cell(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NULL"
	}
	if d, ok := a.(*array.Dictionary); ok {
		return cell(d.Dictionary(), d.GetValueIndex(i))
	}
	switch x := a.(type) {
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		return x.Value(i).ToTime(unit).UTC().Format("2006-01-02 15:04:05.000000000")
	case *array.Struct:
		parts := make([]string, x.NumField())
		for f := range parts {
			parts[f] = cell(x.Field(f), i)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case *array.Map:
		lo, hi := x.ValueOffsets(i)
		var parts []string
		for k := lo; k < hi; k++ {
			parts = append(parts, cell(x.Keys(), int(k))+"="+cell(x.Items(), int(k)))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case *array.List:
		lo, hi := x.ValueOffsets(i)
		var parts []string
		for k := lo; k < hi; k++ {
			parts = append(parts, cell(x.ListValues(), int(k)))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return a.ValueStr(i)
}

// Diff returns "" when a and b hold the same rows (in order when ordered,
// else as multisets), or a short description of the first difference.
func Diff(a, b []string, ordered bool) string {
	if !ordered {
		a, b = sortedCopy(a), sortedCopy(b)
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%d rows vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d: %q vs %q", i, clip(a[i]), clip(b[i]))
		}
	}
	return ""
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
