package exec

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// compare compiles a comparison. Against a literal it becomes a unaryPred
// (tested in place on columns, once per entry on dictionaries); otherwise
// both sides are evaluated and compared row by row.
func (c *compiler) compare(e *planner.Compare) (Evaluator, error) {
	distinct := e.Op == planner.OpIsDistinct || e.Op == planner.OpIsNotDistinct
	if !distinct && (isNullLit(e.L) || isNullLit(e.R)) {
		return &litEval{v: planner.Value{Null: true}}, nil
	}
	x, lit, op := e.L, e.R, e.Op
	if _, ok := x.(*planner.Literal); ok {
		x, lit, op = e.R, e.L, flipOp(e.Op)
	}
	if l, ok := lit.(*planner.Literal); ok && !distinct {
		if l.V.Null {
			return &litEval{v: planner.Value{Null: true}}, nil
		}
		if _, isLit := x.(*planner.Literal); !isLit {
			return c.unary(x, &cmpConst{op: op, c: l.V}, e)
		}
	}
	l, err := c.expr(e.L)
	if err != nil {
		return nil, err
	}
	r, err := c.expr(e.R)
	if err != nil {
		return nil, err
	}
	return &cmpEval{l: l, r: r, op: e.Op, lt: e.L.Type(), rt: e.R.Type(), env: c.env, e: e}, nil
}

// unary builds a unaryPred over operand x.
func (c *compiler) unary(x planner.Expr, p valuePred, e planner.Expr) (*unaryPred, error) {
	ev, err := c.expr(x)
	if err != nil {
		return nil, err
	}
	path, isPath := c.path(x)
	return &unaryPred{x: ev, xType: x.Type(), path: path, isPath: isPath, pred: p, e: e, env: c.env}, nil
}

// cmpEval compares two evaluated operands row by row.
type cmpEval struct {
	l, r   Evaluator
	op     planner.CmpOp
	lt, rt planner.Type
	env    *Env
	e      planner.Expr
}

func (e *cmpEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	lv, err := e.l.Eval(ctx, b)
	if err != nil {
		return Vec{}, err
	}
	defer lv.Release()
	rv, err := e.r.Eval(ctx, b)
	if err != nil {
		return Vec{}, err
	}
	defer rv.Release()
	n := b.Len()
	if lv.IsConst && rv.IsConst {
		n = 1
	}
	mem := e.env.mem()
	la, err := materialize(mem, lv, e.lt, n)
	if err != nil {
		return Vec{}, exprErr(e.e, err)
	}
	defer la.Release()
	ra, err := materialize(mem, rv, e.rt, n)
	if err != nil {
		return Vec{}, exprErr(e.e, err)
	}
	defer ra.Release()
	f, err := comparator(la, ra)
	if err != nil {
		return Vec{}, exprErr(e.e, err)
	}
	// Doubles compare as IEEE 754 (as Trino): NaN is unequal to everything,
	// itself included, and neither below nor above anything; the
	// comparator's order (NaN above all) is for sorting and IS DISTINCT FROM.
	fa, _ := la.(*array.Float64)
	fb, _ := ra.(*array.Float64)
	st := make([]int8, n)
	for i := range st {
		ln, rn := !validAt(la, i), !validAt(ra, i)
		var ok bool
		switch {
		case e.op == planner.OpIsDistinct || e.op == planner.OpIsNotDistinct:
			if ln || rn {
				ok = (ln != rn) == (e.op == planner.OpIsDistinct)
			} else {
				ok = opHolds(e.op, f(i, i))
			}
		case ln || rn:
			st[i] = triNull
			continue
		case fa != nil && fb != nil && (math.IsNaN(fa.Value(i)) || math.IsNaN(fb.Value(i))):
			ok = e.op == planner.OpNe
		default:
			ok = opHolds(e.op, f(i, i))
		}
		st[i] = triFalse
		if ok {
			st[i] = triTrue
		}
	}
	out := triArray(e.env, st)
	if lv.IsConst && rv.IsConst {
		defer out.Release()
		return constVec(triValue(st[0])), nil
	}
	return out, nil
}

