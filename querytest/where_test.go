package querytest

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// Random WHERE clauses, run like the golden files: engine with pushdown,
// without, and the reference evaluator, over the fixture store. The
// generator mixes every predicate form the pushdown rules look at (time
// ranges, comparisons with constants, IN, IS NULL, LIKE prefixes) with
// ones they must leave alone, under AND/OR/NOT, so a wrong rewrite
// (a pruned stripe that held a match, a conjunct dropped from an OR)
// changes the answer.

// whereGen builds one random predicate from a seed.
type whereGen struct {
	r *rand.Rand
}

var (
	stringCols = []string{"eventName", "eventSource", "awsRegion", "errorCode", "userAgent", "sourceIPAddress",
		"userIdentity.type", "userIdentity.arn", "eventID", "recipientAccountId",
		"userIdentity.sessionContext.sessionIssuer.userName", "userIdentity.sessionContext.attributes.mfaAuthenticated",
		"tlsDetails.tlsVersion", "userIdentity.accessKeyId"}
	callCols = []string{"element_at(requestParameters, 'bucketName')", "element_at(resources, 1).ARN", "lower(eventName)"}
	strVals  = []string{"GetObject", "PutObject", "s3.amazonaws.com", "kms.amazonaws.com", "us-east-1", "eu-west-1",
		"AccessDenied", "", "AssumedRole", "IAMUser", "hand-0001", "hand-0004", "M", "a", "z", "198.51.100.7",
		"umbrella-prod-data-775678600209", "arn:aws:s3:::hand-bucket/a/b.txt", "getobject", "Ünïcødé agent ✓",
		"false", "r", "TLSv1.2", "payments-api-lambda-role"}
	likePats = []string{"Get%", "%Object", "%amazonaws%", "s3%", "_et%", "hand-000_", "%", "", "%!%%", "a%b"}
	times    = []string{"2024-05-01", "2024-05-02 12:00:00", "2024-05-03T10:20:30Z", "2024-05-04 00:00:00", "2024-05-06",
		"2024-05-07 23:59:59.999", "2024-05-08", "2030-01-01", "2020-01-01"}
	cmpOps = []string{"=", "<>", "<", "<=", ">", ">="}
)

func (g *whereGen) pick(xs []string) string { return xs[g.r.Intn(len(xs))] }

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (g *whereGen) strCol() string {
	if g.r.Intn(5) == 0 {
		return g.pick(callCols)
	}
	return g.pick(stringCols)
}

func (g *whereGen) atom() string {
	switch g.r.Intn(12) {
	case 0, 1:
		return fmt.Sprintf("%s %s %s", g.strCol(), g.pick(cmpOps), quote(g.pick(strVals)))
	case 2, 3:
		return fmt.Sprintf("eventTime %s '%s'", g.pick(cmpOps), g.pick(times))
	case 4:
		neg := ""
		if g.r.Intn(2) == 0 {
			neg = "NOT "
		}
		return fmt.Sprintf("%s IS %sNULL", g.strCol(), neg)
	case 5:
		n := 1 + g.r.Intn(3)
		var items []string
		for i := 0; i < n; i++ {
			items = append(items, quote(g.pick(strVals)))
		}
		if g.r.Intn(4) == 0 {
			items = append(items, "NULL")
		}
		neg := ""
		if g.r.Intn(3) == 0 {
			neg = "NOT "
		}
		return fmt.Sprintf("%s %sIN (%s)", g.strCol(), neg, strings.Join(items, ", "))
	case 6:
		neg := ""
		if g.r.Intn(3) == 0 {
			neg = "NOT "
		}
		p := g.pick(likePats)
		if strings.Contains(p, "!") {
			return fmt.Sprintf("%s %sLIKE %s ESCAPE '!'", g.strCol(), neg, quote(p))
		}
		return fmt.Sprintf("%s %sLIKE %s", g.strCol(), neg, quote(p))
	case 7:
		a, b := g.pick(times), g.pick(times)
		return fmt.Sprintf("eventTime BETWEEN TIMESTAMP '%s' AND TIMESTAMP '%s'", normTime(a), normTime(b))
	case 8:
		neg := ""
		if g.r.Intn(2) == 0 {
			neg = "NOT "
		}
		return fmt.Sprintf("%s IS %sDISTINCT FROM %s", g.strCol(), neg, quote(g.pick(strVals)))
	case 9:
		if g.r.Intn(2) == 0 {
			return g.pick([]string{"readOnly", "managementEvent"})
		}
		return fmt.Sprintf("readOnly = %v", g.r.Intn(2) == 0)
	case 10:
		return fmt.Sprintf("coalesce(%s, 'none') %s %s", g.strCol(), g.pick(cmpOps), quote(g.pick(strVals)))
	}
	return fmt.Sprintf("cardinality(resources) %s %d", g.pick(cmpOps), g.r.Intn(3))
}

