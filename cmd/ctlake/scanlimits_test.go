package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The scan limits refuse a query before it reads, from the query command
// (flags) and the shell (flags and .limits); EXPLAIN prints the estimate
// they are checked against.
func TestScanLimits(t *testing.T) {
	data := shellFixture(t)
	q := "SELECT eventName, count(*) FROM small GROUP BY 1"
	rc, out, _ := runCLI(t, "query", "--data", data, "EXPLAIN "+q)
	if rc != 0 || !strings.Contains(out, "(estimate: ") || !strings.Contains(out, "3000 events") {
		t.Fatalf("EXPLAIN: rc %d\n%s", rc, out)
	}
	rc, out, errs := runCLI(t, "query", "--data", data, "--stats", "--max-events-scanned", "2999", q)
	if rc != 1 || out != "" || !strings.Contains(errs, "query refused before reading: its scans would decode an estimated 3000 events, more than the limit of 2999") {
		t.Fatalf("events limit: rc %d, stdout %q, stderr:\n%s", rc, out, errs)
	}
	rc, _, errs = runCLI(t, "query", "--data", data, "--max-bytes-scanned", "1B", q)
	if rc != 1 || !strings.Contains(errs, "more than the limit of 1 B (1 bytes)") {
		t.Fatalf("bytes limit: rc %d, stderr:\n%s", rc, errs)
	}
	if rc, _, errs = runCLI(t, "query", "--data", data, "--max-events-scanned", "3k", "--max-bytes-scanned", "1GB", q); rc != 0 {
		t.Fatalf("limits at the estimate: %s", errs)
	}
	if rc, _, errs = runCLI(t, "query", "--data", data, "--max-events-scanned", "lots", q); rc != 2 || !strings.Contains(errs, "--max-events-scanned") {
		t.Fatalf("bad count: rc %d %s", rc, errs)
	}
	script := strings.Join([]string{".limits events 10", q + ";", ".limits", ".limits off", q + ";"}, "\n")
	in := filepath.Join(t.TempDir(), "in.sql")
	if err := os.WriteFile(in, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var o, e bytes.Buffer
	err = runShellIO(context.Background(), []string{"--data", data}, f, &o, &e)
	if err == nil || !strings.Contains(e.String(), "query refused before reading") || !strings.Contains(e.String(), "max events scanned: 10") ||
		strings.Count(o.String(), " rows)") != 1 {
		t.Fatalf("shell: %v\nstdout:\n%s\nstderr:\n%s", err, o.String(), e.String())
	}
}
