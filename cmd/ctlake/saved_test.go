package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/orcstore"
)

// apiServer is the server the console talks to, over data (no listener).
func apiServer(t *testing.T, data string) *lakeapi.Server {
	t.Helper()
	cat, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := lakeapi.New(lakeapi.Config{Catalog: cat, Keys: []lakeapi.KeyPair{{AccessKeyID: "AKIDTEST", SecretAccessKey: "test-secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// A query saved in the console is listed and run by `ctlake query --saved`
// and the shell's .saved; the shell's statements, run or failed, join the
// history the console shows.
func TestSavedQueriesAndShellHistory(t *testing.T) {
	data := shellFixture(t)
	// The fixture's ingest published its progress for the console and
	// removed the file when it ended.
	if ents, err := os.ReadDir(filepath.Join(data, "api", "ingests")); err != nil || len(ents) != 0 {
		t.Fatalf("ingest progress files after the ingest: %v %v", ents, err)
	}
	const stmt = "SELECT eventName, count(*) AS n FROM $EDS_ID GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3"
	if _, err := apiServer(t, data).SaveQuery(lakeapi.SavedQuery{Name: "Top calls", Description: "the three most frequent calls", Statement: stmt}); err != nil {
		t.Fatal(err)
	}
	rc, out, errs := runCLI(t, "query", "--data", data, "--saved")
	if rc != 0 || !strings.Contains(out, "Top calls") || !strings.Contains(out, "the three most frequent calls") || !strings.Contains(out, "SELECT eventName") {
		t.Fatalf("--saved lists (rc %d):\n%s%s", rc, out, errs)
	}
	rc, got, errs := runCLI(t, "query", "--data", data, "--store", "small", "--format", "csv", "--saved", "top CALLS")
	_, want, _ := runCLI(t, "query", "--data", data, "--store", "small", "--format", "csv", stmt)
	if rc != 0 || got != want || strings.Count(got, "\n") != 4 {
		t.Fatalf("--saved 'top CALLS' (rc %d):\n%s%s\nwant\n%s", rc, got, errs, want)
	}
	if rc, _, errs := runCLI(t, "query", "--data", data, "--saved", "nope"); rc == 0 || !strings.Contains(errs, `no saved query is named "nope"`) {
		t.Fatalf("--saved nope: rc %d, %s", rc, errs)
	}
	// The shell.
	in := filepath.Join(t.TempDir(), "in.sql")
	if err := os.WriteFile(in, []byte(".saved\n.saved Top calls\nSELECT nosuch FROM small;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sout, serr strings.Builder
	runShellIO(context.Background(), []string{"--data", data, "--store", "small", "--format", "csv"}, f, &sout, &serr)
	if !strings.Contains(sout.String(), "Top calls") || !strings.HasSuffix(sout.String(), want) {
		t.Fatalf("shell .saved:\n%s\nstderr:\n%s", sout.String(), serr.String())
	}
	recs, _ := apiServer(t, data).History(lakeapi.HistoryFilter{})
	var finished, failed bool
	for _, r := range recs {
		if r.Source != "shell" {
			continue
		}
		finished = finished || r.Status == "FINISHED" && strings.Contains(r.Statement, "GROUP BY 1 ORDER BY 2 DESC") && r.Rows == 3 && r.EventsScanned == fixtureEvents
		failed = failed || r.Status == "FAILED" && strings.Contains(r.ErrorMessage, "nosuch")
	}
	if !finished || !failed {
		t.Fatalf("the history lacks the shell's runs (finished %v, failed %v): %+v", finished, failed, recs)
	}
}
