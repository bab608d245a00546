package jsontable

import (
	"bytes"
	"context"
	"reflect"
	"sort"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
)

// TestParts checks that a large NDJSON file is cut into ranges that cover
// it exactly, each starting at an event's line, and that other shapes
// stay whole.
func TestParts(t *testing.T) {
	defer func(n int64) { splitMinBytes = n }(splitMinBytes)
	splitMinBytes = 4 << 10
	dir := t.TempDir()
	g, err := gen.New(gen.Config{Events: 300, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	var nd bytes.Buffer
	for {
		b, err := g.Next(nil)
		if err != nil {
			break
		}
		nd.Write(bytes.TrimSpace(b))
		nd.WriteByte('\n')
	}
	write := func(name, text string) ingest.Input {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return ingest.Input{Name: p, Path: p}
	}
	in := write("a.ndjson", nd.String())
	ps := parts(in, 2)
	if len(ps) < 4 {
		t.Fatalf("%d parts of a %d-byte NDJSON file", len(ps), nd.Len())
	}
	var got bytes.Buffer
	for i, p := range ps {
		rc, err := p.open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		if !strings.HasPrefix(b.String(), "{") || (i > 0 && nd.Bytes()[p.off-1] != '\n') {
			t.Fatalf("part %d at %d does not start an event line: %.40q", i, p.off, b.String())
		}
		got.Write(b.Bytes())
	}
	if got.String() != nd.String() {
		t.Fatalf("the parts hold %d bytes, the file %d", got.Len(), nd.Len())
	}
	lines := strings.Split(strings.TrimSpace(nd.String()), "\n")
	pretty := "{\n" + strings.Repeat(`  "k": {"a": 1},`+"\n", 400) + `  "eventTime": "2024-05-01T00:00:00Z"` + "\n}\n"
	for name, text := range map[string]string{
		"records.json": `{"Records":[` + strings.Join(lines, ",\n") + "]}\n",
		"pretty.json":  strings.Repeat(pretty, 4),
		"small.ndjson": lines[0] + "\n",
		"bom.ndjson":   "\xef\xbb\xbf" + nd.String(),
	} {
		if ps := parts(write(name, text), 2); len(ps) != 1 || ps[0].end >= 0 {
			t.Errorf("%s: cut into %d parts", name, len(ps))
		}
	}
}

// TestSplitScanEqualsWhole reads one NDJSON file (with a few events to
// reject) cut into parts and whole: the same rows, the same rejects.
func TestSplitScanEqualsWhole(t *testing.T) {
	defer func(n int64) { splitMinBytes = n }(splitMinBytes)
	g, err := gen.New(gen.Config{Events: 3000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var nd bytes.Buffer
	for i := 0; ; i++ {
		b, err := g.Next(nil)
		if err != nil {
			break
		}
		nd.Write(bytes.TrimSpace(b))
		nd.WriteByte('\n')
		if i%500 == 7 {
			nd.WriteString(`{"eventName":"no time"}` + "\n" + `{"broken": ` + "\n")
		}
	}
	path := filepath.Join(t.TempDir(), "x.ndjson")
	if err := os.WriteFile(path, nd.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := orcstore.TimeRange{Min: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC).UnixNano(), HasMin: true}
	specs := []orcstore.ScanSpec{
		{Columns: []string{"eventID", "eventSource"}},
		{Columns: []string{"eventID", "eventTime"}, Time: tr},
		{Columns: []string{"eventID", "eventSource"}, Prune: []orcstore.Predicate{{Column: "eventSource", Op: orcstore.PredEq, Values: []orcstore.Scalar{{Kind: orcstore.ScalarString, Str: "s3.amazonaws.com"}}}}},
	}
	run := func(spec orcstore.ScanSpec) ([]string, int64) {
		s, err := New(context.Background(), &planner.Scan{Table: "raw", JSON: []string{path}, Spec: spec}, Config{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var ids []string
		for {
			b, err := s.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if b.Rec == nil {
				break
			}
			col := b.Rec.Column(b.Rec.Schema().FieldIndices("eventID")[0]).(*array.String)
			for i := 0; i < col.Len(); i++ {
				ids = append(ids, col.Value(i))
			}
		}
		sort.Strings(ids)
		return ids, s.Rejected()
	}
	for _, spec := range specs {
		splitMinBytes = 1 << 40
		want, wantRej := run(spec)
		splitMinBytes = 8 << 10
		got, gotRej := run(spec)
		if len(want) == 0 || !reflect.DeepEqual(got, want) || gotRej != wantRej || wantRej != 12 {
			t.Errorf("%+v: split %d rows, %d rejects; whole %d rows, %d rejects", spec, len(got), gotRej, len(want), wantRej)
		}
	}
}
