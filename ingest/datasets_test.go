package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
)

// datasetsDir holds the real CloudTrail data sets (read-only, outside the
// repository: ../shared/datasets from the repository root).
const datasetsDir = "../../shared/datasets"

// documentedRejects is how many events of each data set cannot be stored,
// as RULES.md explains: Panther's test events include 13 without eventTime
// and two whose eventTime is "redacted" / "...".
var documentedRejects = map[string]int{"panther-cloudtrail-tests": 15}

// TestDatasets decodes every data set file and checks (1) the per
// (eventSource, eventName) counts against the folder's ground truth minus
// the documented rejections, (2) that every event's eventJson (or, for a
// rejected one, its raw text) is semantically equal to the source event, as
// an independent encoding/json split of the file gives it.
func TestDatasets(t *testing.T) {
	dirs, err := os.ReadDir(datasetsDir)
	if err != nil {
		t.Skipf("data sets not available (%v): they live in ../shared/datasets next to the repository", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		t.Run(d.Name(), func(t *testing.T) { checkDataset(t, filepath.Join(datasetsDir, d.Name()), d.Name()) })
	}
}

func checkDataset(t *testing.T, dir, name string) {
	inputs, errs := Discover([]string{dir}, DiscoverOptions{})
	if len(errs) > 0 || len(inputs) == 0 {
		t.Fatalf("discover: %d inputs, errors %v", len(inputs), errs)
	}
	got := map[[2]string]int{}
	rejected := map[[2]string]int{}
	nrej := 0
	dec := NewDecoder(Options{TimeField: "@timestamp"}) // OTRF's events only have @timestamp
	for _, in := range inputs {
		data, err := os.ReadFile(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		src := splitIndependently(t, data)
		b := NewBuilder()
		var seq [][]byte // eventJson of stored events, raw text of rejected ones, in order
		var stored []bool
		fr := NewFramer(bytes.NewReader(data), in.Name)
		for {
			raw, err := fr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", in.Name, err)
			}
			ev, err := dec.Parse(raw.Data)
			if err != nil {
				if !strings.Contains(err.Error(), "eventTime") {
					t.Errorf("%s:%d: unexpected rejection: %v", in.Name, raw.Line, err)
				}
				var m map[string]any
				if json.Unmarshal(raw.Data, &m) == nil {
					es, _ := m["eventSource"].(string)
					en, _ := m["eventName"].(string)
					rejected[[2]string{es, en}]++
				}
				nrej++
				seq, stored = append(seq, bytes.Clone(raw.Data)), append(stored, false)
				continue
			}
			b.Append(ev)
			seq, stored = append(seq, nil), append(stored, true)
		}
		rec := b.NewRecord()
		cols := map[string]*array.String{}
		for _, c := range []string{"eventSource", "eventName", "eventJson"} {
			cols[c] = rec.Column(rec.Schema().FieldIndices(c)[0]).(*array.String)
		}
		row := 0
		for i := range seq {
			if stored[i] {
				seq[i] = []byte(cols["eventJson"].Value(row))
				got[[2]string{cols["eventSource"].Value(row), cols["eventName"].Value(row)}]++
				row++
			}
		}
		rec.Release()
		b.Release()
		// The same file gzipped must frame to the same events.
		if gzRes := frameAll(t, bytes.NewReader(gz(t, string(data))), 0); len(gzRes.events)+len(gzRes.rejects) != len(seq) || gzRes.err != io.EOF {
			t.Errorf("%s gzipped: %d events, %d rejects, %v; plain: %d", in.Name, len(gzRes.events), len(gzRes.rejects), gzRes.err, len(seq))
		}
		if len(seq) != len(src) {
			t.Fatalf("%s: %d events framed, encoding/json finds %d", in.Name, len(seq), len(src))
		}
		for i := range seq {
			if !reflect.DeepEqual(unmarshalNumber(t, seq[i]), unmarshalNumber(t, src[i])) {
				t.Fatalf("%s: event %d: eventJson differs from the source event\n got %s\nwant %s", in.Name, i, seq[i], src[i])
			}
		}
	}
	if nrej != documentedRejects[name] {
		t.Errorf("%d events rejected, RULES.md documents %d", nrej, documentedRejects[name])
	}
	want := readCounts(t, filepath.Join(dir, "expected_eventsource_eventname_counts.tsv"))
	for k, n := range rejected {
		want[k] -= n
		if want[k] == 0 {
			delete(want, k)
		}
	}
	equalCounts(t, got, want)
}

// splitIndependently splits a file into its events with encoding/json:
// {"Records":[...]}, a top-level array, or a stream of objects (NDJSON).
func splitIndependently(t *testing.T, data []byte) []json.RawMessage {
	var wrapper struct{ Records []json.RawMessage }
	if json.Unmarshal(data, &wrapper) == nil && wrapper.Records != nil {
		return wrapper.Records
	}
	var arr []json.RawMessage
	if json.Unmarshal(data, &arr) == nil {
		return arr
	}
	var out []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var m json.RawMessage
		if err := dec.Decode(&m); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("encoding/json cannot split the file: %v", err)
		}
		out = append(out, m)
	}
}

func unmarshalNumber(t *testing.T, b []byte) any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return v
}

func readCounts(t *testing.T, path string) map[[2]string]int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[[2]string]int{}
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		p := strings.Split(sc.Text(), "\t")
		if first || len(p) != 3 {
			continue
		}
		n, err := strconv.Atoi(p[2])
		if err != nil {
			t.Fatal(errors.New("bad count line: " + sc.Text()))
		}
		out[[2]string{p[0], p[1]}] += n
	}
	return out
}
