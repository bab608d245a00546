package planner

// chooseBuildSide makes the executor hold the smaller input of a join in
// its hash table, by the inputs' estimated rows (estimate.go): the side a
// time range or a selective filter narrows, or the smaller store. Joins
// whose result depends on the whole right side for each left row (mark
// joins, NULL-aware anti joins, scalar subqueries, matches over a
// three-valued condition) always build on the right.
//
//	InnerJoin(Scan a [1M rows], Filter / Scan b [one hour: 6k rows])  =>  build: right
//	InnerJoin(Scan b [one hour], Scan a [1M rows])                    =>  build: left
func chooseBuildSide(n Node) (Node, bool) {
	j, ok := n.(*Join)
	if !ok {
		return n, false
	}
	j.EstLeft, j.EstRight = estimateRows(j.Left), estimateRows(j.Right)
	j.Build = BuildRight
	if canBuildLeft(j) && j.EstLeft < j.EstRight {
		j.Build = BuildLeft
	}
	return j, true
}

// canBuildLeft reports a join the executor can run with the left input in
// its hash table.
func canBuildLeft(j *Join) bool {
	switch {
	case j.Kind == JoinMark, j.Single, j.NullAware, j.MarkCond != nil:
		return false
	}
	return true
}
