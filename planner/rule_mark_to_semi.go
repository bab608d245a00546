package planner

// markToSemi turns a mark join whose mark a filter requires TRUE (WHERE
// EXISTS …, WHERE x IN (…)) into a semi join, and one whose mark it
// requires FALSE (NOT EXISTS, NOT IN) into an anti join: they keep the
// same rows without a mark column. A projection puts the mark back as a
// constant, so the columns above do not change (pruning drops it).
//
//	Filter(in#1 AND c) / MarkJoin(a, q)  =>  Filter(c) / Project(a.*, TRUE AS in#1) / SemiJoin(a, q)
func markToSemi(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	j, ok := f.Input.(*Join)
	if !ok || j.Kind != JoinMark {
		return n, false
	}
	mark := len(j.Left.Columns())
	isMark := func(e Expr) bool {
		r, ok := e.(*InputRef)
		return ok && r.Index == mark
	}
	kind := JoinKind(0)
	var keep []Expr
	for _, c := range conjuncts(f.Cond) {
		if kind == 0 && isMark(c) {
			kind = JoinSemi
			continue
		}
		if not, ok := c.(*Not); ok && kind == 0 && isMark(not.X) {
			kind = JoinAnti
			continue
		}
		keep = append(keep, c)
	}
	if kind == 0 {
		return n, false
	}
	j.Kind = kind
	if kind == JoinSemi {
		// A semi join keeps the rows whose match is TRUE: whether a row
		// without one is NULL or FALSE does not matter to it.
		j.NullAware = false
	}
	cols := j.Left.Columns()
	exprs := make([]Expr, 0, mark+1)
	names := make([]string, 0, mark+1)
	for i, c := range cols {
		exprs, names = append(exprs, &InputRef{Index: i, Name: c.Name, T: c.T}), append(names, c.Name)
	}
	exprs = append(exprs, &Literal{V: Value{Bool: kind == JoinSemi}, T: Boolean, P: f.Cond.Pos()})
	names = append(names, j.MarkName)
	return filterOver(&Project{Input: j, Exprs: exprs, Names: names}, keep), true
}
