package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/s3fake"
)

// trailShape counts what a listing must touch in an uploaded layout.
type trailShape struct {
	accounts, services, regions int
	objects, digests            int
	perRegion                   map[string]int // region folder → objects
}

func shapeOf(keys []string) trailShape {
	s := trailShape{perRegion: map[string]int{}}
	accts, svcs := map[string]bool{}, map[string]bool{}
	for _, k := range keys {
		segs := strings.Split(k, "/")
		i := 0
		for segs[i] != "AWSLogs" {
			i++
		}
		if orgRe.MatchString(segs[i+1]) {
			i++
		}
		if segs[i+2] == "CloudTrail-Digest" {
			s.digests++
			continue
		}
		accts[strings.Join(segs[:i+2], "/")] = true
		svcs[strings.Join(segs[:i+3], "/")] = true
		s.perRegion[strings.Join(segs[:i+4], "/")]++
		s.objects++
	}
	s.accounts, s.services, s.regions = len(accts), len(svcs), len(s.perRegion)
	return s
}

// TestS3IngestMatchesLocal: a generated trail uploaded to a bucket ingests
// into exactly the store the same files make from disk, the listing
// follows the layout (one LIST for AWSLogs/, one per account, one per
// service, then one per region page), every object is fetched once, and
// digest files are never listed or fetched. A rerun fetches nothing.
func TestS3IngestMatchesLocal(t *testing.T) {
	srv := s3Env(t)
	dir, gsum := genTrail(t, gen.Config{Events: 3000, Seed: 3, Days: 3, Accounts: 2, Duplicates: 0.05})
	keys := uploadDir(t, srv, dir, "cloudtrail/", nil)
	shape := shapeOf(keys)
	if shape.digests == 0 || shape.accounts != 2 {
		t.Fatalf("the generated trail should have digests and 2 accounts: %+v", shape)
	}
	local := newTestStore(t)
	ingestLocal(t, []string{dir}, DiscoverOptions{}, Config{Store: local})

	remote := newTestStore(t)
	srv.Reset()
	src := openTestS3(t, srv.URL, "s3://"+testBucket+"/cloudtrail/", S3Options{})
	sum, plan, l, err := ingestS3(t, src, Config{Store: remote})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Objects) != shape.objects || plan.Already != 0 || len(sum.InputErrors) > 0 {
		t.Fatalf("listed %d objects (want %d), %d already, input errors %v", len(l.Objects), shape.objects, plan.Already, sum.InputErrors)
	}
	equalIDs(t, "s3 vs local", storeIDs(t, remote), storeIDs(t, local))
	if got := int64(len(storeIDs(t, remote))); got != gsum.Events {
		t.Fatalf("%d events stored, gen made %d unique", got, gsum.Events)
	}
	wantLists := 1 + shape.accounts + shape.services
	for _, n := range shape.perRegion {
		wantLists += (n + 999) / 1000
	}
	if got := srv.Count("LIST"); got != wantLists {
		t.Errorf("%d LIST calls, the layout needs %d: %v", got, wantLists, listPrefixes(srv))
	}
	gets := srv.GetsByKey()
	for k, n := range gets {
		if n != 1 {
			t.Errorf("%s fetched %d times", k, n)
		}
		if strings.Contains(k, "Digest") {
			t.Errorf("digest %s fetched", k)
		}
	}
	if len(gets) != shape.objects {
		t.Errorf("%d objects fetched, %d listed", len(gets), shape.objects)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Key, "Digest") {
			t.Errorf("%s %s touches a digest folder", r.Op, r.Key)
		}
	}
	if sum.Recorded != int64(shape.objects) {
		t.Errorf("%d objects recorded, want %d", sum.Recorded, shape.objects)
	}

	// The rerun lists again and fetches nothing.
	srv.Reset()
	sum2, plan2, _, err := ingestS3(t, src, Config{Store: remote})
	if err != nil {
		t.Fatal(err)
	}
	if plan2.Already != shape.objects || len(plan2.Inputs) != 0 || srv.Count("GET") != 0 || sum2.Ingested != 0 {
		t.Errorf("rerun: %d already, %d to read, %d GETs, %d ingested", plan2.Already, len(plan2.Inputs), srv.Count("GET"), sum2.Ingested)
	}

	// A changed object (same key, other bytes) is reported, not read.
	changed := l.Objects[len(l.Objects)/2].Key
	srv.Put(t, testBucket, changed, []byte(`{"Records":[]}`))
	srv.Reset()
	_, plan3, _, err := ingestS3(t, src, Config{Store: remote})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan3.Changed) != 1 || plan3.Changed[0].Now.Key != "s3://"+testBucket+"/"+changed || len(plan3.Inputs) != 0 || srv.Count("GET") != 0 {
		t.Errorf("changed object: %+v, %d inputs, %d GETs", plan3.Changed, len(plan3.Inputs), srv.Count("GET"))
	}
}

