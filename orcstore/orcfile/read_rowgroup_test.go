package orcfile

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// readExpectedLines streams an expected-output file line by line.
func readExpectedLines(t *testing.T, path string) *bufio.Scanner {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fh.Close() })
	gz, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	sc.Buffer(nil, 1<<24)
	return sc
}

// TestReadRowGroupSelection reads chosen row groups of example files and
// checks that exactly their rows come out, equal to orc-contents' lines
// for those row numbers: this exercises seeking every stream kind to row
// index positions, compressed and not.
func TestReadRowGroupSelection(t *testing.T) {
	dir := readExamplesDir(t)
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip(err)
	}
	for _, name := range []string{"TestOrcFile.testSeek", "TestOrcFile.columnProjection", "TestOrcFile.testPredicatePushdown", "over1k_bloom", "demo-12-zlib"} {
		t.Run(name, func(t *testing.T) {
			if name == "demo-12-zlib" && testing.Short() {
				t.Skip("large file; run without -short")
			}
			f, err := OpenFile(filepath.Join(dir, name+".orc"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			stride := f.RowIndexStride()
			// Pick a stripe-dependent pattern so that runs start at group 0,
			// in the middle, and span several groups.
			pick := func(stripe, g int) bool { return (g+stripe)%3 != 1 }
			var want []uint64 // file row numbers expected, in order
			for i, st := range f.Stripes() {
				for r := uint64(0); r < st.Rows; r++ {
					if pick(i, int(r)/stride) {
						want = append(want, st.FirstRow+r)
					}
				}
			}
			s, err := f.Scan(ScanOptions{DefaultTimezone: la, BatchSize: 333,
				RowGroups: func(s *Stripe, idx func(int) ([]RowGroup, error)) ([]bool, error) {
					groups, err := idx(1)
					if err != nil {
						return nil, err
					}
					sel := make([]bool, len(groups))
					for g := range sel {
						sel[g] = pick(s.Index, g)
					}
					return sel, nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			sc := readExpectedLines(t, filepath.Join(dir, "expected", name+".jsn.gz"))
			line := uint64(0) // lines consumed from sc
			p := RowPrinter{Location: la}
			k := 0
			var buf []byte
			for {
				rec, err := s.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < int(rec.NumRows()); i++ {
					if k >= len(want) {
						t.Fatalf("more rows than selected (%d)", len(want))
					}
					for line <= want[k] {
						if !sc.Scan() {
							t.Fatalf("expected file ends before row %d", want[k])
						}
						line++
					}
					buf = p.AppendRow(buf[:0], rec, i)
					if string(buf) != sc.Text() {
						t.Fatalf("row %d:\n got %s\nwant %s", want[k], buf, sc.Text())
					}
					k++
				}
				rec.Release()
			}
			if k != len(want) {
				t.Fatalf("read %d rows, selected %d", k, len(want))
			}
		})
	}
}

// TestReadRowGroupStats checks decoded row-group statistics against the
// values of the rows, taken from orc-contents' output.
func TestReadRowGroupStats(t *testing.T) {
	dir := readExamplesDir(t)
	name := "TestOrcFile.testPredicatePushdown"
	f, err := OpenFile(filepath.Join(dir, name+".orc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stride := f.RowIndexStride()
	type mm struct{ min, max int64 }
	var want []mm
	sc := readExpectedLines(t, filepath.Join(dir, "expected", name+".jsn.gz"))
	for r := 0; sc.Scan(); r++ {
		var row struct{ Int1 int64 }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		g := r / stride
		if g == len(want) {
			want = append(want, mm{row.Int1, row.Int1})
		}
		want[g].min = min(want[g].min, row.Int1)
		want[g].max = max(want[g].max, row.Int1)
	}
	st, err := f.ReadStripe(0)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := f.RowIndex(st, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != len(want) {
		t.Fatalf("%d row groups, want %d", len(groups), len(want))
	}
	for g, rg := range groups {
		is := rg.Stats.Int
		if is == nil || is.Min != want[g].min || is.Max != want[g].max {
			t.Errorf("group %d: stats %+v, want %+v", g, is, want[g])
		}
	}
	fs := f.ColumnStatistics()
	if fs[1].Int == nil || fs[1].Int.Min != want[0].min || fs[1].Int.Max != want[len(want)-1].max || fs[1].Count != f.NumRows() {
		t.Errorf("file stats %+v %+v", fs[1], fs[1].Int)
	}
}

// TestReadRowGroupsWhere prunes by row-group statistics: int1 in
// testPredicatePushdown is 300 × row number, so keeping groups whose range
// meets [350000, 650000] must read exactly row groups 1 and 2.
func TestReadRowGroupsWhere(t *testing.T) {
	f, err := OpenFile(filepath.Join(readExamplesDir(t), "TestOrcFile.testPredicatePushdown.orc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keep, err := f.RowGroupsWhere("INT1", func(s Statistics) bool {
		return s.Int != nil && s.Int.Max >= 350000 && s.Int.Min <= 650000
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Scan(ScanOptions{Columns: []string{"int1"}, RowGroups: keep})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []int64
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		col := rec.Column(0).(interface{ Value(int) int32 })
		for i := 0; i < int(rec.NumRows()); i++ {
			got = append(got, int64(col.Value(i)))
		}
		rec.Release()
	}
	if len(got) != 2000 || got[0] != 300000 || got[len(got)-1] != 2999*300 {
		t.Fatalf("read %d rows, %d..%d; want rows 1000..2999 (int1 300000..899700)", len(got), got[0], got[len(got)-1])
	}
	if _, err := f.RowGroupsWhere("nope", nil); err == nil {
		t.Fatal("unknown column: no error")
	}
}
