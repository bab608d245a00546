package planner

// pushFilterThroughAggregate moves the conjuncts of a filter over an
// aggregation that read only its group columns below it, each group column
// replaced by its expression: filtering groups by their keys is filtering
// rows by them.
//
//	Filter(eventName = 'x') / Aggregate(count(*) group by eventName) / Scan
//	  => Aggregate(count(*) group by eventName) / Filter(eventName = 'x') / Scan
func pushFilterThroughAggregate(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	a, ok := f.Input.(*Aggregate)
	if !ok || len(a.Groups) == 0 {
		return n, false
	}
	var down, keep []Expr
	for _, c := range conjuncts(f.Cond) {
		if rs := refs(c); len(rs) > 0 && within(rs, 0, len(a.Groups)) {
			if s := substitute(c, a.Groups); deterministic(s) {
				down = append(down, s)
				continue
			}
		}
		keep = append(keep, c)
	}
	if len(down) == 0 {
		return n, false
	}
	a.Input = filterOver(a.Input, down)
	return filterOver(a, keep), true
}
