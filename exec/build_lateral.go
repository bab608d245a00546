package exec

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// buildWindow compiles a planner.Window.
func buildWindow(n *planner.Window, in Operator, env *Env) (Operator, error) {
	schema := in.Schema()
	part, partTypes, err := compileAll(n.Partition, schema, env)
	if err != nil {
		return nil, err
	}
	order, err := compileKeys(n.Order, schema, env)
	if err != nil {
		return nil, err
	}
	funcs := make([]WindowFunc, len(n.Funcs))
	for i, f := range n.Funcs {
		if funcs[i], err = compileWindowFunc(f, schema, env); err != nil {
			return nil, err
		}
	}
	return NewWindow(in, part, partTypes, order, funcs, n.Keep, env), nil
}

func compileWindowFunc(f planner.WindowFunc, schema *arrow.Schema, env *Env) (WindowFunc, error) {
	out := WindowFunc{Name: f.Name, Label: f.Label, T: f.T, IgnoreNulls: f.IgnoreNulls, Frame: f.Frame, P: f.P}
	var err error
	if out.Args, out.ArgTypes, err = compileAll(f.Args, schema, env); err != nil {
		return out, err
	}
	if f.Agg != nil {
		a, ok := f.Agg.(*fn.Aggregate)
		if !ok || a.New == nil {
			return out, &ExprError{Pos: f.P, Expr: f.Label, Err: fmt.Errorf("aggregate %s has no implementation", f.Name)}
		}
		out.NewAcc = a.New
	}
	if o := f.Frame.Start.Offset; o != nil {
		if out.Start, err = Compile(o, schema, env); err != nil {
			return out, err
		}
		out.StartType, out.StartPos = o.Type(), o.Pos()
	}
	if o := f.Frame.End.Offset; o != nil {
		if out.End, err = Compile(o, schema, env); err != nil {
			return out, err
		}
		out.EndType, out.EndPos = o.Type(), o.Pos()
	}
	return out, nil
}

// buildPartitionTopN compiles a planner.PartitionTopN.
func buildPartitionTopN(n *planner.PartitionTopN, in Operator, env *Env) (Operator, error) {
	schema := in.Schema()
	part, partTypes, err := compileAll(n.Partition, schema, env)
	if err != nil {
		return nil, err
	}
	order, err := compileKeys(n.Order, schema, env)
	if err != nil {
		return nil, err
	}
	return NewPartitionTopN(in, part, partTypes, order, n.N, n.Label, n.Keep, env), nil
}

// buildUnnest compiles a planner.Unnest.
func buildUnnest(n *planner.Unnest, in Operator, env *Env) (Operator, error) {
	args, types, err := compileAll(n.Args, in.Schema(), env)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(n.Out))
	outTypes := make([]planner.Type, len(n.Out))
	for i, c := range n.Out {
		names[i], outTypes[i] = c.Name, c.T
	}
	return NewUnnest(in, args, types, n.Expand, n.Ordinality, n.Outer, n.Pass, names, outTypes, env), nil
}
