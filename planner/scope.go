package planner

import (
	"errors"
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// scope is what names in an expression can refer to: the columns of the
// node below, each with the qualifiers (table name, alias) that may prefix
// it. A join's scope is its sides' scopes side by side, so a.eventID and
// b.eventID name different columns and a bare eventID in both is
// ambiguous.
type scope struct {
	cols   []Column
	quals  [][]string // per column: names that may prefix it
	hidden []bool     // per column: reachable only through a qualifier (a side's copy of a USING column)
	rel    []int      // per column: which relation (FROM item) it comes from
	// outer is the enclosing query's scope inside a correlated subquery:
	// names not found here are looked up there and bound as OuterRef.
	outer *scope
	// subs collects the subqueries met while binding one clause (WHERE,
	// the select list, HAVING); nil where subqueries are not allowed.
	subs *subqueries
	// aggSubs collects those in aggregate arguments: they join the rows
	// before the aggregation.
	aggSubs *subqueries
	// where names the clause being bound, for "not allowed here" errors.
	where string
	// aliases are the select list's output names (lower-case) and their
	// expressions, which ORDER BY names mean before input columns; a nil
	// expression marks a name two different items have.
	aliases map[string]Expr
	// lambdas are the parameters of the lambdas around the expression.
	lambdas *lambdaScope
}

// newScope is the scope of one relation: every column prefixed by quals.
func (b *binder) newScope(cols []Column, quals ...string) *scope {
	b.rels++
	sc := &scope{cols: cols, quals: make([][]string, len(cols)), hidden: make([]bool, len(cols)), rel: make([]int, len(cols))}
	for i := range cols {
		sc.quals[i] = append([]string(nil), quals...)
		sc.rel[i] = b.rels
	}
	return sc
}

// joinScopes puts two scopes side by side (a join's columns).
func joinScopes(l, r *scope) *scope {
	sc := &scope{}
	for _, s := range []*scope{l, r} {
		sc.cols = append(sc.cols, s.cols...)
		sc.quals = append(sc.quals, s.quals...)
		sc.hidden = append(sc.hidden, s.hidden...)
		sc.rel = append(sc.rel, s.rel...)
	}
	return sc
}

// qualified reports whether column i may be prefixed with q.
func (sc *scope) qualified(i int, q string) bool {
	for _, x := range sc.quals[i] {
		if strings.EqualFold(x, q) {
			return true
		}
	}
	return false
}

// hasQualifier reports whether any column may be prefixed with q.
func (sc *scope) hasQualifier(q string) bool {
	for i := range sc.cols {
		if sc.qualified(i, q) {
			return true
		}
	}
	return false
}

// OuterRef is a correlated reference inside a subquery: column Index of
// the enclosing query's input. Binding a subquery removes every OuterRef
// by turning the subquery into a join (decorrelation); none reaches exec.
type OuterRef struct {
	Index int
	Name  string
	T     Type
	P     int
}

func (e *OuterRef) Type() Type     { return e.T }
func (e *OuterRef) Pos() int       { return e.P }
func (e *OuterRef) String() string { return e.Name }
func (*OuterRef) exprNode()        {}

// resolveColumn binds a dotted reference: an optional qualifier, a column,
// then struct fields. Names match case-insensitively, exact case first. A
// lambda's parameters hide columns of the same name. A name found in no
// column of sc is looked up in the enclosing query
// (correlation) before it is an error.
func (b *binder) resolveColumn(sc *scope, ref *sql.ColumnRef) (Expr, error) {
	if e, ok, err := b.resolveLambdaVar(sc, ref); ok {
		return e, err
	}
	e, err := b.resolveLocal(sc, ref)
	if err == nil || sc.outer == nil || !isUnknown(err) {
		return e, err
	}
	oe, oerr := b.resolveLocal(sc.outer, ref)
	if oerr != nil {
		if sc.outer.outer != nil {
			if _, deeper := b.resolveColumn(sc.outer, ref); deeper == nil {
				return nil, b.errorf(ref.Pos, ErrUnsupported, "%s refers to a query two levels out; correlated subqueries may only refer to the query right around them", strings.Join(ref.Parts, "."))
			}
		}
		return nil, err
	}
	return toOuter(oe), nil
}

func isUnknown(err error) bool {
	return err != nil && errors.Is(err, ErrUnknownColumn)
}

// toOuter turns the InputRef at the root of e (a column, or fields of one)
// into an OuterRef.
func toOuter(e Expr) Expr {
	switch x := e.(type) {
	case *InputRef:
		return &OuterRef{Index: x.Index, Name: x.Name, T: x.T, P: x.P}
	case *FieldRef:
		c := *x
		c.Row = toOuter(x.Row)
		return &c
	}
	return e
}

func (b *binder) resolveLocal(sc *scope, ref *sql.ColumnRef) (Expr, error) {
	parts, pos := ref.Parts, ref.PartPos
	if len(parts) == 1 && sc.aliases != nil {
		if e, ok := sc.aliases[strings.ToLower(parts[0])]; ok {
			if e == nil {
				return nil, b.errorf(pos[0], ErrAmbiguous, "%q names more than one column of the select list", parts[0])
			}
			return e, nil
		}
	}
	var qerr error
	if len(parts) > 1 && sc.hasQualifier(parts[0]) {
		idx, err := b.findColumn(sc, parts[1], pos[1], parts[0])
		if err == nil {
			return b.fieldChain(sc, idx, parts[0]+"."+sc.cols[idx].Name, parts[2:], pos[1:])
		}
		if !isUnknown(err) {
			return nil, err
		}
		qerr = err
	}
	idx, err := b.findColumn(sc, parts[0], pos[0], "")
	if err != nil {
		if qerr != nil {
			return nil, qerr // t.nosuch: the column t lacks, not a column named t
		}
		return nil, err
	}
	return b.fieldChain(sc, idx, sc.cols[idx].Name, parts[1:], pos)
}

// fieldChain builds the reference to column idx followed by fields.
func (b *binder) fieldChain(sc *scope, idx int, name string, fields []string, pos []int) (Expr, error) {
	var e Expr = &InputRef{Index: idx, Name: name, T: sc.cols[idx].T, P: pos[0]}
	for i, f := range fields {
		fe, err := b.field(e, f, pos[i+1])
		if err != nil {
			return nil, err
		}
		e = fe
	}
	return e, nil
}

// findColumn finds the column named name (prefixed by qual, if not ""):
// exact case first, then ignoring case. A name that more than one
// relation's column matches is ambiguous, as in Trino.
func (b *binder) findColumn(sc *scope, name string, pos int, qual string) (int, error) {
	match := func(fold bool) []int {
		var out []int
		for i, c := range sc.cols {
			if qual == "" && sc.hidden[i] || qual != "" && !sc.qualified(i, qual) {
				continue
			}
			if c.Name == name || fold && strings.EqualFold(c.Name, name) {
				out = append(out, i)
			}
		}
		return out
	}
	found := match(false)
	if len(found) == 0 {
		found = match(true)
	}
	switch {
	case len(found) == 0:
		what := name
		if qual != "" {
			what = qual + "." + name
		}
		return -1, b.errorf(pos, ErrUnknownColumn, "unknown column %q%s", what, b.suggest(name, sc))
	case len(found) > 1 && !sameRelation(sc.rel, found):
		return -1, b.errorf(pos, ErrAmbiguous, "column %q is ambiguous: more than one table of the FROM clause has it; prefix it with a table name or alias", name)
	}
	return found[0], nil
}

// sameRelation reports columns of one relation: duplicate names inside one
// derived table resolve to the first, as they always have.
func sameRelation(rel []int, cols []int) bool {
	for _, c := range cols[1:] {
		if rel[c] != rel[cols[0]] {
			return false
		}
	}
	return true
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
