package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

// fixtureEvents is the size of the generated store the shell and batch
// tests query: small enough to generate and ingest in about two seconds.
const fixtureEvents = 3000

// shellFixture returns a new data directory holding the store "small" with
// fixtureEvents generated events, made through the CLI itself.
func shellFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	in, data := filepath.Join(dir, "in"), filepath.Join(dir, "data")
	if rc, o, e := runCLI(t, "gen", "--events", "3000", "--out", in); rc != 0 {
		t.Fatalf("gen: %s%s", o, e)
	}
	if rc, o, e := runCLI(t, "ingest", "--data", data, "--store", "small", "--create", in); rc != 0 {
		t.Fatalf("ingest: %s%s", o, e)
	}
	return data
}

// runCLI runs ctlake in process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (rc int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	rc = runMain(context.Background(), args, &o, &e)
	return rc, o.String(), e.String()
}
