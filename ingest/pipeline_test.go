package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// testEventJSON is a small valid event; id makes eventID and requestID
// unique, minute spreads eventTime.
func testEventJSON(id, minute int) string {
	return fmt.Sprintf(`{"eventVersion":"1.08","eventTime":"2024-05-01T10:%02d:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"ev-%04d","requestParameters":{"bucketName":"b%d"}}`, minute%60, id, id)
}

// recordsFile is a {"Records":[...]} file with one event per line, so that
// event i (0-based) starts on line i+2.
func recordsFile(events []string) []byte {
	return []byte("{\"Records\":[\n" + strings.Join(events, ",\n") + "\n]}\n")
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newTestStore makes an empty store in a temporary data directory.
func newTestStore(t *testing.T) *orcstore.Store {
	t.Helper()
	c, err := orcstore.OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Create("pipeline-test", orcstore.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeInputs writes files into a fresh folder and returns it.
func writeInputs(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func ingestDir(t *testing.T, s *orcstore.Store, dir string, cfg Config) (Summary, error) {
	t.Helper()
	inputs, errs := Discover([]string{dir}, DiscoverOptions{})
	if len(errs) > 0 {
		t.Fatalf("discover: %v", errs)
	}
	cfg.Store = s
	return Ingest(context.Background(), cfg, inputs)
}

// storedRow is what the tests read back of each stored event.
type storedRow struct {
	ID, JSON string
	Time     int64
}

// readStored reads the committed files with orcfile, keyed by eventID.
func readStored(t *testing.T, s *orcstore.Store) map[string]storedRow {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]storedRow{}
	for _, fe := range m.Files {
		f, err := orcfile.OpenFile(s.FilePath(fe.Path))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := f.Scan(orcfile.ScanOptions{Columns: []string{"eventTime", "eventID", "eventJson"}, PlainStrings: true})
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			ts, ids, js := rec.Column(0).(*array.Timestamp), rec.Column(1).(*array.String), rec.Column(2).(*array.String)
			for i := 0; i < int(rec.NumRows()); i++ {
				r := storedRow{ID: ids.Value(i), JSON: js.Value(i), Time: int64(ts.Value(i))}
				if _, dup := out[r.ID]; dup {
					t.Errorf("eventID %s stored twice", r.ID)
				}
				out[r.ID] = r
			}
			rec.Release()
		}
		sc.Close()
		f.Close()
	}
	return out
}

type rejectRecord struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Offset    int64  `json:"offset"`
	Reason    string `json:"reason"`
	Raw       string `json:"raw"`
	RawBase64 string `json:"rawBase64"`
}

// readRejects reads every committed reject file of s.
func readRejects(t *testing.T, s *orcstore.Store) []rejectRecord {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var out []rejectRecord
	for _, rf := range m.Rejects {
		f, err := os.Open(s.FilePath(rf.Path))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 64<<20)
		n := 0
		for sc.Scan() {
			var r rejectRecord
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", rf.Path, err)
			}
			out = append(out, r)
			n++
		}
		f.Close()
		if int64(n) != rf.Count {
			t.Errorf("%s: %d lines, manifest count %d", rf.Path, n, rf.Count)
		}
	}
	return out
}

func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("stored eventJson is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("source event is not JSON: %v", err)
	}
	return reflect.DeepEqual(x, y)
}

