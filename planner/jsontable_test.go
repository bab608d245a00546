package planner

import (
	"strings"
	"testing"

	"github.com/ctlake/ctlake/sql"
)

// JSON tables are bound before stores, get the same columns and time
// pushdown, and EXPLAIN names their files.
func TestJSONTables(t *testing.T) {
	stores, _ := testStores(t)
	cases := []struct {
		q        string
		want     []string
		wantJSON bool
	}{
		{"SELECT count(*) FROM Raw WHERE eventTime >= TIMESTAMP '2024-01-02 00:00:00'", []string{"scan Raw", "json: a.json, dir/", "time range: [2024-01-02T00:00:00Z, +inf)"}, true},
		{"SELECT r.eventName FROM raw r WHERE r.eventName = 'x'", []string{"json: a.json, dir/", "columns: eventName"}, true},
		{"SELECT count(*) FROM trail", []string{"snapshot"}, false},
	}
	for _, c := range cases {
		stmt, err := sql.Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Build(c.q, stmt, Options{Stores: stores, Functions: fakeCatalog{}, Folder: fakeFolder{},
			JSONTables: map[string][]string{"raw": {"a.json", "dir/"}}})
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		text := Format(p.Root, nil)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: EXPLAIN lacks %q:\n%s", c.q, w, text)
			}
		}
		var scan *Scan
		var walk func(n Node)
		walk = func(n Node) {
			if s, ok := n.(*Scan); ok {
				scan = s
			}
			for _, in := range n.Inputs() {
				walk(in)
			}
		}
		walk(p.Root)
		if scan == nil {
			t.Fatalf("%s: no scan", c.q)
		}
		if got := len(scan.JSON) > 0; got != c.wantJSON || (got && scan.Store != nil) {
			t.Errorf("%s: JSON=%v Store=%v, want JSON %v", c.q, scan.JSON, scan.Store != nil, c.wantJSON)
		}
	}
}
