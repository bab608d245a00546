package duckpeer

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
)

// TestStructRuleMacros checks ct_field / ct_object, ctlake's struct rule
// (exact key first, else the first key equal ignoring case) on JSON.
func TestStructRuleMacros(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const j = `'{"principalid":"low","accountId":"exact","accountid":"other","sessioncontext":{"sessionIssuer":{"USERNAME":"u"}},"n":5,"o":{"a":1}}'::JSON`
	cases := []struct {
		expr string
		want any
	}{
		{"ct_field(" + j + ", 'principalId')", "low"}, // case-insensitive fallback
		{"ct_field(" + j + ", 'accountId')", "exact"}, // exact wins
		{"ct_field(" + j + ", 'ACCOUNTID')", "exact"}, // first key equal ignoring case
		{"ct_field(" + j + ", 'missing')", nil},       // absent
		{"ct_field(" + j + ", 'n')", "5"},             // numbers as text
		{"ct_field(" + j + ", 'o')", `{"a":1}`},       // objects as JSON text
		{"ct_field(ct_object(ct_object(" + j + ", 'sessionContext'), 'sessionIssuer'), 'userName')", "u"},
		{"ct_field(NULL::JSON, 'a')", nil},
		{"(" + j + "->>'principalId')", nil}, // what ->> alone gives
	}
	for _, c := range cases {
		if got := queryOne(t, p, "SELECT "+c.expr); !reflect.DeepEqual(got, []any{c.want}) {
			t.Errorf("%s = %#v, want %#v", c.expr, got[0], c.want)
		}
	}
}

// TestDatabaseFile checks Options.Path: a table imported into a database
// file is there for the next process (here: the next Open), whose own
// temporary macros work over it.
func TestDatabaseFile(t *testing.T) {
	files := writeTrio(t)
	path := filepath.Join(t.TempDir(), "events.duckdb")
	ctx := context.Background()
	p, err := OpenWith(Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if has, err := p.HasTable(ctx, "events"); err != nil || has {
		t.Fatalf("new file has the table: %v %v", has, err)
	}
	n, err := p.LoadJSON(ctx, "events", files)
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	p, err = OpenWith(Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if has, err := p.HasTable(ctx, "events"); err != nil || !has {
		t.Fatalf("reopened file lacks the table: %v %v", has, err)
	}
	if got := queryOne(t, p, "SELECT count(*) FROM events"); !reflect.DeepEqual(got, []any{n}) {
		t.Fatalf("count %v, want %d", got, n)
	}
	if got := queryOne(t, p, "SELECT ct_field(userIdentity, 'ARN') FROM events WHERE eventID = 'e1'"); !reflect.DeepEqual(got, []any{"arn:aws:iam::111122223333:user/alice"}) {
		t.Fatalf("macro over the reopened table: %v", got)
	}
}