func idsOf(m map[string]storedRow) []string {
	var ids []string
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func TestTruncatedGzipKeepsEventsBeforeTheDamage(t *testing.T) {
	var evs []string
	for i := 0; i < 2000; i++ {
		evs = append(evs, testEventJSON(i, i))
	}
	full := gzipBytes(t, recordsFile(evs))
	good := gzipBytes(t, recordsFile([]string{testEventJSON(5000, 1), testEventJSON(5001, 2)}))
	dir := writeInputs(t, map[string][]byte{"a-cut.json.gz": full[:len(full)/2], "b-good.json.gz": good})
	s := newTestStore(t)
	sum, err := ingestDir(t, s, dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.InputErrors) != 1 {
		t.Fatalf("input errors %v", sum.InputErrors)
	}
	msg := sum.InputErrors[0].Error()
	if !strings.Contains(msg, "a-cut.json.gz") || !strings.Contains(msg, "offset") {
		t.Errorf("message %q should name the file and the offset", msg)
	}
	stored := readStored(t, s)
	if _, ok := stored["ev-5000"]; !ok {
		t.Error("the intact file after the damaged one was not stored")
	}
	// The events before the damage are kept: ev-0000 .. ev-(k-1), a prefix.
	k := len(stored) - 2
	if k <= 0 || k >= len(evs) {
		t.Fatalf("%d events of the cut file stored, want a proper prefix of %d", k, len(evs))
	}
	for i := 0; i < k; i++ {
		id := fmt.Sprintf("ev-%04d", i)
		if r, ok := stored[id]; !ok || !sameJSON(t, r.JSON, evs[i]) {
			t.Fatalf("%s missing or changed: the stored events are not the prefix before the damage", id)
		}
	}
}

func TestBrokenJSONInsideRecordsIsRejectedWithPosition(t *testing.T) {
	evs := []string{testEventJSON(1, 1), testEventJSON(2, 2), testEventJSON(3, 3), testEventJSON(4, 4), testEventJSON(5, 5)}
	broken := `{"eventVersion":"1.08" "eventTime":"2024-05-01T10:09:00Z","eventID":"ev-0003"}`
	evs[2] = broken // line 4 of the file
	dir := writeInputs(t, map[string][]byte{"broken.json": recordsFile(evs)})
	s := newTestStore(t)
	sum, err := ingestDir(t, s, dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejected != 1 || len(sum.InputErrors) != 0 {
		t.Fatalf("summary %+v", sum)
	}
	if got := idsOf(readStored(t, s)); !reflect.DeepEqual(got, []string{"ev-0001", "ev-0002", "ev-0004", "ev-0005"}) {
		t.Errorf("stored %v", got)
	}
	rj := readRejects(t, s)
	if len(rj) != 1 {
		t.Fatalf("rejects %+v", rj)
	}
	r := rj[0]
	if !strings.HasSuffix(r.File, "broken.json") || r.Line != 4 || !strings.Contains(r.Reason, "invalid JSON") || !strings.HasPrefix(broken, r.Raw) || !strings.Contains(r.Raw, `"eventVersion"`) {
		// The framer keeps the event's text up to the damage (where it
		// stops reading that event), not what follows it.
		t.Errorf("reject %+v: want file broken.json, line 4, an invalid JSON reason and the raw text up to the damage", r)
	}
}

func TestOneMegabyteEventIsStoredWhole(t *testing.T) {
	big := fmt.Sprintf(`{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","eventID":"ev-big","requestParameters":{"policy":%q,"n":[1,2.50,"x"]}}`, strings.Repeat("abc\"\\é", 1<<20/7))
	if len(big) < 1<<20 {
		t.Fatalf("event is %d bytes", len(big))
	}
	dir := writeInputs(t, map[string][]byte{"big.json": recordsFile([]string{testEventJSON(1, 1), big, testEventJSON(2, 2)})})
	s := newTestStore(t)
	if _, err := ingestDir(t, s, dir, Config{}); err != nil {
		t.Fatal(err)
	}
	stored := readStored(t, s)
	if len(stored) != 3 {
		t.Fatalf("stored %v", idsOf(stored))
	}
	if !sameJSON(t, stored["ev-big"].JSON, big) {
		t.Error("the 1 MB event's eventJson differs from its source")
	}
}

func TestInvalidUTF8IsRejectedWithRawBytes(t *testing.T) {
	bad := `{"eventTime":"2024-05-01T10:00:00Z","eventID":"ev-bad","userAgent":"caf` + "\xe9\xff" + `"}`
	ndjson := testEventJSON(1, 1) + "\n" + bad + "\n" + testEventJSON(2, 2) + "\n"
	dir := writeInputs(t, map[string][]byte{"utf8.ndjson": []byte(ndjson)})
	s := newTestStore(t)
	if _, err := ingestDir(t, s, dir, Config{}); err != nil {
		t.Fatal(err)
	}
	if got := idsOf(readStored(t, s)); !reflect.DeepEqual(got, []string{"ev-0001", "ev-0002"}) {
		t.Errorf("stored %v", got)
	}
	rj := readRejects(t, s)
	if len(rj) != 1 {
		t.Fatalf("rejects %+v", rj)
	}
	raw, err := base64.StdEncoding.DecodeString(rj[0].RawBase64)
	if err != nil || string(raw) != bad || rj[0].Raw != "" {
		t.Errorf("raw not kept byte for byte: %q (%v)", raw, err)
	}
	if !strings.HasSuffix(rj[0].File, "utf8.ndjson") || rj[0].Line != 2 || !strings.Contains(rj[0].Reason, "UTF-8") {
		t.Errorf("reject %+v", rj[0])
	}
}

func TestEventTimeProblemsAndFallback(t *testing.T) {
	lines := []string{
		testEventJSON(1, 1),
		`{"eventID":"ev-missing","@timestamp":"2024-05-02T08:00:00.000Z"}`,
		`{"eventID":"ev-garbled","eventTime":"yesterday","@timestamp":"2024-05-02T09:00:00Z"}`,
		`{"eventID":"ev-null","eventTime":null}`,
	}
	dir := writeInputs(t, map[string][]byte{"times.ndjson": []byte(strings.Join(lines, "\n") + "\n")})

	s := newTestStore(t)
	if _, err := ingestDir(t, s, dir, Config{}); err != nil {
		t.Fatal(err)
	}
	if got := idsOf(readStored(t, s)); !reflect.DeepEqual(got, []string{"ev-0001"}) {
		t.Errorf("without a fallback stored %v", got)
	}
	rj := readRejects(t, s)
	if len(rj) != 3 {
		t.Fatalf("rejects %+v", rj)
	}
	for i, r := range rj {
		if r.Line != i+2 || !strings.Contains(r.Reason, "eventTime") || !strings.HasSuffix(r.File, "times.ndjson") {
			t.Errorf("reject %+v: want line %d and a reason naming eventTime", r, i+2)
		}
	}

	s2 := newTestStore(t)
	if _, err := ingestDir(t, s2, dir, Config{Decode: Options{TimeField: "@timestamp"}}); err != nil {
		t.Fatal(err)
	}
	stored := readStored(t, s2)
	if got := idsOf(stored); !reflect.DeepEqual(got, []string{"ev-0001", "ev-garbled", "ev-missing"}) {
		t.Errorf("with --time-field @timestamp stored %v", got)
	}
	if want := time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC).UnixNano(); stored["ev-garbled"].Time != want {
		t.Errorf("fallback eventTime %v", time.Unix(0, stored["ev-garbled"].Time).UTC())
	}
	if len(readRejects(t, s2)) != 1 {
		t.Error("the event with neither time should still be rejected")
	}
}

func TestUnreadableInputIsReportedAndSkipped(t *testing.T) {
	dir := writeInputs(t, map[string][]byte{"ok.json": recordsFile([]string{testEventJSON(1, 1)})})
	// A dangling symlink fails to open even for root, for whom chmod 000
	// does not block reads.
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "dead.json")); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		p := filepath.Join(dir, "secret.json")
		os.WriteFile(p, recordsFile([]string{testEventJSON(2, 2)}), 0o000)
	}
	s := newTestStore(t)
	sum, err := ingestDir(t, s, dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.InputErrors) == 0 || !strings.Contains(sum.InputErrors[0].Error(), "dead.json") {
		t.Errorf("input errors %v should name dead.json", sum.InputErrors)
	}
	if got := idsOf(readStored(t, s)); !reflect.DeepEqual(got, []string{"ev-0001"}) {
		t.Errorf("stored %v", got)
	}
}

