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
	ErrUnsupported     = sql.ErrUnsupported
)

// Stores resolves the table names a query uses (store name, ID or ARN).
type Stores interface {
	Open(ref string) (*orcstore.Store, error)
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
	// JSONTables maps table names (as written in FROM, matched without
	// regard to case) to JSON files read without ingest; they are looked up
	// before Stores. The scan gets Scan.JSON set.
	JSONTables map[string][]string
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
	b := &binder{query: query, opts: opts, ctes: map[string]*sql.CTE{}}
	var q *sql.Query
	p := &Plan{}
	switch s := stmt.(type) {
	case *sql.Explain:
		q, p.Explain, p.Analyze = s.Query, true, s.Analyze
	case *sql.Query:
		q = s
	default:
		return nil, b.errorf(stmt.Position(), ErrUnsupported, "only SELECT queries are supported")
	}
	root, names, err := b.bindQuery(q)
	if err == nil {
		err = b.foldConstants(root)
	}
	if err != nil {
		for _, s := range b.snapshots {
			s.Release()
		}
		return nil, err
	}
	b.pushFilters(root)
	pruneColumns(root)
	p.Root, p.Names, p.Snapshots = root, names, b.snapshots
	return p, nil
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
}

func (b *binder) errorf(pos int, kind error, format string, args ...any) error {
	return sql.NewError(b.query, pos, kind, format, args...)
}

// scope is what names in an expression can refer to: the columns of the
// node below, with the qualifiers (table name, alias) they can be prefixed
// with.
type scope struct {
	cols       []Column
	qualifiers []string     // lower-case names that may prefix a column
	lambdas    *lambdaScope // parameters of the lambdas around the expression
}

// resolveColumn binds a dotted reference: an optional qualifier, a column,
// then struct fields. Names match case-insensitively, exact case first.
func (b *binder) resolveColumn(sc *scope, ref *sql.ColumnRef) (Expr, error) {
	if e, ok, err := b.resolveLambdaVar(sc, ref); ok {
		return e, err
	}
	parts, pos := ref.Parts, ref.PartPos
	if len(parts) > 1 {
		for _, q := range sc.qualifiers {
			if strings.EqualFold(parts[0], q) {
				if e, err := b.resolveColumnParts(sc, parts[1:], pos[1:]); err == nil {
					return e, nil
				}
			}
		}
	}
	return b.resolveColumnParts(sc, parts, pos)
}

func (b *binder) resolveColumnParts(sc *scope, parts []string, pos []int) (Expr, error) {
	idx := -1
	for i, c := range sc.cols {
		if c.Name == parts[0] {
			idx = i
			break
		}
	}
	if idx < 0 {
		for i, c := range sc.cols {
			if strings.EqualFold(c.Name, parts[0]) {
				idx = i
				break
			}
		}
	}
	if idx < 0 {
		return nil, b.errorf(pos[0], ErrUnknownColumn, "unknown column %q%s", parts[0], b.suggest(parts[0], sc))
	}
	var e Expr = &InputRef{Index: idx, Name: sc.cols[idx].Name, T: sc.cols[idx].T, P: pos[0]}
	for i := 1; i < len(parts); i++ {
		fe, err := b.field(e, parts[i], pos[i])
		if err != nil {
			return nil, err
		}
		e = fe
	}
	return e, nil
}

// field binds row.name.
func (b *binder) field(row Expr, name string, pos int) (Expr, error) {
	t := row.Type()
	if t.Kind != KindRow {
		return nil, b.errorf(pos, ErrType, "%s is %s, not a row: it has no field %q", row.String(), t, name)
	}
	_, f, ok := t.Field(name)
	if !ok {
		names := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			names[i] = f.Name
		}
		return nil, b.errorf(pos, ErrUnknownColumn, "%s has no field %q (fields: %s)", row.String(), name, strings.Join(names, ", "))
	}
	return &FieldRef{Row: row, Name: f.Name, T: f.Type, P: pos}, nil
}

// suggest names a column that differs only slightly, for "did you mean".
func (b *binder) suggest(name string, sc *scope) string {
	best, bestD := "", 3
	for _, c := range sc.cols {
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
