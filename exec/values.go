package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Values is a constant table (SELECT without FROM): each row's expressions
// are evaluated once, on the first Next.
type Values struct {
	rows   [][]Evaluator
	types  []planner.Type
	schema *arrow.Schema
	env    *Env
	out    arrow.Record
	done   bool
}

// NewValues builds the table from compiled row expressions.
func NewValues(rows [][]Evaluator, names []string, types []planner.Type, env *Env) *Values {
	ats := make([]arrow.DataType, len(types))
	for i, t := range types {
		ats[i] = t.Arrow()
	}
	return &Values{rows: rows, types: types, schema: schemaOf(names, ats), env: env}
}

func (v *Values) Schema() *arrow.Schema { return v.schema }

func (v *Values) Next(ctx context.Context) (Batch, error) {
	if v.done {
		return Batch{}, nil
	}
	v.done = true
	if len(v.rows) == 0 {
		return Batch{}, nil
	}
	one := oneRow()
	defer one.Release()
	c := newCollector(v.env.mem(), v.schema)
	defer c.release()
	for _, row := range v.rows {
		if len(row) != len(v.types) {
			return Batch{}, fmt.Errorf("VALUES row has %d columns, want %d", len(row), len(v.types))
		}
		for j, e := range row {
			val, err := e.Eval(ctx, Batch{Rec: one})
			if err != nil {
				return Batch{}, err
			}
			if val.IsConst {
				err = appendValue(c.builders[j], val.Const)
			} else {
				err = appendRowsTo(c.builders[j], val.Arr, []int32{0})
			}
			val.Release()
			if err != nil {
				return Batch{}, err
			}
		}
		c.rows++
	}
	v.out = c.record()
	return Batch{Rec: v.out}, nil
}

// oneRow is a record of one row and no columns: the input of expressions
// without column references.
func oneRow() arrow.Record {
	return array.NewRecord(arrow.NewSchema(nil, nil), nil, 1)
}

func (v *Values) Close() error {
	releaseRecs(&v.out)
	return nil
}

// Folder implements planner.ConstFolder with the query-time kernels: an
// expression without column references is compiled and evaluated over one
// empty row, with Env.Now fixed for the query.
type Folder struct{ Env *Env }

// Fold evaluates e to a constant.
func (f Folder) Fold(e planner.Expr) (planner.Value, error) {
	ev, err := Compile(e, arrow.NewSchema(nil, nil), f.Env)
	if err != nil {
		return planner.Value{}, err
	}
	one := oneRow()
	defer one.Release()
	v, err := ev.Eval(context.Background(), Batch{Rec: one})
	if err != nil {
		return planner.Value{}, err
	}
	defer v.Release()
	if v.IsConst {
		return v.Const, nil
	}
	if v.Arr.Len() != 1 {
		return planner.Value{}, exprErr(e, fmt.Errorf("internal error: %d values for one row", v.Arr.Len()))
	}
	val, err := valueAt(v.Arr, 0)
	return val, exprErr(e, err)
}

var _ planner.ConstFolder = Folder{}
