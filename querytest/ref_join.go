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

func (r *Reference) join(ctx context.Context, n *planner.Join) ([][]any, error) {
	left, err := r.node(ctx, n.Left)
	if err != nil {
		return nil, err
	}
	right, err := r.node(ctx, n.Right)
	if err != nil {
		return nil, err
	}
	nl, nr := len(n.Left.Columns()), len(n.Right.Columns())
	cand := r.candidates(n, nl, right)
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
// equal on the condition's column equalities (found here, on its own), or
// all of them.
func (r *Reference) candidates(n *planner.Join, nl int, right [][]any) func([]any) []int {
	all := make([]int, len(right))
	for i := range all {
		all[i] = i
	}
	var lx, rx []planner.Expr
	if n.Cond != nil {
		for _, c := range andArgs(n.Cond) {
			cmp, ok := c.(*planner.Compare)
			if !ok || cmp.Op != planner.OpEq {
				continue
			}
			l, rr := sides(cmp.L, nl), sides(cmp.R, nl)
			switch {
			case l == 1 && rr == 2:
				lx, rx = append(lx, cmp.L), append(rx, cmp.R)
			case l == 2 && rr == 1:
				lx, rx = append(lx, cmp.R), append(rx, cmp.L)
			}
		}
	}
	if len(lx) == 0 {
		return func([]any) []int { return all }
	}
	index := map[string][]int{}
	pad := make([]any, nl)
	for k, rr := range right {
		key, ok := r.keyOf(rx, concat(pad, rr))
		if ok {
			index[key] = append(index[key], k)
		}
	}
	return func(l []any) []int {
		key, ok := r.keyOf(lx, l)
		if !ok {
			return nil
		}
		return index[key]
	}
}

// keyOf is the grouping key of exprs over row; false when one is NULL (or
// fails: the full condition reports the error).
func (r *Reference) keyOf(exprs []planner.Expr, row []any) (string, bool) {
	k := ""
	for _, e := range exprs {
		v, err := r.evalExpr(e, row)
		if err != nil || v == nil {
			return "", false
		}
		k += Key(v, e.Type()) + "\x01"
	}
	return k, true
}

// sides says which side of a join an expression reads: 1 left only, 2
// right only, 0 both or neither.
func sides(e planner.Expr, nl int) int {
	s := 0
	planner.Walk(e, func(x planner.Expr) bool {
		ref, ok := x.(*planner.InputRef)
		if !ok {
			return true
		}
		side := 1
		if ref.Index >= nl {
			side = 2
		}
		if s != 0 && s != side {
			s = -1
			return false
		}
		if s == 0 {
			s = side
		}
		return true
	})
	if s < 0 {
		return 0
	}
	return s
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