// TestStrictLeavesStoreUnchanged: with Strict any reject or unreadable
// input fails the ingest and the store stays byte for byte as it was, even
// when the batches before the problem were large enough to be flushed.
func TestStrictLeavesStoreUnchanged(t *testing.T) {
	s := newTestStore(t)
	seed := writeInputs(t, map[string][]byte{"seed.json": recordsFile([]string{testEventJSON(9000, 1)})})
	if _, err := ingestDir(t, s, seed, Config{}); err != nil {
		t.Fatal(err)
	}
	var evs []string
	for i := 0; i < 3000; i++ {
		evs = append(evs, testEventJSON(i, i))
	}
	cases := map[string]map[string][]byte{
		"reject":    {"a.json": recordsFile(evs), "b.ndjson": []byte(`{"eventID":"x"}` + "\n")},
		"truncated": {"a.json": recordsFile(evs), "b.json.gz": gzipBytes(t, recordsFile(evs))[:100]},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeInputs(t, files)
			before, beforeFiles := snapshotBytes(t, s)
			_, err := ingestDir(t, s, dir, Config{Strict: true, MemoryLimit: 64 << 10})
			if err == nil || !strings.Contains(err.Error(), "strict") {
				t.Fatalf("strict ingest: %v", err)
			}
			// The next writer's cleanup must not be needed to hide anything:
			// compare before any Begin.
			after, afterFiles := snapshotBytes(t, s)
			if before != after || !reflect.DeepEqual(beforeFiles, afterFiles) {
				t.Errorf("store changed:\nmanifest %s\n-> %s\nfiles %v\n-> %v", before, after, beforeFiles, afterFiles)
			}
		})
	}
}

