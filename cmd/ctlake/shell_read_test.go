package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/orcstore"
)

// Settings a .read file changes end with it; before, `.format` set inside
// a .read file persisted afterwards.
func TestShellReadRestoresSettings(t *testing.T) {
	data := t.TempDir()
	if _, err := orcstore.OpenCatalog(data); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	session, inner := filepath.Join(dir, "session.txt"), filepath.Join(dir, "inner.txt")
	os.WriteFile(filepath.Join(dir, "inner.sql"), []byte(".format csv\n.timer on\n.output "+inner+"\nSELECT 'in' AS x;\n.output stdout\nSELECT 'in, to stdout' AS y;\n"), 0o644)
	script := ".format line\n.output " + session + "\nSELECT 'before' AS a;\n.read " + filepath.Join(dir, "inner.sql") + "\nSELECT 'after' AS b;\n.output stdout\nSELECT 'end' AS c;\n"
	in := filepath.Join(dir, "in.sql")
	os.WriteFile(in, []byte(script), 0o644)
	f, _ := os.Open(in)
	defer f.Close()
	var out, errs bytes.Buffer
	if err := runShellIO(context.Background(), []string{"--data", data}, f, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	// .read wrote to its own .output, then to stdout; afterwards the
	// session's .output file and line format are back.
	if got := readFile(t, inner); got != "x\nin\n" {
		t.Fatalf("inner output %q", got)
	}
	if got := readFile(t, session); !strings.Contains(got, "a | before") || !strings.Contains(got, "b | after") || strings.Contains(got, "in") {
		t.Fatalf("session output:\n%s", got)
	}
	if !strings.Contains(out.String(), "y\n\"in, to stdout\"\n") || !strings.Contains(out.String(), "c | end") {
		t.Fatalf("stdout:\n%s", out.String())
	}
	if strings.Contains(errs.String(), "rows,") {
		t.Fatalf(".timer on leaked out of the .read file:\n%s", errs.String())
	}
}

// After FROM or JOIN, Tab offers stores (and --table names) only.
func TestCompleterAfterFrom(t *testing.T) {
	data := shellFixture(t)
	c, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := c.Open("small")
	sh := &shell{eng: newQuerier(c), catalog: c}
	sh.eng.opts.JSONTables = map[string][]string{"raw_logs": {"x"}}
	comp := &completer{sh: sh}
	cases := []struct {
		line string
		want []string
	}{
		{"SELECT * FROM s", []string{"small"}},
		// Not eventName, eventJson, … ("ev" can't begin a store ID, which
		// is hex: "e" alone matched one in 16 random IDs).
		{"SELECT * FROM ev", nil},
		{"SELECT * from r", []string{"raw_logs"}},
		{"SELECT * FROM small a JOIN s", []string{"small"}},
		{"SELECT * FROM " + in.Info.ID[:4], []string{in.Info.ID}},
	}
	for _, tc := range cases {
		cands, n := comp.Do([]rune(tc.line), len([]rune(tc.line)))
		word := string([]rune(tc.line)[len([]rune(tc.line))-n:])
		var got []string
		for _, c := range cands {
			got = append(got, word+string(c))
		}
		if tc.want == nil && got != nil || tc.want != nil && (len(got) < len(tc.want) || strings.Join(got[:len(tc.want)], ",") != strings.Join(tc.want, ",")) {
			t.Errorf("%q: offered %v, want %v", tc.line, got, tc.want)
		}
	}
	// Elsewhere columns and functions are still offered.
	cands, _ := comp.Do([]rune("SELECT * FROM small WHERE eventN"), len("SELECT * FROM small WHERE eventN"))
	if len(cands) != 1 || string(cands[0]) != "ame" {
		t.Errorf("after WHERE: %q", cands)
	}
}
