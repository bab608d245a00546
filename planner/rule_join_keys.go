package planner

// joinKeys turns the equalities of a join condition between an expression
// of the left side and one of the right side into hash keys; the rest
// stays the residual condition. A semi join also takes its match
// condition (the comparison of a correlated IN), since for it a match is
// only ever TRUE or not.
//
//	InnerJoin(ON a.eventID = b.eventID AND a.t < b.t)
//	  => InnerJoin(keys: a.eventID = b.eventID; condition: a.t < b.t)
func joinKeys(n Node) (Node, bool) {
	j, ok := n.(*Join)
	if !ok {
		return n, false
	}
	changed := false
	if j.Kind == JoinSemi && j.MarkCond != nil {
		j.Cond = and(append(condList(j.Cond), j.MarkCond))
		j.MarkCond, changed = nil, true
	}
	if j.Cond == nil {
		return j, changed
	}
	nl := len(j.Left.Columns())
	nr := len(j.Right.Columns())
	var keep []Expr
	for _, c := range conjuncts(j.Cond) {
		cmp, ok := c.(*Compare)
		if !ok || cmp.Op != OpEq || !deterministic(c) || cmp.L.Type().Kind == KindUnknown {
			keep = append(keep, c)
			continue
		}
		l, r := refs(cmp.L), refs(cmp.R)
		switch {
		case len(l) > 0 && len(r) > 0 && within(l, 0, nl) && within(r, nl, nl+nr):
			j.LeftKeys, j.RightKeys = append(j.LeftKeys, cmp.L), append(j.RightKeys, shift(cmp.R, -nl))
		case len(l) > 0 && len(r) > 0 && within(r, 0, nl) && within(l, nl, nl+nr):
			j.LeftKeys, j.RightKeys = append(j.LeftKeys, cmp.R), append(j.RightKeys, shift(cmp.L, -nl))
		default:
			keep = append(keep, c)
			continue
		}
		changed = true
	}
	j.Cond = and(keep)
	return j, changed
}

// condList is a condition's conjuncts (none for nil).
func condList(e Expr) []Expr {
	if e == nil {
		return nil
	}
	return conjuncts(e)
}
