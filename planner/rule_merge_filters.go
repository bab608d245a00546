package planner

// mergeFilters joins a filter over a filter into one, so that the rules
// below see every conjunct at once:
//
//	Filter(a) / Filter(b) / x  =>  Filter(b AND a) / x
func mergeFilters(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	in, ok := f.Input.(*Filter)
	if !ok {
		return n, false
	}
	return &Filter{Input: in.Input, Cond: and(append(conjuncts(in.Cond), conjuncts(f.Cond)...))}, true
}
