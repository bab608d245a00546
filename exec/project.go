package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// Project computes one expression per output column over the live rows;
// its batches are dense (Sel nil). Columns that are plain references keep
// dictionary encoding.
type Project struct {
	in     Operator
	exprs  []Evaluator
	schema *arrow.Schema
	types  []planner.Type
	env    *Env
	prev   arrow.Record
}

// NewProject projects in through exprs into columns named names.
func NewProject(in Operator, exprs []Evaluator, names []string, types []planner.Type, env *Env) *Project {
	ats := make([]arrow.DataType, len(types))
	for i, t := range types {
		ats[i] = t.Arrow()
	}
	return &Project{in: in, exprs: exprs, schema: schemaOf(names, ats), types: types, env: env}
}

func (p *Project) Schema() *arrow.Schema { return p.schema }

func (p *Project) Next(ctx context.Context) (Batch, error) {
	if p.prev != nil {
		p.prev.Release()
		p.prev = nil
	}
	b, err := p.in.Next(ctx)
	if err != nil || b.Rec == nil {
		return b, err
	}
	n := b.Len()
	cols := make([]arrow.Array, 0, len(p.exprs))
	release := func() {
		for _, c := range cols {
			c.Release()
		}
	}
	for i, e := range p.exprs {
		v, err := e.Eval(ctx, b)
		if err != nil {
			release()
			return Batch{}, err
		}
		if v.IsConst {
			a, err := constArray(p.env.mem(), p.types[i], v.Const, n)
			if err != nil {
				release()
				return Batch{}, err
			}
			cols = append(cols, a)
			continue
		}
		cols = append(cols, v.Arr)
	}
	p.prev = makeRecord(p.schema, cols, n)
	return Batch{Rec: p.prev}, nil
}

func (p *Project) Close() error {
	if p.prev != nil {
		p.prev.Release()
		p.prev = nil
	}
	return p.in.Close()
}
