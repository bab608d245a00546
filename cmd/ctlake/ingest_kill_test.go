package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/testenv"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// TestMain lets the test binary act as the ctlake command: with
// CTLAKE_AS_MAIN=1 it runs the CLI on its arguments and exits, so the
// tests can run (and kill) real ingest processes without building a binary.
func TestMain(m *testing.M) {
	if os.Getenv("CTLAKE_AS_MAIN") == "1" {
		ctx, stop := signalContext()
		code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// ctlakeCmd is a ctlake process (this test binary as the CLI).
func ctlakeCmd(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "CTLAKE_AS_MAIN=1")
	return cmd
}

// sourceEvent is what the kill test follows of each input event.
type sourceEvent struct {
	ID     string
	Source string
	Name   string
}

// readS3Inputs reads every CloudTrail (and Insight) log file under dir with
// encoding/json, independently of the ingest code.
func readS3Inputs(t *testing.T, dir string) []sourceEvent {
	t.Helper()
	var out []sourceEvent
	for _, p := range testenv.LogFiles(t, dir) {
		var doc struct {
			Records []struct {
				EventID     string `json:"eventID"`
				EventSource string `json:"eventSource"`
				EventName   string `json:"eventName"`
			}
		}
		testenv.DecodeGzJSON(t, p, &doc)
		for _, r := range doc.Records {
			out = append(out, sourceEvent{r.EventID, r.EventSource, r.EventName})
		}
	}
	return out
}

// readNDJSONInputs reads gen's NDJSON files with encoding/json, line by line.
func readNDJSONInputs(t *testing.T, dir string) []sourceEvent {
	t.Helper()
	var out []sourceEvent
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".ndjson") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var r struct {
				EventID     string `json:"eventID"`
				EventSource string `json:"eventSource"`
				EventName   string `json:"eventName"`
			}
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			out = append(out, sourceEvent{r.EventID, r.EventSource, r.EventName})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// storedEvents reads a store's committed files with orcfile directly,
// checking that each exists and holds exactly its manifest row count.
func storedEvents(t *testing.T, s *orcstore.Store, m *orcstore.Manifest) []sourceEvent {
	t.Helper()
	var out []sourceEvent
	for _, fe := range m.Files {
		f, err := orcfile.OpenFile(s.FilePath(fe.Path))
		if err != nil {
			t.Fatalf("committed file %s: %v", fe.Path, err)
		}
		if int64(f.NumRows()) != fe.Rows {
			t.Errorf("%s: footer says %d rows, manifest %d", fe.Path, f.NumRows(), fe.Rows)
		}
		sc, err := f.Scan(orcfile.ScanOptions{Columns: []string{"eventID", "eventSource", "eventName"}, PlainStrings: true})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for {
			rec, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", fe.Path, err)
			}
			// Columns come out in file (schema) order: eventSource, eventName, eventID.
			cols := map[string]*array.String{}
			for i, fld := range rec.Schema().Fields() {
				cols[fld.Name] = rec.Column(i).(*array.String)
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				var e sourceEvent
				if c := cols["eventID"]; c.IsValid(i) {
					e.ID = c.Value(i)
				}
				if c := cols["eventSource"]; c.IsValid(i) {
					e.Source = c.Value(i)
				}
				if c := cols["eventName"]; c.IsValid(i) {
					e.Name = c.Value(i)
				}
				out = append(out, e)
			}
			n += rec.NumRows()
			rec.Release()
		}
		sc.Close()
		f.Close()
		if n != fe.Rows {
			t.Errorf("%s: read %d rows, manifest says %d", fe.Path, n, fe.Rows)
		}
	}
	return out
}

