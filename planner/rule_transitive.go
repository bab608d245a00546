package planner

import "github.com/ctlake/ctlake/orcstore"

// transitiveEqualities copies what one side of a join knows about a join
// key to the other side's key, so that both sides' scans prune:
//
//	InnerJoin(keys: a.eventID = b.eventID) / (Filter(eventID = 'x') / Scan a, Scan b)
//	  => InnerJoin(…) / (Filter(eventID = 'x') / Scan a, Filter(eventID = 'x') / Scan b)
//
// A fact is a comparison of the key with a constant, IN constants, LIKE a
// constant, or the eventTime range of the scan below. It goes from the
// left side to the right when rows of the right that break it can match
// no left row (every kind but right and full joins), and from the right
// to the left for inner, right and semi joins. NULL-aware joins are left
// alone: their result depends on every right row.
func transitiveEqualities(n Node) (Node, bool) {
	j, ok := n.(*Join)
	if !ok || len(j.LeftKeys) == 0 || j.NullAware {
		return n, false
	}
	toRight := j.Kind != JoinRight && j.Kind != JoinFull
	toLeft := j.Kind == JoinInner || j.Kind == JoinRight || j.Kind == JoinSemi
	var addL, addR []Expr
	for i := range j.LeftKeys {
		lf, rf := facts(j.Left, j.LeftKeys[i]), facts(j.Right, j.RightKeys[i])
		if toRight {
			addR = append(addR, newFacts(lf, rf, j.RightKeys[i])...)
		}
		if toLeft {
			addL = append(addL, newFacts(rf, lf, j.LeftKeys[i])...)
		}
	}
	if len(addL)+len(addR) == 0 {
		return n, false
	}
	j.Left = filterOver(j.Left, addL)
	j.Right = filterOver(j.Right, addR)
	return j, true
}

// fact is a condition on a key: Build makes it for another expression.
type fact struct {
	key   string // identifies the condition apart from the key
	build func(k Expr) Expr
}

// newFacts are the facts of from that to lacks, built on key.
func newFacts(from, to []fact, key Expr) []Expr {
	have := map[string]bool{}
	for _, f := range to {
		have[f.key] = true
	}
	var out []Expr
	for _, f := range from {
		if !have[f.key] {
			have[f.key] = true
			out = append(out, f.build(key))
		}
	}
	return out
}

// facts collects the conditions on key found down the side n: in the
// filters (through projections), and the scan's eventTime range.
func facts(n Node, key Expr) []fact {
	var out []fact
	for n != nil {
		switch x := n.(type) {
		case *Filter:
			for _, c := range conjuncts(x.Cond) {
				if f, ok := factOf(c, key); ok {
					out = append(out, f)
				}
			}
			n = x.Input
		case *Project:
			key = substitute(key, x.Exprs)
			n = x.Input
		case *Scan:
			if path, ok := columnPath(key, x); ok && path == "eventTime" && !x.Spec.Time.All() {
				out = append(out, timeFacts(x.Spec.Time, key.Type())...)
			}
			return out
		default:
			return out
		}
	}
	return out
}

// factOf reads c as a condition on key with constants.
func factOf(c Expr, key Expr) (fact, bool) {
	k := exprKey(key)
	switch c := c.(type) {
	case *Compare:
		op, l, r := c.Op, c.L, c.R
		if _, isLit := l.(*Literal); isLit {
			op, l, r = flip(op), c.R, c.L
		}
		lit, isLit := r.(*Literal)
		if !isLit || lit.V.Null || exprKey(l) != k || op > OpGe || op == OpNe {
			return fact{}, false
		}
		return fact{key: op.String() + " " + lit.String(), build: func(e Expr) Expr {
			return &Compare{Op: op, L: e, R: lit, P: c.P}
		}}, true
	case *In:
		if c.Negate || exprKey(c.X) != k {
			return fact{}, false
		}
		for _, v := range c.List {
			if _, ok := v.(*Literal); !ok {
				return fact{}, false
			}
		}
		in := &In{List: c.List, P: c.P}
		return fact{key: in.String(), build: func(e Expr) Expr {
			return &In{X: e, List: c.List, P: c.P}
		}}, true
	case *Like:
		if c.Negate || c.Escape != nil || exprKey(c.X) != k {
			return fact{}, false
		}
		if _, ok := c.Pattern.(*Literal); !ok {
			return fact{}, false
		}
		return fact{key: "LIKE " + c.Pattern.String(), build: func(e Expr) Expr {
			return &Like{X: e, Pattern: c.Pattern, P: c.P}
		}}, true
	}
	return fact{}, false
}

// timeFacts are the bounds of a scan's time range as facts.
func timeFacts(r orcstore.TimeRange, t Type) []fact {
	var out []fact
	add := func(op CmpOp, v int64) {
		lit := &Literal{V: Value{Int: v}, T: t}
		out = append(out, fact{key: op.String() + " " + lit.String(), build: func(e Expr) Expr {
			return &Compare{Op: op, L: e, R: lit, P: e.Pos()}
		}})
	}
	if r.HasMin {
		add(OpGe, r.Min)
	}
	if r.HasMax {
		add(OpLt, r.Max)
	}
	return out
}
