package planner

// mergeProjects folds a projection into the projection under it, and
// drops a projection of no columns under an aggregation (count(*) over a
// semi join reads no column): after column pruning, a CTE's or a derived
// table's projection is often just a renaming of the one above.
//
//	Project(eventName) / Project(eventName, eventSource) / x  =>  Project(eventName) / x
//	Aggregate(count(*)) / Project() / x                       =>  Aggregate(count(*)) / x
func mergeProjects(n Node) (Node, bool) {
	switch n := n.(type) {
	case *Project:
		in, ok := n.Input.(*Project)
		if !ok {
			return n, false
		}
		exprs := make([]Expr, len(n.Exprs))
		for i, e := range n.Exprs {
			exprs[i] = substitute(e, in.Exprs)
			if !deterministic(exprs[i]) {
				return n, false
			}
		}
		n.Exprs, n.Input = exprs, in.Input
		return n, true
	case *Aggregate:
		if p, ok := n.Input.(*Project); ok && len(p.Exprs) == 0 {
			n.Input = p.Input
			return n, true
		}
	}
	return n, false
}
