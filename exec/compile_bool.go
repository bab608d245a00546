package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// boolExpr compiles a boolean expression for its value (three-valued).
func (c *compiler) boolExpr(e planner.Expr) (Evaluator, error) {
	switch e := e.(type) {
	case *planner.Compare:
		return c.compare(e)
	case *planner.IsNull:
		x, err := c.expr(e.X)
		if err != nil {
			return nil, err
		}
		p, isPath := c.path(e.X)
		return &isNullEval{x: x, path: p, isPath: isPath, negate: e.Negate, env: c.env, e: e}, nil
	case *planner.In:
		return c.inList(e)
	case *planner.Like:
		return c.like(e)
	case *planner.Logic:
		args := make([]Evaluator, len(e.Args))
		for i, a := range e.Args {
			ev, err := c.expr(a)
			if err != nil {
				return nil, err
			}
			args[i] = ev
		}
		return &logicEval{args: args, or: e.Or, env: c.env}, nil
	case *planner.Not:
		if n, ok := negateExpr(e.X); ok {
			return c.expr(n)
		}
		x, err := c.expr(e.X)
		if err != nil {
			return nil, err
		}
		return &notEval{x: x, env: c.env}, nil
	}
	return nil, exprErr(e, fmt.Errorf("not a boolean expression: %T", e))
}

// selector compiles a boolean expression for filtering.
func (c *compiler) selector(e planner.Expr) (Selector, error) {
	switch e := e.(type) {
	case *planner.Logic:
		arms := make([]Selector, len(e.Args))
		for i, a := range e.Args {
			s, err := c.selector(a)
			if err != nil {
				return nil, err
			}
			arms[i] = s
		}
		if e.Or {
			return &orSel{arms: arms}, nil
		}
		return &andSel{arms: arms}, nil
	case *planner.Not:
		if n, ok := negateExpr(e.X); ok {
			return c.selector(n)
		}
	case *planner.Literal:
		return &constSel{keep: !e.V.Null && e.V.Bool}, nil
	}
	ev, err := c.expr(e)
	if err != nil {
		return nil, err
	}
	if s, ok := ev.(Selector); ok {
		return s, nil
	}
	return &valueSel{ev: ev, e: e}, nil
}

// negateExpr rewrites NOT e into an equivalent expression without NOT where
// three-valued logic allows (NOT (a < b) is a >= b; De Morgan for AND/OR).
func negateExpr(e planner.Expr) (planner.Expr, bool) {
	switch e := e.(type) {
	case *planner.Compare:
		return &planner.Compare{Op: negOp(e.Op), L: e.L, R: e.R, P: e.P}, true
	case *planner.IsNull:
		n := *e
		n.Negate = !n.Negate
		return &n, true
	case *planner.In:
		n := *e
		n.Negate = !n.Negate
		return &n, true
	case *planner.Like:
		n := *e
		n.Negate = !n.Negate
		return &n, true
	case *planner.Not:
		return e.X, true
	case *planner.Literal:
		if e.V.Null {
			return e, true
		}
		return &planner.Literal{V: planner.Value{Bool: !e.V.Bool}, T: e.T, P: e.P}, true
	case *planner.Logic:
		args := make([]planner.Expr, len(e.Args))
		for i, a := range e.Args {
			if n, ok := negateExpr(a); ok {
				args[i] = n
			} else {
				args[i] = &planner.Not{X: a, P: a.Pos()}
			}
		}
		return &planner.Logic{Or: !e.Or, Args: args, P: e.P}, true
	}
	return nil, false
}

type constSel struct{ keep bool }

func (s *constSel) Select(_ context.Context, b Batch) ([]int32, error) {
	if s.keep {
		return append([]int32(nil), liveRows(b)...), nil
	}
	return []int32{}, nil
}

// andSel runs each arm on the rows the previous arms kept.
type andSel struct{ arms []Selector }

func (s *andSel) Select(ctx context.Context, b Batch) ([]int32, error) {
	for _, a := range s.arms {
		sel, err := a.Select(ctx, b)
		if err != nil {
			return nil, err
		}
		if len(sel) == 0 {
			return sel, nil
		}
		b.Sel = sel
	}
	return append([]int32(nil), liveRows(b)...), nil
}

// orSel runs each arm on the rows no earlier arm kept and merges the
// results: a row is TRUE under OR exactly when some arm is TRUE.
type orSel struct{ arms []Selector }

func (s *orSel) Select(ctx context.Context, b Batch) ([]int32, error) {
	rest := liveRows(b)
	var kept []int32
	for _, a := range s.arms {
		if len(rest) == 0 {
			break
		}
		sel, err := a.Select(ctx, Batch{Rec: b.Rec, Sel: rest})
		if err != nil {
			return nil, err
		}
		if len(sel) == 0 {
			continue
		}
		kept = mergeSorted(kept, sel)
		rest = minusSorted(rest, sel)
	}
	if kept == nil {
		kept = []int32{}
	}
	return kept, nil
}

func mergeSorted(a, b []int32) []int32 {
	if len(a) == 0 {
		return b
	}
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] < b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// minusSorted is a without b (b a subset of a, both ascending).
func minusSorted(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)-len(b))
	j := 0
	for _, x := range a {
		if j < len(b) && b[j] == x {
			j++
			continue
		}
		out = append(out, x)
	}
	return out
}

