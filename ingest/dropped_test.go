package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/ctlake/ctlake/orcstore"
)

// readDropped reads every committed dropped-event file of s.
func readDropped(t *testing.T, s *orcstore.Store) []Dropped {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var out []Dropped
	for _, df := range m.Dropped {
		f, err := os.Open(s.FilePath(df.Path))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		var dups, expired int64
		for sc.Scan() {
			var d Dropped
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				t.Fatalf("%s: %v", df.Path, err)
			}
			if strings.HasPrefix(d.Reason, "duplicate") {
				dups++
			} else {
				expired++
			}
			out = append(out, d)
		}
		f.Close()
		if dups != df.Duplicates || expired != df.Expired {
			t.Errorf("%s: %d duplicates and %d past retention listed, manifest says %d and %d", df.Path, dups, expired, df.Duplicates, df.Expired)
		}
	}
	return out
}

// Events left out on purpose are listed with their eventID, file, line
// and reason, as rejects are; before, they were only counted.
func TestDuplicatesAndExpiredAreListed(t *testing.T) {
	c, err := orcstore.OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Create("dropped", orcstore.CreateOptions{RetentionDays: 366})
	if err != nil {
		t.Fatal(err)
	}
	old := `{"eventVersion":"1.08","eventTime":"2015-03-01T00:00:00Z","eventID":"old-1","eventName":"X"}`
	lines := []string{testEventJSON(1, 1), testEventJSON(2, 2), testEventJSON(1, 3), old, testEventJSON(3, 4)}
	dir := writeInputs(t, map[string][]byte{"a.ndjson": []byte(strings.Join(lines, "\n") + "\n")})
	now := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	sum, err := ingestDir(t, s, dir, Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ingested != 3 || sum.Duplicates != 1 || sum.Filtered != 1 || sum.Expired != 1 || len(sum.Dropped) != 1 {
		t.Fatalf("summary %+v", sum.Progress)
	}
	got := readDropped(t, s)
	want := []Dropped{
		{EventID: "old-1", File: "a.ndjson", Line: 4, Reason: "past retention"},
		{EventID: "ev-0001", File: "a.ndjson", Line: 3, Reason: "duplicate eventID"},
	}
	if len(got) != len(want) {
		t.Fatalf("dropped %+v", got)
	}
	for i, w := range want {
		g := got[i]
		if g.EventID != w.EventID || !strings.HasSuffix(g.File, w.File) || g.Line != w.Line || !strings.HasPrefix(g.Reason, w.Reason) {
			t.Errorf("dropped %d: %+v, want %+v", i, g, w)
		}
		if g.Offset != int64(len(strings.Join(lines[:w.Line-1], "\n"))+1) {
			t.Errorf("dropped %d: offset %d", i, g.Offset)
		}
	}
	// A rerun of the same input lists every event as a duplicate (or past
	// retention), in a file of its own.
	sum, err = ingestDir(t, s, dir, Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Snapshot()
	if sum.Ingested != 0 || sum.Duplicates != 4 || len(m.Dropped) != 2 || m.Dropped[1].Duplicates != 4 || m.Dropped[1].Expired != 1 {
		t.Fatalf("rerun: %+v, manifest dropped %+v", sum.Progress, m.Dropped)
	}
	if li := m.LastIngest; li == nil || !li.Complete || li.Duplicates != 4 || li.Ingested != 0 || len(li.Dropped) != 1 || li.Dropped[0] != m.Dropped[1].Path {
		t.Fatalf("last ingest %+v", m.LastIngest)
	}
	if m.Totals.Ingested != 3 || m.Totals.Duplicates != 5 {
		t.Fatalf("totals %+v", m.Totals)
	}
}

// Events rejected for want of eventTime carry the hint of the field
// --time-field would take; ingesting them again with it stores them, and
// the manifest then counts them as stored, not as rejected.
func TestRejectsStoredLater(t *testing.T) {
	s := newTestStore(t)
	var lines []string
	for i := 0; i < 5; i++ {
		lines = append(lines, fmt.Sprintf(`{"@timestamp":"2024-05-01T10:0%d:00Z","eventID":"ts-%d","eventName":"X"}`, i, i))
	}
	lines = append(lines, `{"eventID":"no-time-at-all"}`, testEventJSON(9, 9))
	dir := writeInputs(t, map[string][]byte{"export.ndjson": []byte(strings.Join(lines, "\n"))})
	sum, err := ingestDir(t, s, dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejected != 6 || sum.Ingested != 1 {
		t.Fatalf("first ingest: %+v", sum.Progress)
	}
	if msg := sum.TimeHints.Message(sum.Rejected); !strings.Contains(msg, `5 of the 6 rejected events have no eventTime but a parseable "@timestamp": --time-field @timestamp`) {
		t.Fatalf("hint %q", msg)
	}
	sum, err = ingestDir(t, s, dir, Config{Decode: Options{TimeField: "@timestamp"}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Snapshot()
	if sum.Ingested != 5 || sum.Rejected != 1 || sum.StoredLater != 5 {
		t.Fatalf("second ingest: %+v", sum.Progress)
	}
	if m.StillRejected() != 2 || m.Rejects[0].Stored != 5 || m.LastIngest.StoredLater != 5 || m.LastIngest.Rejected != 1 {
		t.Fatalf("manifest rejects %+v, still rejected %d, last %+v", m.Rejects, m.StillRejected(), m.LastIngest)
	}
	if sum.TimeHints.Message(sum.Rejected) != "" {
		t.Fatalf("no field holds a time for the last reject, yet: %q", sum.TimeHints.Message(sum.Rejected))
	}
}
