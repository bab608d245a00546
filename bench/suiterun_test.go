package bench

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestSuiteReportsJSON: the suites' reports share SuiteReport and
// SuiteResult by embedding, and their JSON stays flat (the keys `ctlake
// bench --from` and other readers know, no nested "SuiteReport"), and a
// join report read back (ctlake bench --from) equals the one written.
func TestSuiteReportsJSON(t *testing.T) {
	tm := &Timing{Seconds: []float64{0.1}, CPUSeconds: []float64{0.05}}
	tm.finish()
	head := SuiteReport{Machine: Machine{CPUs: 2}, Events: 1000, Seed: 7, Runs: 3, Ingest: []IngestResult{{Events: 1000}}}
	res := SuiteResult{Name: "q", SQL: "SELECT 1", ORC: tm, DuckTable: tm, PeakRSS: 1 << 20, DuckPeakRSS: 2 << 20, Rows: 1, Check: "equal"}
	join := &JoinReport{SuiteReport: head, Params: Params{Day: "2026-01-01 00:00:00"},
		Queries: []*JoinResult{{SuiteResult: res, RangeRowGroupsRead: 1, StoreRowGroups: 10, Analyze: "plan"}}}
	i14 := &Issue14Report{SuiteReport: head, Queries: []*Issue14Result{{SuiteResult: res, DuckTyped: tm}}}

	keys := func(v any) (top, query string) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var qs []map[string]json.RawMessage
		if err := json.Unmarshal(m["queries"], &qs); err != nil || len(qs) != 1 {
			t.Fatalf("queries: %v %s", err, m["queries"])
		}
		names := func(m map[string]json.RawMessage) string {
			var out []string
			for k := range m {
				out = append(out, k)
			}
			sort.Strings(out)
			return strings.Join(out, " ")
		}
		return names(m), names(qs[0])
	}
	for _, c := range []struct {
		name       string
		report     any
		top, query string
	}{
		{"joins", join, "events ingest machine params queries runs seed",
			"check duckdb_peak_rss duckdb_table explain_analyze name orc peak_rss range_row_groups_read rows sql store_row_groups"},
		{"issue14", i14, "events ingest machine queries runs seed",
			"check duckdb_peak_rss duckdb_table duckdb_typed name orc peak_rss rows sql"},
	} {
		top, query := keys(c.report)
		if top != c.top || query != c.query {
			t.Errorf("%s: keys\n  %s\n  %s\nwant\n  %s\n  %s", c.name, top, query, c.top, c.query)
		}
	}

	b, err := json.Marshal(join)
	if err != nil {
		t.Fatal(err)
	}
	var back JoinReport
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, join) {
		t.Errorf("join report read back:\n%+v\nwritten:\n%+v", back, *join)
	}
	if got := join.Queries[0].Ratio(); got != 1 {
		t.Errorf("join ratio %v, want 1 (same timing both sides)", got)
	}
}
