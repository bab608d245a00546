package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Evaluator computes an expression over a batch: one value per live row (a
// dense array of b.Len() values, in Sel order) or a constant. The caller
// releases the returned Vec.
type Evaluator interface {
	Eval(ctx context.Context, b Batch) (Vec, error)
}

// Selector narrows a batch by a boolean predicate: it returns the row
// indexes of b.Rec (ascending, a subset of b.Sel) where the predicate is
// TRUE; FALSE and NULL drop the row.
type Selector interface {
	Select(ctx context.Context, b Batch) ([]int32, error)
}

// Compile turns a bound expression over rows of schema in into an
// evaluator. It runs once per query; nothing per batch looks anything up.
// in may hold dictionary<int32,string> or string columns where the plan says
// varchar: both are accepted at run time.
func Compile(e planner.Expr, in *arrow.Schema, env *Env) (Evaluator, error) {
	if deep := planner.ExprTooDeep(e); deep != nil {
		return nil, &ExprError{Pos: deep.Pos(), Err: planner.ErrTooDeep} // the compiler recurses
	}
	c := &compiler{in: in, env: env}
	return c.expr(e)
}

// CompileSelector compiles a boolean expression into a selector: AND runs
// its arms in sequence on the shrinking selection, OR unions its arms'
// selections, NOT is pushed down into the negated comparison, and
// comparisons, IN, LIKE and IS NULL on columns test the column's values in
// place (on dictionary columns once per dictionary entry).
func CompileSelector(e planner.Expr, in *arrow.Schema, env *Env) (Selector, error) {
	if e.Type().Kind != planner.KindBoolean && e.Type().Kind != planner.KindUnknown {
		return nil, exprErr(e, fmt.Errorf("a condition must be boolean, not %s", e.Type()))
	}
	if deep := planner.ExprTooDeep(e); deep != nil {
		return nil, &ExprError{Pos: deep.Pos(), Err: planner.ErrTooDeep}
	}
	c := &compiler{in: in, env: env}
	return c.selector(e)
}

type compiler struct {
	in  *arrow.Schema
	env *Env
}

func (c *compiler) expr(e planner.Expr) (Evaluator, error) {
	switch e := e.(type) {
	case *planner.InputRef:
		if e.Index < 0 || (c.in != nil && e.Index >= c.in.NumFields()) {
			return nil, exprErr(e, fmt.Errorf("column %s (#%d) is not in the input", e.Name, e.Index))
		}
		return &colEval{path: colPath{index: e.Index}, env: c.env}, nil
	case *planner.FieldRef:
		if p, ok := c.path(e); ok {
			return &colEval{path: p, env: c.env}, nil
		}
		row, err := c.expr(e.Row)
		if err != nil {
			return nil, err
		}
		return &fieldEval{row: row, name: e.Name, e: e, env: c.env}, nil
	case *planner.Literal:
		return &litEval{v: e.V}, nil
	case *planner.Compare, *planner.Logic, *planner.Not, *planner.IsNull, *planner.In, *planner.Like:
		return c.boolExpr(e)
	case *planner.Call:
		return c.call(e)
	case *planner.Cast:
		return c.cast(e)
	case *planner.Case:
		return c.caseExpr(e)
	case *planner.Coalesce:
		return c.coalesce(e)
	case *planner.LambdaCall:
		return c.lambdaCall(e)
	case *planner.Try:
		return c.try(e)
	case nil:
		return nil, fmt.Errorf("nil expression")
	}
	return nil, exprErr(e, fmt.Errorf("cannot evaluate %T", e))
}

// colPath is a top-level input column plus struct fields below it:
// userIdentity.sessionContext.sessionIssuer.arn.
type colPath struct {
	index  int
	fields []string
}

// path recognises FieldRef chains rooted at an input column.
func (c *compiler) path(e planner.Expr) (colPath, bool) {
	switch e := e.(type) {
	case *planner.InputRef:
		return colPath{index: e.Index}, true
	case *planner.FieldRef:
		p, ok := c.path(e.Row)
		if !ok {
			return colPath{}, false
		}
		p.fields = append(append([]string(nil), p.fields...), e.Name)
		return p, true
	}
	return colPath{}, false
}

// resolve returns the column's array over all rows of rec (not gathered):
// a struct child with the NULLs of its parents folded in. The caller
// releases it.
func (p colPath) resolve(rec arrow.Record) (arrow.Array, error) {
	if p.index >= int(rec.NumCols()) {
		return nil, fmt.Errorf("column #%d is not in a batch of %d columns", p.index, rec.NumCols())
	}
	a := rec.Column(p.index)
	a.Retain()
	for _, name := range p.fields {
		child, err := structField(a, name)
		a.Release()
		if err != nil {
			return nil, err
		}
		a = child
	}
	return a, nil
}

// structField returns field name of struct array a, NULL where a is NULL.
func structField(a arrow.Array, name string) (arrow.Array, error) {
	s, ok := a.(*array.Struct)
	if !ok {
		return nil, fmt.Errorf("cannot read field %s of a %s value", name, a.DataType())
	}
	st := s.DataType().(*arrow.StructType)
	i, ok := st.FieldIdx(name)
	if !ok {
		for j, f := range st.Fields() {
			if equalFold(f.Name, name) {
				i, ok = j, true
				break
			}
		}
	}
	if !ok {
		return nil, fmt.Errorf("no field %s in %s", name, a.DataType())
	}
	return withParentNulls(s.Field(i), s), nil
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

type colEval struct {
	path colPath
	env  *Env
}

func (e *colEval) Eval(_ context.Context, b Batch) (Vec, error) {
	a, err := e.path.resolve(b.Rec)
	if err != nil {
		return Vec{}, err
	}
	if b.Sel == nil {
		return Vec{Arr: a}, nil
	}
	defer a.Release()
	out, err := take(e.env.mem(), a, b.Sel)
	return Vec{Arr: out}, err
}

type fieldEval struct {
	row  Evaluator
	name string
	e    planner.Expr
	env  *Env
}

func (e *fieldEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	v, err := e.row.Eval(ctx, b)
	if err != nil {
		return Vec{}, err
	}
	defer v.Release()
	if v.IsConst {
		return constVec(planner.Value{Null: true}), nil
	}
	f, err := structField(v.Arr, e.name)
	if err != nil {
		return Vec{}, exprErr(e.e, err)
	}
	return Vec{Arr: f}, nil
}

type litEval struct{ v planner.Value }

func (e *litEval) Eval(context.Context, Batch) (Vec, error) { return constVec(e.v), nil }

// liveRows returns b's live row indexes (Sel or 0..n-1).
func liveRows(b Batch) []int32 {
	if b.Sel != nil {
		return b.Sel
	}
	n := int(b.Rec.NumRows())
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}
