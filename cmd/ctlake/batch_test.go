package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/ctlake/ctlake/resultfmt"
)

func TestSplitStatements(t *testing.T) {
	src := "-- name: first\nSELECT 'a;b' AS \"x;y\" -- c;\n;\n/* ; */ -- name: second\n\nSELECT 2;  -- only a comment\n;SELECT 'open"
	stmts, rest, open := splitStatements(src)
	want := []statement{
		{Name: "first", SQL: "SELECT 'a;b' AS \"x;y\" -- c;", Line: 2, Col: 1, Script: src, Offset: strings.Index(src, "SELECT 'a")},
		{Name: "second", SQL: "SELECT 2", Line: 6, Col: 1, Script: src, Offset: strings.Index(src, "SELECT 2")},
	}
	if !reflect.DeepEqual(stmts, want) {
		t.Fatalf("statements:\n%#v\nwant\n%#v", stmts, want)
	}
	if rest != "SELECT 'open" || !open {
		t.Fatalf("rest %q open %v", rest, open)
	}
	if got := scriptStatements("SELECT 1;\n\nSELECT 2 -- no semicolon"); len(got) != 2 || got[1].SQL != "SELECT 2 -- no semicolon" || got[1].Line != 3 || got[1].Col != 1 {
		t.Fatalf("script: %#v", got)
	}
	if got := scriptStatements("SELECT 1;\n  SELECT 2; SELECT x"); len(got) != 3 || got[1].Line != 2 || got[1].Col != 3 || got[2].Line != 2 || got[2].Col != 13 {
		t.Fatalf("columns: %#v", got)
	}
	// A last statement with an unterminated string is kept, for the parser
	// to report (it used to vanish).
	if got := scriptStatements("SELECT 1;\n  SELECT 'open; x"); len(got) != 2 || got[1].SQL != "SELECT 'open; x" || got[1].Line != 2 || got[1].Col != 3 ||
		got[1].Script[got[1].Offset:] != got[1].SQL {
		t.Fatalf("open string: %#v", got)
	}
	for _, st := range scriptStatements(src) {
		if st.Script[st.Offset:st.Offset+len(st.SQL)] != st.SQL {
			t.Fatalf("offset %d does not locate %q", st.Offset, st.SQL)
		}
	}
	if got := oneLine("SELECT a, -- note\n  'x  y'\nFROM t"); got != "SELECT a, 'x  y' FROM t" {
		t.Fatalf("oneLine: %q", got)
	}
}

func TestSubstitute(t *testing.T) {
	p := params{"EDS_ID": "abc", "USER": "o'brien", "N": "5"}
	cases := []struct{ in, want, err string }{
		{in: "SELECT * FROM $EDS_ID LIMIT ${N}", want: "SELECT * FROM abc LIMIT 5"},
		{in: "WHERE u = '${USER}'", want: "WHERE u = 'o''brien'"},
		{in: "WHERE u = '$EDS_ID' -- ${NOPE} in a comment", want: "WHERE u = '$EDS_ID' -- ${NOPE} in a comment"},
		{in: "SELECT $EDS_IDX", want: "SELECT $EDS_IDX"},
		{in: "SELECT ${MISSING}", err: "unresolved placeholder ${MISSING} (give --param MISSING=VALUE"},
		{in: "SELECT ${A}, ${B}, ${A}", err: "unresolved placeholders ${A}, ${B} "},
	}
	for _, c := range cases {
		got, err := substitute(c.in, p)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := substitute("FROM $EDS_ID", params{}); err == nil || !strings.Contains(err.Error(), "--store") {
		t.Errorf("$EDS_ID without a store: %v", err)
	}
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, s)
	}
	return rows
}

const batchScript = `-- name: top events
SELECT eventName, count(*) AS n FROM $EDS_ID WHERE eventSource = '${SOURCE}' -- ; not the end
GROUP BY 1 ORDER BY n DESC, eventName LIMIT ${N};
-- name: broken
SELECT no_such_column FROM small;
-- name: latest
SELECT eventTime, eventName, userIdentity.sessionContext.sessionIssuer.userName AS issuer,
       requestParameters, readOnly
FROM small ORDER BY eventTime DESC, eventID LIMIT 5;
`

