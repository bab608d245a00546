package orcstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// testEvent is the part of an event the compaction tests follow.
type testEvent struct {
	ID   string
	Time int64
	JSON string
}

// writeTestEvents writes evs (one partition, sorted here by time) as one
// file through WriteEvents.
func writeTestEvents(t *testing.T, tx *Tx, evs []testEvent) {
	t.Helper()
	sort.Slice(evs, func(i, j int) bool { return evs[i].Time < evs[j].Time })
	b := array.NewRecordBuilder(memory.DefaultAllocator, EventSchema)
	defer b.Release()
	for i, f := range EventSchema.Fields() {
		fb := b.Field(i)
		for _, ev := range evs {
			switch f.Name {
			case "eventTime":
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(ev.Time))
			case "eventID":
				fb.(*array.StringBuilder).Append(ev.ID)
			case "eventJson":
				fb.(*array.StringBuilder).Append(ev.JSON)
			case "eventSource":
				fb.(*array.StringBuilder).Append("s3.amazonaws.com")
			default:
				fb.AppendNull()
			}
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	date := PartitionDate(time.Unix(0, evs[0].Time))
	if _, err := tx.WriteEvents(date, rec, time.Unix(0, evs[0].Time), time.Unix(0, evs[len(evs)-1].Time)); err != nil {
		t.Fatal(err)
	}
}

// readTestEvents reads every committed file of s with orcfile directly and
// checks that each file is sorted by eventTime, lies in its partition and
// holds exactly the manifest's row count.
func readTestEvents(t *testing.T, s *Store) []testEvent {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	var out []testEvent
	for _, fe := range m.Files {
		f, err := orcfile.OpenFile(s.FilePath(fe.Path))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := f.Scan(orcfile.ScanOptions{Columns: []string{"eventTime", "eventID", "eventJson"}, PlainStrings: true})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		last := int64(-1 << 63)
		for {
			rec, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			ts := rec.Column(0).(*array.Timestamp)
			ids := rec.Column(1).(*array.String)
			js := rec.Column(2).(*array.String)
			for i := 0; i < int(rec.NumRows()); i++ {
				tm := int64(ts.Value(i))
				if tm < last {
					t.Errorf("%s: not sorted by eventTime at row %d", fe.Path, n)
				}
				last = tm
				if d := PartitionDate(time.Unix(0, tm)); d != fe.Date {
					t.Errorf("%s: event of %s in partition %s", fe.Path, d, fe.Date)
				}
				if tm < fe.MinTime.UnixNano() || tm > fe.MaxTime.UnixNano() {
					t.Errorf("%s: eventTime outside the manifest's range", fe.Path)
				}
				out = append(out, testEvent{ids.Value(i), tm, js.Value(i)})
				n++
			}
			rec.Release()
		}
		sc.Close()
		f.Close()
		if n != fe.Rows {
			t.Errorf("%s: %d rows, manifest says %d", fe.Path, n, fe.Rows)
		}
	}
	return out
}

func sortedEvents(evs []testEvent) []testEvent {
	out := append([]testEvent(nil), evs...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// compactFixture builds a store (7-day retention, judged at now) with:
// 2024-06-01, two files entirely past retention; 2024-06-03, two files
// straddling the cutoff (12:00); 2024-06-05, three files with interleaved
// times and one duplicated eventID (compaction must keep both copies);
// 2024-06-06, one file that needs nothing.
func compactFixture(t *testing.T) (s *Store, all []testEvent, now time.Time) {
	c, err := OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err = c.Create("compact", CreateOptions{RetentionDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	now = time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewSource(3))
	tx, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	seq := 0
	file := func(day string, n int) []testEvent {
		d, _ := time.Parse("2006-01-02", day)
		evs := make([]testEvent, n)
		for i := range evs {
			seq++
			tm := d.Add(time.Duration(rng.Int63n(int64(24 * time.Hour))))
			evs[i] = testEvent{fmt.Sprintf("id-%05d", seq), tm.UnixNano(), fmt.Sprintf(`{"eventID":"id-%05d","n":%d}`, seq, seq)}
		}
		return evs
	}
	for _, spec := range []struct {
		day string
		n   int
	}{{"2024-06-01", 40}, {"2024-06-01", 7}, {"2024-06-03", 300}, {"2024-06-03", 120}, {"2024-06-05", 500}, {"2024-06-05", 1}, {"2024-06-05", 250}, {"2024-06-06", 90}} {
		evs := file(spec.day, spec.n)
		if spec.day == "2024-06-05" && spec.n == 1 {
			evs = append(evs, all[len(all)-1]) // same eventID and time in a second file
		}
		writeTestEvents(t, tx, evs)
		all = append(all, evs...)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return s, all, now
}

func TestCompactMergesWithoutLosingEvents(t *testing.T) {
	s, all, now := compactFixture(t)
	before, _ := s.ReadManifest()
	res, err := s.Compact(context.Background(), CompactOptions{Now: func() time.Time { return now }, NoRetention: true})
	if err != nil {
		t.Fatal(err)
	}
	got := readTestEvents(t, s)
	if !reflect.DeepEqual(sortedEvents(got), sortedEvents(all)) {
		t.Fatalf("compaction changed the events: %d before, %d after", len(all), len(got))
	}
	after, _ := s.ReadManifest()
	perDate := map[string]int{}
	for _, f := range after.Files {
		perDate[f.Date]++
	}
	want := map[string]int{"2024-06-01": 1, "2024-06-03": 1, "2024-06-05": 1, "2024-06-06": 1}
	if !reflect.DeepEqual(perDate, want) {
		t.Errorf("files per partition %v, want %v", perDate, want)
	}
	if res.PartitionsMerged != 3 || res.FilesBefore != 8 || res.FilesAfter != 4 || res.EventsExpired != 0 ||
		res.EventsBefore != int64(len(all)) || res.EventsAfter != int64(len(all)) || res.BytesBefore != before.Bytes() || res.BytesAfter != after.Bytes() {
		t.Errorf("result %+v", res)
	}
	// The replaced files are gone from disk.
	files := dataFiles(t, s)
	if len(files) != 4 {
		t.Errorf("%d files under data/, want 4: %v", len(files), files)
	}
	// A second compaction has nothing to do.
	res2, err := s.Compact(context.Background(), CompactOptions{Now: func() time.Time { return now }, NoRetention: true})
	if err != nil || res2.PartitionsMerged != 0 || res2.FilesAfter != 4 {
		t.Errorf("second compaction: %+v %v", res2, err)
	}
}

func TestCompactAppliesRetention(t *testing.T) {
	s, all, now := compactFixture(t)
	cutoff := now.Add(-7 * 24 * time.Hour).UnixNano()
	var want []testEvent
	var expired int64
	for _, ev := range all {
		if ev.Time >= cutoff {
			want = append(want, ev)
		} else {
			expired++
		}
	}
	if expired < 48 || len(want) == len(all) {
		t.Fatalf("fixture does not straddle the cutoff: %d expired", expired)
	}
	res, err := s.Compact(context.Background(), CompactOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	got := readTestEvents(t, s)
	if !reflect.DeepEqual(sortedEvents(got), sortedEvents(want)) {
		t.Fatalf("retention kept %d events, want %d", len(got), len(want))
	}
	if res.EventsExpired != expired || res.FilesExpired != 2 || res.EventsAfter != int64(len(want)) {
		t.Errorf("result %+v, want %d expired in 2 whole files and part of 2024-06-03", res, expired)
	}
	after, _ := s.ReadManifest()
	for _, f := range after.Files {
		if f.Date == "2024-06-01" {
			t.Errorf("expired partition still listed: %+v", f)
		}
	}
}

func TestCompactInterruptedLeavesStoreAsItWas(t *testing.T) {
	s, all, now := compactFixture(t)
	manifest := func() []byte {
		b, err := os.ReadFile(filepath.Join(s.Dir, manifestName))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	m0, f0 := manifest(), dataFiles(t, s)
	boom := errors.New("killed")
	var midway []string
	_, err := s.Compact(context.Background(), CompactOptions{Now: func() time.Time { return now }, beforeCommit: func() error {
		midway = dataFiles(t, s) // the new files exist, unpublished
		return boom
	}})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if len(midway) <= len(f0) {
		t.Fatalf("the hook ran before anything was written: %d files midway, %d before", len(midway), len(f0))
	}
	if string(manifest()) != string(m0) {
		t.Fatal("an interrupted compaction changed the manifest")
	}
	if f1 := dataFiles(t, s); !reflect.DeepEqual(f1, f0) {
		t.Fatalf("files before %v, after %v", f0, f1)
	}
	if got := readTestEvents(t, s); !reflect.DeepEqual(sortedEvents(got), sortedEvents(all)) {
		t.Fatal("events changed")
	}
	// A crash (no Close) is covered by the next writer's cleanup of what
	// the dead one journaled: simulate one.
	tx, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	rel, f, err := tx.NewFile("2024-06-05")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half a file")
	f.Close()
	tx.crash()
	orphan := s.FilePath(rel)
	if _, err := s.Compact(context.Background(), CompactOptions{Now: func() time.Time { return now }, NoRetention: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatal("orphan survived the next compaction")
	}
	if got := readTestEvents(t, s); !reflect.DeepEqual(sortedEvents(got), sortedEvents(all)) {
		t.Fatal("events changed")
	}
}

// dataFiles lists the files under the store's data/ folder, relative.
func dataFiles(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(s.DataDir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(s.Dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// TestCompactExternalMerge: with a memory limit far below a partition's
// size, compaction sorts through intermediate runs, merged two at a time
// over several levels, and writes exactly what an in-memory merge writes,
// in the same order (ties in eventTime keep input order), with no run
// file left behind.
func TestCompactExternalMerge(t *testing.T) {
	type result struct {
		events []testEvent
		files  int
		runs   int
	}
	compact := func(limit int64, maxRows int) result {
		s, all, now := compactFixture(t)
		res, err := s.Compact(context.Background(), CompactOptions{Now: func() time.Time { return now }, NoRetention: true, MemoryLimit: limit, MaxFileRows: maxRows})
		if err != nil {
			t.Fatal(err)
		}
		got := readTestEvents(t, s)
		if !reflect.DeepEqual(sortedEvents(got), sortedEvents(all)) {
			t.Fatalf("limit %d: compaction changed the events: %d before, %d after", limit, len(all), len(got))
		}
		for _, f := range dataFiles(t, s) {
			if strings.Contains(f, "_run-") {
				t.Fatalf("limit %d: run file left: %s", limit, f)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(s.Dir, journalName)); len(b) != 0 {
			t.Fatalf("limit %d: journal not emptied: %q", limit, b)
		}
		return result{got, res.FilesAfter, res.Runs}
	}
	for _, maxRows := range []int{0, 97} {
		mem := compact(512<<20, maxRows)
		ext := compact(24<<10, maxRows) // a run holds ~12 KiB of decoded rows: dozens of runs
		if want := map[int]int{0: 5, 97: 2}[maxRows]; mem.runs != 0 || ext.runs < want {
			t.Fatalf("runs: %d in memory, %d external (want 0, and %d or more: each merged partition through runs, one in two levels)", mem.runs, ext.runs, want)
		}
		if !reflect.DeepEqual(mem.events, ext.events) || mem.files != ext.files {
			t.Fatalf("maxRows %d: the external merge wrote %d events in %d files, in-memory %d in %d, or another order",
				maxRows, len(ext.events), ext.files, len(mem.events), mem.files)
		}
	}
}
