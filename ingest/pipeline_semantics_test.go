package ingest

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// eventWith is a valid event with chosen fields, for the semantics tests.
func eventWith(id, minute int, category, name, marker string) string {
	return fmt.Sprintf(`{"eventVersion":"1.09","eventTime":"2024-05-01T10:%02d:00Z","eventSource":"s3.amazonaws.com","eventName":%q,"eventCategory":%q,"eventID":"ev-%04d","requestParameters":{"marker":%q},"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::bucket/key-%d"}]}`,
		minute%60, name, category, id, marker, id)
}

// allStoredIDs counts every stored eventID, duplicates included, and checks
// that each file is sorted by eventTime.
func allStoredIDs(t *testing.T, s *orcstore.Store) map[string]int {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, fe := range m.Files {
		f, err := orcfile.OpenFile(s.FilePath(fe.Path))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := f.Scan(orcfile.ScanOptions{Columns: []string{"eventTime", "eventID"}, PlainStrings: true})
		if err != nil {
			t.Fatal(err)
		}
		last := int64(-1 << 63)
		for {
			rec, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			ts, ids := rec.Column(0).(*array.Timestamp), rec.Column(1).(*array.String)
			for i := 0; i < int(rec.NumRows()); i++ {
				if int64(ts.Value(i)) < last {
					t.Errorf("%s: events not sorted by eventTime at row %d", fe.Path, i)
				}
				last = int64(ts.Value(i))
				out[ids.Value(i)]++
			}
			rec.Release()
		}
		sc.Close()
		f.Close()
	}
	return out
}

// Dedup: the first occurrence wins (inputs in the order given, files of a
// folder in lexical order); a second ingest of the same files adds
// nothing; --no-dedup keeps every copy.
func TestDedupFirstOccurrenceWins(t *testing.T) {
	var first, second []string
	for i := 0; i < 50; i++ {
		first = append(first, eventWith(i, 59-i, "Data", "GetObject", "first"))
	}
	for i := 25; i < 75; i++ { // 25..49 repeat with another body
		second = append(second, eventWith(i, i, "Data", "GetObject", "second"))
	}
	dir := writeInputs(t, map[string][]byte{"a.json": recordsFile(first), "b.json": recordsFile(second)})

	s := newTestStore(t)
	sum, err := ingestDir(t, s, dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ingested != 75 || sum.Duplicates != 25 {
		t.Fatalf("ingested %d, duplicates %d; want 75 and 25", sum.Ingested, sum.Duplicates)
	}
	stored := readStored(t, s)
	for i := 25; i < 50; i++ {
		if !strings.Contains(stored[fmt.Sprintf("ev-%04d", i)].JSON, `"first"`) {
			t.Fatalf("ev-%04d: the later copy won: %s", i, stored[fmt.Sprintf("ev-%04d", i)].JSON)
		}
	}
	allStoredIDs(t, s) // sortedness

	again, err := ingestDir(t, s, dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Ingested != 0 || again.Duplicates != 100 {
		t.Fatalf("second ingest added %d events (%d duplicates); want 0 and 100", again.Ingested, again.Duplicates)
	}

	loose := newTestStore(t)
	if _, err := ingestDir(t, loose, dir, Config{NoDedup: true}); err != nil {
		t.Fatal(err)
	}
	counts := allStoredIDs(t, loose)
	if len(counts) != 75 || counts["ev-0030"] != 2 || counts["ev-0010"] != 1 {
		t.Fatalf("--no-dedup: %d IDs, ev-0030 ×%d, ev-0010 ×%d", len(counts), counts["ev-0030"], counts["ev-0010"])
	}
}

// Events without an eventID are kept and never deduplicated.
func TestEventsWithoutIDAreNeverDeduplicated(t *testing.T) {
	ev := `{"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`
	dir := writeInputs(t, map[string][]byte{"a.json": recordsFile([]string{ev, ev, ev})})
	s := newTestStore(t)
	sum, err := ingestDir(t, s, dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ingested != 3 || sum.Duplicates != 0 {
		t.Fatalf("ingested %d, duplicates %d; want 3 and 0", sum.Ingested, sum.Duplicates)
	}
}

// Advanced event selectors decide at ingest: unselected events are counted
// as filtered, not rejected, and only selected ones are stored.
func TestSelectorsApplyAtIngest(t *testing.T) {
	var evs []string
	for i := 0; i < 40; i++ {
		cat, name := "Data", "GetObject"
		switch i % 4 {
		case 1:
			cat, name = "Management", "CreateBucket"
		case 2:
			name = "PutObject"
		}
		evs = append(evs, eventWith(i, i, cat, name, "x"))
	}
	dir := writeInputs(t, map[string][]byte{"a.json": recordsFile(evs)})
	c, err := orcstore.OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// Data events on S3 objects whose name is not PutObject, OR management events.
	sels := []orcstore.Selector{
		{FieldSelectors: []orcstore.FieldSelector{
			{Field: "eventCategory", Equals: []string{"Data"}},
			{Field: "resources.type", Equals: []string{"AWS::S3::Object"}},
			{Field: "eventName", NotEquals: []string{"PutObject"}},
		}},
		{FieldSelectors: []orcstore.FieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}}},
	}
	s, err := c.Create("selected", orcstore.CreateOptions{Selectors: sels})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingestDir(t, s, dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ingested != 30 || sum.Filtered != 10 || sum.Rejected != 0 {
		t.Fatalf("ingested %d, filtered %d, rejected %d; want 30, 10, 0", sum.Ingested, sum.Filtered, sum.Rejected)
	}
	for id, row := range readStored(t, s) {
		if strings.Contains(row.JSON, `"PutObject"`) {
			t.Fatalf("%s: an unselected PutObject was stored", id)
		}
	}
}
