package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exportWithTimestamp writes n events as a log shipper exports them, with
// "@timestamp" instead of eventTime, and returns their folder.
func exportWithTimestamp(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"@timestamp":"2024-05-01T10:%02d:00Z","eventID":"ts-%d","eventName":"GetObject","eventSource":"s3.amazonaws.com"}`+"\n", i%60, i)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "export.ndjson")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// describeJSON is `store describe --format json` as a map.
func describeJSON(t *testing.T, data, store string) map[string]any {
	t.Helper()
	rc, out, errs := runCLI(t, "store", "describe", "--data", data, "--format", "json", store)
	if rc != 0 {
		t.Fatal(errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The ingest of an export without eventTime says which --time-field would
// take its events; after the re-ingest with it, `store describe` no longer
// counts them as rejected, and shows the last ingest's own figures.
func TestIngestHintAndDescribeAfterReingest(t *testing.T) {
	data := t.TempDir()
	in := exportWithTimestamp(t, 30)
	rc, out, errs := runCLI(t, "ingest", "--data", data, "--store", "exp", "--create", in)
	if rc != 0 || !strings.Contains(out, "30 rejected") {
		t.Fatalf("rc %d\n%s%s", rc, out, errs)
	}
	if !strings.Contains(errs, `hint: all 30 rejected events have no eventTime but a parseable "@timestamp": --time-field @timestamp would take them`) {
		t.Fatalf("no --time-field hint:\n%s", errs)
	}
	if m := describeJSON(t, data, "exp"); m["rejectedNotStored"] != 30.0 {
		t.Fatalf("describe after the first ingest: %v", m)
	}
	rc, out, errs = runCLI(t, "ingest", "--data", data, "--store", "exp", "--time-field", "@timestamp", in)
	if rc != 0 || !strings.Contains(out, "ingested 30 events") || !strings.Contains(errs, "30 events an earlier ingest rejected are now stored") {
		t.Fatalf("rc %d\n%s%s", rc, out, errs)
	}
	m := describeJSON(t, data, "exp")
	last, _ := m["lastIngest"].(map[string]any)
	if m["events"] != 30.0 || m["rejectedNotStored"] != 0.0 || m["rejectedStoredLater"] != 30.0 || last["ingested"] != 30.0 || last["rejected"] != 0.0 {
		t.Fatalf("describe after the re-ingest: %v", m)
	}
	rc, text, _ := runCLI(t, "store", "describe", "--data", data, "exp")
	if rc != 0 || !strings.Contains(text, "Rejected, not stored    0 events") || !strings.Contains(text, "(30 of the rejected stored by a later ingest)") ||
		!strings.Contains(text, "(complete): 30 ingested, 0 duplicates, 0 filtered, 0 rejected from 1 inputs") {
		t.Fatalf("describe:\n%s", text)
	}
	// A third run of the same input: every event a duplicate, listed.
	rc, _, errs = runCLI(t, "ingest", "--data", data, "--store", "exp", "--time-field", "@timestamp", in)
	if rc != 0 || !strings.Contains(errs, "30 events left out (30 duplicate eventIDs, 0 past the 3653-day retention) are listed in ") {
		t.Fatalf("rc %d\n%s", rc, errs)
	}
	if m := describeJSON(t, data, "exp"); m["duplicatesListed"] != 30.0 || m["droppedFiles"] != 1.0 {
		t.Fatalf("describe after the rerun: %v", m)
	}
}

// A --strict ingest that refuses says what it read and why nothing was
// stored, instead of "ingested 0 events … from 0 inputs (11524 events/s)".
func TestStrictRefusalMessage(t *testing.T) {
	data := t.TempDir()
	in := exportWithTimestamp(t, 5)
	rc, out, errs := runCLI(t, "ingest", "--data", data, "--store", "exp", "--create", "--strict", in)
	if rc != 1 {
		t.Fatalf("rc %d\n%s%s", rc, out, errs)
	}
	if !strings.Contains(out, "exp: nothing stored (--strict refuses an ingest with problems; the store is unchanged)") ||
		!strings.Contains(out, "5 events of 1 inputs; 5 rejected") || strings.Contains(out, "events/s") {
		t.Fatalf("summary:\n%s", out)
	}
	if !strings.Contains(errs, "--time-field @timestamp") {
		t.Fatalf("no hint:\n%s", errs)
	}
}
