package ingest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/s3io"
)

// TestFollowS3 runs a Follower on a bucket while objects arrive: the cycle
// that starts after an upload commits its events (a query sees them within
// one interval), only today's and yesterday's day folders are listed, small
// files are compacted in the background, and cancelling stops it with
// everything read committed and no goroutine left behind.
func TestFollowS3(t *testing.T) {
	srv := s3Env(t)
	now := time.Now().UTC()
	today := now.Truncate(24 * time.Hour)
	dir, _ := genTrail(t, gen.Config{Events: 1200, Seed: 10, Start: today.Add(-24 * time.Hour), Days: 2, Accounts: 1, MaxPerFile: 100})
	var keys []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		// Only today's and yesterday's delivery folders: gen also writes
		// tomorrow's (late events of today), which a live trail cannot have.
		inDays := strings.Contains(p, today.Format("/2006/01/02/")) || strings.Contains(p, today.Add(-24*time.Hour).Format("/2006/01/02/"))
		if err == nil && !d.IsDir() && !strings.Contains(p, "Digest") && inDays {
			rel, _ := filepath.Rel(dir, p)
			keys = append(keys, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(keys)
	put := func(ks []string) {
		for _, k := range ks {
			b, err := os.ReadFile(filepath.Join(dir, k))
			if err != nil {
				t.Fatal(err)
			}
			srv.Put(t, testBucket, k, b)
		}
	}
	// An old day folder the follower must never list.
	old := strings.Replace(keys[0], today.Add(-24*time.Hour).Format("2006/01/02"), today.Add(-5*24*time.Hour).Format("2006/01/02"), 1)
	if old == keys[0] {
		t.Fatalf("unexpected key %s", keys[0])
	}
	b, _ := os.ReadFile(filepath.Join(dir, keys[0]))
	srv.Put(t, testBucket, old, b)
	half := len(keys) / 2
	put(keys[:half])

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	opts := testS3Options(srv.URL)
	opts.HTTPClient = &http.Client{Transport: tr}
	src, err := OpenS3(context.Background(), "s3://"+testBucket+"/", S3Options{Options: opts.Options})
	if err != nil {
		t.Fatal(err)
	}
	leaks := goleak.IgnoreCurrent()
	s := newTestStore(t)
	cycles := make(chan Cycle, 100)
	f := &Follower{Source: src, Config: Config{Store: s}, Interval: 150 * time.Millisecond, CompactAt: 2,
		OnCycle: func(c Cycle) { cycles <- c }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	compacted := false
	next := func() Cycle {
		t.Helper()
		select {
		case c := <-cycles:
			if c.Err != nil {
				t.Fatalf("cycle %d: %v", c.N, c.Err)
			}
			if c.CompactErr != nil {
				t.Fatal(c.CompactErr)
			}
			compacted = compacted || c.Compaction != nil && c.Compaction.PartitionsMerged > 0
			return c
		case <-time.After(60 * time.Second):
			t.Fatal("no cycle in 60 s")
		}
		return Cycle{}
	}
	first := next()
	if first.Summary.Recorded != int64(half) {
		t.Fatalf("first cycle recorded %d objects, %d were uploaded", first.Summary.Recorded, half)
	}
	put(keys[half:])
	uploaded := time.Now()
	for i := 0; i < 100; i++ {
		if next().Started.After(uploaded) {
			break
		}
	}
	// The first cycle that started after the upload committed it all.
	local := newTestStore(t)
	var ins []Input
	for _, k := range keys {
		ins = append(ins, Input{Name: k, Path: filepath.Join(dir, k)})
	}
	if _, err := Ingest(context.Background(), Config{Store: local}, ins); err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "after the cycle that followed the upload", storeIDs(t, s), storeIDs(t, local))
	// Background compaction merges the small files of the cycles.
	for i := 0; i < 100 && !compacted; i++ {
		next()
	}
	if !compacted {
		t.Error("no background compaction in 100 cycles")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "after stopping", storeIDs(t, s), storeIDs(t, local))
	for _, r := range srv.Requests() {
		if r.Op == "LIST" && dayPathRe.MatchString(r.Key+"/") && !strings.Contains(r.Key, today.Format("2006/01/02")) && !strings.Contains(r.Key, today.Add(-24*time.Hour).Format("2006/01/02")) {
			t.Errorf("listed %s, not today's or yesterday's", r.Key)
		}
		if r.Key == old {
			t.Errorf("%s %s: an old day folder was read", r.Op, r.Key)
		}
	}
	for k, n := range srv.GetsByKey() {
		if n > 1 {
			t.Errorf("%s fetched %d times", k, n)
		}
	}
	tr.CloseIdleConnections()
	goleak.VerifyNone(t, leaks)
}

// TestFollowLocalFolder follows a folder a trail is synced into.
func TestFollowLocalFolder(t *testing.T) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	dir, _ := genTrail(t, gen.Config{Events: 400, Seed: 11, Start: today, Days: 1, Accounts: 1, MaxPerFile: 100})
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json.gz") && !strings.Contains(p, "Digest") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	synced := t.TempDir()
	copyIn := func(ps []string) {
		for _, p := range ps {
			rel, _ := filepath.Rel(dir, p)
			dst := filepath.Join(synced, rel)
			os.MkdirAll(filepath.Dir(dst), 0o755)
			b, _ := os.ReadFile(p)
			// As sync tools do: a hidden temporary file, then a rename.
			tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp")
			if err := os.WriteFile(tmp, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, dst); err != nil {
				t.Fatal(err)
			}
		}
	}
	copyIn(files[:1])
	leaks := goleak.IgnoreCurrent()
	s := newTestStore(t)
	cycles := make(chan Cycle, 100)
	f := &Follower{Source: &LocalSource{Dir: synced, Settle: time.Nanosecond}, Config: Config{Store: s}, Interval: 100 * time.Millisecond,
		OnCycle: func(c Cycle) { cycles <- c }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	<-cycles
	copyIn(files[1:])
	copied := time.Now()
	for i := 0; i < 200; i++ {
		c := <-cycles
		if c.Err != nil {
			t.Fatal(c.Err)
		}
		if c.Started.After(copied) {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	local := newTestStore(t)
	ingestLocal(t, []string{dir}, DiscoverOptions{}, Config{Store: local})
	equalIDs(t, "followed folder", storeIDs(t, s), storeIDs(t, local))
	known, _ := KnownObjects(s)
	if len(known) != len(files) {
		t.Errorf("%d files recorded, %d copied", len(known), len(files))
	}
	goleak.VerifyNone(t, leaks)
}

var _ = s3io.URL

// TestFollowPaused: while Paused answers a reason, cycles list and ingest
// nothing and say why (with the last cycle's number); once it answers ""
// the next check ingests the folder, well before a whole Interval.
func TestFollowPaused(t *testing.T) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	dir, sum := genTrail(t, gen.Config{Events: 200, Seed: 12, Start: today, Days: 1, Accounts: 1})
	s := newTestStore(t)
	var paused atomic.Bool
	paused.Store(true)
	cycles := make(chan Cycle, 100)
	f := &Follower{Source: &LocalSource{Dir: dir, Settle: time.Nanosecond}, Config: Config{Store: s},
		Interval: time.Hour, PauseCheck: 20 * time.Millisecond,
		Paused: func() string {
			if paused.Load() {
				return "ingestion stopped"
			}
			return ""
		},
		OnCycle: func(c Cycle) { cycles <- c }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	for i := 0; i < 3; i++ {
		c := <-cycles
		if c.Paused != "ingestion stopped" || c.N != 0 || c.Listed != 0 || c.Summary.Ingested != 0 {
			t.Fatalf("paused cycle %d: %+v", i, c)
		}
	}
	if ids := storeIDs(t, s); len(ids) != 0 {
		t.Fatalf("%d events ingested while paused", len(ids))
	}
	paused.Store(false)
	var c Cycle
	for c = <-cycles; c.Paused != ""; c = <-cycles {
	}
	if c.N != 1 || c.Err != nil || c.Summary.Ingested != sum.Events {
		t.Fatalf("first cycle after resuming: N=%d err=%v ingested %d of %d", c.N, c.Err, c.Summary.Ingested, sum.Events)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
