package querytest

import (
	"context"
	"testing"
)

// TestShowTables checks SHOW TABLES against the catalog: one row per
// store with its name, ID and event count, by name, and LIKE on the name.
// (A golden file cannot hold it: store IDs are random.)
func TestShowTables(t *testing.T) {
	cat := fixtureCatalog(t)
	r := NewRunner(cat)
	ctx := context.Background()
	res, err := r.Query(ctx, "SHOW TABLES", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.Names); got != 3 || res.Names[0] != "Table" || res.Names[1] != "ID" || res.Names[2] != "Events" {
		t.Fatalf("columns %v", res.Names)
	}
	infos, err := cat.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != len(infos) {
		t.Fatalf("%d rows for %d stores", len(res.Rows), len(infos))
	}
	want := map[string]int64{FixtureStore: FixtureEvents + 5, FixtureOther: FixtureOtherEvents + 5}
	for _, row := range res.Rows {
		name, id, n := row[0].(string), row[1].(string), row[2].(int64)
		s, err := cat.Open(name)
		if err != nil || s.Info.ID != id {
			t.Errorf("row %v: store %v, err %v", row, s, err)
		}
		if n != want[name] {
			t.Errorf("%s: %d events, want %d", name, n, want[name])
		}
	}
	res, err = r.Query(ctx, "SHOW TABLES LIKE 'ev%'", false)
	if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != FixtureStore {
		t.Fatalf("SHOW TABLES LIKE 'ev%%': %v %v", res, err)
	}
}