func TestBatch(t *testing.T) {
	data := shellFixture(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "q.sql")
	if err := os.WriteFile(script, []byte(batchScript), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"query", "--data", data, "-f", script, "--store", "small", "--param", "SOURCE=s3.amazonaws.com", "--param", "N=3"}

	// Independent expectation for statement 1, through the one-shot path.
	rc, top, e := runCLI(t, "query", "--data", data, "--format", "csv",
		"SELECT eventName, count(*) AS n FROM small WHERE eventSource = 's3.amazonaws.com' GROUP BY 1 ORDER BY n DESC, eventName LIMIT 3")
	if rc != 0 {
		t.Fatal(e)
	}

	t.Run("stops at the failing statement", func(t *testing.T) {
		rc, out, errs := runCLI(t, append(base, "--format", "csv")...)
		if rc != 1 || !strings.Contains(errs, "statement 2 (broken, line 5) failed") || !strings.Contains(errs, "q.sql:5:8: unknown column \"no_such_column\"") {
			t.Fatalf("rc %d, stderr:\n%s", rc, errs)
		}
		if out != top {
			t.Fatalf("stdout:\n%s\nwant only statement 1:\n%s", out, top)
		}
	})

	t.Run("caret under the script's column", func(t *testing.T) {
		for _, c := range []struct{ query, want string }{
			{"SELECT 1; SELECT evntName FROM small", "query:1:18: unknown column \"evntName\" (did you mean \"eventName\"?)\nSELECT 1; SELECT evntName FROM small\n                 ^\n"},
			// An error at the statement's first token: the caret used to
			// sit at column 1 under the statement alone.
			{"SELECT 1;   INSERT INTO small VALUES (1)", "query:1:13: only SELECT queries are supported; ctlake never changes data\nSELECT 1;   INSERT INTO small VALUES (1)\n            ^\n"},
			{"SELECT 1;\n  SELECT 2 FROM small WHERE", "query:2:28: syntax error: unexpected end of query\n  SELECT 2 FROM small WHERE\n                           ^\n"},
			// An unterminated string in the last statement is reported,
			// not dropped.
			{"SELECT 1; SELECT 'abc FROM small", "query:1:18: unterminated string literal\nSELECT 1; SELECT 'abc FROM small\n                 ^\n"},
		} {
			rc, _, errs := runCLI(t, "query", "--data", data, c.query)
			if rc != 1 || !strings.Contains(errs, c.want) {
				t.Errorf("%q: rc %d, stderr:\n%s\nwant it to hold:\n%s", c.query, rc, errs, c.want)
			}
		}
		rc, _, errs := runCLI(t, "query", "--data", data, "SELECT 'abc FROM small")
		if rc != 1 || !strings.Contains(errs, "1:8: unterminated string literal") {
			t.Errorf("one statement with an open string: rc %d, stderr:\n%s", rc, errs)
		}
	})

	t.Run("unresolved placeholder", func(t *testing.T) {
		rc, _, errs := runCLI(t, "query", "--data", data, "-f", script, "--store", "small")
		if rc != 1 || !strings.Contains(errs, "nothing run: statement 1: unresolved placeholders ${SOURCE}, ${N}") {
			t.Fatalf("rc %d, stderr:\n%s", rc, errs)
		}
	})

	t.Run("one statement to --out FILE", func(t *testing.T) {
		for _, format := range []string{"parquet", "arrow"} {
			path := filepath.Join(dir, "one."+format)
			rc, out, errs := runCLI(t, "query", "--data", data, "--format", format, "--out", path,
				"SELECT eventName, count(*) AS n FROM small WHERE eventSource = 's3.amazonaws.com' GROUP BY 1 ORDER BY n DESC, eventName LIMIT 3")
			if rc != 0 || out != "" {
				t.Fatalf("rc %d, stdout %q, stderr %s", rc, out, errs)
			}
			if got := readResultFile(t, path, format); !reflect.DeepEqual(got, readCSV(t, top)) {
				t.Fatalf("%s: %v", format, got)
			}
			// Structs, lists of structs, maps and timestamps survive the
			// round trip: compare with the CSV of the same query.
			nested := "SELECT userIdentity, resources, tlsDetails, requestParameters, eventTime FROM small WHERE resources IS NOT NULL ORDER BY eventID LIMIT 20"
			if rc, _, errs := runCLI(t, "query", "--data", data, "--format", format, "--out", path, nested); rc != 0 {
				t.Fatal(errs)
			}
			_, csvOut, _ := runCLI(t, "query", "--data", data, "--format", "csv", nested)
			if got, want := readResultFile(t, path, format), readCSV(t, csvOut); len(want) < 2 || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s nested:\n%v\nwant\n%v", format, got, want)
			}
			// An empty result is still a readable file with its columns.
			rc, _, errs = runCLI(t, "query", "--data", data, "--format", format, "--out", path, "SELECT eventName FROM small WHERE eventName = 'none'")
			if got := readResultFile(t, path, format); rc != 0 || !reflect.DeepEqual(got, [][]string{{"eventName"}}) {
				t.Fatalf("%s empty: rc %d %s, read back %v", format, rc, errs, got)
			}
		}
	})

	for _, format := range []string{"csv", "parquet", "arrow"} {
		t.Run("continue-on-error to files/"+format, func(t *testing.T) {
			outDir := filepath.Join(dir, format)
			rc, out, errs := runCLI(t, append(base, "--continue-on-error", "--format", format, "--out", outDir)...)
			if rc != 1 || !strings.Contains(errs, "statement 2 (broken, line 5) failed") {
				t.Fatalf("rc %d, stderr:\n%s", rc, errs)
			}
			summary := readCSV(t, readFile(t, filepath.Join(outDir, "summary.csv")))
			if len(summary) != 4 || summary[1][7] != "ok" || summary[2][7] != "failed" || summary[3][7] != "ok" ||
				summary[1][4] != "3" || summary[3][4] != "5" || summary[3][3] != "03-latest."+format {
				t.Fatalf("summary.csv: %v", summary)
			}
			if !strings.Contains(out, "03-latest."+format) || !strings.Contains(out, "failed") {
				t.Fatalf("printed summary:\n%s", out)
			}
			if _, err := os.Stat(filepath.Join(outDir, "02-broken."+format)); !os.IsNotExist(err) {
				t.Fatalf("a failed statement left a file: %v", err)
			}
			got := readResultFile(t, filepath.Join(outDir, "01-top_events."+format), format)
			if want := readCSV(t, top); !reflect.DeepEqual(got, want) {
				t.Fatalf("01: %v, want %v", got, want)
			}
			// Statement 3 has a timestamp, a nested field, a map and a
			// boolean; compare with the same statement's CSV.
			_, latest, _ := runCLI(t, "query", "--data", data, "--format", "csv", strings.Split(batchScript, "-- name: latest\n")[1])
			if got, want := readResultFile(t, filepath.Join(outDir, "03-latest."+format), format), readCSV(t, latest); !reflect.DeepEqual(got, want) {
				t.Fatalf("03:\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readResultFile reads a result file back as CSV rows (header first):
// CSV as it is, Parquet and Arrow through Arrow Go's readers, rendered with
// the CSV formatter so that values compare with the CSV output.
func readResultFile(t *testing.T, path, format string) [][]string {
	t.Helper()
	var tbl arrow.Table
	switch format {
	case "csv":
		return readCSV(t, readFile(t, path))
	case "parquet":
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		pf, err := file.NewParquetReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		if tbl, err = r.ReadTable(context.Background()); err != nil {
			t.Fatal(err)
		}
	case "arrow":
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := ipc.NewFileReader(f)
		if err != nil {
			t.Fatal(err)
		}
		var recs []arrow.Record
		for i := 0; i < r.NumRecords(); i++ {
			rec, err := r.Record(i)
			if err != nil {
				t.Fatal(err)
			}
			rec.Retain()
			recs = append(recs, rec)
		}
		tbl = array.NewTableFromRecords(r.Schema(), recs)
	}
	defer tbl.Release()
	// Types survive: counts are bigint, times are timestamps.
	for _, f := range tbl.Schema().Fields() {
		want := map[string]arrow.Type{"n": arrow.INT64, "eventTime": arrow.TIMESTAMP, "readOnly": arrow.BOOL, "requestParameters": arrow.MAP,
			"userIdentity": arrow.STRUCT, "resources": arrow.LIST}[f.Name]
		if want != arrow.NULL && f.Type.ID() != want {
			t.Errorf("%s: column %s is %s", path, f.Name, f.Type)
		}
	}
	rs := &resultfmt.Result{}
	for _, f := range tbl.Schema().Fields() {
		rs.Names = append(rs.Names, f.Name)
	}
	tr := array.NewTableReader(tbl, 1<<20)
	defer tr.Release()
	for tr.Next() {
		rec := tr.Record()
		rec.Retain()
		rs.Records = append(rs.Records, rec)
	}
	var b strings.Builder
	if err := resultfmt.Write(&b, "csv", rs); err != nil {
		t.Fatal(err)
	}
	return readCSV(t, b.String())
}
