package exec

import (
	"errors"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// aggSpec compiles one aggregate call of an Aggregate node: its
// arguments, its FILTER (a selector over the input) and its ORDER BY (the
// sort keys travel as extra arguments to an orderedAcc around the
// aggregate's accumulator).
func aggSpec(a planner.AggCall, f *fn.Aggregate, in *arrow.Schema, env *Env) (AggSpec, error) {
	args, types, err := compileAll(a.Args, in, env)
	if err != nil {
		return AggSpec{}, err
	}
	spec := AggSpec{New: f.New, Args: args, Types: types, Name: a.Label, Pos: a.P}
	if a.Filter != nil {
		if spec.Filter, err = CompileSelector(a.Filter, in, env); err != nil {
			return AggSpec{}, err
		}
	}
	if len(a.OrderBy) > 0 {
		keys, err := compileKeys(a.OrderBy, in, env)
		if err != nil {
			return AggSpec{}, err
		}
		nargs := len(args)
		inner := f.New
		spec.New = func() fn.Accumulator { return newOrderedAcc(inner(), nargs, keys, env) }
		for _, k := range keys {
			spec.Args = append(spec.Args, k.Ev)
			spec.Types = append(spec.Types, k.T)
		}
	}
	return spec, nil
}

// aggErr places an error of aggregate i at its call in the query.
func (h *HashAggregate) aggErr(i int, err error) error {
	if i < 0 || i >= len(h.aggs) || h.aggs[i].Name == "" {
		return err
	}
	var ee *ExprError
	var ml *MemoryLimitError
	if errors.As(err, &ee) || errors.As(err, &ml) {
		return err
	}
	return &ExprError{Pos: h.aggs[i].Pos, Expr: h.aggs[i].Name, Err: err}
}
