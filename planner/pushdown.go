package planner

import (
	"strings"

	"github.com/ctlake/ctlake/orcstore"
)

// pushFilterIntoScan moves what a store can do for a filter into its scan.
//
// Conjuncts on eventTime against constants become the scan's time range:
// it prunes files, stripes and row groups and drops rows outside it
// exactly, so they leave the filter.
//
//	Filter(eventTime >= TIMESTAMP '2024-05-01' AND eventName = 'GetObject') / Scan
//	  => Filter(eventName = 'GetObject') / Scan(time: [2024-05-01, +inf), prune: eventName = 'GetObject')
//
// Other comparisons of a column with constants (=, <, <=, >, >=, IN, IS
// NULL, LIKE 'prefix%') become pruning predicates: the scan skips stripes
// and row groups whose statistics or bloom filters rule them out, and the
// conjunct stays in the filter, because statistics cannot prove that a row
// matches.
func pushFilterIntoScan(n Node) (Node, bool) {
	f, ok := n.(*Filter)
	if !ok {
		return n, false
	}
	scan, ok := f.Input.(*Scan)
	if !ok {
		return n, false
	}
	cond, changed := pushIntoScan(f.Cond, scan)
	if !changed {
		return n, false
	}
	f.Cond = cond
	return f, true
}

// limitSortToTopN turns a sort under a limit (through projections, which
// keep every row) into a top-N of the limit's size, so that it runs in
// bounded memory and can prune its scan:
//
//	Limit(10) / Project / Sort(eventTime DESC) / ...
//	  => Limit(10) / Project / TopN(eventTime DESC; 10) / ...
func limitSortToTopN(n Node) (Node, bool) {
	l, ok := n.(*Limit)
	if !ok || l.N < 0 {
		return n, false
	}
	var parent Node = l
	in := l.Input
	for {
		p, ok := in.(*Project)
		if !ok {
			break
		}
		parent, in = p, p.Input
	}
	s, ok := in.(*Sort)
	if !ok {
		return n, false
	}
	t := &TopN{Input: s.Input, Keys: s.Keys, N: l.N + l.Offset}
	switch p := parent.(type) {
	case *Limit:
		p.Input = t
	case *Project:
		p.Input = t
	}
	return n, true
}

// pushTopN links a top-N whose first key is a bare eventTime column to the
// store scan under it (through projections and filters), so that the scan
// visits data in eventTime order and skips what cannot reach the top N:
//
//	TopN(eventTime DESC, eventID; 10) / Project / Scan
//	  => TopN(...; prune) / Project / Scan(top-N order: eventTime DESC, seeded from statistics)
//
// Without a filter in between every scanned row reaches the top-N, so the
// scan may also bound the N-th row from statistics alone (Limit). A filter
// right above the scan whose every conjunct the scan can test exactly
// (string =, IN, LIKE 'prefix%') is also applied by the scan (Spec.Filter):
// every row the scan returns then reaches the top-N too, and it may choose
// rows by eventTime before reading their other columns (Rows).
func pushTopN(n Node) (Node, bool) {
	t, ok := n.(*TopN)
	if !ok || len(t.Keys) == 0 || t.N <= 0 {
		return n, false
	}
	e, in := t.Keys[0].Expr, t.Input
	var filters []*Filter
	for {
		ref, ok := e.(*InputRef)
		if !ok {
			return n, false
		}
		switch n := in.(type) {
		case *Project:
			e, in = n.Exprs[ref.Index], n.Input
			continue
		case *Filter:
			filters, in = append(filters, n), n.Input
			continue
		case *Scan:
			path, ok := columnPath(ref, n)
			if !ok || path != "eventTime" || ref.T.Kind != KindTimestamp || n.Store == nil || len(n.JSON) > 0 || n.Spec.NoPruning || n.Spec.Sample != nil {
				return t, false
			}
			o := &orcstore.TopNOrder{Desc: t.Keys[0].Desc, NullsFirst: t.Keys[0].NullsFirst}
			if len(filters) == 0 {
				o.Limit, o.Rows = t.N, t.N
			} else if preds, ok := exactFilter(filters, n); ok {
				n.Spec.Filter, o.Rows = preds, t.N
			}
			n.Spec.TopN, t.Prune = o, o
			return t, true
		}
		return t, false
	}
}