// killedCatalog is a catalog at data with an empty store "killed", the
// store the kill tests ingest into.
func killedCatalog(t *testing.T, data string) *orcstore.Catalog {
	t.Helper()
	cat, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Create("killed", orcstore.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return cat
}

// committedEvents opens store "killed" as round's kill left it: its
// snapshot and the events of the snapshot's files (storedEvents), by
// eventID. An eventID stored twice fails the test.
func committedEvents(t *testing.T, cat *orcstore.Catalog, round int) (*orcstore.Store, *orcstore.Manifest, map[string]sourceEvent) {
	t.Helper()
	s, err := cat.Open("killed")
	if err != nil {
		t.Fatalf("round %d: store does not open: %v", round, err)
	}
	m, err := s.Snapshot()
	if err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	stored := map[string]sourceEvent{}
	for _, e := range storedEvents(t, s, m) {
		if _, dup := stored[e.ID]; dup {
			t.Fatalf("round %d: eventID %s stored twice", round, e.ID)
		}
		stored[e.ID] = e
	}
	return s, m, stored
}

// orphanFiles lists files under data/ that the manifest does not list.
func orphanFiles(s *orcstore.Store, m *orcstore.Manifest) []string {
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Path] = true
	}
	var out []string
	filepath.WalkDir(s.DataDir(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(s.Dir, p)
			if !listed[filepath.ToSlash(rel)] {
				out = append(out, rel)
			}
		}
		return nil
	})
	return out
}

// TestIngestSurvivesKill9 kills `ctlake ingest` with SIGKILL at random
// instants and checks after each kill that the store opens, that its files
// are exactly the manifest's (uncommitted leftovers are never read and the
// next writer removes them), that it holds whole committed batches (no
// duplicate eventID, nothing that is not in the input, as many events as
// the manifest's ingest totals), and finally that a rerun ingests the rest.
// CTLAKE_KILL_SOAK=N runs N rounds instead of 8 (each round ~ 1 s).
func TestIngestSurvivesKill9(t *testing.T) {
	rounds := 8
	if v := os.Getenv("CTLAKE_KILL_SOAK"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("CTLAKE_KILL_SOAK=%q: %v", v, err)
		}
		rounds = n
	}
	// The S3 layout is many small files decoded in parallel; the NDJSON
	// file is one large input, framed by one worker and decoded by the pool
	// (ingest/pipeline_split.go) — the two ways ingest reads.
	for _, layout := range []gen.Layout{gen.LayoutS3, gen.LayoutNDJSON} {
		t.Run(string(layout), func(t *testing.T) { killRounds(t, layout, rounds) })
	}
}

