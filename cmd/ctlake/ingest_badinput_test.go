package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/orcstore"
)

func cliEvent(id int) string {
	return fmt.Sprintf(`{"eventTime":"2024-05-01T10:%02d:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"ev-%04d"}`, id%60, id)
}

// TestIngestBadInputMessages runs `ctlake ingest` on damaged inputs and
// checks the exit status, that stderr names the file with the line (or,
// for a damaged file, the offset), and what the store holds afterwards.
func TestIngestBadInputMessages(t *testing.T) {
	var many []string
	for i := 0; i < 3000; i++ {
		many = append(many, cliEvent(i))
	}
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	zw.Write([]byte(`{"Records":[` + strings.Join(many, ",\n") + `]}`))
	zw.Close()
	cut := zbuf.Bytes()[:zbuf.Len()/2]

	cases := []struct {
		name      string
		files     map[string]string
		symlink   string // a dangling symlink of this name
		flags     []string
		status    int
		stderr    []string // substrings
		minStored int64
		maxStored int64
	}{
		{name: "truncated gzip", files: map[string]string{"cut.json.gz": string(cut), "ok.json": cliEvent(7000)},
			status: 1, stderr: []string{"cut.json.gz: offset ", "truncated", "events read before the damage were kept"}, minStored: 2, maxStored: 2999},
		{name: "broken JSON in Records", files: map[string]string{"broken.json": "{\"Records\":[\n" + cliEvent(1) + ",\n" + `{"eventTime" "x"}` + ",\n" + cliEvent(2) + "\n]}"},
			status: 0, stderr: []string{"broken.json:3 ", "invalid JSON", "1 rejected events were kept"}, minStored: 2, maxStored: 2},
		{name: "invalid UTF-8", files: map[string]string{"u.ndjson": cliEvent(1) + "\n" + `{"eventTime":"2024-05-01T10:00:00Z","x":"` + "\xff" + `"}` + "\n"},
			status: 0, stderr: []string{"u.ndjson:2 ", "invalid UTF-8"}, minStored: 1, maxStored: 1},
		{name: "missing eventTime", files: map[string]string{"t.ndjson": cliEvent(1) + "\n" + `{"eventID":"a","@timestamp":"2024-05-01T10:00:00Z"}` + "\n"},
			status: 0, stderr: []string{"t.ndjson:2 ", "eventTime"}, minStored: 1, maxStored: 1},
		{name: "missing eventTime with fallback", files: map[string]string{"t.ndjson": cliEvent(1) + "\n" + `{"eventID":"a","@timestamp":"2024-05-01T10:00:00Z"}` + "\n"},
			flags: []string{"--time-field", "@timestamp"}, status: 0, minStored: 2, maxStored: 2},
		{name: "unreadable file", files: map[string]string{"ok.json": cliEvent(1)}, symlink: "dead.json",
			status: 1, stderr: []string{"dead.json", "could not be read"}, minStored: 1, maxStored: 1},
		{name: "strict", files: map[string]string{"a.json": `{"Records":[` + strings.Join(many, ",") + `]}`, "b.ndjson": `{"eventID":"x"}`},
			flags: []string{"--strict", "--memory-limit", "64KiB"}, status: 1, stderr: []string{"b.ndjson:1 ", "strict"}, minStored: 0, maxStored: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := t.TempDir()
			for name, body := range c.files {
				if err := os.WriteFile(filepath.Join(in, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if c.symlink != "" {
				os.Symlink(filepath.Join(in, "nowhere"), filepath.Join(in, c.symlink))
			}
			data := t.TempDir()
			cat, _ := orcstore.OpenCatalog(data)
			s, err := cat.Create("bad-input", orcstore.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(filepath.Join(s.Dir, "manifest.json"))
			var stdout, stderr bytes.Buffer
			args := append([]string{"ingest", "--data", data, "--store", "bad-input", "--quiet"}, c.flags...)
			status := runMain(context.Background(), append(args, in), &stdout, &stderr)
			if status != c.status {
				t.Errorf("exit status %d, want %d\nstderr: %s", status, c.status, stderr.String())
			}
			for _, want := range c.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			m, err := s.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if n := m.Rows(); n < c.minStored || n > c.maxStored {
				t.Errorf("%d events stored, want %d..%d", n, c.minStored, c.maxStored)
			}
			if c.maxStored == 0 {
				after, _ := os.ReadFile(filepath.Join(s.Dir, "manifest.json"))
				if !bytes.Equal(before, after) {
					t.Errorf("manifest changed:\n%s\n->\n%s", before, after)
				}
			}
		})
	}
}
