package bench

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
)

// TestSuiteEstimates checks EXPLAIN's estimates against what the suite's
// time-pruned and selective queries then read, on a generated store
// ingested from the S3 layout (as bench queries it): within 10% (they are
// computed by the scan's own pruning and read planning, so in practice
// equal), and an upper bound for the top-N query. It also checks that a
// scan limit below the estimate refuses the query before anything is read,
// and one at the estimate lets it run.
func TestSuiteEstimates(t *testing.T) {
	ctx := context.Background()
	ds, err := PrepareDataset(ctx, t.TempDir(), 3, 60_000)
	if err != nil {
		t.Fatal(err)
	}
	c, err := orcstore.OpenCatalog(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := IngestInto(ctx, c, "trail", "s3", ds.S3); err != nil {
		t.Fatal(err)
	}
	r := &Runner{Stores: c}
	p, err := FindParams(ctx, r, "trail")
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(c)
	within := func(est, got int64) bool { return math.Abs(float64(est-got)) <= 0.1*float64(got) }
	checked := 0
	for _, q := range Suite {
		if q.Kind == "full" {
			continue
		}
		text := p.Text(q.SQL, "trail")
		pq, err := eng.Prepare(ctx, text, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		est, err := pq.Estimate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pq.Collect(ctx, engine.HiddenTimes)
		if err != nil {
			t.Fatal(err)
		}
		out.Release()
		got := out.Stats.Scan
		if est.UpperBound {
			if est.Bytes < got.BytesRead || est.Events < got.RowsRead {
				t.Errorf("%s: upper bound %v below what was read (%d bytes, %d events)", q.Name, est, got.BytesRead, got.RowsRead)
			}
			continue
		}
		checked++
		if !within(est.Bytes, got.BytesRead) || !within(est.Events, got.RowsRead) || !within(int64(est.RowGroups), int64(got.RowGroupsRead)) {
			t.Errorf("%s: estimated %v; read %d bytes, %d events, %d row groups", q.Name, est, got.BytesRead, got.RowsRead, got.RowGroupsRead)
		}
		if est.Bytes == 0 {
			continue
		}
		// A limit under the estimate refuses the query, reading nothing.
		pq, _ = eng.Prepare(ctx, text, engine.Options{MaxBytesScanned: est.Bytes - 1})
		out, err = pq.Collect(ctx, engine.HiddenTimes)
		var le *engine.ScanLimitError
		if !errors.Is(err, engine.ErrScanLimit) || !errors.As(err, &le) || le.Estimate.Bytes != est.Bytes {
			t.Fatalf("%s: limit %d under the estimate: %v", q.Name, est.Bytes-1, err)
		}
		if out != nil && (out.Stats.BytesScanned != 0 || out.Stats.Scan != (orcstore.ScanStats{})) {
			t.Fatalf("%s: refused query read %+v", q.Name, out.Stats.Scan)
		}
		pq, _ = eng.Prepare(ctx, text, engine.Options{MaxEventsScanned: est.Events - 1})
		if _, err := pq.Collect(ctx, engine.HiddenTimes); !errors.Is(err, engine.ErrScanLimit) {
			t.Fatalf("%s: events limit under the estimate: %v", q.Name, err)
		}
		pq, _ = eng.Prepare(ctx, text, engine.Options{MaxBytesScanned: est.Bytes, MaxEventsScanned: est.Events})
		out, err = pq.Collect(ctx, engine.HiddenTimes)
		if err != nil {
			t.Fatalf("%s: limits at the estimate: %v", q.Name, err)
		}
		out.Release()
	}
	if checked < 4 {
		t.Fatalf("only %d queries compared", checked)
	}
}
