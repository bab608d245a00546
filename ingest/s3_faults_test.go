package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"go.uber.org/goleak"
	"hash/fnv"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/s3fake"
	"github.com/ctlake/ctlake/s3io"
)

// TestS3FaultsAreRetried puts a fault-injecting proxy in front of the
// server: each object's first GET fails with a 500, a SlowDown, a
// connection reset, a body cut in half or a slow answer, and some LIST
// calls fail once. The ingest retries (the SDK's retryer, and range
// resumes for cut bodies), ends with exactly the local store, and its
// stats show the retries.
func TestS3FaultsAreRetried(t *testing.T) {
	srv := s3Env(t)
	dir, _ := genTrail(t, gen.Config{Events: 1500, Seed: 6, Days: 2, Accounts: 1})
	uploadDir(t, srv, dir, "", nil)
	local := newTestStore(t)
	ingestLocal(t, []string{dir}, DiscoverOptions{}, Config{Store: local})

	kinds := []s3fake.Fault{s3fake.Err500, s3fake.SlowDown, s3fake.Reset, s3fake.Truncate, s3fake.Slow}
	proxy := s3fake.StartProxy(t, srv.URL, func(r *http.Request, n int) s3fake.Fault {
		if n > 0 {
			return s3fake.Pass
		}
		h := fnv.New32a()
		h.Write([]byte(r.URL.Path + r.URL.RawQuery))
		switch {
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, ".json.gz"):
			return kinds[h.Sum32()%uint32(len(kinds))]
		case r.Method == http.MethodGet && r.URL.Query().Has("list-type") && h.Sum32()%3 == 0:
			return s3fake.Err500
		}
		return s3fake.Pass
	})
	proxy.Delay = 100 * time.Millisecond
	leaks := goleak.IgnoreCurrent()
	remote := newTestStore(t)
	src := openTestS3(t, proxy.URL, "s3://"+testBucket+"/", S3Options{})
	sum, _, _, err := ingestS3(t, src, Config{Store: remote})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.InputErrors) > 0 {
		t.Fatalf("input errors: %v", sum.InputErrors)
	}
	equalIDs(t, "through faults", storeIDs(t, remote), storeIDs(t, local))
	inj := proxy.Injected()
	// Go's HTTP client itself retries a GET whose reused connection was
	// reset before any answer, so resets count only where the SDK saw them.
	failures := int64(inj[s3fake.Err500] + inj[s3fake.SlowDown] + inj[s3fake.Truncate])
	for _, k := range kinds {
		if inj[k] == 0 {
			t.Errorf("no %v fault was injected: %v", k, inj)
		}
	}
	if sum.Retries < failures {
		t.Errorf("stats show %d retries, %d failures were injected (%v)", sum.Retries, failures, inj)
	}
	if src.Client.Stats.Resumes.Load() < int64(inj[s3fake.Truncate]) {
		t.Errorf("%d resumes for %d cut bodies", src.Client.Stats.Resumes.Load(), inj[s3fake.Truncate])
	}
	t.Logf("injected %v; retries %d (resumes %d), requests %d", inj, sum.Retries, src.Client.Stats.Resumes.Load(), sum.Requests)
	noLeaks(t, leaks)
}

