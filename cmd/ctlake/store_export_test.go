package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/s3fake"
)

// TestStoreExportCommand: `store export` uploads the store and prints the
// DDL for the bucket prefix; `ingest s3://` of the export makes an equal
// store; `store ddl --location s3://...` normalizes the folder.
func TestStoreExportCommand(t *testing.T) {
	for _, kv := range s3ChildEnv(t) {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, v)
		}
	}
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "team")
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in")
	sum, err := gen.Write(context.Background(), gen.Config{Events: 800, Seed: 15, Days: 2, Accounts: 1, Workers: 1}, gen.LayoutS3, in)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(tmp, "data")
	run := func(args ...string) (string, string) {
		t.Helper()
		var out, errb strings.Builder
		if code := runMain(context.Background(), args, &out, &errb); code != 0 {
			t.Fatalf("ctlake %v: exit %d\n%s%s", args, code, out.String(), errb.String())
		}
		return out.String(), errb.String()
	}
	run("ingest", "--data", data, "--store", "orig", "--create", "--quiet", in)
	out, errs := run("store", "export", "--data", data, "orig", "s3://team/ct/orig", "--endpoint-url", srv.URL, "--path-style")
	if !strings.Contains(out, "CREATE EXTERNAL TABLE orig") || !strings.Contains(out, "SymlinkTextInputFormat") ||
		!strings.Contains(out, "LOCATION 's3://team/ct/orig/_symlink_format_manifest/'") {
		t.Errorf("export DDL:\n%s", out)
	}
	if !strings.Contains(errs, "s3://team/ct/orig/_ctlake/snapshot.json") {
		t.Errorf("export summary: %s", errs)
	}
	_, errs = run("ingest", "--data", data, "--store", "copy", "--create", "--quiet", "--endpoint-url", srv.URL, "--path-style", "s3://team/ct/orig/")
	out, _ = run("query", "--data", data, "--format", "csv", "SELECT count(*), count(DISTINCT eventID) FROM copy")
	if want := "_col0,_col1\n" + strconv.FormatInt(sum.Events, 10) + "," + strconv.FormatInt(sum.Events, 10); !strings.Contains(out, want) {
		t.Errorf("the re-ingested export: %q, want %q (ingest said %s)", out, want, errs)
	}
	// Each exported day has a manifest naming its files in the bucket.
	var names []string
	for _, key := range srv.Keys(t, "team", "ct/orig/_symlink_format_manifest/") {
		body, _ := srv.Object(t, "team", key)
		for _, line := range strings.Fields(string(body)) {
			if _, ok := srv.Object(t, "team", strings.TrimPrefix(line, "s3://team/")); !ok {
				t.Errorf("%s names %s, not in the bucket", key, line)
			}
			names = append(names, line)
		}
	}
	if len(names) == 0 {
		t.Error("no manifest names a file")
	}
	out, _ = run("store", "export", "--data", data, "orig", "s3://team/ct/orig", "--endpoint-url", srv.URL, "--path-style", "--dialect", "spark")
	if !strings.Contains(out, "USING ORC") || !strings.Contains(out, "_symlink_format_manifest/eventdate=*/manifest") {
		t.Errorf("spark DDL:\n%s", out)
	}
	out, _ = run("store", "ddl", "--data", data, "orig", "--dialect", "trino", "--location", "s3://team/ct/orig")
	if !strings.Contains(out, "external_location = 's3://team/ct/orig/'") {
		t.Errorf("trino DDL:\n%s", out)
	}
}
