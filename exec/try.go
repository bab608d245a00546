package exec

import (
	"context"
	"errors"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// tryEval is try(x): x's value, NULL for the rows where evaluating x fails
// (a division by zero, a failed cast, a bad argument). The batch is
// evaluated whole first; only when that fails is it evaluated again row by
// row, so try costs nothing while nothing fails.
type tryEval struct {
	x   Evaluator
	t   planner.Type
	env *Env
}

func (c *compiler) try(e *planner.Try) (Evaluator, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	return &tryEval{x: x, t: e.X.Type(), env: c.env}, nil
}

func (e *tryEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	v, err := e.x.Eval(ctx, b)
	if err == nil || !rowError(err) {
		return v, err
	}
	mem := e.env.mem()
	bl := array.NewBuilder(mem, e.t.Arrow())
	defer bl.Release()
	one := []int32{0}
	for _, r := range liveRows(b) {
		v, err := e.x.Eval(ctx, Batch{Rec: b.Rec, Sel: []int32{r}})
		if err != nil {
			if !rowError(err) {
				return Vec{}, err
			}
			bl.AppendNull()
			continue
		}
		a, err := materialize(mem, v, e.t, 1)
		v.Release()
		if err != nil {
			return Vec{}, err
		}
		err = appendRowsTo(bl, a, one)
		a.Release()
		if err != nil {
			return Vec{}, err
		}
	}
	return Vec{Arr: bl.NewArray()}, nil
}

// rowError reports an error that belongs to a row's values (what try
// turns into NULL), not a cancelled query or a memory limit.
func rowError(err error) bool {
	var ee *ExprError
	return errors.As(err, &ee) && !errors.Is(err, ErrMemoryLimit) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
