package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/gen"
)

// TestDamagedStoreCLI: with one store's store.json and another's manifest
// broken, `store list` shows both as DAMAGED with the reason, queries and
// ingest on the healthy store work, queries on the broken ones say what is
// wrong; `store delete` removes the one whose store.json is readable, and
// points at --force for the other, which removes it; a refused ingest
// prints no summary.
func TestDamagedStoreCLI(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	in := filepath.Join(tmp, "in")
	if _, err := gen.Write(context.Background(), gen.Config{Events: 300, Seed: 4, Days: 1, Workers: 1}, gen.LayoutS3, in); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, name := range []string{"healthy", "bad-info", "bad-manifest"} {
		st, out, e := ctlakeRun("store", "create", "--data", data, "--no-termination-protection", name)
		if st != 0 {
			t.Fatal(e)
		}
		ids[name] = strings.TrimSpace(out)
	}
	dir := func(name string) string { return filepath.Join(data, "stores", ids[name]) }
	os.WriteFile(filepath.Join(dir("bad-info"), "store.json"), []byte(`{"id":`), 0o644)
	os.WriteFile(filepath.Join(dir("bad-manifest"), "manifest.json"), []byte(`{"version": 1, "files": [{"path": "../../../x.orc"}]}`), 0o644)

	st, out, e := ctlakeRun("store", "list", "--data", data)
	if st != 0 || strings.Count(out, "DAMAGED") != 2 || !strings.Contains(out, "healthy") ||
		!strings.Contains(out, "store.json") || !strings.Contains(out, "not inside the store's data folder") {
		t.Fatalf("store list (status %d):\n%s%s", st, out, e)
	}
	if st, out, e := ctlakeRun("ingest", "--data", data, "--store", "healthy", "--quiet", in); st != 0 || !strings.Contains(out, "ingested 300 events") {
		t.Fatalf("ingest into the healthy store: %s%s", out, e)
	}
	if st, out, e := ctlakeRun("query", "--data", data, "--format", "csv", "SELECT count(*) FROM healthy"); st != 0 || !strings.Contains(out, "300") {
		t.Fatalf("query of the healthy store: %s%s", out, e)
	}
	if st, _, e := ctlakeRun("query", "--data", data, "SELECT count(*) FROM \"bad-manifest\""); st == 0 || !strings.Contains(e, "file entry 1") {
		t.Fatalf("query of the damaged manifest: %s", e)
	}
	if st, out, e := ctlakeRun("ingest", "--data", data, "--store", "bad-manifest", "--quiet", in); st == 0 || strings.Contains(out, "ingested") || !strings.Contains(e, "manifest.json") {
		t.Fatalf("ingest into the damaged store should fail without a summary: %q %q", out, e)
	}
	// store.json unreadable: only --force deletes it.
	if st, _, e := ctlakeRun("store", "delete", "--data", data, ids["bad-info"]); st == 0 || !strings.Contains(e, "--force") {
		t.Fatalf("delete of bad-info without --force: %s", e)
	}
	if st, _, e := ctlakeRun("store", "delete", "--data", data, "--force", ids["bad-info"]); st != 0 {
		t.Fatalf("delete --force of bad-info: %s", e)
	}
	// store.json readable: delete works as for any store.
	if st, _, e := ctlakeRun("store", "delete", "--data", data, "bad-manifest"); st != 0 {
		t.Fatalf("delete of bad-manifest: %s", e)
	}
	if st, out, _ := ctlakeRun("store", "list", "--data", data); st != 0 || strings.Contains(out, "DAMAGED") || !strings.Contains(out, "healthy") {
		t.Fatalf("after the deletes:\n%s", out)
	}
}
