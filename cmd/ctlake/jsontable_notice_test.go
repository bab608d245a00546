package main

import (
	"strings"
	"testing"
)

// --table over an export without eventTime: the skipped events and the
// flag that would take them are on stderr without --stats (before, the
// answer was count = 0 with nothing said), and --time-field takes them.
func TestQueryTableSkippedNotice(t *testing.T) {
	data := t.TempDir()
	in := exportWithTimestamp(t, 12)
	rc, out, errs := runCLI(t, "query", "--data", data, "--format", "csv", "--table", "o="+in, "SELECT count(*) AS n FROM o")
	if rc != 0 || out != "n\n0\n" {
		t.Fatalf("rc %d, stdout %q, stderr %s", rc, out, errs)
	}
	for _, want := range []string{
		"JSON tables: 12 events skipped, as ingest would reject them (the first: ",
		"export.ndjson:1 (offset 0): rejected event: no parseable eventTime (absent))",
		`hint: all 12 rejected events have no eventTime but a parseable "@timestamp": --time-field @timestamp would take them`,
	} {
		if !strings.Contains(errs, want) {
			t.Fatalf("stderr lacks %q:\n%s", want, errs)
		}
	}
	rc, out, errs = runCLI(t, "query", "--data", data, "--format", "csv", "--table", "o="+in, "--time-field", "@timestamp", "SELECT count(*) AS n FROM o")
	if rc != 0 || out != "n\n12\n" || errs != "" {
		t.Fatalf("with --time-field: rc %d, stdout %q, stderr %q", rc, out, errs)
	}
	// The same export twice over: the second copy of each eventID is a
	// duplicate, skipped as ingest skips it, and said so; --no-dedup keeps it.
	again := exportWithTimestamp(t, 12)
	rc, out, errs = runCLI(t, "query", "--data", data, "--format", "csv", "--table", "o="+in, "--table", "o="+again, "--time-field", "@timestamp", "SELECT count(*) AS n FROM o")
	if rc != 0 || out != "n\n12\n" || !strings.Contains(errs, "JSON tables: 12 events skipped as duplicates, as ingest skips them") {
		t.Fatalf("duplicates: rc %d, stdout %q, stderr %q", rc, out, errs)
	}
	rc, out, _ = runCLI(t, "query", "--data", data, "--format", "csv", "--table", "o="+in, "--table", "o="+again, "--time-field", "@timestamp", "--no-dedup", "SELECT count(*) AS n FROM o")
	if rc != 0 || out != "n\n24\n" {
		t.Fatalf("--no-dedup: rc %d, stdout %q", rc, out)
	}
}
