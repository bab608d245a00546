package testenv

import (
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// LogFiles lists the CloudTrail log files (*.json.gz) under dir, as gen's
// S3 layout writes them, digest files left out, in lexical order.
func LogFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") || strings.Contains(p, "CloudTrail-Digest") {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// DecodeGzJSON decodes the gzipped JSON document in file p (a CloudTrail
// log file: {"Records": [...]}) into v with encoding/json, independently
// of ctlake's own readers, so tests can count what a file really holds.
func DecodeGzJSON(t testing.TB, p string, v any) {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	if err := json.NewDecoder(zr).Decode(v); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
}