// TestS3BadInput: a bucket that does not exist, a prefix without the
// CloudTrail layout, objects that are not CloudTrail, and a damaged gzip
// object each get a clear message naming the bucket or object; the valid
// objects beside them are ingested, and the damaged one is recorded with
// its error so that a rerun does not read it again.
func TestS3BadInput(t *testing.T) {
	srv := s3Env(t)
	o := testS3Options(srv.URL)
	_, err := OpenS3(context.Background(), "s3://no-such-bucket/", S3Options{Options: o.Options})
	var se *s3io.Error
	if !errors.As(err, &se) || se.Kind != s3io.KindNoSuchBucket || !strings.Contains(err.Error(), `"no-such-bucket" does not exist`) {
		t.Errorf("missing bucket: %v", err)
	}

	srv.Put(t, testBucket, "exports/readme.txt", []byte("hello"))
	srv.Put(t, testBucket, "exports/2024/a.json", []byte(`{"Records":[]}`))
	src := openTestS3(t, srv.URL, "s3://"+testBucket+"/exports/", S3Options{})
	_, err = src.ListObjects(context.Background())
	if !errors.Is(err, ErrNoLayout) || !strings.Contains(err.Error(), "readme.txt") || !strings.Contains(err.Error(), "--recursive") {
		t.Errorf("no layout: %v", err)
	}

	dir, _ := genTrail(t, gen.Config{Events: 300, Seed: 7, Days: 1, Accounts: 1})
	keys := uploadDir(t, srv, dir, "t/", nil)
	var logKey string
	for _, k := range keys {
		if strings.HasSuffix(k, ".json.gz") && !strings.Contains(k, "Digest") {
			logKey = k
			break
		}
	}
	day := logKey[:strings.LastIndexByte(logKey, '/')+1]
	srv.Put(t, testBucket, day+"notes.txt", []byte("not a log"))
	srv.Put(t, testBucket, day+"config.json", []byte(`{"configurationItems":[{"resourceType":"AWS::S3::Bucket"}]}`))
	good, _ := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(logKey, "t/")))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	raw := gunzip(t, good)
	zw.Write(raw)
	zw.Close()
	damaged := gz.Bytes()[:gz.Len()*2/3]
	srv.Put(t, testBucket, day+"zz-damaged.json.gz", damaged)

	s := newTestStore(t)
	src = openTestS3(t, srv.URL, "s3://"+testBucket+"/t/", S3Options{})
	sum, _, l, err := ingestS3(t, src, Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if l.Skipped != 1 || !strings.Contains(l.Examples[0], "notes.txt") {
		t.Errorf("skipped %d (%v), want notes.txt", l.Skipped, l.Examples)
	}
	var sawDamaged bool
	for _, e := range sum.InputErrors {
		var ie *InputError
		if errors.As(e, &ie) && strings.HasSuffix(ie.File, "zz-damaged.json.gz") && ie.Offset > 0 && strings.HasPrefix(ie.File, "s3://") {
			sawDamaged = true
		}
	}
	if !sawDamaged || len(sum.InputErrors) != 1 {
		t.Errorf("input errors %v: want the damaged object, named with its offset", sum.InputErrors)
	}
	var sawConfig bool
	for _, r := range sum.FirstRejects {
		if strings.HasSuffix(r.File, "config.json") {
			sawConfig = true
		}
	}
	if !sawConfig {
		t.Errorf("the non-CloudTrail JSON object was not rejected by name: %v", sum.FirstRejects)
	}
	if sum.Ingested == 0 {
		t.Fatal("nothing ingested beside the bad objects")
	}
	known, err := KnownObjects(s)
	if err != nil {
		t.Fatal(err)
	}
	if k := known["s3://"+testBucket+"/"+day+"zz-damaged.json.gz"]; k.Err == "" {
		t.Errorf("the damaged object is recorded without its error: %+v", k)
	}
	srv.Reset()
	sum2, plan, _, err := ingestS3(t, src, Config{Store: s})
	if err != nil || len(plan.Inputs) != 0 || srv.Count("GET") != 0 || len(sum2.InputErrors) != 0 {
		t.Errorf("rerun: %v, %d inputs, %d GETs", err, len(plan.Inputs), srv.Count("GET"))
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestS3AccessDeniedNamesKeyAndIdentity: an object the identity may not
// read is reported with its key, the identity and the permission needed;
// the others are ingested, and it is not recorded, so a later run with
// the permission fixed reads it.
func TestS3AccessDeniedNamesKeyAndIdentity(t *testing.T) {
	srv := s3Env(t)
	dir, _ := genTrail(t, gen.Config{Events: 300, Seed: 9, Days: 1, Accounts: 1})
	keys := uploadDir(t, srv, dir, "", nil)
	var denied string
	for _, k := range keys {
		if strings.HasSuffix(k, ".json.gz") && !strings.Contains(k, "Digest") {
			denied = k
		}
	}
	proxy := s3fake.StartProxy(t, srv.URL, func(r *http.Request, n int) s3fake.Fault {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/"+denied) {
			return s3fake.Denied
		}
		return s3fake.Pass
	})
	s := newTestStore(t)
	src := openTestS3(t, proxy.URL, "s3://"+testBucket+"/", S3Options{})
	sum, plan, _, err := ingestS3(t, src, Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.InputErrors) != 1 {
		t.Fatalf("input errors: %v", sum.InputErrors)
	}
	msg := sum.InputErrors[0].Error()
	for _, want := range []string{denied, "access denied", "AKIDENVTEST", "s3:GetObject"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
	if sum.Recorded != int64(len(plan.Inputs)-1) {
		t.Errorf("%d recorded of %d inputs, one denied", sum.Recorded, len(plan.Inputs))
	}
	srv.Reset()
	src2 := openTestS3(t, srv.URL, "s3://"+testBucket+"/", S3Options{})
	_, plan2, _, err := ingestS3(t, src2, Config{Store: s})
	if err != nil || len(plan2.Inputs) != 1 || srv.Count("GET") != 1 {
		t.Errorf("rerun: %v, %d inputs, %d GETs; want the denied object only", err, len(plan2.Inputs), srv.Count("GET"))
	}
}
