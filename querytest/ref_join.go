package querytest

import (
	"context"
	"errors"

	"github.com/ctlake/ctlake/planner"
)

// The reference's joins and set operations, straight from their
// definitions: every pair of rows is a candidate (an index on the
// condition's equalities only narrows which pairs are tried), a pair
// matches when every key pair is equal and non-NULL and the condition is
// TRUE, and each kind keeps what SQL says it keeps. It runs on the plan as
// bound, where a join's whole ON clause is its condition and subqueries
// are mark joins.

// hint is a conjunct of a WHERE above inner joins, over a row whose join
// columns start at off: it narrows which pairs an inner join tries (a pair
// it rules out would be filtered anyway) and is never trusted otherwise.
type hint struct {
	e   planner.Expr
	off int
}

func (r *Reference) join(ctx context.Context, n *planner.Join, hints []hint) ([][]any, error) {
	nl, nr := len(n.Left.Columns()), len(n.Right.Columns())
	if n.Kind != planner.JoinInner {
		hints = nil
	}
	if n.Cond != nil {
		for _, c := range andArgs(n.Cond) {
			hints = append(hints, hint{c, 0})
		}
	}
	child := func(in planner.Node, lo, hi, off int) ([][]any, error) {
		j, ok := in.(*planner.Join)
		if !ok {
			return r.node(ctx, in)
		}
		var hs []hint
		if n.Kind != planner.JoinInner {
			return r.join(ctx, j, nil) // an outer join's ON must not narrow its sides
		}
		for _, h := range hints {
			if s, ok := span(h.e); ok && s[0] >= h.off+lo && s[1] < h.off+hi {
				hs = append(hs, hint{h.e, h.off + off})
			}
		}
		return r.join(ctx, j, hs)
	}
	left, err := child(n.Left, 0, nl, 0)
	if err != nil {
		return nil, err
	}
	right, err := child(n.Right, nl, nl+nr, nl)
	if err != nil {
		return nil, err
	}
	if n.Kind == planner.JoinInner {
		left, right = r.narrow(left, hints, 0, nl), r.narrow(right, hints, nl, nl+nr)
	}
	cand := r.candidates(nl, nr, right, hints)
	match := func(l, rr []any) (bool, error) {
		for i := range n.LeftKeys {
			lv, err := r.evalExpr(n.LeftKeys[i], l)
			if err != nil {
				return false, err
			}
			rv, err := r.evalExpr(n.RightKeys[i], rr)
			if err != nil {
				return false, err
			}
			if lv == nil || rv == nil || Compare(lv, rv, n.LeftKeys[i].Type()) != 0 {
				return false, nil
			}
		}
		if n.Cond == nil {
			return true, nil
		}
		v, err := r.evalExpr(n.Cond, concat(l, rr))
		return v == true, err
	}
	switch n.Kind {
	case planner.JoinSemi, planner.JoinAnti, planner.JoinMark:
		return r.markJoin(n, left, right, cand, match)
	}
	var out [][]any
	rightHit := make([]bool, len(right))
	for _, l := range left {
		hit := 0
		for _, k := range cand(l) {
			ok, err := match(l, right[k])
			if err != nil {
				return nil, err
			}
			if ok {
				hit++
				rightHit[k] = true
				out = append(out, concat(l, right[k]))
			}
		}
		if n.Single && hit > 1 {
			return nil, errors.New("scalar subquery returned more than one row")
		}
		if hit == 0 && (n.Kind == planner.JoinLeft || n.Kind == planner.JoinFull) {
			out = append(out, concat(l, make([]any, nr)))
		}
	}
	if n.Kind == planner.JoinRight || n.Kind == planner.JoinFull {
		for k, rr := range right {
			if !rightHit[k] {
				out = append(out, concat(make([]any, nl), rr))
			}
		}
	}
	return out, nil
}

// markJoin computes each left row's three-valued match state, and keeps
// what a semi, anti or mark join keeps of it.
func (r *Reference) markJoin(n *planner.Join, left, right [][]any, cand func([]any) []int, match func(l, rr []any) (bool, error)) ([][]any, error) {
	rightNull := false
	if n.NullAware {
		for _, rr := range right {
			v, err := r.evalExpr(n.RightKeys[0], rr)
			if err != nil {
				return nil, err
			}
			rightNull = rightNull || v == nil
		}
	}
	var out [][]any
	for _, l := range left {
		var state any = false
		for _, k := range cand(l) {
			ok, err := match(l, right[k])
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if n.MarkCond == nil {
				state = true
				break
			}
			v, err := r.evalExpr(n.MarkCond, concat(l, right[k]))
			if err != nil {
				return nil, err
			}
			if v == true {
				state = true
				break
			}
			if v == nil {
				state = nil
			}
		}
		if n.NullAware && state == false && len(right) > 0 {
			lv, err := r.evalExpr(n.LeftKeys[0], l)
			if err != nil {
				return nil, err
			}
			if lv == nil || rightNull {
				state = nil
			}
		}
		switch n.Kind {
		case planner.JoinSemi:
			if state == true {
				out = append(out, l)
			}
		case planner.JoinAnti:
			if state == false {
				out = append(out, l)
			}
		default:
			out = append(out, concat(l, []any{state}))
		}
	}
	return out, nil
}

