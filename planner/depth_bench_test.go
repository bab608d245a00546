package planner_test

import (
	"strings"
	"testing"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// BenchmarkPlanDeepChain plans expressions near sql.MaxExprDepth. Binding,
// constant folding, group matching and printing are linear in the depth
// (they were quadratic: a grouped 9,000-term chain took 54 s to plan).
func BenchmarkPlanDeepChain(b *testing.B) {
	cat, err := orcstore.OpenCatalog(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cat.Create("events", orcstore.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	functions := fn.NewCatalog()
	n := sql.MaxExprDepth - 10
	for name, q := range map[string]string{
		"add":       "SELECT length(eventName)" + strings.Repeat(" + 1", n) + " FROM events",
		"and":       "SELECT count(*) FROM events WHERE eventName IS NULL" + strings.Repeat(" AND eventName = 'x'", n),
		"not":       "SELECT " + strings.Repeat("NOT ", n) + "(eventName IS NULL) FROM events",
		"grouped":   "SELECT eventName" + strings.Repeat(" || 'a'", n) + " FROM events GROUP BY eventName",
		"aggregate": "SELECT count(*)" + strings.Repeat(" + 1", n) + " FROM events GROUP BY eventName",
	} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				stmt, err := sql.Parse(q)
				if err != nil {
					b.Fatal(err)
				}
				env := &exec.Env{Catalog: functions}
				p, err := planner.Build(q, stmt, planner.Options{Stores: cat, Functions: functions, Folder: exec.Folder{Env: env}})
				if err != nil {
					b.Fatal(err)
				}
				_ = planner.Format(p.Root, nil)
			}
		})
	}
}
