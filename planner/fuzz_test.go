package planner_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/querytest"
	"github.com/ctlake/ctlake/sql"
)

// FuzzPlan checks that parsing and planning never panic, whatever the
// text, and that every error either step returns is a *sql.Error whose
// position lies inside the query (0..len, the end meaning "at the end"),
// so the CLI can always print line:col and a caret. Successful plans must
// also print (EXPLAIN) without panicking, with pushdown on and off. Seeds
// are the golden queries of testdata/queries plus testdata/fuzz/FuzzPlan.
// Run longer with
//
//	go test ./planner -run '^$' -fuzz FuzzPlan -fuzztime 60s
func FuzzPlan(f *testing.F) {
	files, err := querytest.GoldenFiles("../testdata/queries")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		cases, err := querytest.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range cases {
			f.Add(c.Input)
			f.Add("EXPLAIN " + c.Input)
		}
	}
	cat, err := orcstore.OpenCatalog(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	if _, err := cat.Create("events", orcstore.CreateOptions{}); err != nil {
		f.Fatal(err)
	}
	functions := fn.NewCatalog()
	f.Fuzz(func(t *testing.T, q string) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("parse and plan took %v: %q", d, q)
			}
		}()
		stmt, err := sql.Parse(q)
		if err != nil {
			checkPositioned(t, q, "parse", err)
			return
		}
		for _, noPushdown := range []bool{false, true} {
			env := &exec.Env{Now: time.Date(2024, 5, 9, 0, 0, 0, 0, time.UTC).UnixNano(), Catalog: functions}
			plan, err := planner.Build(q, stmt, planner.Options{
				Stores:     cat,
				Functions:  functions,
				Folder:     exec.Folder{Env: env},
				NoPushdown: noPushdown,
			})
			if err != nil {
				checkPositioned(t, q, "plan", err)
				continue
			}
			if len(plan.Names) != len(plan.Root.Columns()) {
				t.Fatalf("%d names for %d columns: %q", len(plan.Names), len(plan.Root.Columns()), q)
			}
			_ = planner.Format(plan.Root, nil)
		}
	})
}

func checkPositioned(t *testing.T, q, step string, err error) {
	t.Helper()
	var se *sql.Error
	if !errors.As(err, &se) {
		t.Fatalf("%s error %T is not a *sql.Error: %v\nquery: %q", step, err, err, q)
	}
	if se.Pos < 0 || se.Pos > len(q) {
		t.Fatalf("%s error position %d outside the query (length %d): %v\nquery: %q", step, se.Pos, len(q), err, q)
	}
	if se.Query != q {
		t.Fatalf("%s error carries another query text %q\nquery: %q", step, se.Query, q)
	}
	_ = se.Caret()
}
