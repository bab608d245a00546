package bench

import (
	"strings"
	"testing"
)

// TestIssue14Suite: the suite names four Suite queries, each with a typed
// DuckDB spelling.
func TestIssue14Suite(t *testing.T) {
	qs := Issue14Suite()
	if len(qs) != len(Issue14Names) {
		t.Fatalf("%d queries for %d names", len(qs), len(Issue14Names))
	}
	for _, q := range qs {
		if q.Duck == "" || issue14Typed[q.Name] == "" {
			t.Errorf("%s: no DuckDB spelling (events %q, typed %q)", q.Name, q.Duck, issue14Typed[q.Name])
		}
	}
}

// TestWriteIssue14Text judges the target against DuckDB's typed table.
func TestWriteIssue14Text(t *testing.T) {
	tm := func(ms ...float64) *Timing {
		x := &Timing{}
		for _, v := range ms {
			x.Seconds = append(x.Seconds, v/1e3)
			x.CPUSeconds = append(x.CPUSeconds, v/2e3)
		}
		x.finish()
		return x
	}
	rep := &Issue14Report{SuiteReport: SuiteReport{Events: 1000, Runs: 3}, Queries: []*Issue14Result{
		{SuiteResult: SuiteResult{Name: "fast", ORC: tm(100, 110, 90), DuckTable: tm(500, 500, 500), Rows: 1, Check: "equal"}, DuckTyped: tm(100, 100, 100)},
		{SuiteResult: SuiteResult{Name: "slow", ORC: tm(200, 210, 190), DuckTable: tm(150, 150, 150), Rows: 1, Check: "equal"}, DuckTyped: tm(100, 100, 100)},
	}}
	var b strings.Builder
	if err := WriteIssue14Text(&b, rep); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"target: fast within 1.5x of DuckDB's typed table: met (1.00x; 0.20x of its events table)",
		"target: slow within 1.5x of DuckDB's typed table: MISSED (2.00x; 1.33x of its events table)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

// TestStatCPU reads utime + stime after the command name, which may hold
// spaces and parentheses.
func TestStatCPU(t *testing.T) {
	stat := "4242 (duck peer) x) S 1 2 3 0 -1 4194304 99 0 0 0 250 50 0 0 20 0 1 0 2494715 3133440 394"
	if got := statCPU(stat); got != 3 {
		t.Fatalf("statCPU = %v, want 3 (250 + 50 ticks)", got)
	}
	if got := statCPU("garbage"); got != 0 {
		t.Fatalf("statCPU(garbage) = %v, want 0", got)
	}
}
