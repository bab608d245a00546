package planner

// dynamicFilter links a hash join to the store scan of its probe side when
// a probe key is a column of that scan (through filters and projections)
// and probe rows without a match are dropped anyway: once the join has
// read its build side, it hands the scan the set of build keys, and the
// scan's workers drop probe rows whose key is not in it, in parallel and
// before they travel up (Trino's dynamic filtering).
//
//	InnerJoin(keys: a.eventID = b.eventID; build: right) / (Scan a, …)
//	  => … / (Scan a [dynamic filter: eventID from the join's build side], …)
//
// It runs after column pruning, on the final plan. A probe side whose rows
// the join keeps without a match (the preserved side of an outer join, an
// anti or mark join probing its left side) is not filtered.
func dynamicFilter(n Node) (Node, bool) {
	j, ok := n.(*Join)
	if !ok || len(j.LeftKeys) == 0 || j.NullAware || j.Dynamic != nil {
		return n, false
	}
	probe, keys := j.Left, j.LeftKeys
	probeLeft := j.Build == BuildRight
	if !probeLeft {
		probe, keys = j.Right, j.RightKeys
	}
	switch {
	case probeLeft && (j.Kind == JoinInner || j.Kind == JoinRight || j.Kind == JoinSemi) && !j.Single:
	case !probeLeft && (j.Kind == JoinInner || j.Kind == JoinLeft || j.Kind == JoinSemi || j.Kind == JoinAnti):
	default:
		return n, false
	}
	for k, key := range keys {
		scan, path, ok := probeColumn(probe, key)
		if !ok || scan.Store == nil || scan.Spec.TopN != nil {
			continue
		}
		j.Dynamic, j.DynamicKey, j.DynamicPath = scan, k, path
		scan.Dynamic = path
		return j, true
	}
	return n, false
}

// probeColumn follows a key expression down filters and projections to a
// scan column (or struct field) it reads unchanged.
func probeColumn(n Node, e Expr) (*Scan, string, bool) {
	for {
		if _, ok := e.(*InputRef); !ok {
			if _, _, isPath := fieldPath(e); !isPath {
				return nil, "", false
			}
		}
		switch x := n.(type) {
		case *Filter:
			n = x.Input
		case *Project:
			e, n = substitute(e, x.Exprs), x.Input
		case *Scan:
			path, ok := columnPath(e, x)
			if !ok {
				return nil, "", false
			}
			switch e.Type().Kind {
			case KindVarchar, KindBigint, KindTimestamp, KindBoolean:
				return x, path, true
			}
			return nil, "", false
		default:
			return nil, "", false
		}
	}
}
