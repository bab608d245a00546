package querytest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ctlake/ctlake/engine"
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

// FixtureSampleSeed is the TABLESAMPLE seed queries run with here, so that
// block samples repeat between the runs with and without pushdown.
const FixtureSampleSeed = 14

// Runner runs queries against one catalog on the engine the ctlake CLI
// uses (package engine), with a pinned now().
type Runner struct {
	Engine *engine.Engine
	Now    int64 // Unix ns
	// SampleSeed seeds TABLESAMPLE (0: FixtureSampleSeed).
	SampleSeed uint64
}

// NewRunner returns a Runner over c with now() pinned to FixtureNow.
func NewRunner(c *orcstore.Catalog) *Runner {
	return &Runner{Engine: engine.New(c), Now: FixtureNow.UnixNano()}
}

func (r *Runner) options(noPushdown bool) engine.Options {
	seed := r.SampleSeed
	if seed == 0 {
		seed = FixtureSampleSeed
	}
	return engine.Options{Now: time.Unix(0, r.Now), MemoryLimit: 1 << 30, Workers: 2, NoPushdown: noPushdown, SampleSeed: seed}
}

// Plan parses and plans query.
func (r *Runner) Plan(query string, noPushdown bool) (*planner.Plan, error) {
	q, err := r.Engine.Prepare(context.Background(), query, r.options(noPushdown))
	if err != nil {
		return nil, err
	}
	return q.Plan, nil
}

// RawPlan parses and binds query without the optimizer's rules: the plan
// the reference evaluator runs, so that every rule is checked against a
// plan it did not touch.
func (r *Runner) RawPlan(query string) (*planner.Plan, error) {
	o := r.options(true)
	o.NoRules = true
	q, err := r.Engine.Prepare(context.Background(), query, o)
	if err != nil {
		return nil, err
	}
	return q.Plan, nil
}

// Query runs query on the engine and boxes its rows.
func (r *Runner) Query(ctx context.Context, query string, noPushdown bool) (*Result, error) {
	q, err := r.Engine.Prepare(ctx, query, r.options(noPushdown))
	if err != nil {
		return nil, err
	}
	if q.Plan.Explain {
		q.Close()
		return nil, fmt.Errorf("EXPLAIN statement where a query was expected")
	}
	rows, err := q.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &Result{Names: q.Names(), Types: q.Types(), Ordered: IsOrdered(q.Plan.Root)}
	for {
		rec, err := rows.Next()
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return out, nil
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for j := range row {
				row[j] = FromArrow(rec.Column(j), i, out.Types[j])
			}
			out.Rows = append(out.Rows, row)
		}
		rec.Release()
	}
}

// Explain returns the EXPLAIN text of query (without the EXPLAIN keyword).
func (r *Runner) Explain(query string) (string, error) {
	q, err := r.Engine.Prepare(context.Background(), query, r.options(false))
	if err != nil {
		return "", err
	}
	defer q.Close()
	return q.Explain(), nil
}

// ExplainAnalyze runs query and prints the plan with each operator's
// figures, times replaced by <hidden>, as `ctlake query` prints them.
func (r *Runner) ExplainAnalyze(ctx context.Context, query string) (string, error) {
	q, err := r.Engine.Prepare(ctx, query, r.options(false))
	if err != nil {
		return "", err
	}
	text, _, err := q.Analyze(ctx, engine.HiddenTimes)
	return text, err
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