// in compiles IN: a hash set when the list is constant, else a chain of
// equalities (which has exactly IN's NULL rules).
func (c *compiler) inList(e *planner.In) (Evaluator, error) {
	set := &inSet{strs: map[string]struct{}{}, ints: map[int64]struct{}{}, floats: map[float64]struct{}{}}
	hasNull := false
	for _, item := range e.List {
		l, ok := item.(*planner.Literal)
		if !ok {
			return c.inChain(e)
		}
		if l.V.Null {
			hasNull = true
			continue
		}
		set.strs[l.V.Str] = struct{}{}
		set.ints[l.V.Int] = struct{}{}
		set.floats[normFloat(l.V.Float)] = struct{}{}
		set.bools[b2i(l.V.Bool)] = true
	}
	p, err := c.unary(e.X, set, e)
	if err != nil {
		return nil, err
	}
	p.negate, p.nullOnMiss = e.Negate, hasNull
	return p, nil
}

func (c *compiler) inChain(e *planner.In) (Evaluator, error) {
	op := planner.OpEq
	if e.Negate {
		op = planner.OpNe
	}
	args := make([]planner.Expr, len(e.List))
	for i, item := range e.List {
		args[i] = &planner.Compare{Op: op, L: e.X, R: item, P: e.P}
	}
	if len(args) == 1 {
		return c.expr(args[0])
	}
	return c.expr(&planner.Logic{Or: !e.Negate, Args: args, P: e.P})
}

// inSet tests membership in a constant list; only the map of the operand's
// type is consulted.
type inSet struct {
	strs   map[string]struct{}
	ints   map[int64]struct{}
	floats map[float64]struct{}
	bools  [2]bool
}

func (s *inSet) tester(a arrow.Array) (func(int) bool, error) {
	if vals, ok := int64s(a); ok {
		return func(i int) bool { _, ok := s.ints[vals[i]]; return ok }, nil
	}
	switch a := a.(type) {
	case *array.String:
		return func(i int) bool { _, ok := s.strs[a.Value(i)]; return ok }, nil
	case *array.Float64:
		vals := a.Float64Values()
		return func(i int) bool { _, ok := s.floats[normFloat(vals[i])]; return ok }, nil
	case *array.Boolean:
		return func(i int) bool { return s.bools[b2i(a.Value(i))] }, nil
	}
	return nil, fmt.Errorf("IN is not supported on %s", a.DataType())
}

// like compiles LIKE with a constant pattern into a unaryPred (one match
// per dictionary entry on dictionary columns); other patterns are compiled
// per distinct pattern value at run time.
func (c *compiler) like(e *planner.Like) (Evaluator, error) {
	pat, ok1 := e.Pattern.(*planner.Literal)
	var esc *planner.Literal
	ok2 := true
	if e.Escape != nil {
		esc, ok2 = e.Escape.(*planner.Literal)
	}
	if !ok1 || !ok2 {
		return c.likeDynamic(e)
	}
	if pat.V.Null || (esc != nil && esc.V.Null) {
		return &litEval{v: planner.Value{Null: true}}, nil
	}
	if likeMatcher == nil {
		return nil, exprErr(e, fmt.Errorf("LIKE is not available (function library not linked)"))
	}
	escape := ""
	if esc != nil {
		escape = esc.V.Str
	}
	m, err := likeMatcher(pat.V.Str, escape)
	if err != nil {
		return nil, exprErr(e, err)
	}
	p, err := c.unary(e.X, &likePred{m: m}, e)
	if err != nil {
		return nil, err
	}
	p.negate = e.Negate
	return p, nil
}

type likePred struct{ m func(string) bool }

func (p *likePred) tester(a arrow.Array) (func(int) bool, error) {
	s, ok := a.(*array.String)
	if !ok {
		return nil, fmt.Errorf("LIKE needs varchar, not %s", a.DataType())
	}
	return func(i int) bool { return p.m(s.Value(i)) }, nil
}

func isNullLit(e planner.Expr) bool {
	l, ok := e.(*planner.Literal)
	return ok && l.V.Null
}
