package exec

import (
	"context"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// TestNoLeaks runs operators with a checked allocator and verifies that
// every buffer they allocate is released once the result is.
func TestNoLeaks(t *testing.T) {
	ss := []any{"a", "b", nil, "a", "c", "b", "a", nil}
	xs := []any{int64(1), nil, int64(3), int64(4), int64(5), int64(6), nil, int64(8)}
	for _, dict := range []bool{false, true} {
		for _, withSel := range []bool{false, true} {
			cols := []col{{"s", planner.Varchar, dict, ss}, {"x", planner.Bigint, false, xs}}
			s, x := ref(0, "s", planner.Varchar), ref(1, "x", planner.Bigint)
			plans := map[string]func(env *Env, in Operator) Operator{
				"filter+project": func(env *Env, in Operator) Operator {
					sel, _ := CompileSelector(&planner.Logic{Or: true, Args: []planner.Expr{
						&planner.Compare{Op: planner.OpGt, L: x, R: lit(3)}, &planner.Like{X: s, Pattern: lit("a%")}}}, in.Schema(), env)
					e1, _ := Compile(&planner.Call{Name: "lower", Fn: lowerFn, Args: []planner.Expr{s}, T: planner.Varchar}, in.Schema(), env)
					e2, _ := Compile(&planner.Case{T: planner.Bigint, Whens: []planner.When{{Cond: &planner.IsNull{X: x}, Result: lit(0)}}, Else: x}, in.Schema(), env)
					e3, _ := Compile(&planner.Coalesce{T: planner.Varchar, Args: []planner.Expr{s, lit("none")}}, in.Schema(), env)
					f := NewFilter(in, sel, env)
					f.compactBelow = 0.9
					return NewProject(f, []Evaluator{e1, e2, e3}, []string{"a", "b", "c"}, []planner.Type{planner.Varchar, planner.Bigint, planner.Varchar}, env)
				},
				"aggregate": func(env *Env, in Operator) Operator {
					k, _ := Compile(s, in.Schema(), env)
					v, _ := Compile(x, in.Schema(), env)
					return NewHashAggregate(in, []Evaluator{k}, []planner.Type{planner.Varchar},
						[]AggSpec{{New: countStar.New}, {New: sumBigint.New, Args: []Evaluator{v}, Types: []planner.Type{planner.Bigint}}},
						[]string{"s", "c", "n"}, []planner.Type{planner.Bigint, planner.Bigint}, env)
				},
				"sort": func(env *Env, in Operator) Operator {
					k, _ := Compile(s, in.Schema(), env)
					return NewSort(in, []SortKey{{Ev: k, T: planner.Varchar, Desc: true}}, env)
				},
				"topn+distinct+limit": func(env *Env, in Operator) Operator {
					k, _ := Compile(x, in.Schema(), env)
					return NewLimit(NewDistinct(NewTopN(in, []SortKey{{Ev: k, T: planner.Bigint}}, 5, env), env), 3, 0)
				},
			}
			for name, mk := range plans {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				env := &Env{Mem: mem, BatchSize: 2}
				bs, recs := splitBatches(3, withSel, cols...)
				op := mk(env, &source{schema: logicalSchema(cols...), batches: bs})
				res, err := Run(context.Background(), op, nil, env)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if res.Rows() == 0 {
					t.Errorf("%s: no rows", name)
				}
				res.Release()
				if n := mem.CurrentAlloc(); n != 0 {
					t.Errorf("%s dict=%v sel=%v: %d bytes still allocated", name, dict, withSel, n)
				}
				for _, r := range recs {
					r.Release()
				}
			}
		}
	}
}
