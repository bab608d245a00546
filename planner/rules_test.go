package planner

import (
	"strings"
	"testing"

	"github.com/ctlake/ctlake/orcstore"
)

// TestRulesFire names, for each query, the rules that must rewrite its
// plan (Plan.Fired), as CockroachDB's "opt expect=Rule" does: a rule that
// silently stops firing fails here even when results stay equal.
func TestRulesFire(t *testing.T) {
	c, err := orcstore.OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"trail", "other"} {
		if _, err := c.Create(name, orcstore.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		q     string
		rules []string
		plan  []string // substrings of the EXPLAIN text
	}{
		{"SELECT a.eventName FROM trail a JOIN other b ON a.eventID = b.eventID WHERE b.eventTime >= TIMESTAMP '2024-05-01 00:00:00'",
			[]string{RulePushFilterJoin, RuleJoinKeys, RulePushFilterScan, RuleBuildSide, RuleDynamicFilter, RuleRemoveTrueFilter},
			[]string{"keys: a.eventID = b.eventID", "time range: [2024-05-01T00:00:00Z, +inf)", "dynamic filter"}},
		{"SELECT count(*) FROM trail a, other b WHERE a.eventID = b.eventID AND a.eventID = 'x'",
			[]string{RulePushFilterJoin, RuleJoinKeys, RuleTransitive, RulePushFilterScan},
			[]string{"filter b.eventID = 'x'", "prune: eventID = 'x'"}},
		{"SELECT count(*) FROM trail a LEFT JOIN other b ON a.eventID = b.eventID AND b.eventName = 'x' WHERE b.readOnly",
			[]string{RulePushFilterJoin, RulePushJoinCondition, RuleJoinKeys},
			[]string{"inner join"}},
		{"SELECT count(*) FROM trail WHERE eventName IN (SELECT eventName FROM other)",
			[]string{RuleMarkToSemi, RuleMergeProjects}, []string{"semi join"}},
		{"SELECT count(*) FROM trail t WHERE NOT EXISTS (SELECT 1 FROM other o WHERE o.eventID = t.eventID)",
			[]string{RuleMarkToSemi, RuleJoinKeys}, []string{"anti join", "keys: t.eventID = o.eventID"}},
		{"WITH x AS (SELECT eventName AS n, count(*) AS c FROM trail GROUP BY 1) SELECT c FROM x WHERE n = 'a'",
			[]string{RulePushFilterProject, RulePushFilterAggregate, RulePushFilterScan}, []string{"prune: eventName = 'a'"}},
		{"SELECT eventName FROM (SELECT * FROM trail) WHERE eventSource = 's' AND eventSource = 's'",
			[]string{RulePushFilterProject, RuleMergeProjects}, []string{"columns: eventSource, eventName"}},
		{"SELECT eventName FROM trail ORDER BY eventTime DESC LIMIT 3",
			[]string{RulePushTopN}, []string{"top 3"}},
	}
	for _, tc := range cases {
		p, err := plan(t, c, tc.q, false)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		text := Format(p.Root, nil)
		for _, r := range tc.rules {
			if p.Fired[r] == 0 {
				t.Errorf("%s\nrule %s did not fire (fired: %v)\n%s", tc.q, r, p.Fired, text)
			}
		}
		for _, w := range tc.plan {
			if !strings.Contains(text, w) {
				t.Errorf("%s\nEXPLAIN lacks %q:\n%s", tc.q, w, text)
			}
		}
	}
}

// TestOptimizerSettles checks that the rules reach a fixpoint on a query
// with every kind of join and subquery (the loop is capped; not settling
// is an error, not a silent half-optimized plan).
func TestOptimizerSettles(t *testing.T) {
	stores, _ := testStores(t)
	q := `WITH a AS (SELECT eventID, eventName FROM trail WHERE eventName LIKE 'Get%')
SELECT x.eventID, (SELECT count(*) FROM trail t WHERE t.eventName = x.eventName) AS n
FROM a x LEFT JOIN trail y ON x.eventID = y.eventID FULL JOIN trail z ON z.eventID = y.eventID
WHERE EXISTS (SELECT 1 FROM trail w WHERE w.eventID = x.eventID) AND x.eventID NOT IN (SELECT eventID FROM trail WHERE readOnly)
AND z.eventName = 'b'`
	p, err := plan(t, stores, q, false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Fired[RuleMarkToSemi] != 2 {
		t.Errorf("markToSemi fired %d times, want 2:\n%s", p.Fired[RuleMarkToSemi], Format(p.Root, nil))
	}
}
