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

// TestShellScript feeds statements and meta-commands on a stdin that is not
// a terminal, as `ctlake shell < queries.sql` does.
func TestShellScript(t *testing.T) {
	data := shellFixture(t)
	dir := t.TempDir()
	outFile := filepath.Join(dir, "out.csv")
	script := strings.Join([]string{
		".param EV GetObject",
		".format line",
		"SELECT eventName, count(*) AS n FROM small",
		"  WHERE eventName = '${EV}' GROUP BY 1;",
		"SELECT nosuch FROM small;",
		".output " + outFile,
		".format csv",
		"SELECT count(*) AS total FROM small;",
		".output stdout",
		".stores",
		".read " + filepath.Join(dir, "inner.sql"),
		// The .format table of inner.sql ended with it: csv again.
		"SELECT 'last, without a semicolon' AS note",
	}, "\n")
	if err := os.WriteFile(filepath.Join(dir, "inner.sql"), []byte(".format table\nSELECT 'from .read' AS src;"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.sql")
	if err := os.WriteFile(in, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out, errs bytes.Buffer
	err = runShellIO(context.Background(), []string{"--data", data}, f, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "1 statement(s) failed") || !strings.Contains(errs.String(), `unknown column "nosuch"`) {
		t.Fatalf("err %v, stderr:\n%s", err, errs.String())
	}
	_, want, _ := runCLI(t, "query", "--data", data, "--format", "csv", "SELECT count(*) FROM small WHERE eventName = 'GetObject'")
	n := strings.TrimSpace(strings.Split(want, "\n")[1])
	for _, s := range []string{"-[ row 1 ]", "eventName | GetObject\n", "n         | " + n + "\n", "(1 row)", "small", "src\n----------\nfrom .read\n", "note\n\"last, without a semicolon\"\n"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, out.String())
		}
	}
	if got := readFile(t, outFile); got != "total\n3000\n" {
		t.Errorf(".output file: %q", got)
	}
}

func TestCompleter(t *testing.T) {
	data := shellFixture(t)
	c, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	sh := &shell{eng: newQuerier(c), catalog: c}
	comp := &completer{sh: sh}
	cases := []struct {
		line string
		want []string // full words offered
	}{
		{"SELECT userIdentity.sessionContext.sessionI", []string{"sessionIssuer"}},
		{"SELECT useridentity.sessioncontext.sessionissuer.a", []string{"accountId", "arn"}},
		{"SELECT userIdentity.sessionContext.attributes.", []string{"creationDate", "mfaAuthenticated"}},
		{"SELECT eventName.", nil}, // a leaf has no fields
		{"sel", []string{"select"}},
		{"SELECT count(*) FROM sma", []string{"small"}},
		{"SELECT regexp_l", []string{"regexp_like"}},
		{".sch", []string{".schema"}},
		{".format j", []string{"json"}},
		{".schema s", []string{"small"}},
	}
	for _, tc := range cases {
		cands, n := comp.Do([]rune(tc.line), len([]rune(tc.line)))
		word := string([]rune(tc.line)[len([]rune(tc.line))-n:])
		var got []string
		for _, c := range cands {
			got = append(got, word+string(c))
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%q: offered %v, want %v", tc.line, got, tc.want)
		}
	}
}
