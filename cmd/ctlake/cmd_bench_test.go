package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSizes(t *testing.T) {
	cases := []struct {
		in   string
		want []int64
		ok   bool
	}{
		{"1000000", []int64{1000000}, true},
		{"100000,1_000_000, 10000000", []int64{100000, 1000000, 10000000}, true},
		{"100000,10000", nil, false}, // not ascending
		{"12", nil, false},           // too small
		{"lots", nil, false},
	}
	for _, c := range cases {
		got, err := parseSizes(c.in)
		if (err == nil) != c.ok || (c.ok && !equalInts(got, c.want)) {
			t.Errorf("parseSizes(%q) = %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// query --table reads JSON without a store; --stats counts rejected events;
// a bad --table value is a usage error.
func TestQueryJSONTable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "events.ndjson")
	data := `{"eventVersion":"1.08","eventTime":"2024-05-01T00:00:00Z","eventID":"a","eventName":"GetObject"}
{"eventVersion":"1.08","eventTime":"2024-05-01T01:00:00Z","eventID":"b","eventName":"GetObject"}
{"eventID":"no time"}
`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	args := []string{"query", "--data", filepath.Join(dir, "data"), "--table", "raw=" + path, "--stats", "--format", "csv",
		"SELECT eventName, count(*) AS n FROM raw WHERE eventTime < TIMESTAMP '2024-05-01 01:00:00' GROUP BY 1"}
	if rc := runMain(context.Background(), args, &out, &errOut); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errOut.String())
	}
	if got := out.String(); got != "eventName,n\nGetObject,1\n" {
		t.Errorf("output %q", got)
	}
	for _, w := range []string{"events scanned: 2", "events matched: 1", "JSON events rejected (skipped, as ingest would reject them): 1"} {
		if !strings.Contains(errOut.String(), w) {
			t.Errorf("--stats lacks %q:\n%s", w, errOut.String())
		}
	}
	out.Reset()
	errOut.Reset()
	if rc := runMain(context.Background(), []string{"query", "--data", filepath.Join(dir, "data"), "--table", "no-equals", "SELECT 1"}, &out, &errOut); rc == 0 {
		t.Error("--table without NAME=PATH was accepted")
	}
}
