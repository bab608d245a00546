package bench

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// fixture generates events in both layouts, ingests the S3 layout into a
// store "trail" and returns a Runner with JSON tables "nd" and "s3" over
// the same events.
func fixture(t testing.TB, events int64) *Runner {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cfg := gen.Config{Events: events, Seed: 7}
	for _, l := range []gen.Layout{gen.LayoutS3, gen.LayoutNDJSON} {
		if _, err := gen.Write(ctx, cfg, l, filepath.Join(dir, string(l))); err != nil {
			t.Fatal(err)
		}
	}
	c, err := orcstore.OpenCatalog(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Create("trail", orcstore.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inputs, errs := ingest.Discover([]string{filepath.Join(dir, "s3")}, ingest.DiscoverOptions{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	if _, err := ingest.Ingest(ctx, ingest.Config{Store: st, MaxFileRows: int(events / 3)}, inputs); err != nil {
		t.Fatal(err)
	}
	return &Runner{Stores: c, JSONTables: map[string][]string{
		"nd": {filepath.Join(dir, "ndjson")},
		"s3": {filepath.Join(dir, "s3", "AWSLogs") + "/*"},
	}}
}

// Every suite query gives the same rows over the store, over NDJSON and
// over the S3 layout read as JSON; and the JSON scan reads every event
// while the store skips data on the time-pruned and selective queries.
func TestSuiteStoreEqualsJSON(t *testing.T) {
	ctx := context.Background()
	r := fixture(t, 6000)
	p, err := FindParams(ctx, r, "trail")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range Suite {
		store, err := r.Run(ctx, p.Text(q.SQL, "trail"))
		if err != nil {
			t.Fatalf("%s on the store: %v", q.Name, err)
		}
		if len(store.Rows) == 0 {
			t.Errorf("%s: no rows", q.Name)
		}
		for _, tb := range []string{"nd", "s3"} {
			js, err := r.Run(ctx, p.Text(q.SQL, tb))
			if err != nil {
				t.Fatalf("%s on %s: %v", q.Name, tb, err)
			}
			if d := Diff(store.Rows, js.Rows, q.Ordered); d != "" {
				t.Errorf("%s: store vs %s: %s", q.Name, tb, d)
			}
			if js.Scan.RowsRead != 6000 || js.Rejected != 0 {
				t.Errorf("%s on %s: read %d events, %d rejected; want 6000, 0", q.Name, tb, js.Scan.RowsRead, js.Rejected)
			}
		}
		if (q.Kind == "time-pruned" || q.Name == "eventid-lookup") && store.Scan.RowsRead >= 6000 {
			t.Errorf("%s: the store read %d rows, want fewer than all", q.Name, store.Scan.RowsRead)
		}
	}
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
	r := &Runner{JSONTables: map[string][]string{"raw": {path}}}
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
		out, err := r.Run(context.Background(), c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if d := Diff(c.want, out.Rows, true); d != "" {
			t.Errorf("%s: %s (got %q)", c.q, d, out.Rows)
		}
		if out.Rejected != 2 {
			t.Errorf("%s: %d rejected, want 2", c.q, out.Rejected)
		}
	}
	if _, err := (&Runner{JSONTables: map[string][]string{"raw": {filepath.Join(dir, "missing")}}}).Run(context.Background(), "SELECT count(*) FROM raw"); err == nil {
		t.Error("a missing JSON path gave no error")
	}
}

// A LIMIT closes the JSON scan early: its goroutines (framers, decoders)
// all stop.
func TestJSONScanEarlyCloseStopsGoroutines(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(context.Background(), gen.Config{Events: 20000, Seed: 3}, gen.LayoutNDJSON, dir); err != nil {
		t.Fatal(err)
	}
	r := &Runner{JSONTables: map[string][]string{"raw": {dir}}}
	before := runtime.NumGoroutine()
	for i := 0; i < 3; i++ {
		out, err := r.Run(context.Background(), "SELECT eventID FROM raw LIMIT 1")
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Rows) != 1 {
			t.Fatalf("%d rows, want 1", len(out.Rows))
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the scans, %d before", n, before)
	}
}
