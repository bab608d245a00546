package planner

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/sql"
)

// Error kinds of binding, wrapped in *sql.Error so that every message points
// at the query text (test with errors.Is).
var (
	ErrUnknownColumn   = errors.New("unknown column")
	ErrUnknownTable    = errors.New("unknown table")
	ErrUnknownFunction = errors.New("unknown function")
	ErrType            = errors.New("type error")
	ErrAmbiguous       = errors.New("ambiguous column")
	ErrUnsupported     = sql.ErrUnsupported
)

// Stores resolves the table names a query uses (store name, ID or ARN)
// and lists the stores for SHOW TABLES.
type Stores interface {
	Open(ref string) (*orcstore.Store, error)
	List() ([]orcstore.Info, error)
}

// Options configure planning.
type Options struct {
	Stores    Stores
	Functions FunctionCatalog
	Folder    ConstFolder
	// NoPushdown plans every scan without pruning (all files, stripes and
	// row groups, the time range applied as a filter). Results must not
	// change; tests run both ways.
	NoPushdown bool
	// SampleSeed seeds TABLESAMPLE (0: a random seed per query); tests
	// fix it so that samples repeat.
	SampleSeed uint64
	// JSONTables maps table names (as written in FROM, matched without
	// regard to case) to JSON files read without ingest; they are looked up
	// before Stores. The scan gets Scan.JSON set.
	JSONTables map[string][]string
	// NoRules returns the plan as bound, constants folded: no rewrite
	// rule and no column pruning. The reference evaluator of the golden
	// tests runs it, so that every rule is checked against a plan it did
	// not touch. Joins in it have no hash keys; it is not for the executor.
	NoRules bool
	// TimeScope, when bounded, limits every scan to this eventTime range
	// (the console's time-range picker; see scopeScans).
	TimeScope orcstore.TimeRange
}

// Build plans a parsed statement. query is the statement's text, for error
// positions.
func Build(query string, stmt sql.Statement, opts Options) (*Plan, error) {
	if opts.Functions == nil {
		return nil, errors.New("planner: no function catalog")
	}
	if err := sql.CheckDepth(query, stmt); err != nil {
		return nil, err // the binder recurses over expressions
	}
	b := &binder{query: query, opts: opts, ctes: map[string]*sql.CTE{}, fired: map[string]int{}}
	var q *sql.Query
	p := &Plan{}
	var root Node
	var names []string
	var err error
	switch s := stmt.(type) {
	case *sql.Explain:
		q, p.Explain, p.Analyze = s.Query, true, s.Analyze
	case *sql.Query:
		q = s
	case *sql.ShowTables:
		root, names, err = b.showTables(s)
	case *sql.ShowColumns:
		root, names, err = b.showColumns(s)
	default:
		return nil, b.errorf(stmt.Position(), ErrUnsupported, "only SELECT queries are supported")
	}
	if q != nil {
		root, names, err = b.bindQuery(q)
	}
	if err == nil {
		err = b.foldConstants(root)
	}
	if err != nil {
		b.releaseSnapshots()
		return nil, err
	}
	// The console's time range narrows every scan before the rules run,
	// so that estimates and transitive time facts see it too.
	scopeScans(root, opts.TimeScope)
	if !opts.NoRules {
		if root, err = b.optimize(root); err != nil {
			b.releaseSnapshots()
			return nil, err
		}
		pruneColumns(root)
		for {
			n := b.fired[RuleMergeProjects]
			if root = b.once(root, RuleMergeProjects, mergeProjects); b.fired[RuleMergeProjects] == n {
				break
			}
		}
		if !opts.NoPushdown {
			root = b.once(root, RuleDynamicFilter, dynamicFilter)
		}
	}
	p.Root, p.Names, p.Fired, p.Snapshots = root, names, b.fired, b.snapshots
	return p, nil
}

// releaseSnapshots ends the leases of the snapshots taken so far, for a
// statement that fails to bind: no plan holds them.
func (b *binder) releaseSnapshots() {
	for _, s := range b.snapshots {
		s.Release()
	}
}

// binder holds what binding one statement needs.
type binder struct {
	query string
	opts  Options
	ctes  map[string]*sql.CTE // by lower-case name, innermost WITH wins
	// growable are AND/OR nodes whose argument list no other node has
	// extended yet (see binary).
	growable map[*Logic]bool
	// lambdaIDs numbers the lambdas bound so far (LambdaVar.ID).
	lambdaIDs int
	// snapshots are the store snapshots taken so far (Plan.Snapshots).
	snapshots []*orcstore.Manifest
	rels      int // relations (FROM items) numbered so far
	// corr is set while the block of a subquery is bound: the enclosing
	// scope, and what the block found correlated (see bind_subquery.go).
	corr  *correlation
	subN  int            // subqueries bound so far, to name their columns
	fired map[string]int // rule name → times it rewrote a node
	// win is the enclosing SELECT's window state (bind_window.go).
	win *windowScope
	// samples counts the TABLESAMPLEs bound so far (sample.go).
	samples int
}

func (b *binder) errorf(pos int, kind error, format string, args ...any) error {
	return sql.NewError(b.query, pos, kind, format, args...)
}

// suggest names a column that differs only slightly, for "did you mean".
func (b *binder) suggest(name string, sc *scope) string {
	best, bestD := "", 3
	for i, c := range sc.cols {
		if sc.hidden[i] {
			continue
		}
		if d := EditDistance(strings.ToLower(name), strings.ToLower(c.Name)); d < bestD {
			best, bestD = c.Name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// EditDistance is the Levenshtein distance of two names (bytes), for
// "did you mean" suggestions; the function catalog uses it too.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// storeColumns are the columns of a store scan: the event schema.
func storeColumns() ([]Column, error) {
	var cols []Column
	for _, f := range orcstore.EventSchema.Fields() {
		t, err := TypeFromArrow(f.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		cols = append(cols, Column{Name: f.Name, T: t})
	}
	return cols, nil
}

// parseTimestampLiteral reads the forms Lake users write in TIMESTAMP
// literals: ISO-8601 dates and date-times, with or without fraction and zone.
func parseTimestampLiteral(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	layouts := []string{
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02",
		"2006-01-02 15:04:05.999999999 MST",
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().UnixNano(), true
		}
	}
	return 0, false
}
