package planner

// pushFilterThroughProject moves the conjuncts of a filter below the
// projection under it, each column reference replaced by the projected
// expression, so that a filter on a derived table or a CTE reaches the
// table's scan:
//
//	Filter(n = 'x') / Project(eventName AS n) / Scan
//	  => Project(eventName AS n) / Filter(eventName = 'x') / Scan
//
// A conjunct that would read a nondeterministic expression stays above.
func pushFilterThroughProject(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	p, ok := f.Input.(*Project)
	if !ok {
		return n, false
	}
	var down, keep []Expr
	for _, c := range conjuncts(f.Cond) {
		s := substitute(c, p.Exprs)
		if deterministic(s) {
			down = append(down, s)
		} else {
			keep = append(keep, c)
		}
	}
	if len(down) == 0 {
		return n, false
	}
	p.Input = filterOver(p.Input, down)
	return filterOver(p, keep), true
}
