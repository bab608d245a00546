package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	_ "time/tzdata" // TestOrcBareRoot's America/Los_Angeles on machines without a zone database
)

func orcExamples(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/scritchley/orc").Output()
	if err != nil {
		t.Skipf("cannot locate github.com/scritchley/orc: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "examples")
}

// orcExpected is orc-contents' output for an example file, as shipped in
// examples/expected.
func orcExpected(t *testing.T, dir, name string) string {
	t.Helper()
	fh, err := os.Open(filepath.Join(dir, "expected", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(gz)
	if err != nil {
		t.Fatal(err)
	}
	return string(want)
}

// TestOrcCat checks that `ctlake orc cat` prints what Apache orc-contents
// printed for the same file.
func TestOrcCat(t *testing.T) {
	dir := orcExamples(t)
	want := orcExpected(t, dir, "TestOrcFile.test1.jsn.gz")
	var out, errOut bytes.Buffer
	if rc := runMain(context.Background(), []string{"orc", "cat", filepath.Join(dir, "TestOrcFile.test1.orc")}, &out, &errOut); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errOut.String())
	}
	if strings.TrimSpace(out.String()) != strings.TrimSpace(want) {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	if rc := runMain(context.Background(), []string{"orc", "cat", "--limit", "1", "--columns", "int1,middle.list", filepath.Join(dir, "TestOrcFile.test1.orc")}, &out, &errOut); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errOut.String())
	}
	if got, w := strings.TrimSpace(out.String()), `{"int1": 65536, "middle": {"list": [{"int1": 1, "string1": "bye"}, {"int1": 2, "string1": "sigh"}]}}`; got != w {
		t.Fatalf("projection: got %s want %s", got, w)
	}
	errOut.Reset()
	if rc := runMain(context.Background(), []string{"orc", "cat", "--columns", "nope", filepath.Join(dir, "TestOrcFile.test1.orc")}, &out, &errOut); rc != 1 || !strings.Contains(errOut.String(), `unknown column(s) "nope"`) {
		t.Fatalf("unknown column: rc %d, %s", rc, errOut.String())
	}
}

func TestOrcMeta(t *testing.T) {
	dir := orcExamples(t)
	var out, errOut bytes.Buffer
	if rc := runMain(context.Background(), []string{"orc", "meta", "--format", "json", filepath.Join(dir, "over1k_bloom.orc")}, &out, &errOut); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errOut.String())
	}
	var m orcMeta
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	// Independent facts: orc-contents' expected output has 2098 lines;
	// the file is zlib-compressed with two stripes and bloom filters.
	if m.Rows != 2098 || m.Compression != "ZLIB" || len(m.Stripes) != 2 || len(m.Stripes[0].BloomFilters) == 0 || len(m.Columns) != 12 {
		t.Fatalf("meta: rows %d, %s, %d stripes, bloom %v, %d columns", m.Rows, m.Compression, len(m.Stripes), m.Stripes[0].BloomFilters, len(m.Columns))
	}
	out.Reset()
	if rc := runMain(context.Background(), []string{"orc", "meta", filepath.Join(dir, "over1k_bloom.orc")}, &out, &errOut); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errOut.String())
	}
	if !strings.Contains(out.String(), "Stripe 1:") || !strings.Contains(out.String(), "DICTIONARY_V2") {
		t.Fatalf("text meta lacks stripes or encodings:\n%s", out.String())
	}
}

// A valid ORC file whose root type is not a struct (Apache's example is a
// bare timestamp column) prints one value per row, as orc-contents does;
// before, it was refused as "corrupt ORC data".
func TestOrcBareRoot(t *testing.T) {
	dir := orcExamples(t)
	file := filepath.Join(dir, "TestOrcFile.testTimestamp.orc")
	want := orcExpected(t, dir, "TestOrcFile.testTimestamp.jsn.gz")
	// orc-contents printed the writer's local times (US/Pacific).
	var out, errOut bytes.Buffer
	if rc := runMain(context.Background(), []string{"orc", "cat", "--tz", "America/Los_Angeles", file}, &out, &errOut); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errOut.String())
	}
	if strings.TrimSpace(out.String()) != strings.TrimSpace(want) {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	if rc := runMain(context.Background(), []string{"orc", "meta", "--format", "json", file}, &out, &errOut); rc != 0 {
		t.Fatalf("meta: rc %d: %s", rc, errOut.String())
	}
	var m orcMeta
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Rows != 12 || len(m.Columns) != 1 || m.Columns[0].Kind != "TIMESTAMP" {
		t.Fatalf("meta: %d rows, columns %+v", m.Rows, m.Columns)
	}
}