// exactFilter returns the conditions of filters as predicates the scan
// can test exactly, if there is one filter, right above scan, and every
// one of its conjuncts is such a predicate: a string column = a string,
// IN strings, or LIKE 'prefix%' (no other wildcard, no escape).
func exactFilter(filters []*Filter, scan *Scan) ([]orcstore.Predicate, bool) {
	if len(filters) != 1 || filters[0].Input != Node(scan) {
		return nil, false
	}
	var preds []orcstore.Predicate
	for _, c := range conjuncts(filters[0].Cond) {
		var col Expr
		switch c := c.(type) {
		case *Compare:
			col = c.L
			if _, isLit := col.(*Literal); isLit {
				col = c.R
			}
			if c.Op != OpEq || c.L.Type().Kind != KindVarchar || c.R.Type().Kind != KindVarchar {
				return nil, false
			}
		case *In:
			col = c.X
			for _, v := range c.List {
				if v.Type().Kind != KindVarchar {
					return nil, false
				}
			}
		case *Like:
			col = c.X
		default:
			return nil, false
		}
		p, ok := prunePredicate(c, scan)
		if !ok || col.Type().Kind != KindVarchar {
			return nil, false
		}
		switch p.Op {
		case orcstore.PredEq, orcstore.PredIn, orcstore.PredPrefix:
		default:
			return nil, false
		}
		preds = append(preds, p)
	}
	return preds, len(preds) > 0
}

// pushIntoScan returns what remains of cond after the scan took its share,
// and whether the scan took anything new (the rule runs to a fixpoint, so
// a pruning predicate the scan has already is not added again).
func pushIntoScan(cond Expr, scan *Scan) (Expr, bool) {
	var keep []Expr
	changed := false
	have := map[string]bool{}
	for _, p := range scan.Spec.Prune {
		have[p.String()] = true
	}
	for _, c := range conjuncts(cond) {
		if r, ok := timeConjunct(c, scan); ok {
			scan.Spec.Time = scan.Spec.Time.Intersect(r)
			changed = true
			continue
		}
		if p, ok := prunePredicate(c, scan); ok && !have[p.String()] {
			have[p.String()] = true
			scan.Spec.Prune = append(scan.Spec.Prune, p)
			changed = true
		}
		keep = append(keep, c)
	}
	switch len(keep) {
	case 0:
		return &Literal{V: Value{Bool: true}, T: Boolean}, changed
	case 1:
		return keep[0], changed
	}
	return &Logic{Args: keep, P: cond.Pos()}, changed
}

func conjuncts(e Expr) []Expr {
	if l, ok := e.(*Logic); ok && !l.Or {
		var out []Expr
		for _, a := range l.Args {
			out = append(out, conjuncts(a)...)
		}
		return out
	}
	return []Expr{e}
}

// timeConjunct recognises eventTime <op> constant.
func timeConjunct(c Expr, scan *Scan) (orcstore.TimeRange, bool) {
	cmp, ok := c.(*Compare)
	if !ok {
		return orcstore.TimeRange{}, false
	}
	op, col, lit := cmp.Op, cmp.L, cmp.R
	if _, isLit := col.(*Literal); isLit {
		op, col, lit = flip(op), cmp.R, cmp.L
	}
	path, ok := columnPath(col, scan)
	l, isLit := lit.(*Literal)
	if !ok || !isLit || path != "eventTime" || l.V.Null || l.T.Kind != KindTimestamp {
		return orcstore.TimeRange{}, false
	}
	v := l.V.Int
	switch op {
	case OpEq:
		return orcstore.TimeRange{Min: v, HasMin: true, Max: v + 1, HasMax: true}, true
	case OpLt:
		return orcstore.TimeRange{Max: v, HasMax: true}, true
	case OpLe:
		return orcstore.TimeRange{Max: v + 1, HasMax: true}, true
	case OpGt:
		return orcstore.TimeRange{Min: v + 1, HasMin: true}, true
	case OpGe:
		return orcstore.TimeRange{Min: v, HasMin: true}, true
	}
	return orcstore.TimeRange{}, false
}

