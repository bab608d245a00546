package planner

// pushJoinCondition moves the conjuncts of a join's ON condition that read
// one side only below the join, where that does not change which rows
// the join keeps:
//
//   - right-side conjuncts into the right input of inner, left, semi,
//     anti and mark joins (a right row failing them matches nothing);
//
//   - left-side conjuncts into the left input of inner, right and semi
//     joins (a left row failing them matches nothing and is not kept).
//
//     LeftJoin(a, b, ON a.id = b.id AND b.t > 5)  =>  LeftJoin(a, Filter(t > 5) / b, ON a.id = b.id)
func pushJoinCondition(n Node) (Node, bool) {
	j, ok := n.(*Join)
	if !ok || j.Cond == nil {
		return n, false
	}
	nl := len(j.Left.Columns())
	nr := len(j.Right.Columns())
	leftOK := j.Kind == JoinInner || j.Kind == JoinRight || j.Kind == JoinSemi
	rightOK := j.Kind != JoinRight && j.Kind != JoinFull
	var left, right, keep []Expr
	for _, c := range conjuncts(j.Cond) {
		rs := refs(c)
		switch {
		case len(rs) == 0 || !deterministic(c):
			keep = append(keep, c)
		case leftOK && within(rs, 0, nl):
			left = append(left, c)
		case rightOK && within(rs, nl, nl+nr):
			right = append(right, shift(c, -nl))
		default:
			keep = append(keep, c)
		}
	}
	if len(left)+len(right) == 0 {
		return n, false
	}
	j.Left = filterOver(j.Left, left)
	j.Right = filterOver(j.Right, right)
	j.Cond = and(keep)
	return j, true
}
