package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/bench"
	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/gen"
)

// run runs q over JSON tables only and returns canonical rows and the
// number of events skipped as rejects.
func runJSON(tables map[string][]string, q string) ([]string, int64, error) {
	out, err := engine.New(nil).Run(context.Background(), q, engine.Options{JSONTables: tables})
	if err != nil {
		return nil, 0, err
	}
	defer out.Release()
	return bench.Canonical(out.Records), out.Stats.JSONRejected, nil
}

// Events ingest would reject are skipped and counted; the time range is
// exact at its bounds.
func TestJSONScanRejectsAndTimeRange(t *testing.T) {
	dir := t.TempDir()
	lines := []string{
		`{"eventVersion":"1.08","eventTime":"2024-05-01T00:00:00Z","eventID":"a","eventName":"X"}`,
		`{"eventVersion":"1.08","eventTime":"2024-05-01T00:00:01Z","eventID":"b","eventName":"Y"}`,
		`{"eventVersion":"1.08","eventTime":"2024-05-01T00:00:02Z","eventID":"c","eventName":"X"}`,
		`{"eventID":"no time"}`,
		`{"broken": `,
	}
	path := filepath.Join(dir, "x.ndjson")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tables := map[string][]string{"raw": {path}}
	cases := []struct {
		q    string
		want []string
	}{
		{"SELECT count(*) FROM raw", []string{"3"}},
		{"SELECT eventID FROM raw WHERE eventTime >= TIMESTAMP '2024-05-01 00:00:01' AND eventTime < TIMESTAMP '2024-05-01 00:00:02'", []string{"b"}},
		{"SELECT eventID FROM raw WHERE eventTime > TIMESTAMP '2024-05-01 00:00:01' ORDER BY eventID", []string{"c"}},
		{"SELECT eventName, count(*) FROM raw GROUP BY 1 ORDER BY 1", []string{"X\t2", "Y\t1"}},
		{"SELECT count(*) FROM raw WHERE eventTime > TIMESTAMP '2025-01-01 00:00:00'", []string{"0"}},
	}
	for _, c := range cases {
		rows, rejected, err := runJSON(tables, c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if d := bench.Diff(c.want, rows, true); d != "" {
			t.Errorf("%s: %s (got %q)", c.q, d, rows)
		}
		if rejected != 2 {
			t.Errorf("%s: %d rejected, want 2", c.q, rejected)
		}
	}
	if _, _, err := runJSON(map[string][]string{"raw": {filepath.Join(dir, "missing")}}, "SELECT count(*) FROM raw"); err == nil {
		t.Error("a missing JSON path gave no error")
	}
}

// A LIMIT closes the JSON scan early (goleak in TestMain checks that its
// framers and decoders all stop).
func TestJSONScanLimit(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(context.Background(), gen.Config{Events: 20000, Seed: 3}, gen.LayoutNDJSON, dir); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		rows, _, err := runJSON(map[string][]string{"raw": {dir}}, "SELECT eventID FROM raw LIMIT 1")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("%d rows, want 1", len(rows))
		}
	}
}
