package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A string, quoted identifier or comment left open does not swallow the
// statements after it: the statement holding it carries the error at the
// opening quote's position in the file, and the others are still found.
func TestScriptStatementsUnclosed(t *testing.T) {
	cases := []struct {
		name string
		src  string
		sqls []string // the statements found, in order
		bad  int      // index of the statement with the error (-1: none)
		at   string   // its position, line:col in src
		msg  string
	}{
		{name: "string in statement 2 of 4",
			src:  "SELECT 1;\nSELECT x FROM t WHERE eventName = 'ConsoleLogin LIMIT 1;\nSELECT 3;\nSELECT 4;\n",
			sqls: []string{"SELECT 1", "SELECT x FROM t WHERE eventName = 'ConsoleLogin LIMIT 1;", "SELECT 3", "SELECT 4"},
			bad:  1, at: "2:35", msg: "unterminated string"},
		{name: "string without ';' on its line",
			src:  "SELECT 'x\nFROM t;\nSELECT 2",
			sqls: []string{"SELECT 'x\nFROM t", "SELECT 2"},
			bad:  0, at: "1:8", msg: "unterminated string"},
		{name: "quoted identifier",
			src:  "SELECT \"eventName FROM t;\nSELECT 2;",
			sqls: []string{`SELECT "eventName FROM t;`, "SELECT 2"},
			bad:  0, at: "1:8", msg: "unterminated quoted identifier"},
		{name: "block comment at the end",
			src:  "SELECT 1;\n  /* not closed; SELECT 2;",
			sqls: []string{"SELECT 1", "/* not closed; SELECT 2;"},
			bad:  1, at: "2:3", msg: "unterminated comment"},
		{name: "only the command line's query",
			src:  "SELECT 'abc FROM t",
			sqls: []string{"SELECT 'abc FROM t"},
			bad:  0, at: "1:8", msg: "unterminated string"},
		{name: "closed quotes across lines are fine",
			src:  "SELECT 'a;\nb' AS x;\nSELECT 2",
			sqls: []string{"SELECT 'a;\nb' AS x", "SELECT 2"},
			bad:  -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts := scriptStatements(c.src)
			var got []string
			for _, st := range stmts {
				got = append(got, st.SQL)
			}
			if strings.Join(got, "|") != strings.Join(c.sqls, "|") {
				t.Fatalf("statements %q, want %q", got, c.sqls)
			}
			for i, st := range stmts {
				if (st.Err != nil) != (i == c.bad) {
					t.Fatalf("statement %d: error %v", i+1, st.Err)
				}
			}
			if c.bad >= 0 {
				e := stmts[c.bad].Err
				if !strings.HasPrefix(e.Error(), c.at+": "+c.msg) {
					t.Fatalf("error %q, want %s: %s…", e.Error(), c.at, c.msg)
				}
			}
		})
	}
	// The shell's incremental splitter still waits for the quote to close.
	if stmts, rest, open := splitStatements("SELECT 'a;\n"); len(stmts) != 0 || !open || rest == "" {
		t.Fatalf("splitStatements on an open string: %v %q %v", stmts, rest, open)
	}
}

