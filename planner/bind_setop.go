package planner

import "github.com/ctlake/ctlake/sql"

// setOp binds UNION, INTERSECT and EXCEPT, each DISTINCT (the default) or
// ALL: both sides must have as many columns, coerced to common types;
// names come from the left side, as in Trino. ORDER BY, OFFSET and LIMIT
// after the operation apply to its result.
func (b *binder) setOp(q *sql.SetOp) (Node, []string, error) {
	left, names, err := b.queryExpr(q.Left)
	if err != nil {
		return nil, nil, err
	}
	right, _, err := b.queryExpr(q.Right)
	if err != nil {
		return nil, nil, err
	}
	lc, rc := left.Columns(), right.Columns()
	if len(lc) != len(rc) {
		return nil, nil, b.errorf(q.OpPos, ErrType, "%s sides have %d and %d columns", q.Op, len(lc), len(rc))
	}
	var lx, rx []Expr
	needL, needR := false, false
	for i := range lc {
		l := &InputRef{Index: i, Name: lc[i].Name, T: lc[i].T, P: q.OpPos}
		r := &InputRef{Index: i, Name: rc[i].Name, T: rc[i].T, P: q.OpPos}
		t, err := b.commonType([]Expr{l, r}, q.OpPos)
		if err != nil {
			return nil, nil, err
		}
		// As in Trino, columns of different kinds do not combine (a text
		// column is not read as timestamps: which row fails would depend
		// on the order rows arrive in); NULL and numbers do.
		if lt, rt := lc[i].T, rc[i].T; !lt.Equal(rt) && lt.Kind != KindUnknown && rt.Kind != KindUnknown && !(lt.IsNumeric() && rt.IsNumeric()) && !(lt.IsStringLike() && rt.IsStringLike()) {
			return nil, nil, b.errorf(q.OpPos, ErrType, "column %d of %s has type %s on the left and %s on the right", i+1, q.Op, lt, rt)
		}
		le, err := b.coerce(l, t, q.OpPos)
		if err != nil {
			return nil, nil, err
		}
		re, err := b.coerce(r, t, q.OpPos)
		if err != nil {
			return nil, nil, err
		}
		needL = needL || le != Expr(l)
		needR = needR || re != Expr(r)
		lx, rx = append(lx, le), append(rx, re)
	}
	if needL {
		left = &Project{Input: left, Exprs: lx, Names: colNames(lc)}
	}
	if needR {
		right = &Project{Input: right, Exprs: rx, Names: colNames(lc)}
	}
	var out Node
	switch q.Op {
	case sql.SetUnion:
		out = &UnionAll{Ins: []Node{left, right}}
		if !q.All {
			out = &Distinct{Input: out}
		}
	case sql.SetIntersect:
		out = &SetOp{Op: SetIntersect, All: q.All, Left: left, Right: right}
	case sql.SetExcept:
		out = &SetOp{Op: SetExcept, All: q.All, Left: left, Right: right}
	default:
		return nil, nil, b.errorf(q.OpPos, ErrUnsupported, "%s is not supported", q.Op)
	}
	out, err = b.orderLimit(out, names, nil, q.OrderBy, q.Offset, q.Limit)
	return out, names, err
}
