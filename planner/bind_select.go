package planner

import (
	"github.com/ctlake/ctlake/sql"
)

// selItem is one bound column of a select list.
type selItem struct {
	sqlExpr sql.Expr // nil for a column of a star
	expr    Expr
	name    string
}

// selectBlock binds SELECT … FROM … WHERE … GROUP BY … HAVING … ORDER BY …
// OFFSET … LIMIT. Inside a subquery (b.corr set) it also splits off the
// WHERE conjuncts that refer to the enclosing query and adds the columns
// they need to its output (see bind_subquery.go).
func (b *binder) selectBlock(s *sql.Select) (Node, []string, error) {
	corr := b.corr
	b.corr = nil
	exitWindows, err := b.enterWindows(s.Windows)
	if err != nil {
		return nil, nil, err
	}
	defer exitWindows()
	input, sc, err := b.from(s.From)
	if err != nil {
		return nil, nil, err
	}
	if corr != nil {
		sc.outer = corr.outer
	}
	var corrConds []Expr
	if s.Where != nil {
		if input, corrConds, err = b.where(input, sc, s.Where, corr != nil); err != nil {
			return nil, nil, err
		}
	}

	itemSubs := &subqueries{}
	sc.aggSubs = &subqueries{}
	aggs := &aggCollector{}
	b.allowWindows(true) // in the select list and ORDER BY only
	items, err := b.selectItems(sc, s.Items, aggs, itemSubs)
	if err != nil {
		return nil, nil, err
	}
	order, err := b.orderTerms(sc, s.OrderBy, items, aggs)
	if err != nil {
		return nil, nil, err
	}
	b.allowWindows(false)
	havingSubs := &subqueries{}
	var having Expr
	if s.Having != nil {
		sc.subs, sc.where = havingSubs, "HAVING"
		having, err = b.expr(sc, s.Having, aggs)
		sc.subs, sc.where = nil, ""
		if err != nil {
			return nil, nil, err
		}
		if having, err = b.coerce(having, Boolean, s.Having.Position()); err != nil {
			return nil, nil, err
		}
	}
	if corr != nil {
		if err := b.noOuterIn(items, order, having); err != nil {
			return nil, nil, err
		}
	}

	// Correlation columns the block adds to its output (after the items).
	var hidden []Expr
	if len(s.GroupBy) > 0 || len(aggs.calls) > 0 || aggs.grouping {
		g := &grouping{items: items, order: order, having: having, havingSubs: havingSubs, itemSubs: itemSubs, aggSubs: sc.aggSubs, aggs: aggs, corrConds: corrConds}
		if input, err = b.aggregateBlock(s, sc, input, g); err != nil {
			return nil, nil, err
		}
		hidden, corrConds = g.hidden, g.corrConds
		if corr != nil {
			corr.agg, corr.grouped, corr.having = true, len(s.GroupBy) > 0, having != nil
			corr.def = g.def
		}
	} else {
		if having != nil {
			return nil, nil, b.errorf(s.Having.Position(), ErrType, "HAVING needs GROUP BY or an aggregate")
		}
		if input, err = b.applySubqueries(input, itemSubs, same); err != nil {
			return nil, nil, err
		}
		if err := resolveItems(items); err != nil {
			return nil, nil, err
		}
		hidden, corrConds = correlationColumns(corrConds, len(items))
	}
	if corr != nil {
		corr.conds = corrConds
	}
	// Window functions are computed over the (aggregated) rows, before
	// the projection.
	if input, err = b.windowStep(input, func(visit func(*Expr)) {
		for i := range items {
			visit(&items[i].expr)
		}
		for i := range hidden {
			visit(&hidden[i])
		}
		for i := range order {
			if order[i].expr != nil {
				visit(&order[i].expr)
			}
		}
	}); err != nil {
		return nil, nil, err
	}
	matchItems(order, items)

	names := make([]string, len(items), len(items)+len(hidden)+len(order))
	exprs := make([]Expr, len(items), cap(names))
	for i, it := range items {
		names[i], exprs[i] = it.name, it.expr
	}
	for k, h := range hidden {
		names, exprs = append(names, "_corr"+itoa(k)), append(exprs, h)
	}
	keep := len(exprs)
	for i := range order {
		if order[i].expr == nil {
			continue
		}
		if s.Distinct {
			return nil, nil, b.errorf(order[i].item.Pos, ErrType, "with SELECT DISTINCT, ORDER BY expressions must appear in the select list")
		}
		order[i].out = len(exprs)
		names, exprs = append(names, "_order"+itoa(len(exprs)-keep)), append(exprs, order[i].expr)
	}
	var out Node = &Project{Input: input, Exprs: exprs, Names: names}
	if s.Distinct {
		out = &Distinct{Input: out}
	}
	if len(corrConds) > 0 {
		if s.Limit != nil || s.Offset != nil {
			return nil, nil, b.errorf(s.Pos, ErrUnsupported, "LIMIT and OFFSET are not supported in a correlated subquery")
		}
		// ORDER BY alone does not change what a subquery yields.
	} else if out, err = b.orderLimit(out, names[:len(items)], order, s.OrderBy, s.Offset, s.Limit); err != nil {
		return nil, nil, err
	}
	if len(exprs) > keep {
		cols := out.Columns()
		strip := make([]Expr, keep)
		for i := range strip {
			strip[i] = &InputRef{Index: i, Name: cols[i].Name, T: cols[i].T}
		}
		out = &Project{Input: out, Exprs: strip, Names: names[:keep]}
	}
	return out, names[:len(items)], nil
}

