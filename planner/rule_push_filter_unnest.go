package planner

// pushFilterThroughUnnest moves the conjuncts of a filter over an UNNEST
// that read only the rows before it below the UNNEST, where they reach the
// scan (its time range and pruning) and filter rows before they are
// multiplied:
//
//	Filter(eventTime > T AND r.type = 'AWS::S3::Object') / Unnest(resources) / Scan
//	  => Filter(r.type = 'AWS::S3::Object') / Unnest(resources) / Filter(eventTime > T) / Scan
//
// Such a conjunct has one value for all the rows an input row expands
// into, so it keeps or drops them together either way; with LEFT JOIN …
// ON true the kept input rows still yield their NULL row.
func pushFilterThroughUnnest(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	u, ok := f.Input.(*Unnest)
	if !ok || u.Pass != nil { // Pass is set by column pruning, after the rules
		return n, false
	}
	width := len(u.Input.Columns())
	var below, above []Expr
	for _, c := range conjuncts(f.Cond) {
		if readsOnlyBelow(c, width) {
			below = append(below, c)
		} else {
			above = append(above, c)
		}
	}
	if len(below) == 0 {
		return n, false
	}
	u.Input = &Filter{Input: u.Input, Cond: andOf(below, f.Cond.Pos())}
	f.Cond = andOf(above, f.Cond.Pos())
	return f, true
}

// readsOnlyBelow reports whether e reads only columns < width.
func readsOnlyBelow(e Expr, width int) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		if r, isRef := x.(*InputRef); isRef && r.Index >= width {
			ok = false
		}
		return ok
	})
	return ok
}

// andOf is the conjunction of cs (TRUE for none).
func andOf(cs []Expr, pos int) Expr {
	switch len(cs) {
	case 0:
		return &Literal{V: Value{Bool: true}, T: Boolean, P: pos}
	case 1:
		return cs[0]
	}
	return &Logic{Args: cs, P: pos}
}
