package exec

import (
	"context"
	"fmt"

	"github.com/ctlake/ctlake/planner"
)

// likeDyn is LIKE whose pattern (or escape) is not a literal: matchers are
// compiled once per distinct pattern text seen.
type likeDyn struct {
	x, pat, esc Evaluator
	negate      bool
	cache       map[[2]string]func(string) bool
	env         *Env
	e           planner.Expr
}

func (c *compiler) likeDynamic(e *planner.Like) (Evaluator, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	pat, err := c.expr(e.Pattern)
	if err != nil {
		return nil, err
	}
	var esc Evaluator = &litEval{v: planner.Value{}}
	if e.Escape != nil {
		if esc, err = c.expr(e.Escape); err != nil {
			return nil, err
		}
	}
	return &likeDyn{x: x, pat: pat, esc: esc, negate: e.Negate, cache: map[[2]string]func(string) bool{}, env: c.env, e: e}, nil
}

func (l *likeDyn) Eval(ctx context.Context, b Batch) (Vec, error) {
	n := b.Len()
	mem := l.env.mem()
	var arrs [3]Vec
	for i, ev := range []Evaluator{l.x, l.pat, l.esc} {
		v, err := ev.Eval(ctx, b)
		if err != nil {
			return Vec{}, err
		}
		defer v.Release()
		arrs[i] = v
	}
	strs := make([]func(int) (string, bool), 3)
	for i, v := range arrs {
		a, err := materialize(mem, v, planner.Varchar, n)
		if err != nil {
			return Vec{}, exprErr(l.e, err)
		}
		defer a.Release()
		at, ok := stringAt(a)
		if !ok {
			return Vec{}, exprErr(l.e, fmt.Errorf("LIKE needs varchar, not %s", a.DataType()))
		}
		strs[i] = func(r int) (string, bool) {
			if a.IsNull(r) {
				return "", false
			}
			return at(r), true
		}
	}
	if likeMatcher == nil {
		return Vec{}, exprErr(l.e, fmt.Errorf("LIKE is not available (function library not linked)"))
	}
	escNull := arrs[2].IsConst && arrs[2].Const.Null && l.e.(*planner.Like).Escape == nil
	st := make([]int8, n)
	for r := 0; r < n; r++ {
		s, ok1 := strs[0](r)
		p, ok2 := strs[1](r)
		esc, ok3 := strs[2](r)
		if escNull {
			ok3, esc = true, ""
		}
		if !ok1 || !ok2 || !ok3 {
			continue
		}
		key := [2]string{p, esc}
		m, ok := l.cache[key]
		if !ok {
			var err error
			if m, err = likeMatcher(p, esc); err != nil {
				return Vec{}, exprErr(l.e, err)
			}
			l.cache[key] = m
		}
		st[r] = triFalse
		if m(s) != l.negate {
			st[r] = triTrue
		}
	}
	return triArray(l.env, st), nil
}