func listPrefixes(srv *s3fake.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Op == "LIST" {
			out = append(out, r.Key)
		}
	}
	return out
}

// TestS3SinceUntilListsOnlyTheirDays: with --since/--until only the day
// folders of the range (and the day after, which holds the range's last
// minutes) are listed, and exactly the files a local ingest with the same
// flags reads are fetched.
func TestS3SinceUntilListsOnlyTheirDays(t *testing.T) {
	srv := s3Env(t)
	dir, _ := genTrail(t, gen.Config{Events: 3000, Seed: 4, Days: 5, Accounts: 1})
	keys := uploadDir(t, srv, dir, "", nil)
	shape := shapeOf(keys)
	day := gen.DefaultStart.Add(2 * 24 * time.Hour)
	opts := DiscoverOptions{Since: day, Until: day}

	local := newTestStore(t)
	ins, _ := Discover([]string{dir}, opts)
	ingestLocal(t, []string{dir}, opts, Config{Store: local})

	remote := newTestStore(t)
	srv.Reset()
	src := openTestS3(t, srv.URL, "s3://"+testBucket+"/", S3Options{Since: day, Until: day})
	_, _, l, err := ingestS3(t, src, Config{Store: remote})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Objects) != len(ins) || len(l.Objects) == 0 || len(l.Objects) >= shape.objects {
		t.Fatalf("listed %d objects, a local ingest with the same dates reads %d (of %d)", len(l.Objects), len(ins), shape.objects)
	}
	equalIDs(t, "since/until", storeIDs(t, remote), storeIDs(t, local))
	// AWSLogs/, the account, its services, then two days per region.
	want := 1 + shape.accounts + shape.services + 2*shape.regions
	if got := srv.Count("LIST"); got != want {
		t.Errorf("%d LIST calls, want %d: %v", got, want, listPrefixes(srv))
	}
	for _, p := range listPrefixes(srv) {
		if dayPathRe.MatchString(p) && !strings.Contains(p, day.Format("2006/01/02")) && !strings.Contains(p, day.Add(24*time.Hour).Format("2006/01/02")) {
			t.Errorf("listed %s, outside the range", p)
		}
	}
	if got := srv.Count("GET"); got != len(ins) {
		t.Errorf("%d GETs for %d objects", got, len(ins))
	}
}

// TestS3OrganizationTrail: AWSLogs/<o-id>/<account>/... is followed, and
// --accounts and --regions skip listing what they exclude.
func TestS3OrganizationTrail(t *testing.T) {
	srv := s3Env(t)
	dir, _ := genTrail(t, gen.Config{Events: 2000, Seed: 5, Days: 2, Accounts: 3})
	keys := uploadDir(t, srv, dir, "org/", func(rel string) string {
		return strings.Replace(rel, "AWSLogs/", "AWSLogs/o-abcdef1234/", 1)
	})
	shape := shapeOf(keys)
	local := newTestStore(t)
	ingestLocal(t, []string{dir}, DiscoverOptions{}, Config{Store: local})

	remote := newTestStore(t)
	src := openTestS3(t, srv.URL, "s3://"+testBucket+"/org/", S3Options{})
	if _, _, _, err := ingestS3(t, src, Config{Store: remote}); err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "organization trail", storeIDs(t, remote), storeIDs(t, local))

	// One account and one region: no listing of the organization's accounts
	// nor of the account's regions beyond the one asked for.
	var acct, region string
	for k := range shape.perRegion {
		segs := strings.Split(k, "/")
		acct, region = segs[3], segs[5]
		break
	}
	srv.Reset()
	one := openTestS3(t, srv.URL, "s3://"+testBucket+"/org/", S3Options{Accounts: []string{acct}, Regions: []string{region}})
	l, err := one.ListObjects(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range l.Objects {
		if !strings.Contains(o.Key, "/"+acct+"/") || !strings.Contains(o.Key, "/"+region+"/") {
			t.Fatalf("%s is outside --accounts %s --regions %s", o.Key, acct, region)
		}
	}
	n := 0
	for k, c := range shape.perRegion {
		if strings.Contains(k, "/"+acct+"/") && strings.HasSuffix(k, "/"+region) {
			n += c
		}
	}
	if len(l.Objects) != n || n == 0 {
		t.Errorf("listed %d objects of %s/%s, the bucket holds %d", len(l.Objects), acct, region, n)
	}
	// AWSLogs/, the account's services, each service's regions, and the
	// region in each service that has it.
	svcs, withRegion := map[string]bool{}, 0
	for k := range shape.perRegion {
		if strings.Contains(k, "/"+acct+"/") {
			svcs[k[:strings.LastIndexByte(k, '/')]] = true
			if strings.HasSuffix(k, "/"+region) {
				withRegion++
			}
		}
	}
	if got, want := srv.Count("LIST"), 1+1+len(svcs)+withRegion; got != want {
		t.Errorf("%d LIST calls, want %d: %v", got, want, listPrefixes(srv))
	}
}
