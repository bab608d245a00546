package exec_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/querytest"
	"github.com/ctlake/ctlake/sql"
)

// TestAggregateStateAtItsSize runs aggregates that hold whole events over
// the generated fixture store: the memory they report is at least the
// events' text (array_agg(eventJson) used to report about a third of what
// it held), and a limit below it refuses the query with an error naming
// the aggregate.
func TestAggregateStateAtItsSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the fixture store")
	}
	cat, err := querytest.BuildFixture(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	functions := fn.NewCatalog()
	run := func(q string, limit int64) (*exec.Result, *exec.Env, error) {
		stmt, err := sql.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		env := &exec.Env{Now: querytest.FixtureNow.UnixNano(), MemoryLimit: limit, Catalog: functions}
		env.Scan = exec.StoreScanHook(env, 2)
		p, err := planner.Build(q, stmt, planner.Options{Stores: cat, Functions: functions, Folder: exec.Folder{Env: env}})
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := exec.Execute(context.Background(), p, env)
		return res, env, err
	}
	res, _, err := run("SELECT sum(length(eventJson)) FROM events", 0)
	if err != nil {
		t.Fatal(err)
	}
	text := res.Records[0].Column(0).(interface{ Value(int) int64 }).Value(0)
	res.Release()
	for _, c := range []struct{ agg, name string }{
		{"array_agg(eventJson)", "array_agg(eventJson)"},
		{"map_agg(eventID, eventJson)", "map_agg(eventID, eventJson)"},
		{"max_by(eventJson, eventTime)", "max_by(eventJson, eventTime)"},
		{"count(DISTINCT eventJson)", "hash aggregation"},
	} {
		q := "SELECT " + c.agg + " FROM events"
		res, env, err := run(q, 0)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		res.Release()
		peak := env.MemoryPeak()
		t.Logf("%s: %d KB of text, peak %d KB reported", c.agg, text>>10, peak>>10)
		if c.agg != "max_by(eventJson, eventTime)" && peak < text {
			t.Errorf("%s reported %d KB for %d KB of events", c.agg, peak>>10, text>>10)
		}
		_, _, err = run(q, peak/2)
		if !errors.Is(err, exec.ErrMemoryLimit) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s at half its peak: %v", c.agg, err)
		}
	}
}
