package planner

import "strings"

// winSlot marks where a window function's value goes in an expression
// while windowStep lays out the Window nodes.
type winSlot struct {
	k int // index into the collected window calls
	T Type
	P int
	s string
}

func (e *winSlot) Type() Type     { return e.T }
func (e *winSlot) Pos() int       { return e.P }
func (e *winSlot) String() string { return e.s }
func (*winSlot) exprNode()        {}

// windowStep plans the window functions of a select block whose
// expressions visit yields (the select items and hidden ORDER BY terms,
// bound over input). It returns input unchanged when there are none.
//
//	Project(eventName, row_number() OVER (PARTITION BY userIdentity.arn ORDER BY eventTime))
//	  / Scan
//	=> Project(#0, #3)
//	     / Window(row_number(); partition by #1; order by #2)
//	     / Project(eventName, userIdentity.arn, eventTime)
//	     / Scan
//
// Below the Windows, one Project computes every expression they and the
// select list need that holds no window function (so column pruning still
// narrows the scan: it reads userIdentity.arn, not all of userIdentity).
// Calls with the same PARTITION BY and ORDER BY share one Window node,
// which sorts once; nodes for distinct windows are stacked, each passing
// the columns below it through.
func (b *binder) windowStep(input Node, visit func(func(*Expr))) (Node, error) {
	var calls []*winRef
	byKey := map[string]int{}
	var outer []*Expr
	visit(func(p *Expr) {
		*p = collectWindows(*p, &calls, byKey)
		outer = append(outer, p)
	})
	if len(calls) == 0 {
		return input, nil
	}
	pre := &preProject{at: map[string]int{}}
	for i, c := range calls {
		calls[i] = c.mapExprs(pre.column)
	}
	for _, p := range outer {
		*p = pre.split(*p, slotMarks(*p))
	}
	var node Node = &Project{Input: input, Exprs: pre.exprs, Names: pre.names}

	// One Window per distinct (partition, order), in order of first use.
	var windows []*Window
	specAt := map[string]int{}
	slotAt := make([]int, len(calls)) // call → its output column
	for i, c := range calls {
		key := specKey(c.part, c.order)
		k, ok := specAt[key]
		if !ok {
			k = len(windows)
			specAt[key] = k
			windows = append(windows, &Window{Partition: c.part, Order: c.order})
		}
		windows[k].Funcs = append(windows[k].Funcs, c.fn)
		slotAt[i] = k
	}
	col := len(pre.exprs)
	funcCol := make(map[*Window]int, len(windows))
	for _, w := range windows {
		funcCol[w] = col
		col += len(w.Funcs)
		w.Input = node
		node = w
	}
	seen := make([]int, len(windows)) // functions placed so far per window
	for i := range calls {
		k := slotAt[i]
		slotAt[i] = funcCol[windows[k]] + seen[k]
		seen[k]++
	}
	cols := node.Columns()
	for _, p := range outer {
		*p = fillSlots(*p, slotAt, cols)
	}
	keepUsed(windows[len(windows)-1], outer)
	return node, nil
}

// keepUsed narrows the top Window's pass-through columns to those the
// select list reads, renumbering its references.
func keepUsed(w *Window, outer []*Expr) {
	in := len(w.Input.Columns())
	used := make([]bool, in)
	for _, p := range outer {
		Walk(*p, func(e Expr) bool {
			if r, ok := e.(*InputRef); ok && r.Index < in {
				used[r.Index] = true
			}
			return true
		})
	}
	at := make([]int, in)
	keep := []int{}
	for i, u := range used {
		if u {
			at[i] = len(keep)
			keep = append(keep, i)
		}
	}
	if len(keep) == in {
		return
	}
	w.Keep = keep
	var remap func(e Expr) (Expr, error)
	remap = func(e Expr) (Expr, error) {
		if r, ok := e.(*InputRef); ok {
			c := *r
			if r.Index < in {
				c.Index = at[r.Index]
			} else {
				c.Index = len(keep) + r.Index - in
			}
			return &c, nil
		}
		return mapChildren(e, remap)
	}
	for _, p := range outer {
		*p, _ = remap(*p)
	}
}

