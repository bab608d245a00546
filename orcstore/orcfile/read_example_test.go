package orcfile

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// readExamplesDir finds the Apache ORC example files that the scritchley/orc
// module ships, with orc-contents' output for most of them in expected/.
func readExamplesDir(t testing.TB) string {
	t.Helper()
	readExamplesOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/scritchley/orc").Output()
		if err != nil {
			readExamplesErr = err
			return
		}
		readExamples = filepath.Join(strings.TrimSpace(string(out)), "examples")
	})
	if readExamplesErr != nil {
		t.Skipf("cannot locate github.com/scritchley/orc: %v", readExamplesErr)
	}
	return readExamples
}

var (
	readExamplesOnce sync.Once
	readExamples     string
	readExamplesErr  error
)

// readExampleSkips are example files whose expected output we cannot match,
// and why.
var readExampleSkips = map[string]string{
	"TestVectorOrcFile.testLzo": "LZO compression is not supported (no maintained pure-Go decoder)",
	"TestOrcFile.testTimestamp": "the root type is a bare timestamp; ColumnsFromTypes accepts only struct roots",
	"orc-file-11-format":        "expected output comes from the Java tool (keys sorted, no spaces): TestReadHive11Format compares values",
}

// TestReadExampleFiles reads every example file that has an expected output
// and compares our rows, printed like orc-contents, line by line. The
// expected files were made in the America/Los_Angeles zone: timestamps are
// shown there and files without a writer zone were written there.
func TestReadExampleFiles(t *testing.T) {
	dir := readExamplesDir(t)
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	exp, _ := filepath.Glob(filepath.Join(dir, "expected", "*.jsn.gz"))
	if len(exp) == 0 {
		t.Fatal("no expected files found")
	}
	// The ORC 0.11 demo files (RLE v1, 385 stripes) hold the same rows as
	// demo-12-zlib, whose output is the oracle for all three.
	exp = append(exp, filepath.Join(dir, "expected", "demo-11-zlib.jsn.gz"), filepath.Join(dir, "expected", "demo-11-none.jsn.gz"))
	for _, e := range exp {
		base := strings.TrimSuffix(filepath.Base(e), ".jsn.gz")
		t.Run(base, func(t *testing.T) {
			if why, ok := readExampleSkips[base]; ok {
				t.Skip(why)
			}
			if strings.HasPrefix(base, "demo-") && os.Getenv("ORCFILE_LARGE") == "" {
				t.Skip("1.9M rows; set ORCFILE_LARGE=1 to compare")
			}
			if testing.Short() && base == "TestOrcFile.testSeek" {
				t.Skip("large file; run without -short")
			}
			orcPath := filepath.Join(dir, base+".orc")
			if _, err := os.Stat(orcPath); err != nil {
				t.Skipf("no ORC file for %s", base)
			}
			if strings.HasPrefix(base, "demo-11-") {
				e = filepath.Join(dir, "expected", "demo-12-zlib.jsn.gz")
			}
			readCompareExpected(t, orcPath, e, la)
		})
	}
}

func readCompareExpected(t *testing.T, orcPath, expPath string, loc *time.Location) {
	fh, err := os.Open(expPath)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	sc.Buffer(nil, 1<<24)
	f, err := OpenFile(orcPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := f.Scan(ScanOptions{DefaultTimezone: loc, BatchSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := RowPrinter{Location: loc}
	line := 0
	var buf []byte
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after %d rows: %v", line, err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			line++
			buf = p.AppendRow(buf[:0], rec, i)
			if !sc.Scan() {
				rec.Release()
				t.Fatalf("line %d: expected output ended; we have %s", line, buf)
			}
			want := sc.Text()
			// Arrow unions have no nulls of their own: a null union reads
			// as tag 0 with a null value.
			want = strings.ReplaceAll(want, `"union": null`, `"union": {"tag": 0, "value": null}`)
			if string(buf) != want {
				rec.Release()
				t.Fatalf("line %d:\n got %s\nwant %s", line, buf, want)
			}
		}
		rec.Release()
	}
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		t.Fatalf("we produced %d rows; expected has more: %s", line, sc.Text())
	}
	if uint64(line) != f.NumRows() {
		t.Errorf("read %d rows, footer says %d", line, f.NumRows())
	}
}
