package planner

import (
	"fmt"

	"github.com/ctlake/ctlake/sql"
)

// Subqueries in expressions become joins of the clause's input with the
// subquery's plan, decorrelated while they are bound:
//
//	EXISTS (q)              → mark join: every input row plus "does q have a row for it"
//	x [NOT] IN (q)          → mark join, NULL-aware when q is not correlated
//	(q) as a value          → left join that fails on a second matching row (Single)
//
// A correlated subquery may refer to the enclosing query's columns in its
// WHERE conjuncts; those conjuncts leave the subquery and become the join's
// condition (equalities become hash keys). When the subquery aggregates,
// each such conjunct must be an equality, whose inner side joins the
// GROUP BY, so the subquery yields one row per value of it.
//
// The rule markToSemi turns a mark join under a filter on its mark into a
// semi join (WHERE EXISTS, IN) or an anti join (NOT EXISTS, NOT IN).

type subKind uint8

const (
	subScalar subKind = iota + 1
	subExists
	subIn
)

// subquery is one subquery of a clause, bound and waiting to be joined to
// the clause's input.
type subquery struct {
	kind  subKind
	node  Node // the subquery's columns, then its correlation columns
	corr  *correlation
	x     Expr // IN: the tested value, over the outer input
	pos   int
	name  string // the mark column's name
	def   Expr   // scalar: the value when no row matches (count: 0); nil: NULL
	value Expr   // once joined: the mark or value, over the join's columns
}

// subqueries collects the subqueries of one clause.
type subqueries struct {
	list []*subquery
}

// take removes the subqueries e refers to from the list and returns them.
func (s *subqueries) take(e Expr) []*subquery {
	mine := map[*subquery]bool{}
	Walk(e, func(x Expr) bool {
		if r, ok := x.(*subRef); ok {
			mine[r.s] = true
		}
		return true
	})
	var out, keep []*subquery
	for _, q := range s.list {
		if mine[q] {
			out = append(out, q)
		} else {
			keep = append(keep, q)
		}
	}
	s.list = keep
	return out
}

// correlation is what binding a subquery's SELECT block found: its
// correlated conditions, over the block's output columns (InputRef) and
// the enclosing query's input (OuterRef).
type correlation struct {
	outer   *scope
	conds   []Expr
	agg     bool // the block aggregates
	grouped bool // with a GROUP BY of its own
	having  bool
	def     Expr // scalar default over no rows, for a bare count
}

// subRef stands for a subquery's value until the subquery is joined.
type subRef struct {
	s *subquery
	T Type
	P int
}

func (e *subRef) Type() Type     { return e.T }
func (e *subRef) Pos() int       { return e.P }
func (e *subRef) String() string { return e.s.name }
func (*subRef) exprNode()        {}

// bindSubquery binds the query of a subquery with sc as its enclosing
// scope.
func (b *binder) bindSubquery(sc *scope, q sql.QueryExpr, pos int) (Node, []string, *correlation, error) {
	if sc.subs == nil {
		where := sc.where
		if where == "" {
			where = "this clause"
		}
		return nil, nil, nil, b.errorf(pos, ErrUnsupported, "subqueries are not supported in %s", where)
	}
	saved := b.corr
	defer func() { b.corr = saved }()
	corr := &correlation{outer: sc}
	b.corr = nil
	if _, ok := q.(*sql.Select); ok {
		b.corr = corr
	}
	node, names, err := b.queryExpr(q)
	if err != nil {
		return nil, nil, nil, err
	}
	return node, names, corr, nil
}

// scalarSubquery binds (SELECT …) used as a value.
func (b *binder) scalarSubquery(sc *scope, e *sql.Subquery) (Expr, error) {
	node, names, corr, err := b.bindSubquery(sc, e.Query, e.Pos)
	if err != nil {
		return nil, err
	}
	if len(names) != 1 {
		return nil, b.errorf(e.Pos, ErrType, "a scalar subquery must return one column, not %d", len(names))
	}
	b.subN++
	s := &subquery{kind: subScalar, node: node, corr: corr, pos: e.Pos, name: names[0], def: corr.def}
	sc.subs.list = append(sc.subs.list, s)
	return &subRef{s: s, T: node.Columns()[0].T, P: e.Pos}, nil
}

// existsSubquery binds EXISTS (SELECT …).
func (b *binder) existsSubquery(sc *scope, e *sql.Exists) (Expr, error) {
	node, _, corr, err := b.bindSubquery(sc, e.Subquery.Query, e.Pos)
	if err != nil {
		return nil, err
	}
	if corr.agg && !corr.grouped && !corr.having {
		// An aggregation without GROUP BY has one row even over no input.
		return &Literal{V: Value{Bool: true}, T: Boolean, P: e.Pos}, nil
	}
	b.subN++
	s := &subquery{kind: subExists, node: node, corr: corr, pos: e.Pos, name: fmt.Sprintf("exists#%d", b.subN)}
	sc.subs.list = append(sc.subs.list, s)
	return &subRef{s: s, T: Boolean, P: e.Pos}, nil
}

