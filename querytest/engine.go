package querytest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// Result is a query's rows, boxed, with the plan's column names and types.
type Result struct {
	Names   []string
	Types   []planner.Type
	Rows    [][]any
	Ordered bool // the plan ends in ORDER BY: row order is part of the answer
}

// Runner runs queries against one catalog the way the ctlake CLI does
// (cmd/ctlake/engine.go), with a pinned now().
type Runner struct {
	Catalog   *orcstore.Catalog
	Functions *fn.Catalog
	Now       int64 // Unix ns
}

// NewRunner returns a Runner over c with now() pinned to FixtureNow.
func NewRunner(c *orcstore.Catalog) *Runner {
	return &Runner{Catalog: c, Functions: fn.NewCatalog(), Now: FixtureNow.UnixNano()}
}

// Plan parses and plans query.
func (r *Runner) Plan(query string, noPushdown bool) (*planner.Plan, *exec.Env, error) {
	stmt, err := sql.Parse(query)
	if err != nil {
		return nil, nil, err
	}
	env := &exec.Env{Now: r.Now, MemoryLimit: 1 << 30, Catalog: r.Functions}
	env.Scan = exec.StoreScanHook(env, 2)
	plan, err := planner.Build(query, stmt, planner.Options{
		Stores:     r.Catalog,
		Functions:  r.Functions,
		Folder:     exec.Folder{Env: env},
		NoPushdown: noPushdown,
	})
	if err != nil {
		return nil, nil, err
	}
	return plan, env, nil
}

// Query runs query on the engine and boxes its rows.
func (r *Runner) Query(ctx context.Context, query string, noPushdown bool) (*Result, error) {
	plan, env, err := r.Plan(query, noPushdown)
	if err != nil {
		return nil, err
	}
	if plan.Explain {
		return nil, fmt.Errorf("EXPLAIN statement where a query was expected")
	}
	res, _, err := exec.Execute(ctx, plan, env)
	if err != nil {
		return nil, Positioned(query, err)
	}
	defer res.Release()
	out := &Result{Names: plan.Names, Ordered: IsOrdered(plan.Root)}
	for _, c := range plan.Root.Columns() {
		out.Types = append(out.Types, c.T)
	}
	for _, rec := range res.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for j := range row {
				row[j] = FromArrow(rec.Column(j), i, out.Types[j])
			}
			out.Rows = append(out.Rows, row)
		}
	}
	return out, nil
}

// Explain returns the EXPLAIN text of query (without the EXPLAIN keyword).
func (r *Runner) Explain(query string) (string, error) {
	plan, _, err := r.Plan(query, false)
	if err != nil {
		return "", err
	}
	return planner.Format(plan.Root, nil), nil
}

// ExplainAnalyze runs query and prints the plan with each operator's
// figures, times replaced by <hidden>, as `ctlake query` prints them.
func (r *Runner) ExplainAnalyze(ctx context.Context, query string) (string, error) {
	plan, env, err := r.Plan(query, false)
	if err != nil {
		return "", err
	}
	res, stats, err := exec.Execute(ctx, plan, env)
	if err != nil {
		return "", Positioned(query, err)
	}
	res.Release()
	figures := exec.StatsByNode(plan.Root, stats)
	return planner.Format(plan.Root, func(n planner.Node) string {
		s := figures[n]
		if s == nil {
			return ""
		}
		parts := []string{fmt.Sprintf("rows: %d", s.Rows), "time: <hidden>"}
		keys := make([]string, 0, len(s.Extra))
		for k := range s.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, k+": "+s.Extra[k])
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}), nil
}

// Positioned gives an executor error that carries a query position the
// line:col form of every other error (as the CLI does).
func Positioned(query string, err error) error {
	var ee *exec.ExprError
	if errors.As(err, &ee) {
		return sql.NewError(query, ee.Pos, nil, "%v", ee.Err)
	}
	return err
}

// IsOrdered reports whether a plan's output order is defined: an ORDER BY
// with only projections and limits above it.
func IsOrdered(n planner.Node) bool {
	for {
		switch x := n.(type) {
		case *planner.Sort, *planner.TopN:
			return true
		case *planner.Project:
			n = x.Input
		case *planner.Limit:
			n = x.Input
		default:
			return false
		}
	}
}

// FormatError renders an error as the golden files expect: the message,
// and for positioned errors the query line with a caret.
func FormatError(err error) string {
	var se *sql.Error
	if errors.As(err, &se) {
		return se.Error() + "\n" + se.Caret()
	}
	return "error: " + err.Error()
}