func flip(op CmpOp) CmpOp {
	switch op {
	case OpLt:
		return OpGt
	case OpLe:
		return OpGe
	case OpGt:
		return OpLt
	case OpGe:
		return OpLe
	}
	return op
}

var predOps = map[CmpOp]orcstore.PredOp{OpEq: orcstore.PredEq, OpLt: orcstore.PredLt, OpLe: orcstore.PredLe, OpGt: orcstore.PredGt, OpGe: orcstore.PredGe}

// prunePredicate recognises column <op> constant forms the store can test
// against statistics.
func prunePredicate(c Expr, scan *Scan) (orcstore.Predicate, bool) {
	switch c := c.(type) {
	case *Compare:
		op, col, lit := c.Op, c.L, c.R
		if _, isLit := col.(*Literal); isLit {
			op, col, lit = flip(op), c.R, c.L
		}
		pop, ok := predOps[op]
		path, pok := columnPath(col, scan)
		v, vok := scalarOf(lit)
		if !ok || !pok || !vok {
			return orcstore.Predicate{}, false
		}
		return orcstore.Predicate{Column: path, Op: pop, Values: []orcstore.Scalar{v}}, true
	case *In:
		path, ok := columnPath(c.X, scan)
		if !ok || c.Negate {
			return orcstore.Predicate{}, false
		}
		p := orcstore.Predicate{Column: path, Op: orcstore.PredIn}
		for _, it := range c.List {
			v, ok := scalarOf(it)
			if !ok {
				return orcstore.Predicate{}, false
			}
			p.Values = append(p.Values, v)
		}
		return p, true
	case *IsNull:
		path, ok := columnPath(c.X, scan)
		if !ok {
			return orcstore.Predicate{}, false
		}
		op := orcstore.PredIsNull
		if c.Negate {
			op = orcstore.PredIsNotNull
		}
		return orcstore.Predicate{Column: path, Op: op}, true
	case *Like:
		path, ok := columnPath(c.X, scan)
		lit, isLit := c.Pattern.(*Literal)
		if !ok || !isLit || c.Negate || c.Escape != nil || lit.V.Null {
			return orcstore.Predicate{}, false
		}
		pre, ok := strings.CutSuffix(lit.V.Str, "%")
		if !ok || pre == "" || strings.ContainsAny(pre, "%_") {
			return orcstore.Predicate{}, false
		}
		return orcstore.Predicate{Column: path, Op: orcstore.PredPrefix, Values: []orcstore.Scalar{{Kind: orcstore.ScalarString, Str: pre}}}, true
	}
	return orcstore.Predicate{}, false
}

// columnPath names a scalar column of the scan read directly or through
// struct fields ("userIdentity.arn").
func columnPath(e Expr, scan *Scan) (string, bool) {
	var parts []string
	for {
		switch x := e.(type) {
		case *FieldRef:
			parts = append([]string{x.Name}, parts...)
			e = x.Row
			continue
		case *InputRef:
			if x.Index >= len(scan.Out) {
				return "", false
			}
			parts = append([]string{scan.Out[x.Index].Name}, parts...)
			switch x.T.Kind {
			case KindRow:
				if len(parts) == 1 {
					return "", false
				}
			case KindArray, KindMap:
				return "", false
			}
			return strings.Join(parts, "."), true
		}
		return "", false
	}
}

// scalarOf converts a literal to a pruning constant.
func scalarOf(e Expr) (orcstore.Scalar, bool) {
	l, ok := e.(*Literal)
	if !ok || l.V.Null {
		return orcstore.Scalar{}, false
	}
	switch l.T.Kind {
	case KindVarchar:
		return orcstore.Scalar{Kind: orcstore.ScalarString, Str: l.V.Str}, true
	case KindBigint:
		return orcstore.Scalar{Kind: orcstore.ScalarInt, Int: l.V.Int}, true
	case KindDouble:
		return orcstore.Scalar{Kind: orcstore.ScalarFloat, Float: l.V.Float}, true
	case KindBoolean:
		return orcstore.Scalar{Kind: orcstore.ScalarBool, Bool: l.V.Bool}, true
	case KindTimestamp:
		return orcstore.Scalar{Kind: orcstore.ScalarTime, Int: l.V.Int}, true
	}
	return orcstore.Scalar{}, false
}
