package ingest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestS3Datasets uploads the four shared data sets (../shared/datasets)
// as objects and checks that ingesting the bucket prefix (--recursive: they
// are not in the CloudTrail layout) gives exactly the store that ingesting
// the folders from disk gives: the same events, by eventID, and the same
// rejects, with and without dedup.
func TestS3Datasets(t *testing.T) {
	ents, err := os.ReadDir(datasetsDir)
	if err != nil {
		t.Skipf("data sets not available (%v): they live in ../shared/datasets next to the repository", err)
	}
	srv := s3Env(t)
	var dirs []string
	for _, e := range ents {
		if e.IsDir() {
			d := filepath.Join(datasetsDir, e.Name())
			dirs = append(dirs, d)
			uploadDir(t, srv, d, "datasets/"+e.Name()+"/", nil)
		}
	}
	if len(dirs) != 4 {
		t.Fatalf("expected the four data sets, found %v", dirs)
	}
	for _, noDedup := range []bool{true, false} {
		cfg := func() Config {
			return Config{Store: newTestStore(t), NoDedup: noDedup, Decode: Options{TimeField: "@timestamp"}, Now: datasetsNow}
		}
		lc := cfg()
		lsum := ingestLocal(t, dirs, DiscoverOptions{}, lc)
		rc := cfg()
		src := openTestS3(t, srv.URL, "s3://"+testBucket+"/datasets/", S3Options{Recursive: true})
		rsum, plan, _, err := ingestS3(t, src, rc)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Inputs) != int(lsum.Inputs) {
			t.Errorf("no-dedup=%v: %d objects, %d local files", noDedup, len(plan.Inputs), lsum.Inputs)
		}
		equalIDs(t, "data sets from S3 vs from disk", storeIDs(t, rc.Store), storeIDs(t, lc.Store))
		if rsum.Ingested != lsum.Ingested || rsum.Rejected != lsum.Rejected || rsum.Duplicates != lsum.Duplicates || len(rsum.InputErrors) != 0 {
			t.Errorf("no-dedup=%v: s3 %d ingested %d rejected %d duplicates %v; local %d %d %d",
				noDedup, rsum.Ingested, rsum.Rejected, rsum.Duplicates, rsum.InputErrors, lsum.Ingested, lsum.Rejected, lsum.Duplicates)
		}
		t.Logf("no-dedup=%v: %d events, %d rejected, %d duplicates from %d objects", noDedup, rsum.Ingested, rsum.Rejected, rsum.Duplicates, len(plan.Inputs))
	}
}