// snapshotBytes is the manifest text and every file under the store folder
// except the lock.
func snapshotBytes(t *testing.T, s *orcstore.Store) (string, []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	filepath.WalkDir(s.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != "writer.lock" {
			st, _ := d.Info()
			rel, _ := filepath.Rel(s.Dir, p)
			files = append(files, fmt.Sprintf("%s %d", rel, st.Size()))
		}
		return nil
	})
	sort.Strings(files)
	return string(b), files
}

// TestDedupFirstOccurrenceAcrossDays: within one file, the first copy of an
// eventID wins even when the copies carry different days (Panther's test
// events reuse eventID "1" across years). Eight days make a map-order walk
// pick the wrong copy almost surely.
func TestDedupFirstOccurrenceAcrossDays(t *testing.T) {
	var lines []string
	for d := 8; d >= 1; d-- {
		lines = append(lines, fmt.Sprintf(`{"eventTime":"2024-05-%02dT10:00:00Z","eventID":"same","copy":%d}`, d, 9-d))
	}
	dir := writeInputs(t, map[string][]byte{"dups.ndjson": []byte(strings.Join(lines, "\n"))})
	for run := 0; run < 5; run++ {
		s := newTestStore(t)
		sum, err := ingestDir(t, s, dir, Config{})
		if err != nil {
			t.Fatal(err)
		}
		stored := readStored(t, s)
		if len(stored) != 1 || sum.Duplicates != 7 || !sameJSON(t, stored["same"].JSON, lines[0]) {
			t.Fatalf("run %d: stored %v with %d duplicates; want only the first line's copy", run, stored, sum.Duplicates)
		}
	}
}

// TestLargeInputIsMergedInParts: a big input goes to the merge in parts
// (partialEvents), with dedup still in input order across the parts, many
// small inputs share a batch, and a small MemoryLimit makes the flusher
// write and commit many batches while decoding goes on.
func TestLargeInputIsMergedInParts(t *testing.T) {
	defer func(n int) { partialEvents = n }(partialEvents)
	partialEvents = 100
	var lines []string
	want := map[string]string{}
	for i := 0; i < 1500; i++ {
		id := i % 1000 // the last 500 repeat earlier IDs, on other days
		ev := fmt.Sprintf(`{"eventTime":"2024-05-%02dT10:%02d:00Z","eventID":"ev-%04d","copy":%d}`, 1+i%5, i%60, id, i)
		if _, ok := want[fmt.Sprintf("ev-%04d", id)]; !ok {
			want[fmt.Sprintf("ev-%04d", id)] = ev
		}
		lines = append(lines, ev)
	}
	files := map[string][]byte{"big.ndjson": []byte(strings.Join(lines, "\n"))}
	for i := 0; i < 50; i++ {
		files[fmt.Sprintf("small/%02d.json", i)] = recordsFile([]string{testEventJSON(5000+i, i)})
		want[fmt.Sprintf("ev-%04d", 5000+i)] = testEventJSON(5000+i, i)
	}
	dir := writeInputs(t, files)
	s := newTestStore(t)
	sum, err := ingestDir(t, s, dir, Config{MemoryLimit: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	stored := readStored(t, s)
	if len(stored) != len(want) || sum.Duplicates != 500 || sum.InputsDone != 51 {
		t.Fatalf("stored %d, want %d; %d duplicates; %d inputs done", len(stored), len(want), sum.Duplicates, sum.InputsDone)
	}
	for id, src := range want {
		if !sameJSON(t, stored[id].JSON, src) {
			t.Fatalf("%s: stored %s, want the first copy %s", id, stored[id].JSON, src)
		}
	}
	m, _ := s.Snapshot()
	if m.Version < 3 || m.Totals.Ingested != int64(len(want)) {
		t.Errorf("manifest version %d (want several commits), ingested total %d", m.Version, m.Totals.Ingested)
	}
}
