package planner

import (
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// orderTerm is one ORDER BY term: an output column index, or an expression
// added as a hidden column (then out is its index).
type orderTerm struct {
	item *sql.OrderItem
	expr Expr
	out  int
}

// orderTerms binds a SELECT block's ORDER BY with Trino's name rules: an
// ordinal is an output position; a name is an output column (alias or
// column name) before it is an input column, inside expressions too; any
// other expression is bound over the input and, when it equals a select
// item (SELECT DISTINCT awsRegion AS r … ORDER BY awsRegion), orders by
// that output column (see matchItems).
func (b *binder) orderTerms(sc *scope, list []*sql.OrderItem, items []selItem, aggs *aggCollector) ([]orderTerm, error) {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.name
	}
	osc := *sc
	osc.subs, osc.where = nil, "ORDER BY"
	osc.aliases = map[string]Expr{}
	for _, it := range items {
		if it.sqlExpr == nil {
			continue
		}
		k := strings.ToLower(it.name)
		if prev, ok := osc.aliases[k]; ok && (prev == nil || exprKey(prev) != exprKey(it.expr)) {
			osc.aliases[k] = nil // ambiguous
			continue
		}
		osc.aliases[k] = it.expr
	}
	order := make([]orderTerm, len(list))
	for i, o := range list {
		order[i] = orderTerm{item: o, out: -1}
		if lit, ok := o.Expr.(*sql.Literal); ok && lit.Kind == sql.LitInteger {
			continue // an ordinal: resolved against the output
		}
		if ref, ok := o.Expr.(*sql.ColumnRef); ok && len(ref.Parts) == 1 {
			if idx := outputIndex(names, ref.Parts[0]); idx >= 0 && osc.aliases[strings.ToLower(ref.Parts[0])] != nil {
				order[i].out = idx
				continue
			}
		}
		e, err := b.expr(&osc, o.Expr, aggs)
		if err != nil {
			return nil, err
		}
		order[i].expr = e
	}
	return order, nil
}

// matchItems makes ORDER BY expressions that equal a select item order by
// that output column, so that they need no hidden column (and work with
// DISTINCT). items and order are bound over the same rows.
func matchItems(order []orderTerm, items []selItem) {
	for i := range order {
		if order[i].expr == nil {
			continue
		}
		k := exprKey(order[i].expr)
		for j, it := range items {
			if exprKey(it.expr) == k {
				order[i].out, order[i].expr = j, nil
				break
			}
		}
	}
}

// orderLimit adds Sort/TopN/Limit over node. order carries pre-resolved
// terms (nil: resolve items against node's output names and ordinals).
func (b *binder) orderLimit(node Node, names []string, order []orderTerm, items []*sql.OrderItem, offset *sql.Offset, limit *sql.Limit) (Node, error) {
	cols := node.Columns()
	var keys []SortKey
	for i, o := range items {
		idx := -1
		if order != nil && order[i].out >= 0 {
			idx = order[i].out
		} else if lit, ok := o.Expr.(*sql.Literal); ok && lit.Kind == sql.LitInteger {
			n := ordinal(lit.Value)
			if n < 1 || n > len(names) {
				return nil, b.errorf(lit.Pos, ErrType, "ORDER BY position %s is not in the select list (1..%d)", lit.Value, len(names))
			}
			idx = n - 1
		} else if ref, ok := o.Expr.(*sql.ColumnRef); ok && len(ref.Parts) == 1 {
			idx = outputIndex(names, ref.Parts[0])
		}
		if idx < 0 {
			return nil, b.errorf(o.Pos, ErrUnknownColumn, "ORDER BY term must name an output column here")
		}
		if !cols[idx].T.Orderable() {
			return nil, b.errorf(o.Pos, ErrType, "cannot order by a value of type %s", cols[idx].T)
		}
		k := SortKey{Expr: &InputRef{Index: idx, Name: cols[idx].Name, T: cols[idx].T, P: o.Pos}, Desc: o.Desc}
		// Trino's default puts NULLs last whatever the direction.
		k.NullsFirst = o.Nulls == sql.NullsFirst
		keys = append(keys, k)
	}
	n, off := int64(-1), int64(0)
	if limit != nil {
		n = limit.Count
	}
	if offset != nil {
		off = offset.Count
	}
	switch {
	case len(keys) > 0 && n >= 0:
		node = &TopN{Input: node, Keys: keys, N: n + off}
	case len(keys) > 0:
		node = &Sort{Input: node, Keys: keys}
	}
	if off > 0 || n >= 0 && len(keys) == 0 {
		node = &Limit{Input: node, N: n, Offset: off}
	}
	return node, nil
}

// exprKey identifies an expression by structure: column references by
// index (the names a user wrote may differ: x and a.x), the rest by text
// and type.
func exprKey(e Expr) string {
	var ren func(Expr) (Expr, error)
	ren = func(x Expr) (Expr, error) {
		switch r := x.(type) {
		case *InputRef:
			c := *r
			c.Name = "$" + itoa(r.Index)
			return &c, nil
		case *OuterRef:
			c := *r
			c.Name = "^" + itoa(r.Index)
			return &c, nil
		}
		return mapChildren(x, ren)
	}
	k, _ := ren(e)
	return k.String() + "::" + e.Type().String()
}
