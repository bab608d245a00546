package bench

import (
	"context"
	"path/filepath"
	"testing"

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