func same(e Expr) (Expr, error) { return e, nil }

// where binds WHERE: subqueries in it are joined to the input, and the
// condition filters the result. In a subquery's block (correlated) the
// conjuncts that refer to the enclosing query are returned instead.
func (b *binder) where(input Node, sc *scope, w sql.Expr, correlated bool) (Node, []Expr, error) {
	subs := &subqueries{}
	sc.subs, sc.where = subs, "WHERE"
	cond, err := b.expr(sc, w, nil)
	sc.subs, sc.where = nil, ""
	if err != nil {
		return nil, nil, err
	}
	if cond, err = b.coerce(cond, Boolean, w.Position()); err != nil {
		return nil, nil, err
	}
	var corr []Expr
	if correlated {
		if cond, corr, err = b.correlate(cond); err != nil {
			return nil, nil, err
		}
	}
	if cond == nil {
		return input, corr, nil
	}
	if input, err = b.applySubqueries(input, subs, same); err != nil {
		return nil, nil, err
	}
	if cond, err = resolveSubs(cond); err != nil {
		return nil, nil, err
	}
	return &Filter{Input: input, Cond: cond}, corr, nil
}

// selectItems binds the select list, expanding stars.
func (b *binder) selectItems(sc *scope, list []*sql.SelectItem, aggs *aggCollector, subs *subqueries) ([]selItem, error) {
	var items []selItem
	sc.subs, sc.where = subs, "the select list"
	defer func() { sc.subs, sc.where = nil, "" }()
	for i, it := range list {
		if it.Star {
			var q string
			if len(it.Qualifier) > 0 {
				q = it.Qualifier[len(it.Qualifier)-1].Name
				if len(it.Qualifier) > 1 || !sc.hasQualifier(q) {
					return nil, b.errorf(it.Pos, ErrUnknownTable, "unknown table %q in %s.*", q, q)
				}
			}
			for ci, c := range sc.cols {
				if q == "" && sc.hidden[ci] || q != "" && !sc.qualified(ci, q) {
					continue
				}
				items = append(items, selItem{expr: &InputRef{Index: ci, Name: c.Name, T: c.T, P: it.Pos}, name: c.Name})
			}
			continue
		}
		e, err := b.expr(sc, it.Expr, aggs)
		if err != nil {
			return nil, err
		}
		items = append(items, selItem{sqlExpr: it.Expr, expr: e, name: sql.OutputName(it, i)})
	}
	return items, nil
}

// resolveItems replaces the subquery placeholders of the items by the
// joined subqueries' values.
func resolveItems(items []selItem) error {
	for i := range items {
		e, err := resolveSubs(items[i].expr)
		if err != nil {
			return err
		}
		items[i].expr = e
	}
	return nil
}

// noOuterIn rejects correlated references outside a subquery's WHERE.
func (b *binder) noOuterIn(items []selItem, order []orderTerm, having Expr) error {
	for _, it := range items {
		if err := b.noOuter(it.expr, "the select list"); err != nil {
			return err
		}
	}
	for _, o := range order {
		if o.expr != nil {
			if err := b.noOuter(o.expr, "ORDER BY"); err != nil {
				return err
			}
		}
	}
	if having != nil {
		return b.noOuter(having, "HAVING")
	}
	return nil
}

// correlationColumns makes the inner columns that correlated conditions
// read (over a block that does not aggregate) outputs of the block, after
// its n items, and rewrites the conditions to read them there.
func correlationColumns(conds []Expr, n int) ([]Expr, []Expr) {
	if len(conds) == 0 {
		return nil, nil
	}
	var hidden []Expr
	at := map[int]int{}
	var remap func(e Expr) (Expr, error)
	remap = func(e Expr) (Expr, error) {
		if r, ok := e.(*InputRef); ok {
			k, ok := at[r.Index]
			if !ok {
				k = len(hidden)
				at[r.Index] = k
				hidden = append(hidden, r)
			}
			c := *r
			c.Index = n + k
			return &c, nil
		}
		return mapChildren(e, remap)
	}
	out := make([]Expr, len(conds))
	for i, c := range conds {
		out[i], _ = remap(c)
	}
	return hidden, out
}
