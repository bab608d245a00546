package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/orcstore"
)

// TestStoreCompactCLI: after an ingest with a small --memory-limit (many
// files per eventdate), `store compact` leaves one file per partition, the
// same events, and says what it did.
func TestStoreCompactCLI(t *testing.T) {
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in")
	sum, err := gen.Write(context.Background(), gen.Config{Events: 3000, Seed: 9, Days: 3, Workers: 1}, gen.LayoutS3, in)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(tmp, "data")
	var out, errb bytes.Buffer
	if st := runMain(context.Background(), []string{"ingest", "--data", data, "--store", "compact-me", "--create", "--memory-limit", "256KiB", "--quiet", in}, &out, &errb); st != 0 {
		t.Fatalf("ingest: %d\n%s", st, errb.String())
	}
	cat, _ := orcstore.OpenCatalog(data)
	s, err := cat.Open("compact-me")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.Snapshot()
	dates := map[string]bool{}
	for _, f := range before.Files {
		dates[f.Date] = true
	}
	if len(before.Files) <= len(dates) {
		t.Fatalf("fixture: %d files in %d partitions; the ingest should have left several per partition", len(before.Files), len(dates))
	}
	out.Reset()
	if st := runMain(context.Background(), []string{"store", "compact", "--data", data, "compact-me"}, &out, &errb); st != 0 {
		t.Fatalf("compact: %d\n%s", st, errb.String())
	}
	after, _ := s.Snapshot()
	stored := storedEvents(t, s, after)
	ids := map[string]bool{}
	for _, e := range stored {
		ids[e.ID] = true
	}
	if len(after.Files) != len(dates) || int64(len(stored)) != sum.Events || len(ids) != len(stored) {
		t.Errorf("after compaction: %d files for %d partitions, %d events (%d distinct), gen made %d", len(after.Files), len(dates), len(stored), len(ids), sum.Events)
	}
	for _, want := range []string{"merged 3 partitions", "events 3000 -> 3000", "0 expired"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q: %s", want, out.String())
		}
	}
}
