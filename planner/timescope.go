package planner

import "github.com/ctlake/ctlake/orcstore"

// scopeScans narrows every scan of the statement — each store and JSON
// table it reads, in subqueries, CTEs and unions too — to the eventTime
// range scope. A scan's time range prunes files, stripes and row groups and
// drops rows outside it exactly, so a scoped query reads only the scope and
// answers as if each table held only the scope's events:
//
//	scope [2024-05-01, 2024-05-02) over SELECT count(*) FROM s WHERE eventTime >= '2024-04-01'
//	  => Scan(s, time: [2024-05-01, 2024-05-02))
//
// This is how the console's time-range picker scopes a query without
// rewriting its text. It applies with pushdown off as well: the scan still
// drops rows outside its range, only without pruning.
func scopeScans(root Node, scope orcstore.TimeRange) {
	if scope.All() {
		return
	}
	walkNodes(root, func(n Node) {
		if s, ok := n.(*Scan); ok {
			s.Spec.Time = s.Spec.Time.Intersect(scope)
		}
	})
}