// The batch of the issue: statement 2 of 4 has an unclosed quote. Before,
// statement 1 ran and ctlake exited 0; statements 2–4 vanished.
func TestBatchUnclosedQuote(t *testing.T) {
	data := shellFixture(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "f.sql")
	src := "-- name: one\nSELECT count(*) AS n FROM small;\n" +
		"-- name: two\nSELECT eventName FROM small WHERE eventName = 'ConsoleLogin LIMIT 1;\n" +
		"-- name: three\nSELECT 3 AS c;\n" +
		"-- name: four\nSELECT 4 AS d;\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	statusOf := func(summary string) map[string]string {
		st := map[string]string{}
		for _, l := range strings.Split(summary, "\n") {
			f := strings.Fields(l)
			if len(f) >= 2 && regexp.MustCompile(`^\d+$`).MatchString(f[0]) {
				st[f[1]] = strings.Join(f[len(f)-2:], " ")
			}
		}
		return st
	}

	rc, out, errs := runCLI(t, "query", "--data", data, "-f", script)
	if rc == 0 || out != "" {
		t.Fatalf("rc %d, stdout %q (nothing should run)", rc, out)
	}
	if !strings.Contains(errs, "f.sql:4:47: unterminated string") || !strings.Contains(errs, "statement 2 (two, line 4)") {
		t.Fatalf("stderr lacks file:line:col of the open quote:\n%s", errs)
	}
	st := statusOf(errs)
	for _, name := range []string{"one", "two", "three", "four"} {
		if !strings.HasSuffix(st[name], "not run") {
			t.Fatalf("summary: %s is %q, want not run:\n%s", name, st[name], errs)
		}
	}

	// --continue-on-error runs the statements that can be read.
	outDir := filepath.Join(dir, "out")
	rc, out, errs = runCLI(t, "query", "--data", data, "-f", script, "--continue-on-error", "--format", "csv", "--out", outDir)
	if rc == 0 || !strings.Contains(errs, "f.sql:4:47: unterminated string") {
		t.Fatalf("rc %d, stderr:\n%s", rc, errs)
	}
	st = statusOf(out)
	if !strings.HasSuffix(st["one"], " ok") || !strings.HasSuffix(st["two"], "not run") || !strings.HasSuffix(st["three"], " ok") || !strings.HasSuffix(st["four"], " ok") {
		t.Fatalf("summary %v:\n%s", st, out)
	}
	summary := readCSV(t, readFile(t, filepath.Join(outDir, "summary.csv")))
	if len(summary) != 5 || summary[2][7] != "not run" || !strings.Contains(summary[2][8], "f.sql:4:47: unterminated string") {
		t.Fatalf("summary.csv: %v", summary)
	}
	if got := readFile(t, filepath.Join(outDir, "04-four.csv")); got != "d\n4\n" {
		t.Fatalf("04-four.csv: %q", got)
	}
}

// An unclosed quote on the command line is a positioned error, not a usage
// line ("no query").
func TestQueryInlineUnclosedQuote(t *testing.T) {
	data := t.TempDir()
	rc, _, errs := runCLI(t, "query", "--data", data, "SELECT 'abc FROM t")
	if rc != 1 || !strings.Contains(errs, "1:8: unterminated string") || strings.Contains(errs, "usage") {
		t.Fatalf("rc %d, stderr:\n%s", rc, errs)
	}
	if !strings.Contains(errs, "SELECT 'abc FROM t\n       ^") {
		t.Fatalf("no caret under the quote:\n%s", errs)
	}
}

// A file of one statement: errors name the file, --out is a folder like for
// several statements, and the result prints as the inline query's does.
func TestQueryFileOneStatement(t *testing.T) {
	data := shellFixture(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.sql")
	os.WriteFile(bad, []byte("\n  SELECT evntName FROM small"), 0o644)
	rc, _, errs := runCLI(t, "query", "--data", data, "-f", bad)
	if rc != 1 || !strings.Contains(errs, "bad.sql:2:") || !strings.Contains(errs, `unknown column "evntName"`) {
		t.Fatalf("rc %d, stderr:\n%s", rc, errs)
	}
	good := filepath.Join(dir, "good.sql")
	os.WriteFile(good, []byte("SELECT count(*) AS n FROM small;\n"), 0o644)
	rc, out, errs := runCLI(t, "query", "--data", data, "-f", good)
	_, inline, _ := runCLI(t, "query", "--data", data, "SELECT count(*) AS n FROM small")
	if rc != 0 || out != inline {
		t.Fatalf("rc %d %s: -f printed\n%s\ninline printed\n%s", rc, errs, out, inline)
	}
	outDir := filepath.Join(dir, "out8")
	if rc, _, errs := runCLI(t, "query", "--data", data, "-f", good, "--format", "csv", "--out", outDir); rc != 0 {
		t.Fatal(errs)
	}
	if got := readFile(t, filepath.Join(outDir, "01-query.csv")); got != "n\n3000\n" {
		t.Fatalf("out8/01-query.csv: %q", got)
	}
	if _, err := os.Stat(filepath.Join(outDir, "summary.csv")); err != nil {
		t.Fatal(err)
	}
	// One query on the command line writes the file --out names, and says so.
	path := filepath.Join(dir, "n.csv")
	rc, _, errs = runCLI(t, "query", "--data", data, "--format", "csv", "--out", path, "SELECT count(*) AS n FROM small")
	if rc != 0 || readFile(t, path) != "n\n3000\n" || !strings.Contains(errs, "wrote 1 row as csv to "+path) {
		t.Fatalf("rc %d, stderr %q", rc, errs)
	}
}