// candidates returns, for a left row, the right rows worth testing: those
// equal on the column equalities among the hints (the join's own
// condition, and a WHERE's over an inner join), found here on its own, or
// all of them.
func (r *Reference) candidates(nl, nr int, right [][]any, hints []hint) func([]any) []int {
	all := make([]int, len(right))
	for i := range all {
		all[i] = i
	}
	type side struct {
		e   planner.Expr
		off int
	}
	var lx, rx []side
	for _, h := range hints {
		cmp, ok := h.e.(*planner.Compare)
		if !ok || cmp.Op != planner.OpEq {
			continue
		}
		ls, lok := span(cmp.L)
		rs, rok := span(cmp.R)
		if !lok || !rok {
			continue
		}
		inLeft := func(s [2]int) bool { return s[0] >= h.off && s[1] < h.off+nl }
		inRight := func(s [2]int) bool { return s[0] >= h.off+nl && s[1] < h.off+nl+nr }
		switch {
		case inLeft(ls) && !inLeft(rs) && inRight(rs):
			lx, rx = append(lx, side{cmp.L, h.off}), append(rx, side{cmp.R, h.off + nl})
		case inLeft(rs) && !inLeft(ls) && inRight(ls):
			lx, rx = append(lx, side{cmp.R, h.off}), append(rx, side{cmp.L, h.off + nl})
		}
	}
	if len(lx) == 0 {
		return func([]any) []int { return all }
	}
	keyOf := func(xs []side, row []any) (string, bool) {
		k := ""
		for _, x := range xs {
			v, err := r.evalExpr(x.e, concat(make([]any, x.off), row))
			if err != nil || v == nil {
				return "", false
			}
			k += Key(v, x.e.Type()) + "\x01"
		}
		return k, true
	}
	index := map[string][]int{}
	for k, rr := range right {
		if key, ok := keyOf(rx, rr); ok {
			index[key] = append(index[key], k)
		}
	}
	return func(l []any) []int {
		key, ok := keyOf(lx, l)
		if !ok {
			return nil
		}
		return index[key]
	}
}

// narrow drops the rows of one side of an inner join that a hint reading
// only that side's columns [lo, hi) rules out: they could make no row of
// the result. A hint that fails to evaluate keeps the row (the query then
// reports the error where the engine does).
func (r *Reference) narrow(rows [][]any, hints []hint, lo, hi int) [][]any {
	for _, h := range hints {
		s, ok := span(h.e)
		if !ok || s[0] < h.off+lo || s[1] >= h.off+hi {
			continue
		}
		pad := make([]any, h.off+lo)
		var keep [][]any
		for _, row := range rows {
			if v, err := r.evalExpr(h.e, concat(pad, row)); err != nil || v == true {
				keep = append(keep, row)
			}
		}
		rows = keep
	}
	return rows
}

// span is the lowest and highest column an expression reads (false for
// none).
func span(e planner.Expr) ([2]int, bool) {
	s, ok := [2]int{1 << 30, -1}, false
	planner.Walk(e, func(x planner.Expr) bool {
		if ref, is := x.(*planner.InputRef); is {
			s[0], s[1], ok = min(s[0], ref.Index), max(s[1], ref.Index), true
		}
		return true
	})
	return s, ok
}

func andArgs(e planner.Expr) []planner.Expr {
	if l, ok := e.(*planner.Logic); ok && !l.Or {
		var out []planner.Expr
		for _, a := range l.Args {
			out = append(out, andArgs(a)...)
		}
		return out
	}
	return []planner.Expr{e}
}

func concat(a, b []any) []any {
	out := make([]any, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// setOp counts the right rows, then walks the left ones.
func (r *Reference) setOp(ctx context.Context, n *planner.SetOp) ([][]any, error) {
	left, err := r.node(ctx, n.Left)
	if err != nil {
		return nil, err
	}
	right, err := r.node(ctx, n.Right)
	if err != nil {
		return nil, err
	}
	types := columnTypes(n)
	inRight := map[string]int{}
	for _, row := range right {
		inRight[rowKey(row, types)]++
	}
	seen := map[string]int{}
	var out [][]any
	for _, row := range left {
		k := rowKey(row, types)
		seen[k]++
		var keep bool
		switch {
		case n.Op == planner.SetIntersect && !n.All:
			keep = seen[k] == 1 && inRight[k] > 0
		case n.Op == planner.SetIntersect:
			keep = seen[k] <= inRight[k]
		case !n.All:
			keep = seen[k] == 1 && inRight[k] == 0
		default:
			keep = seen[k] > inRight[k]
		}
		if keep {
			out = append(out, row)
		}
	}
	return out, nil
}