// collectWindows replaces each window call in e by a slot, registering
// calls by their text and window (equal calls share one slot).
func collectWindows(e Expr, calls *[]*winRef, byKey map[string]int) Expr {
	if w, ok := e.(*winRef); ok {
		key := w.fn.Label + "\x00" + specKey(w.part, w.order) + "\x00" + frameKey(w.fn)
		k, seen := byKey[key]
		if !seen {
			k = len(*calls)
			byKey[key] = k
			*calls = append(*calls, w)
		}
		return &winSlot{k: k, T: w.fn.T, P: w.fn.P, s: w.fn.Label}
	}
	out, _ := mapChildren(e, func(c Expr) (Expr, error) { return collectWindows(c, calls, byKey), nil })
	return out
}

// fillSlots replaces slots by references to the Windows' output columns.
func fillSlots(e Expr, slotAt []int, cols []Column) Expr {
	if s, ok := e.(*winSlot); ok {
		i := slotAt[s.k]
		return &InputRef{Index: i, Name: cols[i].Name, T: s.T, P: s.P}
	}
	out, _ := mapChildren(e, func(c Expr) (Expr, error) { return fillSlots(c, slotAt, cols), nil })
	return out
}

// slotMarks records, for e and every node under it, whether it holds a
// window slot (computed once per tree, so splitting costs O(n)).
func slotMarks(e Expr) map[Expr]bool {
	m := map[Expr]bool{}
	var mark func(Expr) bool
	mark = func(x Expr) bool {
		_, has := x.(*winSlot)
		for _, c := range Children(x) {
			if mark(c) {
				has = true
			}
		}
		m[x] = has
		return has
	}
	mark(e)
	return m
}

// preProject collects the columns the Windows and the select list need
// below the Windows, each distinct expression once.
type preProject struct {
	exprs []Expr
	names []string
	at    map[string]int
}

// column makes e a column of the projection (literals stay literals, so
// that the executor sees constant offsets and arguments) and returns a
// reference to it.
func (p *preProject) column(e Expr) Expr {
	if _, ok := e.(*Literal); ok {
		return e
	}
	key := exprKey(e)
	i, ok := p.at[key]
	if !ok {
		i = len(p.exprs)
		p.at[key] = i
		p.exprs = append(p.exprs, e)
		p.names = append(p.names, e.String())
	}
	return &InputRef{Index: i, Name: p.names[i], T: e.Type(), P: e.Pos()}
}

// split moves the largest parts of e that hold no window slot into the
// projection.
func (p *preProject) split(e Expr, slots map[Expr]bool) Expr {
	if !slots[e] {
		return p.column(e)
	}
	if _, ok := e.(*winSlot); ok {
		return e
	}
	out, _ := mapChildren(e, func(c Expr) (Expr, error) { return p.split(c, slots), nil })
	return out
}

func specKey(part []Expr, order []SortKey) string {
	var b strings.Builder
	for _, p := range part {
		b.WriteString(exprKey(p) + "\x01")
	}
	b.WriteString("\x02")
	for _, k := range order {
		b.WriteString(exprKey(k.Expr))
		if k.Desc {
			b.WriteString(" DESC")
		}
		if k.NullsFirst {
			b.WriteString(" NULLS FIRST")
		}
		b.WriteString("\x01")
	}
	return b.String()
}

func frameKey(f WindowFunc) string {
	key := func(e Expr) string {
		if e == nil {
			return ""
		}
		return exprKey(e)
	}
	s := f.Frame.Unit + f.Frame.Start.Kind.String() + key(f.Frame.Start.Offset) + f.Frame.End.Kind.String() + key(f.Frame.End.Offset)
	for _, a := range f.Args {
		s += "\x01" + exprKey(a)
	}
	if f.IgnoreNulls {
		s += " IGNORE NULLS"
	}
	return s
}
