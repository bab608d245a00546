package planner

// pushFilterIntoJoin moves each conjunct of a filter over a join to where
// it can act first:
//
//   - reading only one side, below the join on that side, when that side's
//     rows are not preserved with NULLs for the other (the left side of
//     inner, left, semi, anti and mark joins; the right of inner and right
//     joins);
//   - reading both sides of an inner join, into the join's condition
//     (joinKeys then makes hash keys of its equalities).
//
// A conjunct that rejects the NULLs an outer join adds for one side makes
// that side's NULL rows disappear anyway, so the outer join becomes the
// inner (or one-sided) join, and the conjunct can then move:
//
//	Filter(b.x = 'y') / LeftJoin(a, b)  =>  InnerJoin(a, Filter(x = 'y') / b)
func pushFilterIntoJoin(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	j, ok := f.Input.(*Join)
	if !ok {
		return n, false
	}
	nl := len(j.Left.Columns())
	nr := 0
	if j.Kind != JoinSemi && j.Kind != JoinAnti && j.Kind != JoinMark {
		nr = len(j.Right.Columns())
	}
	changed := false
	// Outer joins that a conjunct makes inner.
	for _, c := range conjuncts(f.Cond) {
		leftRejects := nullRejecting(c, 0, nl)
		rightRejects := nr > 0 && nullRejecting(c, nl, nl+nr)
		switch {
		case j.Kind == JoinLeft && rightRejects, j.Kind == JoinRight && leftRejects:
			j.Kind, changed = JoinInner, true
		case j.Kind == JoinFull && rightRejects:
			j.Kind, changed = JoinLeft, true
		case j.Kind == JoinFull && leftRejects:
			j.Kind, changed = JoinRight, true
		}
	}
	var left, right, cond, keep []Expr
	for _, c := range conjuncts(f.Cond) {
		rs := refs(c)
		switch {
		case len(rs) == 0 || !deterministic(c):
			keep = append(keep, c)
		case within(rs, 0, nl) && j.Kind != JoinRight && j.Kind != JoinFull:
			left = append(left, c)
		case nr > 0 && within(rs, nl, nl+nr) && (j.Kind == JoinInner || j.Kind == JoinRight):
			right = append(right, shift(c, -nl))
		case nr > 0 && j.Kind == JoinInner && within(rs, 0, nl+nr):
			cond = append(cond, c)
		default:
			keep = append(keep, c)
		}
	}
	if len(left)+len(right)+len(cond) == 0 {
		return n, changed
	}
	j.Left = filterOver(j.Left, left)
	j.Right = filterOver(j.Right, right)
	if len(cond) > 0 {
		if j.Cond != nil {
			cond = append(conjuncts(j.Cond), cond...)
		}
		j.Cond = and(cond)
	}
	return filterOver(j, keep), true
}

// nullRejecting reports a conjunct that is not TRUE when every column in
// [lo, hi) is NULL: a comparison, IN, LIKE, IS NOT NULL or NOT whose
// operand, or a boolean column that itself, reads only those columns
// through fields and casts (strict: NULL in, NULL out). Anything else might
// be TRUE on NULLs (coalesce, IS NULL, OR).
func nullRejecting(c Expr, lo, hi int) bool {
	strict := func(e Expr) bool {
		for {
			switch x := e.(type) {
			case *InputRef:
				return x.Index >= lo && x.Index < hi
			case *FieldRef:
				e = x.Row
			case *Cast:
				if x.Try {
					return false
				}
				e = x.X
			default:
				return false
			}
		}
	}
	switch c := c.(type) {
	case *Compare:
		if c.Op == OpIsDistinct || c.Op == OpIsNotDistinct {
			return false
		}
		return strict(c.L) || strict(c.R)
	case *In:
		return strict(c.X)
	case *Like:
		return strict(c.X)
	case *IsNull:
		return c.Negate && strict(c.X)
	case *Not:
		return strict(c.X)
	}
	return strict(c) // a boolean column: NULL is not TRUE
}
