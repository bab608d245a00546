package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/bench"
	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// datasetsDir holds the real CloudTrail data sets, beside the repository
// (as ingest/datasets_test.go finds them).
const datasetsDir = "../../shared/datasets"

// One rule for both routes: a query over a folder with --table and the
// same query over a store built from that folder give the same answer on
// every shared data set, within the store's retention (three Panther
// events of 2015 are older than its 3,653 days). With --time-field too, so
// that OTRF's events (which only have @timestamp) are compared as well.
func TestJSONTableMatchesStoreOnDatasets(t *testing.T) {
	dirs, err := os.ReadDir(datasetsDir)
	if err != nil {
		t.Skipf("data sets not available (%v): they live in ../shared/datasets next to the repository", err)
	}
	now := time.Now()
	cutoff := now.Add(-time.Duration(orcstore.DefaultRetentionDays) * 24 * time.Hour).UTC()
	queries := []string{
		"SELECT count(*), count(DISTINCT eventID) FROM %s WHERE eventTime >= TIMESTAMP '%s'",
		"SELECT eventSource, eventName, count(*) FROM %s WHERE eventTime >= TIMESTAMP '%s' GROUP BY 1, 2",
		// Which copy of a duplicated eventID is kept: the first in input order.
		"SELECT eventID, eventTime, eventJson FROM %s WHERE eventTime >= TIMESTAMP '%s'",
	}
	compared := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		for _, timeField := range []string{"", "@timestamp"} {
			t.Run(d.Name()+"/time-field="+timeField, func(t *testing.T) {
				folder := filepath.Join(datasetsDir, d.Name())
				c, err := orcstore.OpenCatalog(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				s, err := c.Create("dataset", orcstore.CreateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				inputs, problems := ingest.Discover([]string{folder}, ingest.DiscoverOptions{})
				if len(problems) > 0 {
					t.Fatal(problems)
				}
				sum, err := ingest.Ingest(context.Background(), ingest.Config{Store: s, Decode: ingest.Options{TimeField: timeField},
					Now: func() time.Time { return now }}, inputs)
				if err != nil {
					t.Fatal(err)
				}
				eng := engine.New(c)
				opts := engine.Options{JSONTables: map[string][]string{"raw": {folder}}, JSON: engine.JSONOptions{TimeField: timeField}}
				for _, q := range queries {
					at := cutoff.Format("2006-01-02 15:04:05.000000000")
					stored := runRows(t, eng, fmt.Sprintf(q, "dataset", at), opts)
					raw := runRows(t, eng, fmt.Sprintf(q, "raw", at), opts)
					if diff := bench.Diff(stored, raw, false); diff != "" {
						t.Fatalf("%s: store and --table differ: %s", fmt.Sprintf(q, "…", at), diff)
					}
				}
				counts := runRows(t, eng, fmt.Sprintf(queries[0], "raw", cutoff.Format("2006-01-02 15:04:05")), opts)
				t.Logf("count(*), count(DISTINCT eventID) = %s on both routes (ingest: %d stored, %d duplicates, %d filtered, %d rejected)",
					counts[0], sum.Ingested, sum.Duplicates, sum.Filtered, sum.Rejected)
				if sum.Ingested > 0 {
					compared++
				}
			})
		}
	}
	if compared < 4 {
		t.Fatalf("compared %d data sets with events, want the four shared ones", compared)
	}
}

func runRows(t *testing.T, eng *engine.Engine, q string, o engine.Options) []string {
	t.Helper()
	out, err := eng.Run(context.Background(), q, o)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer out.Release()
	return bench.Canonical(out.Records)
}

// Dedup over a JSON table is deterministic whatever the number of workers
// and however the decoders race: the first copy of an eventID in input
// order (files in name order, events in file order) wins, as in ingest.
func TestJSONTableDedupFirstOccurrence(t *testing.T) {
	dir := t.TempDir()
	const files, perFile = 6, 9000 // several chunks per file
	for f := 0; f < files; f++ {
		var b strings.Builder
		for i := 0; i < perFile; i++ {
			// Every file repeats the IDs of the files before it, with its
			// own marker; within a file, each ID appears twice.
			id := (f*perFile/2 + i/2) % (perFile * 2)
			fmt.Fprintf(&b, `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:%02dZ","eventID":"id-%d","eventName":"f%d-line%d"}`+"\n", i%60, id, f, i+1)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%02d.ndjson", f)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The expectation, computed independently: the first line of each ID.
	first := map[string]string{}
	for f := 0; f < files; f++ {
		for i := 0; i < perFile; i++ {
			id := fmt.Sprintf("id-%d", (f*perFile/2+i/2)%(perFile*2))
			if _, ok := first[id]; !ok {
				first[id] = fmt.Sprintf("f%d-line%d", f, i+1)
			}
		}
	}
	tables := map[string][]string{"raw": {dir}}
	for round, workers := range []int{1, 2, 4, 8, 3} {
		out, err := engine.New(nil).Run(context.Background(), "SELECT eventID, eventName FROM raw", engine.Options{JSONTables: tables, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		rows := bench.Canonical(out.Records)
		dups := out.Stats.JSONDuplicates
		out.Release()
		if len(rows) != len(first) || dups != files*perFile-int64(len(first)) {
			t.Fatalf("round %d (%d workers): %d rows, %d duplicates; want %d rows", round, workers, len(rows), dups, len(first))
		}
		for _, r := range rows {
			id, name, _ := strings.Cut(r, "\t")
			if first[id] != name {
				t.Fatalf("round %d (%d workers): %s kept %s, want the first copy %s", round, workers, id, name, first[id])
			}
		}
	}
	// --no-dedup keeps every copy.
	out, err := engine.New(nil).Run(context.Background(), "SELECT count(*) FROM raw", engine.Options{JSONTables: tables, JSON: engine.JSONOptions{NoDedup: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if rows := bench.Canonical(out.Records); rows[0] != fmt.Sprint(files*perFile) || out.Stats.JSONDuplicates != 0 {
		t.Fatalf("--no-dedup: %v, %d duplicates", rows, out.Stats.JSONDuplicates)
	}
}

// Events without eventTime are skipped and counted with the first reason;
// the field that would take them is named; JSONOptions.TimeField takes
// them, as ingest's --time-field does.
func TestJSONTableTimeField(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 7; i++ {
		fmt.Fprintf(&b, `{"@timestamp":"2024-05-01T10:00:0%dZ","eventID":"e%d"}`+"\n", i, i)
	}
	path := filepath.Join(dir, "export.json")
	os.WriteFile(path, []byte(b.String()), 0o644)
	tables := map[string][]string{"raw": {path}}
	out, err := engine.New(nil).Run(context.Background(), "SELECT count(*) FROM raw", engine.Options{JSONTables: tables})
	if err != nil {
		t.Fatal(err)
	}
	st := out.Stats
	out.Release()
	if st.JSONRejected != 7 || !strings.Contains(st.JSONFirstReject, "export.json:1 (offset 0): rejected event: no parseable eventTime (absent)") {
		t.Fatalf("rejected %d, first %q", st.JSONRejected, st.JSONFirstReject)
	}
	if msg := ingest.TimeHints(st.JSONTimeHints).Message(st.JSONRejected); !strings.Contains(msg, "--time-field @timestamp") {
		t.Fatalf("hint %q", msg)
	}
	rows, _, err := runJSONOpts(tables, "SELECT count(*), min(eventTime) FROM raw", engine.JSONOptions{TimeField: "@timestamp"})
	if err != nil || len(rows) != 1 || rows[0] != "7\t2024-05-01 10:00:00.000000000" {
		t.Fatalf("with the time field: %v %v", rows, err)
	}
}

func runJSONOpts(tables map[string][]string, q string, o engine.JSONOptions) ([]string, engine.Stats, error) {
	out, err := engine.New(nil).Run(context.Background(), q, engine.Options{JSONTables: tables, JSON: o})
	if err != nil {
		return nil, engine.Stats{}, err
	}
	defer out.Release()
	return bench.Canonical(out.Records), out.Stats, nil
}
