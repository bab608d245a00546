package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
)

// Runner runs queries on the engine every front-end uses (package engine),
// over stores and JSON tables, so the Go benchmarks and the bench command
// time the very code users run.
type Runner struct {
	Stores     *orcstore.Catalog   // may be nil when only JSON tables are used
	JSONTables map[string][]string // table name -> JSON paths
	Workers    int                 // scan workers (0: one per CPU)
	eng        *engine.Engine
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
	if r.eng == nil {
		r.eng = engine.New(r.Stores)
	}
	out, err := r.eng.Run(ctx, query, engine.Options{JSONTables: r.JSONTables, Workers: r.Workers})
	if err != nil {
		return nil, err
	}
	defer out.Release()
	return &Outcome{
		Names:    out.Names,
		Rows:     Canonical(out.Records),
		Scan:     out.Stats.Scan,
		Rejected: out.Stats.JSONRejected,
		Elapsed:  out.Stats.Elapsed,
	}, nil
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
