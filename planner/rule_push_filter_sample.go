package planner

// pushFilterBelowSample moves a filter over a BERNOULLI sample below it,
// so the filter can reach the scan (time range, pruning):
//
//	Filter(eventTime > T) / Sample(10%) / Scan  =>  Sample(10%) / Filter(eventTime > T) / Scan
//
// Sampling rows before or after a filter keeps each matching row with the
// same probability, so the result is a sample of the same distribution.
func pushFilterBelowSample(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	s, ok := f.Input.(*Sample)
	if !ok {
		return n, false
	}
	s.Input = &Filter{Input: s.Input, Cond: f.Cond}
	return s, true
}
