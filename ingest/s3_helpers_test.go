package ingest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"go.uber.org/goleak"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/s3fake"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

const testBucket = "trail-bucket"

// s3Env starts an S3 server and points the SDK's default credential
// chain at test credentials in the environment, away from the user's
// ~/.aws files.
func s3Env(t *testing.T) *s3fake.Server {
	t.Helper()
	s3fake.SetCredentials(t, "AKIDENVTEST", "env-secret", "us-east-1")
	srv := s3fake.Start(t)
	srv.CreateBucket(t, testBucket)
	return srv
}

// fastRetries keeps fault tests quick: short backoffs and timeouts.
func testS3Options(endpoint string) S3Options {
	return S3Options{Options: s3io.Options{Endpoint: endpoint, PathStyle: true, MaxBackoff: 20 * time.Millisecond, Timeout: 5 * time.Second}}
}

func openTestS3(t *testing.T, endpoint, url string, opts S3Options) *S3Source {
	t.Helper()
	o := testS3Options(endpoint)
	opts.Options = o.Options
	src, err := OpenS3(context.Background(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// genTrail writes a small generated trail in CloudTrail's S3 layout.
func genTrail(t testing.TB, cfg gen.Config) (string, gen.Summary) {
	t.Helper()
	dir := t.TempDir()
	if cfg.Workers == 0 {
		cfg.Workers = 1
	}
	sum, err := gen.Write(context.Background(), cfg, gen.LayoutS3, dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, sum
}

// uploadDir puts every file under dir into the bucket at prefix+path,
// mapping each relative path through rename (nil: unchanged); it returns
// the keys in walk order.
func uploadDir(t testing.TB, srv *s3fake.Server, dir, prefix string, rename func(string) string) []string {
	t.Helper()
	var keys []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rename != nil {
			rel = rename(rel)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		srv.Put(t, testBucket, prefix+rel, b)
		keys = append(keys, prefix+rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// storeIDs reads every stored eventID (sorted) and the row count.
func storeIDs(t testing.TB, s *orcstore.Store) []string {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	scanStore(t, s, m, []string{"eventID"}, func(vals []arrow.Array, i int) {
		ids = append(ids, stringAt(vals[0], i))
	})
	if int64(len(ids)) != m.Rows() {
		t.Fatalf("scanned %d events, the manifest holds %d", len(ids), m.Rows())
	}
	sort.Strings(ids)
	return ids
}

func equalIDs(t testing.TB, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d events, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: event %d is %q, want %q", what, i, got[i], want[i])
		}
	}
}

// ingestLocal ingests a folder as `ctlake ingest DIR` does.
func ingestLocal(t testing.TB, dirs []string, opts DiscoverOptions, cfg Config) Summary {
	t.Helper()
	ins, errs := Discover(dirs, opts)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	sum, err := Ingest(context.Background(), cfg, ins)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// ingestS3 lists src, plans against the store and ingests.
func ingestS3(t testing.TB, src *S3Source, cfg Config) (Summary, Plan, Listing, error) {
	t.Helper()
	l, err := src.ListObjects(context.Background())
	if err != nil {
		return Summary{}, Plan{}, l, err
	}
	known, err := KnownObjects(cfg.Store)
	if err != nil {
		t.Fatal(err)
	}
	plan := PlanInputs(src.Inputs(l.Objects), known, false)
	cfg.SourceStats = src.Stats
	sum, err := Ingest(context.Background(), cfg, plan.Inputs)
	return sum, plan, l, err
}

// noLeaks checks that an S3 ingest left no goroutine behind (fetchers,
// decoders, flushers, object readers) beside those present at before and
// the HTTP connections kept alive for reuse, client's and server's.
func noLeaks(t *testing.T, before goleak.Option) {
	t.Helper()
	goleak.VerifyNone(t, before,
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreAnyFunction("net/http.(*conn).serve"),
		goleak.IgnoreAnyFunction("net/http/httputil.(*ReverseProxy).ServeHTTP"))
}
