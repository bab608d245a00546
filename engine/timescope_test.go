package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
)

// A time scope answers as the same query with the range written into its
// WHERE clause, over stores and JSON tables alike, with pushdown on and
// off; it prunes files (EXPLAIN ANALYZE shows them skipped) and shows in
// EXPLAIN as the scan's time range.
func TestTimeScope(t *testing.T) {
	cat, nd := store(t)
	eng := engine.New(cat)
	ctx := context.Background()
	lo := time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)
	hi := time.Date(2024, 5, 4, 12, 0, 0, 0, time.UTC)
	scope := orcstore.TimeRange{Min: lo.UnixNano(), HasMin: true, Max: hi.UnixNano(), HasMax: true}
	count := func(q string, o engine.Options) string {
		t.Helper()
		out, err := eng.Run(ctx, q, o)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer out.Release()
		var b strings.Builder
		for _, r := range out.Records {
			for i := 0; i < int(r.NumRows()); i++ {
				for c := 0; c < int(r.NumCols()); c++ {
					fmt.Fprintf(&b, "%s|", r.Column(c).ValueStr(i))
				}
				b.WriteString("\n")
			}
		}
		return b.String()
	}
	where := "eventTime >= TIMESTAMP '2024-05-03 00:00:00' AND eventTime < TIMESTAMP '2024-05-04 12:00:00'"
	for _, tc := range []struct{ scoped, written string }{
		{"SELECT count(*) FROM trail", "SELECT count(*) FROM trail WHERE " + where},
		{"SELECT eventName, count(*) FROM trail WHERE eventSource = 's3.amazonaws.com' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5",
			"SELECT eventName, count(*) FROM trail WHERE eventSource = 's3.amazonaws.com' AND " + where + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5"},
		// A range of the query's own intersects the scope.
		{"SELECT count(*) FROM trail WHERE eventTime < TIMESTAMP '2024-05-04 00:00:00'",
			"SELECT count(*) FROM trail WHERE eventTime < TIMESTAMP '2024-05-04 00:00:00' AND " + where},
		{"SELECT count(*) FROM (SELECT eventID FROM trail UNION ALL SELECT eventID FROM trail)",
			"SELECT count(*) FROM (SELECT eventID FROM trail WHERE " + where + " UNION ALL SELECT eventID FROM trail WHERE " + where + ")"},
	} {
		want := count(tc.written, engine.Options{})
		for _, noPush := range []bool{false, true} {
			if got := count(tc.scoped, engine.Options{TimeScope: scope, NoPushdown: noPush}); got != want {
				t.Errorf("%s (pushdown off: %v): scoped %q, written %q", tc.scoped, noPush, got, want)
			}
		}
	}
	all := count("SELECT count(*) FROM trail", engine.Options{})
	if got := count("SELECT count(*) FROM trail", engine.Options{TimeScope: scope}); got == all {
		t.Fatalf("the scope changed nothing (%s)", got)
	}
	// JSON tables are scoped too.
	js := engine.Options{TimeScope: scope, JSONTables: map[string][]string{"j": {nd}}}
	if got, want := count("SELECT count(*) FROM j", js), count("SELECT count(*) FROM trail WHERE "+where, engine.Options{}); got != want {
		t.Errorf("JSON table scoped: %s, want %s", got, want)
	}
	q, err := eng.Prepare(ctx, "SELECT count(*) FROM trail", engine.Options{TimeScope: scope})
	if err != nil {
		t.Fatal(err)
	}
	if ex := q.Explain(); !strings.Contains(ex, "time range: [2024-05-03T00:00:00Z, 2024-05-04T12:00:00Z)") {
		t.Errorf("EXPLAIN does not show the scope:\n%s", ex)
	}
	text, tree, _, err := q.AnalyzeTree(ctx, engine.HiddenTimes)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "skipped") {
		t.Errorf("EXPLAIN ANALYZE text:\n%s", text)
	}
	scan := tree
	for len(scan.Children) > 0 {
		scan = scan.Children[0]
	}
	if scan.Figures == nil || !strings.Contains(scan.Figures.Extra["files"], "skipped") || strings.Contains(scan.Figures.Extra["files"], " 0 skipped") {
		t.Errorf("the scoped scan skipped no file: %+v", scan.Figures)
	}
}