// inSubquery binds x [NOT] IN (SELECT …).
func (b *binder) inSubquery(sc *scope, e *sql.In, aggs *aggCollector) (Expr, error) {
	x, err := b.expr(sc, e.Expr, aggs)
	if err != nil {
		return nil, err
	}
	node, names, corr, err := b.bindSubquery(sc, e.Subquery.Query, e.Subquery.Pos)
	if err != nil {
		return nil, err
	}
	if len(names) != 1 {
		return nil, b.errorf(e.Subquery.Pos, ErrType, "the subquery of IN must return one column, not %d", len(names))
	}
	y := node.Columns()[0]
	if _, err := b.compareType(x, &InputRef{T: y.T}, e.OpPos); err != nil {
		return nil, err
	}
	b.subN++
	s := &subquery{kind: subIn, node: node, corr: corr, x: x, pos: e.OpPos, name: fmt.Sprintf("in#%d", b.subN)}
	sc.subs.list = append(sc.subs.list, s)
	var ref Expr = &subRef{s: s, T: Boolean, P: e.OpPos}
	if e.Not {
		ref = &Not{X: ref, P: e.OpPos}
	}
	return ref, nil
}

// applySubqueries joins each collected subquery to node, in the order
// they were met, and sets their values. outer maps an expression over the
// clause's input scope to one over node (identity, or over an
// aggregation's output).
func (b *binder) applySubqueries(node Node, subs *subqueries, outer func(Expr) (Expr, error)) (Node, error) {
	for _, s := range subs.list {
		n := len(node.Columns())
		var conds []Expr
		for _, c := range s.corr.conds {
			c2, err := rebaseCorrelated(c, n, outer)
			if err != nil {
				return nil, err
			}
			conds = append(conds, c2)
		}
		j := &Join{Left: node, Right: s.node, Cond: conjunction(conds, s.pos), EstLeft: -1, EstRight: -1, Pos: s.pos}
		ycol := s.node.Columns()
		switch s.kind {
		case subExists:
			j.Kind, j.MarkName = JoinMark, s.name
			s.value = &InputRef{Index: n, Name: s.name, T: Boolean, P: s.pos}
		case subIn:
			x, err := outer(s.x)
			if err != nil {
				return nil, err
			}
			j.Kind, j.MarkName = JoinMark, s.name
			if len(conds) == 0 {
				cmp, err := b.compare(OpEq, x, &InputRef{Index: 0, Name: ycol[0].Name, T: ycol[0].T, P: s.pos}, s.pos)
				if err != nil {
					return nil, err
				}
				c := cmp.(*Compare)
				j.LeftKeys, j.RightKeys, j.NullAware = []Expr{c.L}, []Expr{c.R}, true
			} else {
				cmp, err := b.compare(OpEq, x, &InputRef{Index: n, Name: ycol[0].Name, T: ycol[0].T, P: s.pos}, s.pos)
				if err != nil {
					return nil, err
				}
				j.MarkCond = cmp
			}
			s.value = &InputRef{Index: n, Name: s.name, T: Boolean, P: s.pos}
		case subScalar:
			j.Kind, j.Single = JoinLeft, true
			var v Expr = &InputRef{Index: n, Name: ycol[0].Name, T: ycol[0].T, P: s.pos}
			if s.def != nil {
				v = &Coalesce{Args: []Expr{v, s.def}, T: v.Type(), P: s.pos}
			}
			s.value = v
		}
		node = j
	}
	return node, nil
}

// rebaseCorrelated turns a correlated condition into a join condition over
// the outer node's n columns then the subquery's.
func rebaseCorrelated(e Expr, n int, outer func(Expr) (Expr, error)) (Expr, error) {
	switch x := e.(type) {
	case *InputRef:
		c := *x
		c.Index += n
		return &c, nil
	case *OuterRef:
		return outer(&InputRef{Index: x.Index, Name: x.Name, T: x.T, P: x.P})
	}
	return mapChildren(e, func(c Expr) (Expr, error) { return rebaseCorrelated(c, n, outer) })
}

// resolveSubs replaces each subRef in e by its subquery's value.
func resolveSubs(e Expr) (Expr, error) {
	if r, ok := e.(*subRef); ok {
		if r.s.value == nil {
			return nil, fmt.Errorf("internal error: subquery %s used before it was joined", r.s.name)
		}
		return r.s.value, nil
	}
	return mapChildren(e, resolveSubs)
}

// hasNode reports whether e contains a node for which is returns true.
func hasNode(e Expr, is func(Expr) bool) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if is(x) {
			found = true
		}
		return !found
	})
	return found
}

func isOuterRef(e Expr) bool { _, ok := e.(*OuterRef); return ok }
func isSubRef(e Expr) bool   { _, ok := e.(*subRef); return ok }
func isInputRef(e Expr) bool { _, ok := e.(*InputRef); return ok }

// correlate splits a subquery block's WHERE into the conjuncts that refer
// to the enclosing query and the rest.
func (b *binder) correlate(cond Expr) (local Expr, corr []Expr, err error) {
	var keep []Expr
	for _, c := range conjuncts(cond) {
		if !hasNode(c, isOuterRef) {
			keep = append(keep, c)
			continue
		}
		if hasNode(c, isSubRef) {
			return nil, nil, b.errorf(c.Pos(), ErrUnsupported, "a correlated condition cannot contain a subquery")
		}
		corr = append(corr, c)
	}
	return conjunction(keep, cond.Pos()), corr, nil
}

// noOuter fails if e refers to the enclosing query: correlation is
// supported in a subquery's WHERE only.
func (b *binder) noOuter(e Expr, where string) error {
	var at Expr
	Walk(e, func(x Expr) bool {
		if isOuterRef(x) && at == nil {
			at = x
		}
		return at == nil
	})
	if at != nil {
		return b.errorf(at.Pos(), ErrUnsupported, "%s refers to the enclosing query in %s; correlated subqueries may refer to it only in their WHERE", at.String(), where)
	}
	return nil
}
