package planner

// mapChildren rebuilds e with each direct child replaced by fn(child). Nodes
// without children are returned as they are.
func mapChildren(e Expr, fn func(Expr) (Expr, error)) (Expr, error) {
	var err error
	m := func(x Expr) Expr {
		if err != nil || x == nil {
			return x
		}
		var y Expr
		y, err = fn(x)
		return y
	}
	ms := func(xs []Expr) []Expr {
		out := make([]Expr, len(xs))
		for i, x := range xs {
			out[i] = m(x)
		}
		return out
	}
	var out Expr
	switch e := e.(type) {
	case *FieldRef:
		c := *e
		c.Row = m(e.Row)
		out = &c
	case *Call:
		c := *e
		c.Args = ms(e.Args)
		out = &c
	case *Logic:
		c := *e
		c.Args = ms(e.Args)
		out = &c
	case *Not:
		c := *e
		c.X = m(e.X)
		out = &c
	case *Compare:
		c := *e
		c.L, c.R = m(e.L), m(e.R)
		out = &c
	case *IsNull:
		c := *e
		c.X = m(e.X)
		out = &c
	case *In:
		c := *e
		c.X = m(e.X)
		c.List = ms(e.List)
		out = &c
	case *Like:
		c := *e
		c.X, c.Pattern, c.Escape = m(e.X), m(e.Pattern), m(e.Escape)
		out = &c
	case *Case:
		c := *e
		c.Whens = make([]When, len(e.Whens))
		for i, w := range e.Whens {
			c.Whens[i] = When{Cond: m(w.Cond), Result: m(w.Result)}
		}
		c.Else = m(e.Else)
		out = &c
	case *Coalesce:
		c := *e
		c.Args = ms(e.Args)
		out = &c
	case *Cast:
		c := *e
		c.X = m(e.X)
		out = &c
	case *Lambda:
		c := *e
		c.Captures = ms(e.Captures)
		out = &c
	case *LambdaCall:
		c := *e
		c.Args = ms(e.Args)
		out = &c
	case *Try:
		c := *e
		c.X = m(e.X)
		out = &c
	case *winRef:
		out = e.mapExprs(m)
	default:
		return e, nil
	}
	return out, err
}

// rewriteExprs applies fn to every expression held by a node (not its
// inputs), in place.
func rewriteExprs(n Node, fn func(Expr) (Expr, error)) error {
	var err error
	r := func(e Expr) Expr {
		if err != nil || e == nil {
			return e
		}
		var out Expr
		out, err = fn(e)
		return out
	}
	switch n := n.(type) {
	case *Filter:
		n.Cond = r(n.Cond)
	case *Project:
		for i := range n.Exprs {
			n.Exprs[i] = r(n.Exprs[i])
		}
	case *Aggregate:
		for i := range n.Groups {
			n.Groups[i] = r(n.Groups[i])
		}
		for i := range n.Aggs {
			for j := range n.Aggs[i].Args {
				n.Aggs[i].Args[j] = r(n.Aggs[i].Args[j])
			}
			n.Aggs[i].Filter = r(n.Aggs[i].Filter)
			for j := range n.Aggs[i].OrderBy {
				n.Aggs[i].OrderBy[j].Expr = r(n.Aggs[i].OrderBy[j].Expr)
			}
		}
	case *Sort:
		for i := range n.Keys {
			n.Keys[i].Expr = r(n.Keys[i].Expr)
		}
	case *TopN:
		for i := range n.Keys {
			n.Keys[i].Expr = r(n.Keys[i].Expr)
		}
	case *Window:
		for _, p := range n.exprPtrs() {
			*p = r(*p)
		}
	case *PartitionTopN:
		for _, p := range n.exprPtrs() {
			*p = r(*p)
		}
	case *Unnest:
		for i := range n.Args {
			n.Args[i] = r(n.Args[i])
		}
	case *Values:
		for _, row := range n.Rows {
			for i := range row {
				row[i] = r(row[i])
			}
		}
	}
	return err
}

// walkNodes calls fn on every node of the tree, parents first.
func walkNodes(n Node, fn func(Node)) {
	fn(n)
	for _, in := range n.Inputs() {
		walkNodes(in, fn)
	}
}