// normTime turns a time literal into TIMESTAMP literal syntax.
func normTime(s string) string {
	s = strings.TrimSuffix(strings.Replace(s, "T", " ", 1), "Z")
	if len(s) == 10 {
		s += " 00:00:00"
	}
	return s
}

func (g *whereGen) pred(depth int) string {
	if depth <= 0 || g.r.Intn(3) == 0 {
		return g.atom()
	}
	switch g.r.Intn(4) {
	case 0:
		return "NOT (" + g.pred(depth-1) + ")"
	case 1:
		return "(" + g.pred(depth-1) + " OR " + g.pred(depth-1) + ")"
	}
	return g.pred(depth-1) + " AND " + g.pred(depth-1)
}

// RandomWhere returns the query for seed.
func RandomWhere(seed int64) string {
	g := &whereGen{r: rand.New(rand.NewSource(seed))}
	return "SELECT eventID, eventName FROM events WHERE " + g.pred(3)
}

// RandomAgg returns a grouped query for seed: a random grouping column,
// a few aggregates over random columns, a random WHERE, sometimes HAVING
// and an ORDER BY with LIMIT over the (unique) group key.
func RandomAgg(seed int64) string {
	g := &whereGen{r: rand.New(rand.NewSource(seed))}
	key := g.strCol()
	aggs := []string{"count(*)"}
	for i := 0; i < 1+g.r.Intn(4); i++ {
		c := g.strCol()
		switch g.r.Intn(7) {
		case 0:
			aggs = append(aggs, "count(DISTINCT "+c+")")
		case 1:
			aggs = append(aggs, "min("+c+")", "max("+c+")")
		case 2:
			aggs = append(aggs, "count_if("+c+" IS NULL)")
		case 3:
			aggs = append(aggs, "sum(length("+c+"))", "avg(length("+c+"))")
		case 4:
			aggs = append(aggs, "min(eventTime)", "max(eventTime)")
		case 5:
			aggs = append(aggs, "max_by("+c+", eventID)")
		default:
			aggs = append(aggs, "count("+c+")")
		}
	}
	q := "SELECT " + key + " AS k, " + strings.Join(aggs, ", ") + " FROM events"
	if g.r.Intn(2) == 0 {
		q += " WHERE " + g.pred(1)
	}
	q += " GROUP BY 1"
	if g.r.Intn(3) == 0 {
		q += fmt.Sprintf(" HAVING count(*) > %d", g.r.Intn(20))
	}
	if g.r.Intn(2) == 0 {
		dir := g.pick([]string{"", " DESC", " NULLS FIRST", " DESC NULLS LAST"})
		q += fmt.Sprintf(" ORDER BY 1%s LIMIT %d", dir, 1+g.r.Intn(10))
	}
	return q
}

// TestRandomAgg runs grouped random queries (seeds 1..n) three ways.
func TestRandomAgg(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 10
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		checkWhere(t, RandomAgg(seed))
	}
}

// checkWhere runs one query three ways and fails on any disagreement.
func checkWhere(t *testing.T, q string) {
	t.Helper()
	c := &Case{Pos: "random", Command: "query", Input: q}
	text, failed := runThreeWays(t, NewRunner(fixtureCatalog(t)), c)
	if failed {
		t.Errorf("%s\n%s", q, text)
	}
}

// TestRandomWhere runs a fixed set of random predicates (seeds 1..n; a
// one-off sweep of seeds 1000..1399 with RandomAgg too found nothing more).
func TestRandomWhere(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 20
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		checkWhere(t, RandomWhere(seed))
	}
}

// fuzzFinds are queries the fuzzer found failing, pinned by name (their
// seeds stay under testdata/fuzz/FuzzWhere, though a change to the
// generator's pools makes a seed produce another query).
var fuzzFinds = []struct {
	name, query string
}{
	// userIdentity.type IS NULL: the store pruned stripes by the child
	// column's null statistics, which do not see rows whose userIdentity
	// is NULL (fixed in orcstore/prune.go).
	// (Seed 332 before the column pools grew.)
	{"fuzz IS NULL on a struct child", "SELECT eventID, eventName FROM events WHERE userIdentity.type IS NULL"},
}

func TestFuzzFinds(t *testing.T) {
	for _, f := range fuzzFinds {
		t.Run(f.name, func(t *testing.T) { checkWhere(t, f.query) })
	}
}

// FuzzWhere explores further seeds. Run with
//
//	go test ./querytest -run '^$' -fuzz FuzzWhere -fuzztime 60s
func FuzzWhere(f *testing.F) {
	for _, s := range []int64{0, 1, 2, 42, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		checkWhere(t, RandomWhere(seed))
	})
}
