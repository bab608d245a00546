package planner

// removeTrueFilter drops a filter whose condition is TRUE (every conjunct
// went into the scan, or was constant):
//
//	Filter(TRUE) / x  =>  x
func removeTrueFilter(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	if lit, ok := f.Cond.(*Literal); ok && lit.T.Kind == KindBoolean && !lit.V.Null && lit.V.Bool {
		return f.Input, true
	}
	return n, false
}
