package ingest

import (
	"context"
	"encoding/json"
	"go.uber.org/goleak"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/s3fake"
	"github.com/ctlake/ctlake/s3io"
)

// TestS3CredentialChain: the SDK's own chain (config.LoadDefaultConfig)
// finds environment credentials, and a profile of a shared config and
// credentials file; every request is signed (SigV4) with the expected
// access key ID, as the server sees in the Authorization header.
func TestS3CredentialChain(t *testing.T) {
	srv := s3Env(t)
	srv.Put(t, testBucket, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/x.json", []byte(`{"Records":[{"eventID":"e1","eventTime":"2024-05-01T00:00:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com"}]}`))
	signedWith := func(key string) {
		t.Helper()
		reqs := srv.Requests()
		if len(reqs) == 0 {
			t.Fatal("no requests")
		}
		for _, r := range reqs {
			if r.AccessKey != key {
				t.Fatalf("%s %s signed with %q, want %q", r.Op, r.Key, r.AccessKey, key)
			}
		}
	}
	run := func(opts S3Options) {
		t.Helper()
		srv.Reset()
		src := openTestS3(t, srv.URL, "s3://"+testBucket+"/", opts)
		if _, _, _, err := ingestS3(t, src, Config{Store: newTestStore(t)}); err != nil {
			t.Fatal(err)
		}
	}
	run(S3Options{})
	signedWith("AKIDENVTEST")

	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	os.WriteFile(cfgFile, []byte("[profile ctltest]\nregion = eu-west-1\n[profile other]\nregion = us-west-2\n"), 0o600)
	os.WriteFile(credFile, []byte("[ctltest]\naws_access_key_id = AKIDPROFILETEST\naws_secret_access_key = profile-secret\n[other]\naws_access_key_id = AKIDOTHERPROFILE\naws_secret_access_key = other-secret\n"), 0o600)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	t.Setenv("AWS_PROFILE", "ctltest")
	run(S3Options{})
	signedWith("AKIDPROFILETEST")
	// --profile overrides AWS_PROFILE.
	o := S3Options{}
	o.Profile = "other"
	srv.Reset()
	src, err := OpenS3(context.Background(), "s3://"+testBucket+"/", S3Options{Options: s3io.Options{Endpoint: srv.URL, PathStyle: true, Profile: "other"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.ListObjects(context.Background()); err != nil {
		t.Fatal(err)
	}
	signedWith("AKIDOTHERPROFILE")
	if src.Client.Region != "us-west-2" {
		t.Errorf("region %q, the profile says us-west-2", src.Client.Region)
	}
}

// TestS3ExpiredCredentialsMidRun: the credentials expire after some
// objects were fetched. The ingest stops with a message naming the
// identity and how to resume; what it committed holds exactly the events
// of the objects it recorded (none half-ingested, none recorded without
// its events); the rerun fetches only the objects not recorded and ends
// with the same store as a local ingest.
func TestS3ExpiredCredentialsMidRun(t *testing.T) {
	srv := s3Env(t)
	dir, _ := genTrail(t, gen.Config{Events: 3000, Seed: 8, Days: 2, Accounts: 1, MaxPerFile: 50})
	keys := uploadDir(t, srv, dir, "", nil)
	perObject := map[string][]string{} // key → its eventIDs
	for _, k := range keys {
		if strings.Contains(k, "Digest") {
			continue
		}
		ids := storeIDsOfFile(t, filepath.Join(dir, k))
		perObject["s3://"+testBucket+"/"+k] = ids
	}
	local := newTestStore(t)
	ingestLocal(t, []string{dir}, DiscoverOptions{}, Config{Store: local})

	var gets atomic.Int64
	limit := int64(len(perObject) / 2)
	proxy := s3fake.StartProxy(t, srv.URL, func(r *http.Request, n int) s3fake.Fault {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, ".json.gz") && gets.Add(1) > limit {
			return s3fake.Expired
		}
		return s3fake.Pass
	})
	leaks := goleak.IgnoreCurrent()
	s := newTestStore(t)
	src := openTestS3(t, proxy.URL, "s3://"+testBucket+"/", S3Options{})
	// A small memory limit makes the run commit several times before the
	// credentials expire.
	sum, _, _, err := ingestS3(t, src, Config{Store: s, MemoryLimit: 256 << 10, Fetchers: 4})
	if err == nil || !s3io.Fatal(err) {
		t.Fatalf("want a fatal credentials error, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"ExpiredToken", "AKIDENVTEST", "run the same command again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	known, kerr := KnownObjects(s)
	if kerr != nil {
		t.Fatal(kerr)
	}
	if len(known) == 0 || len(known) >= len(perObject) || sum.Recorded != int64(len(known)) {
		t.Fatalf("%d objects recorded (summary %d) of %d", len(known), sum.Recorded, len(perObject))
	}
	var want []string
	for k := range known {
		want = append(want, perObject[k]...)
	}
	sort.Strings(want)
	equalIDs(t, "committed before the expiry vs the recorded objects' events", storeIDs(t, s), want)
	t.Logf("%d of %d objects committed before the credentials expired", len(known), len(perObject))
	noLeaks(t, leaks)

	srv.Reset()
	src2 := openTestS3(t, srv.URL, "s3://"+testBucket+"/", S3Options{})
	if _, _, _, err := ingestS3(t, src2, Config{Store: s}); err != nil {
		t.Fatal(err)
	}
	for k, n := range srv.GetsByKey() {
		if _, ok := known["s3://"+testBucket+"/"+k]; ok {
			t.Errorf("%s was committed, yet fetched %d more times", k, n)
		}
	}
	equalIDs(t, "after the rerun", storeIDs(t, s), storeIDs(t, local))
}

// storeIDsOfFile reads one gzipped log file's eventIDs with encoding/json.
func storeIDsOfFile(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Records []struct{ EventID string } }
	if err := json.Unmarshal(gunzip(t, b), &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range doc.Records {
		ids = append(ids, r.EventID)
	}
	return ids
}
