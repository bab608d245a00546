package testenv

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogFiles: the .json.gz files under a folder are listed, digests and
// other files left out, and each decodes with encoding/json.
func TestLogFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, doc string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(doc))
		zw.Close()
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("AWSLogs/1/CloudTrail/us-east-1/b.json.gz", `{"Records":[{"eventID":"b1"},{"eventID":"b2"}]}`)
	write("AWSLogs/1/CloudTrail/us-east-1/a.json.gz", `{"Records":[{"eventID":"a1"}]}`)
	write("AWSLogs/1/CloudTrail-Digest/us-east-1/d.json.gz", `{"digest":true}`)
	write("AWSLogs/1/CloudTrail/us-east-1/notes.txt", `not a log`)
	files := LogFiles(t, dir)
	var ids []string
	for _, p := range files {
		var doc struct{ Records []struct{ EventID string } }
		DecodeGzJSON(t, p, &doc)
		for _, r := range doc.Records {
			ids = append(ids, r.EventID)
		}
	}
	if len(files) != 2 || strings.Join(ids, " ") != "a1 b1 b2" {
		t.Fatalf("files %v, events %v", files, ids)
	}
}
