package planner

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/sql"
)

// fakeFunc and fakeCatalog stand in for exec/fn: the planner needs only
// signatures.
type fakeFunc struct {
	name   string
	params []Type
	ret    Type
}

func (f *fakeFunc) Name() string        { return f.name }
func (f *fakeFunc) Return() Type        { return f.ret }
func (f *fakeFunc) Params() []Type      { return f.params }
func (f *fakeFunc) Deterministic() bool { return true }

type fakeCatalog struct{}

func (fakeCatalog) Scalar(name string, args []Type) (ScalarFunc, error) {
	switch name {
	case "lower":
		return &fakeFunc{"lower", []Type{Varchar}, Varchar}, nil
	case "element_at":
		if len(args) == 2 && args[0].Kind == KindMap {
			return &fakeFunc{"element_at", []Type{args[0], *args[0].Key}, *args[0].Value}, nil
		}
	case "add":
		return &fakeFunc{"add", []Type{Bigint, Bigint}, Bigint}, nil
	}
	return nil, fmt.Errorf("no overload of %s", name)
}

func (fakeCatalog) Aggregate(name string, args []Type, distinct bool) (AggFunc, error) {
	switch name {
	case "count":
		return &fakeFunc{"count", args, Bigint}, nil
	case "max":
		return &fakeFunc{"max", args, args[0]}, nil
	}
	return nil, fmt.Errorf("no aggregate %s", name)
}

func (fakeCatalog) IsAggregate(name string) bool { return name == "count" || name == "max" }
func (fakeCatalog) Names() []string              { return []string{"lower", "element_at", "add", "count", "max"} }

// fakeFolder folds the casts of string literals to timestamps that time
// pushdown needs.
type fakeFolder struct{}

func (fakeFolder) Fold(e Expr) (Value, error) {
	if c, ok := e.(*Cast); ok {
		if l, ok := c.X.(*Literal); ok && c.To.Kind == KindTimestamp {
			ns, ok := parseTimestampLiteral(l.V.Str)
			if !ok {
				return Value{}, fmt.Errorf("cannot cast '%s' to timestamp", l.V.Str)
			}
			return Value{Int: ns}, nil
		}
	}
	return Value{}, fmt.Errorf("cannot fold %s", e)
}

func testStores(t *testing.T) (*orcstore.Catalog, string) {
	c, err := orcstore.OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Create("trail", orcstore.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c, s.Info.ID
}

func plan(t *testing.T, stores Stores, q string, noPush bool) (*Plan, error) {
	t.Helper()
	stmt, err := sql.Parse(q)
	if err != nil {
		return nil, err
	}
	return Build(q, stmt, Options{Stores: stores, Functions: fakeCatalog{}, Folder: fakeFolder{}, NoPushdown: noPush})
}

func TestPlanShapes(t *testing.T) {
	stores, id := testStores(t)
	cases := []struct {
		q    string
		want []string // substrings of the EXPLAIN text
		cols []string // result names
	}{
		{
			q:    "SELECT eventName, count(*) AS n FROM " + id + " WHERE eventTime >= '2024-05-01 00:00:00' AND eventSource = 's3.amazonaws.com' GROUP BY eventName ORDER BY n DESC LIMIT 5",
			want: []string{"top 5 by n DESC", "aggregate count(*)", "group by: eventName", "filter eventSource = 's3.amazonaws.com'", "columns: eventSource, eventName", "time range: [2024-05-01T00:00:00Z, +inf)", "prune: eventSource = 's3.amazonaws.com'"},
			cols: []string{"eventName", "n"},
		},
		{
			q:    "SELECT userIdentity.sessionContext.sessionIssuer.arn, useridentity.ARN FROM trail WHERE userIdentity.arn LIKE 'arn:aws:iam::1%'",
			want: []string{"columns: userIdentity.arn, userIdentity.sessionContext.sessionIssuer.arn", "prune: userIdentity.arn STARTS WITH 'arn:aws:iam::1'"},
			cols: []string{"arn", "ARN"},
		},
		{
			q:    "SELECT count(*) FROM trail WHERE eventTime < TIMESTAMP '2024-01-02 00:00:00'",
			want: []string{"columns: (none: rows only)", "time range: [-inf, 2024-01-02T00:00:00Z)"},
			cols: []string{"_col0"},
		},
		{
			q:    "SELECT element_at(requestParameters, 'bucketName') AS bucket, max(eventTime) FROM trail GROUP BY 1",
			want: []string{"group by: element_at(requestParameters, 'bucketName')", "columns: eventTime, requestParameters"},
			cols: []string{"bucket", "_col1"},
		},
		{
			q:    "SELECT eventID FROM trail WHERE eventID IN ('a', 'b') ORDER BY eventTime DESC",
			want: []string{"sort _order0 DESC", "prune: eventID IN ('a', 'b')", "columns: eventTime, eventID"},
			cols: []string{"eventID"},
		},
	}
	for _, c := range cases {
		p, err := plan(t, stores, c.q, false)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		text := Format(p.Root, nil)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s\nEXPLAIN lacks %q:\n%s", c.q, w, text)
			}
		}
		if strings.Join(p.Names, ",") != strings.Join(c.cols, ",") {
			t.Errorf("%s: names %v, want %v", c.q, p.Names, c.cols)
		}
		// Without pushdown the scan reads everything and filters keep
		// every conjunct.
		np, err := plan(t, stores, c.q, true)
		if err != nil {
			t.Fatal(err)
		}
		if text := Format(np.Root, nil); strings.Contains(text, "prune:") || strings.Contains(text, "time range") {
			t.Errorf("pushdown off still pushes:\n%s", text)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	stores, _ := testStores(t)
	cases := []struct {
		q    string
		kind error
		pos  string // the text the error must point at
	}{
		{"SELECT evntName FROM trail", ErrUnknownColumn, "evntName"},
		{"SELECT eventName FROM nosuch", ErrUnknownTable, "nosuch"},
		{"SELECT frobnicate(eventName) FROM trail", ErrUnknownFunction, "frobnicate"},
		{"SELECT eventName, count(*) FROM trail GROUP BY eventSource", ErrType, "eventName"},
		{"SELECT userIdentity.nope FROM trail", ErrUnknownColumn, "nope"},
		{"SELECT eventName FROM trail WHERE count(*) > 1", ErrType, "count"},
		{"SELECT lower(readOnly) FROM trail", ErrType, "readOnly"},
	}
	for _, c := range cases {
		_, err := plan(t, stores, c.q, false)
		var se *sql.Error
		if !errors.As(err, &se) || !errors.Is(err, c.kind) {
			t.Errorf("%s: got %v, want a positioned %v", c.q, err, c.kind)
			continue
		}
		if !strings.HasPrefix(c.q[se.Pos:], c.pos) {
			t.Errorf("%s: error %q points at %q, want %q", c.q, se.Error(), c.q[se.Pos:], c.pos)
		}
	}
}
