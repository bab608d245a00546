package jsontable

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// TestSplitScanDedupAndRejectLines cuts one NDJSON file into many parts
// and checks what only input order decides: the first copy of an eventID
// wins even when a later copy sits in another part and is the only one a
// pushed-down predicate keeps, duplicates are counted, and the first
// reject names its line in the whole file, whichever part it is in.
func TestSplitScanDedupAndRejectLines(t *testing.T) {
	defer func(n int64) { splitMinBytes = n }(splitMinBytes)
	g, err := gen.New(gen.Config{Events: 2000, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	var nd bytes.Buffer
	var lines []string
	for {
		b, err := g.Next(nil)
		if err != nil {
			break
		}
		lines = append(lines, string(bytes.TrimSpace(b)))
	}
	// Later copies of the first 50 events, with a source no original has.
	var copies []string
	for _, l := range lines[:50] {
		copies = append(copies, strings.Replace(l, `"eventSource":"`, `"eventSource":"copy.`, 1))
	}
	all := append(append(lines[:1500:1500], copies...), lines[1500:]...)
	rejectLine := len(all) - 10
	all = append(all[:rejectLine-1:rejectLine-1], append([]string{`{"eventName":"no time"}`}, all[rejectLine-1:]...)...)
	for _, l := range all {
		nd.WriteString(l)
		nd.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "x.ndjson")
	if err := os.WriteFile(path, nd.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	copySrc := orcstore.Predicate{Column: "eventSource", Op: orcstore.PredPrefix, Values: []orcstore.Scalar{{Kind: orcstore.ScalarString, Str: "copy."}}}
	for _, split := range []bool{false, true} {
		splitMinBytes = 1 << 40
		if split {
			splitMinBytes = 64 << 10
			if n := len(parts(ingest.Input{Name: path, Path: path}, 2)); n < 8 {
				t.Fatalf("%d parts", n)
			}
		}
		for _, cfg := range []Config{{Workers: 2}, {Workers: 2, NoDedup: true}} {
			// Every event: the copies are duplicates.
			n, s := scanCount(t, path, orcstore.ScanSpec{Columns: []string{"eventID"}}, cfg)
			wantN, wantDups := int64(len(lines)), int64(50)
			if cfg.NoDedup {
				wantN, wantDups = int64(len(lines)+50), 0
			}
			if n != wantN || s.dups != wantDups {
				t.Errorf("split %v %+v: %d rows, %d duplicates; want %d, %d", split, cfg, n, s.dups, wantN, wantDups)
			}
			if want := fmt.Sprintf("x.ndjson:%d", rejectLine); !strings.Contains(s.firstReject, want) || s.rejected != 1 {
				t.Errorf("split %v: %d rejects, first %q, want line %s", split, s.rejected, s.firstReject, want)
			}
			// Only the copies match: with dedup the store holds the
			// originals, so nothing is returned.
			n, _ = scanCount(t, path, orcstore.ScanSpec{Columns: []string{"eventID", "eventSource"}, Prune: []orcstore.Predicate{copySrc}}, cfg)
			if want := map[bool]int64{false: 0, true: 50}[cfg.NoDedup]; n != want {
				t.Errorf("split %v %+v: %d rows from copy., want %d", split, cfg, n, want)
			}
		}
	}
}

type scanFigures struct {
	dups, rejected int64
	firstReject    string
}

func scanCount(t *testing.T, path string, spec orcstore.ScanSpec, cfg Config) (int64, scanFigures) {
	t.Helper()
	s, err := New(context.Background(), &planner.Scan{Table: "raw", JSON: []string{path}, Spec: spec}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int64
	for {
		b, err := s.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b.Rec == nil {
			break
		}
		rows := int64(len(b.Sel))
		if b.Sel == nil {
			rows = b.Rec.NumRows()
		}
		n += rows
	}
	return n, scanFigures{dups: s.Duplicates(), rejected: s.Rejected(), firstReject: s.FirstReject()}
}
