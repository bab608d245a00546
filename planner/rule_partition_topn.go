package planner

// partitionTopN turns a Window computing only row_number(), under a filter
// that keeps small row numbers, into a PartitionTopN: the first k rows of
// each partition, kept in bounded memory without sorting every row. It is
// how "the first event of each principal" is written in Trino:
//
//	Filter(rn = 1) / Project(arn, eventTime, #2 AS rn) / Window(row_number(); partition by arn; order by eventTime)
//	  => Filter(rn = 1) / Project(…) / PartitionTopN(1; partition by arn; order by eventTime)
//
// The filter stays: rn = 2 needs the top 2 and then only the second row.
// Accepted conjuncts are rn <= k, rn < k, rn = k and their mirror images
// (k >= rn, …) with an integer k; the smallest bound wins.
func partitionTopN(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	parent, w, col := windowUnder(f)
	if w == nil || len(w.Funcs) != 1 || w.Funcs[0].Name != WinRowNumber {
		return n, false
	}
	limit := int64(-1)
	for _, c := range conjuncts(f.Cond) {
		if k, ok := rowNumberBound(c, col, w); ok && (limit < 0 || k < limit) {
			limit = k
		}
	}
	if limit < 0 {
		return n, false
	}
	setInput(parent, 0, &PartitionTopN{Input: w.Input, Partition: w.Partition, Order: w.Order, N: limit, Label: w.Funcs[0].Label, Keep: w.Keep})
	return f, true
}

// windowUnder follows f's input through projections to a Window; it
// returns the node whose input the Window is, the Window, and for each of
// f's input columns the Window column it passes through (-1: computed).
func windowUnder(f *Filter) (Node, *Window, []int) {
	var parent Node = f
	in := f.Input
	n := len(in.Columns())
	col := make([]int, n)
	for i := range col {
		col[i] = i
	}
	for {
		switch x := in.(type) {
		case *Window:
			return parent, x, col
		case *Project:
			for i, c := range col {
				if c < 0 {
					continue
				}
				if r, ok := x.Exprs[c].(*InputRef); ok {
					col[i] = r.Index
				} else {
					col[i] = -1
				}
			}
			parent, in = x, x.Input
		default:
			return nil, nil, nil
		}
	}
}

// rowNumberBound recognises a conjunct bounding the row number: the
// largest row number it can keep.
func rowNumberBound(c Expr, col []int, w *Window) (int64, bool) {
	cmp, ok := c.(*Compare)
	if !ok {
		return 0, false
	}
	op, ref, lit := cmp.Op, cmp.L, cmp.R
	if _, isLit := ref.(*Literal); isLit {
		op, ref, lit = flip(op), cmp.R, cmp.L
	}
	r, ok := ref.(*InputRef)
	l, isLit := lit.(*Literal)
	rn := w.FuncColumn(0)
	if !ok || !isLit || r.Index >= len(col) || col[r.Index] != rn || l.V.Null || l.T.Kind != KindBigint {
		return 0, false
	}
	switch op {
	case OpLe, OpEq:
		return max(l.V.Int, 0), true
	case OpLt:
		return max(l.V.Int-1, 0), true
	}
	return 0, false
}
