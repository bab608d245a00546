package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// Build turns a plan into an operator tree. Every operator is wrapped to
// count rows, batches and time, which Stats reads for EXPLAIN ANALYZE.
// Scans are built by env.Scan.
func Build(p *planner.Plan, env *Env) (Operator, error) {
	return BuildContext(context.Background(), p, env)
}

// BuildContext is Build with a context handed to env.Scan (opening a
// store's files may block).
func BuildContext(ctx context.Context, p *planner.Plan, env *Env) (Operator, error) {
	op, err := build(ctx, p.Root, env)
	if err != nil {
		return nil, err
	}
	// Results leave typed for what they mean (result_types.go).
	withResultTypes(op, p.Root.Columns(), env)
	return op, nil
}

func build(ctx context.Context, n planner.Node, env *Env) (Operator, error) {
	ctx = topNScope(ctx, n) // top-N pruning: shares a bound with the scan below
	var ins []Operator
	for _, in := range n.Inputs() {
		op, err := build(ctx, in, env)
		if err != nil {
			for _, o := range ins {
				o.Close()
			}
			return nil, err
		}
		ins = append(ins, op)
	}
	op, err := buildNode(ctx, n, ins, env)
	if err != nil {
		for _, o := range ins {
			o.Close()
		}
		return nil, err
	}
	name, _ := n.Explain()
	return instrument(op, name, ins...), nil
}

func buildNode(ctx context.Context, n planner.Node, ins []Operator, env *Env) (Operator, error) {
	var in *arrow.Schema
	if len(ins) > 0 {
		in = ins[0].Schema()
	}
	switch n := n.(type) {
	case *planner.Scan:
		if env.Scan == nil {
			return nil, fmt.Errorf("no scan available for %s", n.Table)
		}
		return env.Scan(ctx, n)
	case *planner.Filter:
		sel, err := CompileSelector(n.Cond, in, env)
		if err != nil {
			return nil, err
		}
		return NewFilter(ins[0], sel, env), nil
	case *planner.Project:
		evs, types, err := compileAll(n.Exprs, in, env)
		if err != nil {
			return nil, err
		}
		return NewProject(ins[0], evs, n.Names, types, env), nil
	case *planner.Aggregate:
		keys, keyTypes, err := compileAll(n.Groups, in, env)
		if err != nil {
			return nil, err
		}
		var specs []AggSpec
		var ret []planner.Type
		for _, a := range n.Aggs {
			f, ok := a.Fn.(*fn.Aggregate)
			if !ok || f.New == nil {
				return nil, &ExprError{Pos: a.P, Expr: a.Label, Err: fmt.Errorf("aggregate %s has no implementation", a.Name)}
			}
			spec, err := aggSpec(a, f, in, env)
			if err != nil {
				return nil, err
			}
			specs = append(specs, spec)
			ret = append(ret, a.T)
		}
		names := append(append([]string(nil), n.GroupNames...), aggNames(n.Aggs)...)
		h := NewHashAggregate(ins[0], keys, keyTypes, specs, names, ret, env)
		if n.Sets != nil {
			h.GroupingSets(n.Sets)
		}
		return h, nil
	case *planner.Sort:
		keys, err := compileKeys(n.Keys, in, env)
		if err != nil {
			return nil, err
		}
		return NewSort(ins[0], keys, env), nil
	case *planner.TopN:
		keys, err := compileKeys(n.Keys, in, env)
		if err != nil {
			return nil, err
		}
		return NewTopNPruning(ins[0], keys, n.N, env, topNBound(ctx)), nil
	case *planner.Window:
		return buildWindow(n, ins[0], env)
	case *planner.PartitionTopN:
		return buildPartitionTopN(n, ins[0], env)
	case *planner.Unnest:
		return buildUnnest(n, ins[0], env)
	case *planner.Sample:
		return NewSample(ins[0], n.Percent, n.Seed), nil
	case *planner.Limit:
		return NewLimit(ins[0], n.N, n.Offset), nil
	case *planner.Join:
		return buildJoin(n, ins, env)
	case *planner.SetOp:
		return NewSetOp(ins[0], ins[1], n.Op == planner.SetIntersect, n.All, env), nil
	case *planner.Distinct:
		return NewDistinct(ins[0], env), nil
	case *planner.UnionAll:
		return NewUnionAll(ins), nil
	case *planner.Values:
		empty := arrow.NewSchema(nil, nil)
		rows := make([][]Evaluator, len(n.Rows))
		for i, r := range n.Rows {
			evs, _, err := compileAll(r, empty, env)
			if err != nil {
				return nil, err
			}
			rows[i] = evs
		}
		names := make([]string, len(n.Out))
		types := make([]planner.Type, len(n.Out))
		for i, c := range n.Out {
			names[i], types[i] = c.Name, c.T
		}
		return NewValues(rows, names, types, env), nil
	}
	return nil, fmt.Errorf("cannot execute plan node %T", n)
}