// valueSel filters by any boolean evaluator: keep rows whose value is TRUE.
type valueSel struct {
	ev Evaluator
	e  planner.Expr
}

func (s *valueSel) Select(ctx context.Context, b Batch) ([]int32, error) {
	v, err := s.ev.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	live := liveRows(b)
	if v.IsConst {
		if !v.Const.Null && v.Const.Bool {
			return append([]int32(nil), live...), nil
		}
		return []int32{}, nil
	}
	ba, ok := v.Arr.(*array.Boolean)
	if !ok {
		return nil, exprErr(s.e, fmt.Errorf("condition is %s, not boolean", v.Arr.DataType()))
	}
	out := make([]int32, 0, len(live))
	for i, r := range live {
		if ba.IsValid(i) && ba.Value(i) {
			out = append(out, r)
		}
	}
	return out, nil
}

type isNullEval struct {
	x      Evaluator
	path   colPath
	isPath bool
	negate bool
	env    *Env
	e      planner.Expr
}

func (e *isNullEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	v, err := e.x.Eval(ctx, b)
	if err != nil {
		return Vec{}, err
	}
	defer v.Release()
	if v.IsConst {
		return constVec(planner.Value{Bool: v.Const.Null != e.negate}), nil
	}
	bb := array.NewBooleanBuilder(e.env.mem())
	defer bb.Release()
	n := v.Arr.Len()
	bb.Reserve(n)
	for i := 0; i < n; i++ {
		bb.UnsafeAppend(!validAt(v.Arr, i) != e.negate)
	}
	return Vec{Arr: bb.NewArray()}, nil
}

func (e *isNullEval) Select(ctx context.Context, b Batch) ([]int32, error) {
	var a arrow.Array
	var rows, live []int32
	if e.isPath {
		var err error
		if a, err = e.path.resolve(b.Rec); err != nil {
			return nil, exprErr(e.e, err)
		}
		rows = liveRows(b)
	} else {
		v, err := e.x.Eval(ctx, b)
		if err != nil {
			return nil, err
		}
		if v.IsConst {
			return (&constSel{keep: v.Const.Null != e.negate}).Select(ctx, b)
		}
		a, live, rows = v.Arr, liveRows(b), identity(b.Len())
	}
	defer a.Release()
	out := make([]int32, 0, len(rows))
	for _, r := range rows {
		if !validAt(a, int(r)) != e.negate {
			out = append(out, r)
		}
	}
	if live != nil {
		for i, p := range out {
			out[i] = live[p]
		}
	}
	return out, nil
}

// logicEval is AND/OR as a value, with three-valued logic.
type logicEval struct {
	args []Evaluator
	or   bool
	env  *Env
}

func (e *logicEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	n := b.Len()
	// state per row: 0 NULL, 1 FALSE, 2 TRUE; start from the identity.
	start := triTrue
	if e.or {
		start = triFalse
	}
	st := make([]int8, n)
	for i := range st {
		st[i] = start
	}
	for _, a := range e.args {
		v, err := a.Eval(ctx, b)
		if err != nil {
			return Vec{}, err
		}
		for i := range st {
			st[i] = combine3(st[i], boolTri(v, i), e.or)
		}
		v.Release()
	}
	return triArray(e.env, st), nil
}

func boolTri(v Vec, i int) int8 {
	if v.IsConst {
		if v.Const.Null {
			return triNull
		}
		if v.Const.Bool {
			return triTrue
		}
		return triFalse
	}
	ba, ok := v.Arr.(*array.Boolean)
	if !ok || ba.IsNull(i) {
		return triNull // a NULL-typed operand
	}
	if ba.Value(i) {
		return triTrue
	}
	return triFalse
}

// combine3 is Kleene AND (or OR) of two truth values.
func combine3(a, b int8, or bool) int8 {
	if or {
		if a == triTrue || b == triTrue {
			return triTrue
		}
		if a == triNull || b == triNull {
			return triNull
		}
		return triFalse
	}
	if a == triFalse || b == triFalse {
		return triFalse
	}
	if a == triNull || b == triNull {
		return triNull
	}
	return triTrue
}

func triArray(env *Env, st []int8) Vec {
	bb := array.NewBooleanBuilder(env.mem())
	defer bb.Release()
	bb.Reserve(len(st))
	for _, t := range st {
		if t == triNull {
			bb.AppendNull()
		} else {
			bb.UnsafeAppend(t == triTrue)
		}
	}
	return Vec{Arr: bb.NewArray()}
}

type notEval struct {
	x   Evaluator
	env *Env
}

func (e *notEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	v, err := e.x.Eval(ctx, b)
	if err != nil {
		return Vec{}, err
	}
	defer v.Release()
	if v.IsConst {
		if v.Const.Null {
			return v, nil
		}
		return constVec(planner.Value{Bool: !v.Const.Bool}), nil
	}
	st := make([]int8, v.Arr.Len())
	for i := range st {
		if t := boolTri(v, i); t != triNull {
			st[i] = 3 - t
		}
	}
	return triArray(e.env, st), nil
}
