package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/orcstore"
)

// tortureSize is one size of TestStoreTorture.
type tortureSize struct {
	events      int64 // in the store before the queries start
	days        int   // data days, each followed by an empty day
	extra       int64 // ingested while the queries run
	loops       int   // concurrent query processes
	compactions int   // while the queries run
	kills       int   // compactions killed with SIGKILL
}

// TestStoreTorture runs real ctlake processes against one store:
//
//  1. Query loops (separate processes, half of them reading every
//     eventJson) run while compactions rewrite every partition and an
//     ingest adds events: no query may fail, every count must be a
//     committed total, and no loop's count may go down.
//  2. Compactions, with retention or without, are killed with SIGKILL at
//     random instants: after each, a query counts exactly the total before
//     or after that compaction, and verify finds no damage and no stray
//     file; at the end the next writer has removed every leftover.
//
// Events lie on every other day, so that each retention cutoff falls on an
// empty day and the expected total after it is exact. The default size
// runs in seconds; CTLAKE_TORTURE=1 runs 1M events (CTLAKE_TORTURE_EVENTS
// to change), 8 loops, 10 compactions and 20 kills.
func TestStoreTorture(t *testing.T) {
	sz := tortureSize{events: 6000, days: 3, extra: 500, loops: 2, compactions: 2, kills: 4}
	if torture() {
		sz = tortureSize{events: 1_000_000, days: 10, extra: 20_000, loops: 8, compactions: 10, kills: 20}
		if v := os.Getenv("CTLAKE_TORTURE_EVENTS"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("CTLAKE_TORTURE_EVENTS: %v", err)
			}
			sz.events = n
		}
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	today := time.Now().UTC().Truncate(24 * time.Hour)
	base := today.Add(-40 * 24 * time.Hour)
	dayOf := func(i int) time.Time { return base.Add(time.Duration(2*i) * 24 * time.Hour) }
	perDay := sz.events / int64(sz.days)
	var inputs []string
	for i := 0; i < sz.days; i++ {
		dir := filepath.Join(tmp, fmt.Sprintf("day-%02d", i))
		if _, err := gen.Write(context.Background(), gen.Config{Events: perDay, Seed: int64(100 + i), Start: dayOf(i), Days: 1, MaxPerFile: 500}, gen.LayoutS3, dir); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, dir)
	}
	extraDir := filepath.Join(tmp, "extra")
	if _, err := gen.Write(context.Background(), gen.Config{Events: sz.extra, Seed: 999, Start: dayOf(sz.days), Days: 1}, gen.LayoutS3, extraDir); err != nil {
		t.Fatal(err)
	}
	// A small memory limit leaves many files per partition.
	limit := "8MiB"
	if torture() {
		limit = "64MiB"
	}
	run(t, append([]string{"ingest", "--data", data, "--store", "torture", "--create", "--quiet", "--memory-limit", limit}, inputs...)...)
	n1 := countEvents(t, data, "")
	if n1 != perDay*int64(sz.days) {
		t.Fatalf("ingested %d events, generated %d", n1, perDay*int64(sz.days))
	}
	t.Logf("store: %d events in %d files", n1, len(manifestOf(t, data).Files))

	// 1. Queries during compactions and an ingest.
	totals := map[int64]bool{n1: true, n1 + sz.extra: true}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	results := make([][]int64, sz.loops)
	failures := make([][]string, sz.loops)
	for l := 0; l < sz.loops; l++ {
		where := ""
		if l%2 == 1 {
			where = "length(eventJson) > 0" // reads the largest column, so queries overlap commits
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, err := tryCount(t, data, where)
				if err != nil {
					failures[l] = append(failures[l], err.Error())
					continue
				}
				results[l] = append(results[l], n)
			}
		}()
	}
	rows := func(k int) int64 { return max(1, perDay*int64(k+1)/int64(sz.compactions+1)) }
	var lastCompaction time.Duration
	for c := 0; c < sz.compactions; c++ {
		if c == sz.compactions/2 {
			run(t, "ingest", "--data", data, "--store", "torture", "--quiet", extraDir)
		}
		start := time.Now()
		run(t, "store", "compact", "--data", data, "torture", "--no-retention", "--max-file-rows", strconv.FormatInt(rows(c), 10))
		lastCompaction = time.Since(start)
	}
	close(stop)
	wg.Wait()
	var queries int
	for l := range results {
		for _, f := range failures[l] {
			t.Errorf("query loop %d: %s", l, f)
		}
		for i, n := range results[l] {
			if !totals[n] {
				t.Errorf("query loop %d counted %d, not a committed total (%v)", l, n, totals)
			}
			if i > 0 && n < results[l][i-1] {
				t.Errorf("query loop %d: count went down from %d to %d", l, results[l][i-1], n)
			}
		}
		queries += len(results[l])
	}
	n2 := countEvents(t, data, "")
	if n2 != n1+sz.extra {
		t.Fatalf("after the ingest: %d events, want %d", n2, n1+sz.extra)
	}
	t.Logf("phase 1: %d queries in %d loops during %d compactions and an ingest of %d events: %d failed; last compaction %v",
		queries, sz.loops, sz.compactions, sz.extra, countFailures(failures), lastCompaction.Round(time.Millisecond))

	// 2. Compactions killed at random instants.
	rng := rand.New(rand.NewSource(7))
	retained := 0 // data days retention has dropped
	committed := 0
	for k := 0; k < sz.kills; k++ {
		pre := countEvents(t, data, "")
		post := pre
		args := []string{"store", "compact", "--data", data, "torture", "--max-file-rows", strconv.FormatInt(rows(k%sz.compactions), 10)}
		withRetention := k%2 == 1 && retained < sz.days-1
		if withRetention {
			// Cut on the empty day after data day 'retained'.
			gap := dayOf(retained).Add(24 * time.Hour)
			days := int(today.Sub(gap).Hours() / 24)
			run(t, "store", "update", "--data", data, "torture", "--retention-days", strconv.Itoa(days))
			post = countEvents(t, data, fmt.Sprintf("eventTime >= timestamp '%s'", gap.Format("2006-01-02 15:04:05")))
		} else {
			args = append(args, "--no-retention")
		}
		cmd := ctlakeCmd(t, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int63n(int64(lastCompaction)*6/5 + 1)))
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
		if today != time.Now().UTC().Truncate(24*time.Hour) {
			t.Skip("the test crossed midnight UTC; retention cutoffs moved")
		}
		got := countEvents(t, data, "")
		switch {
		case got == post && withRetention && post != pre:
			retained++
			committed++
		case got == post && post != pre:
			committed++
		case got == pre:
		default:
			t.Fatalf("kill %d: %d events, want %d (before) or %d (after)", k, got, pre, post)
		}
		if st, out, e := ctlakeRun("store", "verify", "--data", data, "torture"); st != 0 {
			t.Fatalf("kill %d: verify: %s%s", k, out, e)
		}
	}
	// The next writer removes what the killed ones left.
	run(t, "store", "compact", "--data", data, "torture", "--no-retention")
	m := manifestOf(t, data)
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Path] = true
	}
	s := openTortureStore(t, data)
	var left []string
	filepath.WalkDir(s.DataDir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(s.Dir, p)
			if !listed[filepath.ToSlash(rel)] {
				left = append(left, rel)
			}
		}
		return nil
	})
	if len(left) > 0 {
		t.Fatalf("after the next writer: %d files not in the manifest: %v", len(left), left)
	}
	if b, _ := os.ReadFile(filepath.Join(s.Dir, "writes.journal")); len(b) != 0 {
		t.Fatalf("journal not emptied: %q", b)
	}
	t.Logf("phase 2: %d compactions killed (%d had committed, %d of them with retention), counts exact; %d events left in %d files, no leftover",
		sz.kills, committed, retained, countEvents(t, data, ""), len(m.Files))
}

func countFailures(f [][]string) int {
	n := 0
	for _, l := range f {
		n += len(l)
	}
	return n
}

// run runs ctlake as a separate process and fails the test on an error.
func run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := ctlakeCmd(t, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ctlake %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// tryCount counts the store's events (WHERE where, if set) in a separate
// process.
func tryCount(t *testing.T, data, where string) (int64, error) {
	q := "SELECT count(*) FROM torture"
	if where != "" {
		q += " WHERE " + where
	}
	cmd := ctlakeCmd(t, "query", "--data", data, "--format", "csv", q)
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("%s: %v: %s", q, err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strconv.ParseInt(strings.TrimSpace(lines[len(lines)-1]), 10, 64)
}

func countEvents(t *testing.T, data, where string) int64 {
	t.Helper()
	n, err := tryCount(t, data, where)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func openTortureStore(t *testing.T, data string) *orcstore.Store {
	t.Helper()
	c, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Open("torture")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func manifestOf(t *testing.T, data string) *orcstore.Manifest {
	t.Helper()
	m, err := openTortureStore(t, data).ReadManifest()
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	return m
}
