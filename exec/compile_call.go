package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// call compiles a scalar function call to its fn kernel, resolved once.
func (c *compiler) call(e *planner.Call) (Evaluator, error) {
	s, ok := e.Fn.(*fn.Scalar)
	if !ok || s.Kernel == nil {
		return nil, exprErr(e, fmt.Errorf("function %s has no kernel", e.Name))
	}
	args := make([]Evaluator, len(e.Args))
	for i, a := range e.Args {
		ev, err := c.expr(a)
		if err != nil {
			return nil, err
		}
		args[i] = ev
	}
	ke := &kernelEval{kernel: s.Kernel, args: args, ret: e.T, env: c.env, e: e}
	if mk := c.mapKeyCall(e, ke); mk != nil {
		return mk, nil
	}
	return ke, nil
}

// cast compiles CAST/TRY_CAST through fn.CastKernel.
func (c *compiler) cast(e *planner.Cast) (Evaluator, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	from := e.X.Type()
	if from.Equal(e.To) {
		return x, nil
	}
	if castKernel == nil {
		return nil, exprErr(e, fmt.Errorf("CAST is not available (function library not linked)"))
	}
	k, err := castKernel(from, e.To, e.Try)
	if err != nil {
		return nil, exprErr(e, err)
	}
	return &kernelEval{kernel: k, args: []Evaluator{x}, ret: e.To, env: c.env, e: e}, nil
}

// kernelEval runs an fn kernel over evaluated arguments.
type kernelEval struct {
	kernel fn.Kernel
	args   []Evaluator
	ret    planner.Type
	env    *Env
	e      planner.Expr
}

func (k *kernelEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	vs := make([]Vec, len(k.args))
	defer func() {
		for _, v := range vs {
			v.Release()
		}
	}()
	nonConst := -1
	for i, a := range k.args {
		v, err := a.Eval(ctx, b)
		if err != nil {
			return Vec{}, err
		}
		vs[i] = v
		if !v.IsConst {
			if nonConst == -1 {
				nonConst = i
			} else {
				nonConst = -2
			}
		}
	}
	n := b.Len()
	if nonConst >= 0 && k.ret.IsStringLike() {
		if d, ok := vs[nonConst].Arr.(*array.Dictionary); ok && d.Dictionary().Len() <= n {
			if out, ok, err := k.onDictionary(ctx, vs, nonConst, d); ok || err != nil {
				return out, err
			}
		}
	}
	return k.run(ctx, vs, n)
}

func (k *kernelEval) run(ctx context.Context, vs []Vec, n int) (Vec, error) {
	mem := k.env.mem()
	args := make([]fn.Vec, len(vs))
	for i, v := range vs {
		a, done, err := toFn(mem, v)
		if err != nil {
			return Vec{}, exprErr(k.e, err)
		}
		defer done()
		args[i] = a
	}
	out, err := k.kernel(k.env.fnContext(ctx), args, n)
	if err != nil {
		return Vec{}, exprErr(k.e, err)
	}
	if out.Len() != n {
		out.Release()
		return Vec{}, exprErr(k.e, fmt.Errorf("internal error: kernel returned %d values for %d rows", out.Len(), n))
	}
	return Vec{Arr: out}, nil
}

// onDictionary evaluates a string function once per dictionary entry and
// keeps the row indices (lower(eventSource) costs one call per distinct
// source). It declines (ok false) when an entry maps to NULL, to keep the
// dictionary values NULL-free.
func (k *kernelEval) onDictionary(ctx context.Context, vs []Vec, at int, d *array.Dictionary) (Vec, bool, error) {
	dv := append([]Vec(nil), vs...)
	dv[at] = Vec{Arr: d.Dictionary()}
	res, err := k.run(ctx, dv, d.Dictionary().Len())
	if err != nil {
		return Vec{}, false, err
	}
	defer res.Release()
	if res.Arr.NullN() > 0 || res.Arr.DataType().ID() != arrow.STRING {
		return Vec{}, false, nil
	}
	dt := &arrow.DictionaryType{IndexType: d.Indices().DataType(), ValueType: arrow.BinaryTypes.String}
	return Vec{Arr: array.NewDictionaryArray(dt, d.Indices(), res.Arr)}, true, nil
}