func killRounds(t *testing.T, layout gen.Layout, rounds int) {
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in")
	sum, err := gen.Write(context.Background(), gen.Config{Events: 4000, Seed: 5, Days: 3, Duplicates: 0.1, Workers: 1}, layout, in)
	if err != nil {
		t.Fatal(err)
	}
	var src []sourceEvent
	if layout == gen.LayoutS3 {
		src = readS3Inputs(t, in)
	} else {
		src = readNDJSONInputs(t, in)
	}
	if int64(len(src)) != sum.Records() {
		t.Fatalf("independent read found %d records, gen says %d", len(src), sum.Records())
	}
	inputIDs := map[string]sourceEvent{}
	for _, e := range src {
		inputIDs[e.ID] = e
	}
	if int64(len(inputIDs)) != sum.Events || sum.Duplicates == 0 {
		t.Fatalf("%d distinct eventIDs, gen: %d events, %d duplicates", len(inputIDs), sum.Events, sum.Duplicates)
	}

	data := filepath.Join(tmp, "data")
	cat := killedCatalog(t, data)
	args := []string{"ingest", "--data", data, "--store", "killed", "--memory-limit", "128KiB", "--quiet", in}

	check := func(round int) int {
		s, m, stored := committedEvents(t, cat, round)
		for _, e := range stored {
			want, ok := inputIDs[e.ID]
			if !ok {
				t.Fatalf("round %d: stored eventID %q is not in the input", round, e.ID)
			}
			if want != e {
				t.Fatalf("round %d: stored %+v, input %+v", round, e, want)
			}
		}
		if int64(len(stored)) != m.Rows() || m.Totals.Ingested != m.Rows() {
			t.Fatalf("round %d: %d events read, manifest rows %d, committed ingest total %d", round, len(stored), m.Rows(), m.Totals.Ingested)
		}
		// A query reads only the manifest's files, whatever else is on disk.
		sc, err := s.Scan(context.Background(), m, orcstore.ScanSpec{Columns: []string{"eventID"}}, orcstore.ScanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var scanned int64
		for {
			b, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("round %d: scan: %v", round, err)
			}
			if b.Sel != nil {
				scanned += int64(len(b.Sel))
			} else {
				scanned += b.Rec.NumRows()
			}
			b.Rec.Release()
		}
		sc.Close()
		if scanned != m.Rows() {
			t.Fatalf("round %d: scan returned %d rows, manifest %d", round, scanned, m.Rows())
		}
		orphans := orphanFiles(s, m)
		if len(orphans) > 0 {
			// The next writer removes them.
			tx, err := s.Begin()
			if err != nil {
				t.Fatalf("round %d: Begin after a kill: %v", round, err)
			}
			tx.Close()
			if left := orphanFiles(s, m); len(left) > 0 {
				t.Fatalf("round %d: Begin left %v", round, left)
			}
		}
		return len(orphans)
	}

	// Kill instants are spread over the time a whole ingest takes here,
	// measured on a scratch store, so that kills land mid-ingest on fast
	// and slow machines alike.
	scratch := filepath.Join(tmp, "scratch")
	began := time.Now()
	if out, err := ctlakeCmd(t, "ingest", "--data", scratch, "--store", "scratch", "--create", "--memory-limit", "128KiB", "--quiet", in).CombinedOutput(); err != nil {
		t.Fatalf("calibration ingest: %v\n%s", err, out)
	}
	full := time.Since(began)
	os.RemoveAll(scratch)
	rng := rand.New(rand.NewSource(20261122))
	killed, orphaned := 0, 0
	prev := 0
	for round := 0; round < rounds; round++ {
		delay := time.Duration((0.05 + 0.6*rng.Float64()) * float64(full))
		if runAndKill(t, ctlakeCmd(t, args...), delay, round) {
			killed++
		}
		orphaned += check(round)
		m, _ := cat.Open("killed")
		snap, _ := m.Snapshot()
		t.Logf("round %d: killed after %v, %d events committed", round, delay, snap.Rows())
		if int(snap.Rows()) < prev {
			t.Fatalf("round %d: committed events went down from %d to %d", round, prev, snap.Rows())
		}
		prev = int(snap.Rows())
	}
	if rounds >= 4 && killed < 2 {
		t.Errorf("only %d of %d rounds were killed mid-ingest; the delays are too long for this machine", killed, rounds)
	}
	t.Logf("%d kills, %d rounds left uncommitted files behind (a whole ingest takes %v)", killed, orphaned, full)

	// The rerun ingests the rest.
	cmd := ctlakeCmd(t, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	check(rounds)
	s, _ := cat.Open("killed")
	m, _ := s.Snapshot()
	got := map[gen.Pair]int64{}
	for _, e := range storedEvents(t, s, m) {
		got[gen.Pair{EventSource: e.Source, EventName: e.Name}]++
	}
	if m.Rows() != sum.Events {
		t.Errorf("after the rerun: %d events, gen made %d unique", m.Rows(), sum.Events)
	}
	if !reflect.DeepEqual(got, sum.Counts) {
		t.Errorf("per (eventSource, eventName) counts differ from gen's:\n got %v\nwant %v", got, sum.Counts)
	}
}

// runAndKill runs cmd and sends it SIGKILL after delay; it reports whether
// the kill interrupted it (false: it had finished, successfully).
func runAndKill(t *testing.T, cmd *exec.Cmd, delay time.Duration, round int) bool {
	t.Helper()
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("round %d: ingest failed before the kill: %v\n%s", round, err, out.String())
		}
		return false
	case <-time.After(delay):
		cmd.Process.Signal(syscall.SIGKILL)
		return <-done != nil // nil: it finished just before the signal
	}
}
