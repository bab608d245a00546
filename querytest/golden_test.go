package querytest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/orcstore"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files under testdata/queries with the engine's output")

// goldenDir holds the golden files, at the repository root so that other
// tools (the planner fuzz seeds, documentation) find them.
const goldenDir = "../testdata/queries"

var fixture struct {
	catalog *orcstore.Catalog
	err     error
}

// TestMain builds the fixture store once per test binary.
func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "querytest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixture.catalog, fixture.err = BuildFixture(context.Background(), dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func fixtureCatalog(t *testing.T) *orcstore.Catalog {
	t.Helper()
	if fixture.err != nil {
		t.Fatalf("fixture: %v", fixture.err)
	}
	return fixture.catalog
}

// TestGolden runs every golden file three ways: the engine with pushdown,
// the engine without it, and the reference evaluator over the plan built
// without pushdown. The expected text is the first; the other two must
// agree with it.
func TestGolden(t *testing.T) {
	cat := fixtureCatalog(t)
	files, err := GoldenFiles(goldenDir)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in %s: %v", goldenDir, err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cases, err := ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			changed := false
			for i := range cases {
				c := &cases[i]
				got := runCase(t, cat, c)
				if got == c.Expected {
					continue
				}
				if *rewrite {
					c.Expected = got
					changed = true
					continue
				}
				t.Errorf("%s: %s\n%s\nexpected:\n%s\ngot:\n%s", c.Pos, c.Command, c.Input, c.Expected, got)
			}
			if changed {
				if err := os.WriteFile(path, []byte(Format(cases)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// runCase produces a case's output and reports (as test errors) where the
// three ways of running it disagree.
func runCase(t *testing.T, cat *orcstore.Catalog, c *Case) string {
	ctx := context.Background()
	r := NewRunner(cat)
	switch c.Command {
	case "query", "error":
		out, failed := runThreeWays(t, r, c)
		if c.Command == "error" && !failed {
			return "expected an error, got rows:\n" + out
		}
		return out
	case "explain":
		runThreeWays(t, r, c)
		s, err := r.Explain(c.Input)
		if err != nil {
			return FormatError(err)
		}
		return strings.TrimRight(s, "\n")
	case "explain analyze":
		s, err := r.ExplainAnalyze(ctx, c.Input)
		if err != nil {
			return FormatError(err)
		}
		return strings.TrimRight(s, "\n")
	}
	t.Errorf("%s: unknown command %q", c.Pos, c.Command)
	return c.Expected
}

// runThreeWays runs a query with pushdown, without it, and on the reference
// evaluator (over the plan as bound, before the optimizer's rules); it
// returns the first's text (rows or error).
func runThreeWays(t *testing.T, r *Runner, c *Case) (string, bool) {
	ctx := context.Background()
	on, errOn := r.Query(ctx, c.Input, false)
	off, errOff := r.Query(ctx, c.Input, true)
	var text string
	if errOn != nil {
		text = FormatError(errOn)
	} else {
		text = FormatRows(on)
	}
	switch {
	case (errOn == nil) != (errOff == nil):
		t.Errorf("%s: pushdown on: %v; pushdown off: %v\n%s", c.Pos, errOn, errOff, c.Input)
		return text, errOn != nil
	case errOn != nil:
		if a, b := FormatError(errOn), FormatError(errOff); a != b {
			t.Errorf("%s: errors differ with pushdown on/off:\n%s\n%s", c.Pos, a, b)
		}
	default:
		if d := Diff(on, off); d != "" {
			t.Errorf("%s: pushdown on vs off: %s\n%s", c.Pos, d, c.Input)
		}
	}
	plan, err := r.RawPlan(c.Input)
	if err != nil {
		return text, true // a planning error: nothing for the reference to run
	}
	ref, errRef := NewReferenceCached(r.Now).Run(ctx, plan)
	switch {
	case errRef != nil && errOn == nil:
		t.Errorf("%s: reference failed: %v\n%s", c.Pos, errRef, c.Input)
	case errRef == nil && errOn != nil:
		t.Errorf("%s: engine failed (%v) but the reference returned %d rows\n%s", c.Pos, errOn, len(ref.Rows), c.Input)
	case errRef == nil:
		if d := Diff(ref, off); d != "" {
			t.Errorf("%s: reference vs engine: %s\n%s", c.Pos, d, c.Input)
		}
	}
	return text, errOn != nil
}

var refCache *Reference

// NewReferenceCached shares one reference evaluator (and its loaded table)
// across the cases of a test binary.
func NewReferenceCached(now int64) *Reference {
	if refCache == nil || refCache.Now != now {
		refCache = NewReference(now)
	}
	return refCache
}
