package sql

// Walk calls fn for n and, while fn returns true, for each of its children
// in source order. Nil children are skipped.
func Walk(n Node, fn func(Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	for _, c := range children(n) {
		if c != nil {
			Walk(c, fn)
		}
	}
}

// children lists a node's direct children (nil entries allowed).
func children(n Node) []Node {
	var out []Node
	add := func(ns ...Node) {
		for _, c := range ns {
			if c != nil {
				out = append(out, c)
			}
		}
	}
	addExprs := func(es []Expr) {
		for _, e := range es {
			add(e)
		}
	}
	addOrder := func(items []*OrderItem, off *Offset, l *Limit) {
		for _, o := range items {
			add(o)
		}
		if off != nil {
			add(off)
		}
		if l != nil {
			add(l)
		}
	}
	if formChildren(n, add) {
		return out
	}
	switch n := n.(type) {
	case *Explain:
		add(n.Query)
	case *Query:
		for _, c := range n.With {
			add(c)
		}
		add(n.Body)
	case *CTE:
		add(n.Query)
	case *Select:
		for _, it := range n.Items {
			add(it)
		}
		if n.From != nil {
			add(n.From)
		}
		if n.Where != nil {
			add(n.Where)
		}
		addExprs(n.GroupBy)
		if n.Having != nil {
			add(n.Having)
		}
		for _, w := range n.Windows {
			add(w)
		}
		addOrder(n.OrderBy, n.Offset, n.Limit)
	case *SetOp:
		add(n.Left, n.Right)
		addOrder(n.OrderBy, n.Offset, n.Limit)
	case *ShowColumns:
		add(n.Table)
	case *SelectItem:
		if n.Expr != nil {
			add(n.Expr)
		}
	case *OrderItem:
		add(n.Expr)
	case *DerivedTable:
		add(n.Query)
		if n.Sample != nil {
			add(n.Sample.Percent)
		}
	case *TableRef:
		if n.Sample != nil {
			add(n.Sample.Percent)
		}
	case *Unnest:
		addExprs(n.Args)
	case *Join:
		add(n.Left, n.Right)
		if n.On != nil {
			add(n.On)
		}
	case *FuncCall:
		addExprs(n.Args)
		if n.Over != nil {
			add(n.Over)
		}
	case *WindowDef:
		add(n.Spec)
	case *WindowSpec:
		addExprs(n.PartitionBy)
		addOrder(n.OrderBy, nil, nil)
		if n.Frame != nil {
			add(n.Frame)
		}
	case *Frame:
		add(n.Start)
		if n.End != nil {
			add(n.End)
		}
	case *FrameBound:
		if n.Offset != nil {
			add(n.Offset)
		}
	case *Binary:
		add(n.Left, n.Right)
	case *Unary:
		add(n.Expr)
	case *Like:
		add(n.Expr, n.Pattern)
		if n.Escape != nil {
			add(n.Escape)
		}
	case *In:
		add(n.Expr)
		addExprs(n.List)
		if n.Subquery != nil {
			add(n.Subquery)
		}
	case *Between:
		add(n.Expr, n.Low, n.High)
	case *IsNull:
		add(n.Expr)
	case *IsDistinctFrom:
		add(n.Left, n.Right)
	case *Case:
		if n.Operand != nil {
			add(n.Operand)
		}
		for _, w := range n.Whens {
			add(w)
		}
		if n.Else != nil {
			add(n.Else)
		}
	case *When:
		add(n.Cond, n.Result)
	case *Cast:
		add(n.Expr, n.Type)
	case *Subscript:
		add(n.Expr, n.Index)
	case *FieldAccess:
		add(n.Expr)
	case *Subquery:
		add(n.Query)
	case *Exists:
		add(n.Subquery)
	}
	return out
}
