package duckpeer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestCanonicalJSON(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"k" : [1, 2], "z":"\u00e9"}`, `{"k":[1,2],"z":"é"}`},
		{`{"a":1.50,"b":1e3,"c":1000.0,"d":-0.0,"e":123456789012345678901}`, `{"a":1.5,"b":1000,"c":1000,"d":-0,"e":123456789012345678901}`},
		{`"a\/b<>&\"\n"`, `"a/b<>&\"\n"`},
		{`[]`, `[]`},
		{`{}`, `{}`},
		{`[{"a":[{}],"b":null},true,false]`, `[{"a":[{}],"b":null},true,false]`},
		{`{"z":1,"a":2}`, `{"z":1,"a":2}`}, // order kept
		{` 7 `, `7`},
	}
	for _, c := range cases {
		got, ok := CanonicalJSON(c.in)
		if !ok || got != c.want {
			t.Errorf("CanonicalJSON(%s) = %s, %v; want %s", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":}`, `[1,]`, `nope`} {
		if got, ok := CanonicalJSON(bad); ok {
			t.Errorf("CanonicalJSON(%q) = %q, ok; want not ok", bad, got)
		}
	}
}

// TestCanonicalMatchesDuckDB checks the purpose of CanonicalJSON: the source
// text of a nested value (what ctlake stores) and what DuckDB's ->> gives
// for it canonicalize to the same string.
func TestCanonicalMatchesDuckDB(t *testing.T) {
	nested := []string{
		`{"k":[1, 2],"z":"\u00e9\/x","n":1.50,"e":1e3,"big":123456789012345678901}`,
		`[{"Key":"a","Value":true},{"Key":"b","Value":"x\ty"}]`,
		`{"deep":{"er":{"est":[[], {}, null, -2.5E-3]}}}`,
	}
	var data []byte
	for i, n := range nested {
		data = append(data, `{"eventTime":"2024-01-01T00:00:00Z","eventID":"`+string(rune('a'+i))+`","requestParameters":{"v":`+n+`}}`+"\n"...)
	}
	path := filepath.Join(t.TempDir(), "n.ndjson")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.LoadJSON(context.Background(), "events", []string{path}); err != nil {
		t.Fatal(err)
	}
	_, rows, err := p.Query(context.Background(), `SELECT requestParameters->>'v' FROM events ORDER BY eventID`)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range nested {
		duck := rows[i][0].(string)
		a, ok1 := CanonicalJSON(n)
		t.Logf("duckdb: %s", duck)
		b, ok2 := CanonicalJSON(duck)
		if !ok1 || !ok2 || a != b {
			t.Errorf("source %s\n duckdb %s\n canonical %s vs %s", n, duck, a, b)
		}
	}
}