func compileAll(es []planner.Expr, in *arrow.Schema, env *Env) ([]Evaluator, []planner.Type, error) {
	evs := make([]Evaluator, len(es))
	types := make([]planner.Type, len(es))
	for i, e := range es {
		ev, err := Compile(e, in, env)
		if err != nil {
			return nil, nil, err
		}
		evs[i], types[i] = ev, e.Type()
	}
	return evs, types, nil
}

func compileKeys(ks []planner.SortKey, in *arrow.Schema, env *Env) ([]SortKey, error) {
	out := make([]SortKey, len(ks))
	for i, k := range ks {
		if !k.Expr.Type().Orderable() {
			return nil, exprErr(k.Expr, fmt.Errorf("cannot sort by a value of type %s", k.Expr.Type()))
		}
		ev, err := Compile(k.Expr, in, env)
		if err != nil {
			return nil, err
		}
		out[i] = SortKey{Ev: ev, T: k.Expr.Type(), Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	return out, nil
}

func aggNames(aggs []planner.AggCall) []string {
	out := make([]string, len(aggs))
	for i, a := range aggs {
		out[i] = a.Label
	}
	return out
}

// buildJoin compiles a planned join: keys over each input, conditions over
// the left input's columns then the right's.
func buildJoin(n *planner.Join, ins []Operator, env *Env) (Operator, error) {
	l, r := ins[0].Schema(), ins[1].Schema()
	both := arrow.NewSchema(append(l.Fields(), r.Fields()...), nil)
	spec := HashJoinSpec{Kind: n.Kind, BuildLeft: n.Build == planner.BuildLeft, NullAware: n.NullAware, Single: n.Single, Pos: n.Pos}
	var err error
	if spec.LeftKeys, spec.KeyTypes, err = compileAll(n.LeftKeys, l, env); err != nil {
		return nil, err
	}
	if spec.RightKeys, _, err = compileAll(n.RightKeys, r, env); err != nil {
		return nil, err
	}
	if n.Cond != nil {
		if spec.Cond, err = CompileSelector(n.Cond, both, env); err != nil {
			return nil, err
		}
	}
	if n.MarkCond != nil {
		if spec.MarkCond, err = Compile(n.MarkCond, both, env); err != nil {
			return nil, err
		}
	}
	if n.NullAware && (len(n.LeftKeys) != 1 || n.Cond != nil || n.MarkCond != nil || spec.BuildLeft) {
		return nil, fmt.Errorf("internal error: a NULL-aware join needs one key pair, no condition and the right side built")
	}
	if n.Dynamic != nil {
		spec.Dynamic, spec.DynamicKey, spec.DynamicPath = env.DynamicSlot(n.Dynamic), n.DynamicKey, n.DynamicPath
	}
	spec.Name = n.Name()
	if k := n.KeysText(); k != "" {
		spec.Name += " on " + k
	}
	for _, c := range n.Columns() {
		spec.Names, spec.Types = append(spec.Names, c.Name), append(spec.Types, c.T)
	}
	return NewHashJoin(ins[0], ins[1], spec, env), nil
}