// caseEval evaluates each THEN only on the rows whose WHEN is first TRUE,
// so CASE WHEN x <> 0 THEN 1 / x END never divides by zero.
type caseEval struct {
	conds   []Selector
	results []Evaluator
	els     Evaluator // nil: ELSE NULL
	t       planner.Type
	env     *Env
	e       planner.Expr
}

func (c *compiler) caseExpr(e *planner.Case) (Evaluator, error) {
	ce := &caseEval{t: e.T, env: c.env, e: e}
	for _, w := range e.Whens {
		s, err := c.selector(w.Cond)
		if err != nil {
			return nil, err
		}
		r, err := c.expr(w.Result)
		if err != nil {
			return nil, err
		}
		ce.conds = append(ce.conds, s)
		ce.results = append(ce.results, r)
	}
	if e.Else != nil {
		r, err := c.expr(e.Else)
		if err != nil {
			return nil, err
		}
		ce.els = r
	}
	return ce, nil
}

func (ce *caseEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	m := newMerger(b, len(ce.results)+1)
	defer m.release()
	rest := m.live
	for k, cond := range ce.conds {
		if len(rest) == 0 {
			break
		}
		sel, err := cond.Select(ctx, Batch{Rec: b.Rec, Sel: rest})
		if err != nil {
			return Vec{}, err
		}
		if len(sel) == 0 {
			continue
		}
		v, err := ce.results[k].Eval(ctx, Batch{Rec: b.Rec, Sel: sel})
		if err != nil {
			return Vec{}, err
		}
		m.set(k, sel, v)
		rest = minusSorted(rest, sel)
	}
	if ce.els != nil && len(rest) > 0 {
		v, err := ce.els.Eval(ctx, Batch{Rec: b.Rec, Sel: rest})
		if err != nil {
			return Vec{}, err
		}
		m.set(len(ce.results), rest, v)
	}
	out, err := m.build(ce.env, ce.t)
	return out, exprErr(ce.e, err)
}

// coalesceEval evaluates each argument only on rows still NULL.
type coalesceEval struct {
	args []Evaluator
	t    planner.Type
	env  *Env
	e    planner.Expr
}

func (c *compiler) coalesce(e *planner.Coalesce) (Evaluator, error) {
	ce := &coalesceEval{t: e.T, env: c.env, e: e}
	for _, a := range e.Args {
		ev, err := c.expr(a)
		if err != nil {
			return nil, err
		}
		ce.args = append(ce.args, ev)
	}
	return ce, nil
}

func (ce *coalesceEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	m := newMerger(b, len(ce.args))
	defer m.release()
	rest := m.live
	for k, a := range ce.args {
		if len(rest) == 0 {
			break
		}
		v, err := a.Eval(ctx, Batch{Rec: b.Rec, Sel: rest})
		if err != nil {
			return Vec{}, err
		}
		var hit, miss []int32
		for i, r := range rest {
			if (v.IsConst && !v.Const.Null) || (!v.IsConst && validAt(v.Arr, i)) {
				hit = append(hit, r)
			} else {
				miss = append(miss, r)
			}
		}
		if len(hit) == len(rest) {
			m.set(k, rest, v)
		} else if len(hit) > 0 {
			if v.IsConst {
				m.set(k, hit, v)
			} else {
				// Keep the values of the hit rows only, aligned with hit.
				pos := positions(rest, hit)
				sub, err := take(ce.env.mem(), v.Arr, pos)
				v.Release()
				if err != nil {
					return Vec{}, exprErr(ce.e, err)
				}
				m.set(k, hit, Vec{Arr: sub})
			}
		} else {
			v.Release()
		}
		rest = miss
	}
	out, err := m.build(ce.env, ce.t)
	return out, exprErr(ce.e, err)
}

// positions maps rows of sub (a subset of rows, both ascending) to their
// positions in rows.
func positions(rows, sub []int32) []int32 {
	out := make([]int32, len(sub))
	j := 0
	for i, r := range rows {
		if j < len(sub) && sub[j] == r {
			out[j] = int32(i)
			j++
		}
	}
	return out
}
