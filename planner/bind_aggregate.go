package planner

import (
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// grouping carries a SELECT block's parts through its aggregation.
type grouping struct {
	items      []selItem
	order      []orderTerm
	having     Expr
	havingSubs *subqueries
	itemSubs   *subqueries
	aggSubs    *subqueries // in aggregate arguments
	aggs       *aggCollector
	// corrConds are the correlated WHERE conjuncts of a subquery's block:
	// over the input and OuterRefs on the way in, over the block's output
	// on the way out.
	corrConds []Expr
	hidden    []Expr // out: the correlation columns, over the aggregation
	def       Expr   // out: a scalar subquery's value over no rows
}

// countLike are the aggregates whose value over no rows is 0, not NULL.
var countLike = map[string]bool{"count": true, "count_if": true, "approx_distinct": true}

// aggregateBlock binds GROUP BY, aggregates the input, rewrites the items,
// ORDER BY terms and HAVING over the aggregation's output, and joins the
// HAVING and select-list subqueries to it. A correlated subquery's
// equalities join its grouping, so that it yields one row per value.
func (b *binder) aggregateBlock(s *sql.Select, sc *scope, input Node, g *grouping) (Node, error) {
	// Subqueries of aggregate arguments and of grouped select items join
	// the rows before they are aggregated.
	pre := g.aggSubs
	if pre == nil {
		pre = &subqueries{}
	}
	for _, ge := range s.GroupBy {
		if lit, ok := ge.(*sql.Literal); ok && lit.Kind == sql.LitInteger {
			if n := ordinal(lit.Value); n >= 1 && n <= len(g.items) {
				pre.list = append(pre.list, g.itemSubs.take(g.items[n-1].expr)...)
			}
		}
	}
	input, err := b.applySubqueries(input, pre, same)
	if err != nil {
		return nil, err
	}
	for i := range g.aggs.calls {
		for k, a := range g.aggs.calls[i].Args {
			if g.aggs.calls[i].Args[k], err = resolveSubs(a); err != nil {
				return nil, err
			}
		}
	}
	bind := func(ge sql.Expr) (Expr, string, error) {
		if lit, ok := ge.(*sql.Literal); ok && lit.Kind == sql.LitInteger {
			n := ordinal(lit.Value)
			if n < 1 || n > len(g.items) {
				return nil, "", b.errorf(lit.Pos, ErrType, "GROUP BY position %s is not in the select list (1..%d)", lit.Value, len(g.items))
			}
			e, err := resolveSubs(g.items[n-1].expr)
			if err != nil {
				return nil, "", err
			}
			if containsAgg(e) {
				return nil, "", b.errorf(lit.Pos, ErrType, "GROUP BY position %s refers to an aggregate or window function", lit.Value)
			}
			g.items[n-1].expr = e
			return e, g.items[n-1].name, nil
		}
		sc.where = "GROUP BY"
		e, err := b.expr(sc, ge, nil)
		sc.where = ""
		if err != nil {
			return nil, "", b.groupByAlias(err, ge, g.items)
		}
		if err := b.noOuter(e, "GROUP BY"); err != nil {
			return nil, "", err
		}
		return e, e.String(), nil
	}
	groups, groupNames, sets, err := b.groupBy(s.GroupBy, bind)
	if err != nil {
		return nil, err
	}
	// Correlated equalities: their inner side joins the grouping.
	type corrPair struct {
		group int
		outer Expr
		pos   int
	}
	var pairs []corrPair
	for _, c := range g.corrConds {
		inner, outer, ok := splitEquality(c)
		if !ok {
			return nil, b.errorf(c.Pos(), ErrUnsupported, "in a subquery that aggregates, a condition on the enclosing query must be an equality of a subquery column with it, such as t.x = outer.x")
		}
		k := -1
		for i, gr := range groups {
			if exprKey(gr) == exprKey(inner) {
				k = i
			}
		}
		if k < 0 {
			k = len(groups)
			groups = append(groups, inner)
			groupNames = append(groupNames, inner.String())
			for i := range sets {
				sets[i] = append(sets[i], k) // one value per outer row in every set
			}
		}
		pairs = append(pairs, corrPair{k, outer, c.Pos()})
	}

	agg := &Aggregate{Input: input, Groups: groups, GroupNames: groupNames, Aggs: g.aggs.calls, Sets: sets}
	over := func(e Expr) (Expr, error) { return b.overAggregate(e, agg) }
	for i := range g.items {
		if g.items[i].expr, err = over(g.items[i].expr); err != nil {
			return nil, err
		}
	}
	for i := range g.order {
		if g.order[i].expr != nil {
			if g.order[i].expr, err = over(g.order[i].expr); err != nil {
				return nil, err
			}
		}
	}
	var node Node = agg
	if g.having != nil {
		having, err := over(g.having)
		if err != nil {
			return nil, err
		}
		if node, err = b.applySubqueries(node, g.havingSubs, over); err != nil {
			return nil, err
		}
		if having, err = resolveSubs(having); err != nil {
			return nil, err
		}
		node = &Filter{Input: node, Cond: having}
	}
	if node, err = b.applySubqueries(node, g.itemSubs, over); err != nil {
		return nil, err
	}
	if err := resolveItems(g.items); err != nil {
		return nil, err
	}
	g.corrConds = nil
	for k, p := range pairs {
		gr := groups[p.group]
		g.hidden = append(g.hidden, &InputRef{Index: p.group, Name: gr.String(), T: gr.Type()})
		col := &InputRef{Index: len(g.items) + k, Name: gr.String(), T: gr.Type(), P: p.pos}
		g.corrConds = append(g.corrConds, &Compare{Op: OpEq, L: col, R: p.outer, P: p.pos})
	}
	if len(pairs) > 0 && len(s.GroupBy) == 0 && len(g.items) == 1 {
		if g.def, err = b.emptyValue(g.items[0].expr, len(groups), g.aggs); err != nil {
			return nil, err
		}
	}
	return node, nil
}

// splitEquality reads "inner = outer" (either way round), where inner
// reads only the subquery's columns and outer only the enclosing query's.
func splitEquality(c Expr) (inner, outer Expr, ok bool) {
	cmp, isCmp := c.(*Compare)
	if !isCmp || cmp.Op != OpEq {
		return nil, nil, false
	}
	innerOnly := func(e Expr) bool { return hasNode(e, isInputRef) && !hasNode(e, isOuterRef) }
	outerOnly := func(e Expr) bool { return !hasNode(e, isInputRef) && hasNode(e, isOuterRef) }
	switch {
	case innerOnly(cmp.L) && outerOnly(cmp.R):
		return cmp.L, cmp.R, true
	case innerOnly(cmp.R) && outerOnly(cmp.L):
		return cmp.R, cmp.L, true
	}
	return nil, nil, false
}

// emptyValue is what a correlated scalar subquery without GROUP BY yields
// for an outer row no inner row matches: its aggregation over no rows.
// The decorrelated join finds no group then, so a bare count-like
// aggregate is given its 0; other aggregates are NULL over no rows, which
// the join's NULL already is, and so is any strict expression of them.
func (b *binder) emptyValue(e Expr, ngroups int, aggs *aggCollector) (Expr, error) {
	isCount := func(x Expr) bool {
		r, ok := x.(*InputRef)
		return ok && r.Index >= ngroups && countLike[aggs.calls[r.Index-ngroups].Name]
	}
	if isCount(e) {
		return &Literal{V: Value{Int: 0}, T: e.Type(), P: e.Pos()}, nil
	}
	if hasNode(e, isCount) || hasNode(e, func(x Expr) bool {
		switch x.(type) {
		case *Coalesce, *Case, *IsNull:
			return true
		}
		return false
	}) {
		return nil, b.errorf(e.Pos(), ErrUnsupported, "a correlated scalar subquery over an aggregate must return the aggregate itself (compute with it outside the subquery)")
	}
	return nil, nil
}

// groupByAlias explains a GROUP BY name that is only a select alias:
// Trino resolves GROUP BY names in the FROM tables.
func (b *binder) groupByAlias(err error, ge sql.Expr, items []selItem) error {
	ref, ok := ge.(*sql.ColumnRef)
	if !ok || len(ref.Parts) != 1 || !isUnknown(err) {
		return err
	}
	for i, it := range items {
		if it.sqlExpr != nil && strings.EqualFold(it.name, ref.Parts[0]) {
			return b.errorf(ref.Pos, ErrUnknownColumn, "GROUP BY cannot use the select alias %q: write its expression or its position (%d)", ref.Parts[0], i+1)
		}
	}
	return err
}
