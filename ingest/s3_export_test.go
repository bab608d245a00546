package ingest

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// TestS3ExportAndReingest exports a store to a bucket in the Hive layout,
// checks that a second export uploads nothing, that an export after a
// compaction uploads the merged files and moves the marker, keeps the
// replaced files for one more export (queries planned on the previous
// manifests may still read them) and that the next deletes them, and that ingesting the exported prefix (and, locally, the
// store's own ORC files) gives back exactly the store's events.
func TestS3ExportAndReingest(t *testing.T) {
	srv := s3Env(t)
	dir, _ := genTrail(t, gen.Config{Events: 2000, Seed: 13, Days: 3, Accounts: 2})
	a := newTestStore(t)
	ingestLocal(t, []string{dir}, DiscoverOptions{}, Config{Store: a, MemoryLimit: 256 << 10})
	m, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	c, err := s3io.Connect(context.Background(), testBucket, testS3Options(srv.URL).Options)
	if err != nil {
		t.Fatal(err)
	}
	exportedKeys := func() map[string]bool {
		keys := map[string]bool{}
		if _, err := c.List(context.Background(), "exp/", "", func(o s3io.Object) {
			if strings.HasPrefix(o.Key, "exp/eventdate=") {
				keys[o.Key] = true
			}
		}); err != nil {
			t.Fatal(err)
		}
		return keys
	}
	matchesSnapshot := func(m *orcstore.Manifest, kept int) {
		t.Helper()
		snap, err := c.ReadSnapshot(context.Background(), "exp/")
		if err != nil || snap == nil {
			t.Fatalf("marker: %v", err)
		}
		if snap.Version != m.Version || len(snap.Files) != len(m.Files) {
			t.Fatalf("marker: version %d with %d files, the store: %d with %d", snap.Version, len(snap.Files), m.Version, len(m.Files))
		}
		keys := exportedKeys()
		for _, f := range snap.Files {
			if !keys["exp/"+f.Key] || !strings.HasPrefix(f.Key, "eventdate="+f.Date+"/") {
				t.Errorf("marker lists %s, not in the bucket or not in its partition", f.Key)
			}
			delete(keys, "exp/"+f.Key)
		}
		if len(keys) != kept {
			t.Errorf("files in the bucket beyond the snapshot: %v, want %d of the previous one", keys, kept)
		}
	}

	res, err := s3io.Export(context.Background(), c, "exp/", a, m, s3io.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != len(m.Files) || res.Uploaded != res.Files || len(m.Files) < 4 {
		t.Fatalf("first export: %+v of %d files", res, len(m.Files))
	}
	matchesSnapshot(m, 0)

	srv.Reset()
	res, err = s3io.Export(context.Background(), c, "exp/", a, m, s3io.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != 0 || res.Skipped != len(m.Files) || srv.Count("PUT") != 2 {
		t.Errorf("second export: %+v, %d PUTs (want the marker and its history copy only)", res, srv.Count("PUT"))
	}

	cres, err := a.Compact(context.Background(), orcstore.CompactOptions{NoRetention: true})
	if err != nil || cres.PartitionsMerged == 0 {
		t.Fatalf("compact: %+v %v", cres, err)
	}
	m2, _ := a.Snapshot()
	res, err = s3io.Export(context.Background(), c, "exp/", a, m2, s3io.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded == 0 || res.Deleted != 0 {
		t.Errorf("export after compaction: %+v", res)
	}
	replaced := 0
	for _, f := range m.Files {
		if !slices.ContainsFunc(m2.Files, func(g orcstore.FileEntry) bool { return g.Path == f.Path }) {
			replaced++
		}
	}
	matchesSnapshot(m2, replaced)
	if res, err = s3io.Export(context.Background(), c, "exp/", a, m2, s3io.ExportOptions{}); err != nil || res.Deleted != replaced || res.Uploaded != 0 {
		t.Errorf("the export after: %+v %v, want the %d replaced files deleted", res, err, replaced)
	}
	matchesSnapshot(m2, 0)

	b := newTestStore(t)
	src := openTestS3(t, srv.URL, "s3://"+testBucket+"/exp/", S3Options{})
	sum, plan, _, err := ingestS3(t, src, Config{Store: b})
	if err != nil || len(sum.InputErrors) > 0 || len(plan.Inputs) != len(m2.Files) {
		t.Fatalf("re-ingest: %v %v, %d inputs for %d files", err, sum.InputErrors, len(plan.Inputs), len(m2.Files))
	}
	want := storeIDs(t, a)
	equalIDs(t, "re-ingested export", storeIDs(t, b), want)
	pa, ja := scanPairsAndJSON(t, a)
	pb, jb := scanPairsAndJSON(t, b)
	sort.Strings(ja)
	sort.Strings(jb)
	if !reflect.DeepEqual(pa, pb) || !reflect.DeepEqual(ja, jb) {
		t.Error("the re-ingested export differs from the store in (eventSource, eventName) counts or eventJson")
	}
	_, plan, _, err = ingestS3(t, src, Config{Store: b})
	if err != nil || len(plan.Inputs) != 0 || plan.Already != len(m2.Files) {
		t.Errorf("re-ingest again: %v, %d new, %d already", err, len(plan.Inputs), plan.Already)
	}

	local := newTestStore(t)
	ingestLocal(t, []string{a.DataDir()}, DiscoverOptions{}, Config{Store: local})
	equalIDs(t, "the store's ORC files ingested from disk", storeIDs(t, local), want)

	ddl, err := a.DDL("athena", "", "s3://"+testBucket+"/exp")
	if err != nil || !strings.Contains(ddl, "LOCATION 's3://"+testBucket+"/exp/'") {
		t.Errorf("DDL: %v\n%s", err, ddl)
	}
}
