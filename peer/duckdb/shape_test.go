package duckpeer

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func gz(t *testing.T, members ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, m := range members {
		zw := gzip.NewWriter(&b)
		if _, err := zw.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

const (
	ev1 = `{"eventTime":"2024-01-01T00:00:00Z","eventName":"A","eventSource":"s"}`
	ev2 = `{"eventTime":"2024-01-01T00:00:01Z","eventName":"B","eventSource":"s"}`
)

// shapeCases are files of every framing; rows is how many events each
// holds (-1: detection fails). They are checked both by detect and by a
// load of the file on its own.
var shapeCases = []struct {
	name  string
	data  func(t *testing.T) []byte
	shape Shape
	gzip  bool
	rows  int64
}{
	{"records.json", text(`{"Records":[` + ev1 + `,` + ev2 + `]}`), Records, false, 2},
	{"records-pretty.json", text("{\n  \"Records\": [\n    " + ev1 + ",\n    " + ev2 + "\n  ]\n}\n"), Records, false, 2},
	{"records-not-first.json", text(`{"meta":{"Records":1},"Records":[` + ev1 + `]}`), Records, false, 1},
	{"records-empty.json", text(`{"Records":[]}`), Records, false, 0},
	{"records.json.gz", func(t *testing.T) []byte { return gz(t, `{"Records":[`+ev1+`,`+ev2+`]}`) }, Records, true, 2},
	{"records-gzip-no-ext.json", func(t *testing.T) []byte { return gz(t, `{"Records":[`+ev1+`]}`) }, Records, true, 1},
	{"events.ndjson", text(ev1 + "\n" + ev2 + "\n"), NDJSON, false, 2},
	{"nested-records-key.ndjson", text(`{"eventTime":"2024-01-01T00:00:00Z","x":{"Records":[]}}` + "\n" + ev2), NDJSON, false, 2},
	{"crlf.ndjson", text(ev1 + "\r\n" + ev2 + "\r\n"), NDJSON, false, 2},
	{"bom.ndjson", text("\ufeff" + ev1 + "\n" + ev2 + "\n"), Empty, false, -1}, // DuckDB refuses BOMs
	{"multi-member.ndjson.gz", func(t *testing.T) []byte { return gz(t, ev1+"\n", ev2+"\n") }, NDJSON, true, 2},
	{"pretty.json", text("{\n \"eventTime\": \"2024-01-01T00:00:00Z\",\n \"eventName\": \"A\"\n}\n" + ev2), Objects, false, 2},
	{"array.json", text("\n [" + ev1 + ",\n" + ev2 + "]"), Array, false, 2},
	{"array-empty.json", text("[]"), Array, false, 0},
	{"empty.json", text(" \n\t"), Empty, false, 0},
	{"not-json.json", text("hello"), Empty, false, -1},
	{"truncated.json", text(`{"eventName":`), Empty, false, -1},
}

func text(s string) func(*testing.T) []byte { return func(*testing.T) []byte { return []byte(s) } }

func TestDetectAndLoadShapes(t *testing.T) {
	dir := t.TempDir()
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i, c := range shapeCases {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data(t), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := detect(path)
		if c.rows < 0 {
			if err == nil {
				t.Errorf("%s: detected %v, want an error", c.name, got.shape)
			}
			continue
		}
		if err != nil || got.shape != c.shape || got.gzip != c.gzip {
			t.Errorf("%s: detect = %v gzip=%v err=%v, want %v gzip=%v", c.name, got.shape, got.gzip, err, c.shape, c.gzip)
			continue
		}
		n, err := p.LoadJSON(context.Background(), "t"+string(rune('a'+i)), []string{path})
		if err != nil || n != c.rows {
			t.Errorf("%s: loaded %d rows (err %v), want %d", c.name, n, err, c.rows)
		}
	}
}

// TestLoadMixedShapes loads every loadable case at once: one statement per
// (shape, compression) group, all rows kept.
func TestLoadMixedShapes(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var want int64
	for _, c := range shapeCases {
		if c.rows < 0 {
			continue
		}
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data(t), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
		want += c.rows
	}
	p, err := OpenWith(Options{KeepUntimed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	src, err := p.SourceSQL(paths)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(src, "read_json("); n != 6 { // records, records+gzip, ndjson, ndjson+gzip, objects, array
		t.Errorf("%d read_json calls, want one per (shape, gzip) group:\n%s", n, src)
	}
	n, err := p.LoadJSON(context.Background(), "events", paths)
	if err != nil || n != want {
		t.Errorf("loaded %d rows (err %v), want %d", n, err, want)
	}
}

func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.json.gz", "a.json", ".hidden.json", "notes.txt", "sub/c.ndjson", "sub/d.jsonl",
		"CloudTrail-Digest/x.json.gz", ".git/y.json"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ExpandPaths([]string{dir, filepath.Join(dir, "notes.txt")})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, g := range got {
		r, _ := filepath.Rel(dir, g)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"a.json", "b.json.gz", "sub/c.ndjson", "sub/d.jsonl", "notes.txt"}
	if !reflect.DeepEqual(rel, want) {
		t.Errorf("got %v, want %v", rel, want)
	}
	if _, err := ExpandPaths([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing path: no error")
	}
}

// TestLoadLargeRecordsFile checks that a Records file bigger than DuckDB's
// default 16 MB object limit loads: LoadJSON raises the limit from the
// file's uncompressed size, read from the gzip trailer.
func TestLoadLargeRecordsFile(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	pad := strings.Repeat("x", 8000)
	const n = 2200 // ~17.8 MB uncompressed
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"eventTime":"2024-01-01T00:00:00Z","eventName":"E","requestParameters":{"pad":"` + pad + `"}}`)
	}
	b.WriteString(`]}`)
	if b.Len() <= 16<<20 {
		t.Fatalf("fixture is only %d bytes", b.Len())
	}
	path := filepath.Join(t.TempDir(), "big.json.gz")
	if err := os.WriteFile(path, gz(t, b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got, err := p.LoadJSON(context.Background(), "events", []string{path})
	if err != nil || got != n {
		t.Errorf("loaded %d rows (err %v), want %d", got, err, n)
	}
}
