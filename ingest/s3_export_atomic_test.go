package ingest

import (
	"context"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/s3fake"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// TestS3ExportSnapshotAtomic looks at the bucket before every request of
// an export that replaces a snapshot by a compacted one, as a symlink table
// (the DDL `store export` prints) and as a plain Hive table over the
// partition folders would see it. Through the manifests, every day is
// always exactly that day's files of the old or of the new snapshot, and
// every file named is in the bucket; the plain folders, at some point,
// hold a merged file beside the files it replaces (the duplicates the
// manifests are there to hide). After the export every day is at the new
// snapshot, and the marker lists it.
func TestS3ExportSnapshotAtomic(t *testing.T) {
	srv := s3Env(t)
	dir, _ := genTrail(t, gen.Config{Events: 3000, Seed: 21, Days: 3, Accounts: 2})
	a := newTestStore(t)
	ingestLocal(t, []string{dir}, DiscoverOptions{}, Config{Store: a, MemoryLimit: 256 << 10})
	m1, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	direct, err := s3io.Connect(context.Background(), testBucket, testS3Options(srv.URL).Options)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s3io.Export(context.Background(), direct, "exp/", a, m1, s3io.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Compact(context.Background(), orcstore.CompactOptions{NoRetention: true}); err != nil {
		t.Fatal(err)
	}
	m2, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	days := func(m *orcstore.Manifest) map[string][]string {
		out := map[string][]string{}
		for _, f := range m.Files {
			out[f.Date] = append(out[f.Date], "exp/eventdate="+f.Date+"/"+path.Base(f.Path))
		}
		for _, keys := range out {
			slices.Sort(keys)
		}
		return out
	}
	old, cur := days(m1), days(m2)
	if len(old) < 2 || slices.EqualFunc(m1.Files, m2.Files, func(a, b orcstore.FileEntry) bool { return a.Path == b.Path }) {
		t.Fatalf("the compaction changed nothing to export: %d days, %d and %d files", len(old), len(m1.Files), len(m2.Files))
	}

	var (
		mu                     sync.Mutex
		checks, sawOld, sawNew int
		plainMixed             int
		problems               []string
	)
	// view reads the bucket as the two kinds of table would.
	view := func(req string) {
		mu.Lock()
		defer mu.Unlock()
		checks++
		manifests := map[string][]string{}
		for _, key := range srv.Keys(t, testBucket, "exp/"+s3io.ManifestDir) {
			body, ok := srv.Object(t, testBucket, key)
			if !ok {
				continue
			}
			date := strings.TrimSuffix(strings.TrimPrefix(key, "exp/"+s3io.ManifestDir+"eventdate="), "/manifest")
			for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
				k := strings.TrimPrefix(line, "s3://"+testBucket+"/")
				if _, ok := srv.Object(t, testBucket, k); !ok {
					problems = append(problems, req+": "+key+" names "+line+", not in the bucket")
				}
				manifests[date] = append(manifests[date], k)
			}
		}
		for date := range cur {
			got := manifests[date]
			slices.Sort(got)
			switch {
			case slices.Equal(got, cur[date]):
				sawNew++
			case slices.Equal(got, old[date]):
				sawOld++
			default:
				problems = append(problems, req+": day "+date+" reads "+strings.Join(got, ",")+", neither snapshot's files")
			}
		}
		plain := map[string][]string{}
		for _, key := range srv.Keys(t, testBucket, "exp/eventdate=") {
			date, _, _ := strings.Cut(strings.TrimPrefix(key, "exp/eventdate="), "/")
			plain[date] = append(plain[date], key)
		}
		for date := range cur {
			if p := plain[date]; !slices.Equal(p, cur[date]) && !slices.Equal(p, old[date]) {
				plainMixed++
			}
		}
	}
	proxy := s3fake.StartProxy(t, srv.URL, func(r *http.Request, n int) s3fake.Fault {
		view(r.Method + " " + r.URL.Path)
		return s3fake.Pass
	})
	viaProxy, err := s3io.Connect(context.Background(), testBucket, testS3Options(proxy.URL).Options)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s3io.Export(context.Background(), viaProxy, "exp/", a, m2, s3io.ExportOptions{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	view("after the export")
	for _, p := range problems {
		t.Error(p)
	}
	if res.Uploaded == 0 || sawOld == 0 || plainMixed == 0 {
		t.Errorf("%d checks: the export uploaded %d files; days seen at the old snapshot %d times (want some), plain folders mixed %d times (want some)", checks, res.Uploaded, sawOld, plainMixed)
	}
	// The last view: every day at the new snapshot.
	if sawNew < len(cur) {
		t.Errorf("days at the new snapshot seen %d times, want at least the %d of the last view", sawNew, len(cur))
	}
	snap, err := direct.ReadSnapshot(context.Background(), "exp/")
	if err != nil || snap == nil || snap.Version != m2.Version {
		t.Fatalf("marker: %+v %v", snap, err)
	}
}
