package exec

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// TestWithFunctionLibrary runs a query through the real fn catalog:
// SELECT upper(s), count(*), count(DISTINCT x), sum(x + 1) ... GROUP BY 1,
// checked against values computed by hand.
func TestWithFunctionLibrary(t *testing.T) {
	cat := fn.NewCatalog()
	ss := []any{"a", "b", "a", nil, "b", "a"}
	xs := []any{int64(1), int64(2), int64(1), int64(5), nil, int64(3)}
	for _, dict := range []bool{false, true} {
		cols := []col{{"s", planner.Varchar, dict, ss}, {"x", planner.Bigint, false, xs}}
		bs, recs := splitBatches(4, false, cols...)
		src := &source{schema: logicalSchema(cols...), batches: bs}
		upper, err := cat.Scalar("upper", []planner.Type{planner.Varchar})
		if err != nil {
			t.Fatal(err)
		}
		add, err := cat.Scalar("add", []planner.Type{planner.Bigint, planner.Bigint})
		if err != nil {
			t.Fatal(err)
		}
		s, x := ref(0, "s", planner.Varchar), ref(1, "x", planner.Bigint)
		key, _ := Compile(&planner.Call{Name: "upper", Fn: upper, Args: []planner.Expr{s}, T: planner.Varchar}, src.schema, &Env{})
		xp1, _ := Compile(&planner.Call{Name: "add", Fn: add, Args: []planner.Expr{x, lit(1)}, T: planner.Bigint}, src.schema, &Env{})
		xe, _ := Compile(x, src.schema, &Env{})
		var specs []AggSpec
		for _, a := range []struct {
			name     string
			args     []Evaluator
			distinct bool
		}{{"count", nil, false}, {"count", []Evaluator{xe}, true}, {"sum", []Evaluator{xp1}, false}} {
			var types []planner.Type
			for range a.args {
				types = append(types, planner.Bigint)
			}
			f, err := cat.Aggregate(a.name, types, a.distinct)
			if err != nil {
				t.Fatal(err)
			}
			specs = append(specs, AggSpec{New: f.(*fn.Aggregate).New, Args: a.args, Types: types})
		}
		h := NewHashAggregate(src, []Evaluator{key}, []planner.Type{planner.Varchar}, specs, []string{"k", "n", "d", "s"}, []planner.Type{planner.Bigint, planner.Bigint, planner.Bigint}, &Env{})
		rows, err := rowsOf(h)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]any{{"A", int64(3), int64(2), int64(2 + 2 + 4)}, {"B", int64(2), int64(1), int64(3)}, {nil, int64(1), int64(1), int64(6)}}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("dict=%v: got %v want %v", dict, rows, want)
		}
		for _, r := range recs {
			r.Release()
		}
	}
}

// TestCaseGuardsErrors: THEN runs only on rows whose WHEN is TRUE, so
// CASE WHEN x <> 0 THEN 100 / x END never divides by zero, while the bare
// division does fail with the division's position.
func TestCaseGuardsErrors(t *testing.T) {
	div, err := fn.NewCatalog().Scalar("divide", []planner.Type{planner.Bigint, planner.Bigint})
	if err != nil {
		t.Fatal(err)
	}
	xs := []any{int64(5), int64(0), nil, int64(-4), int64(0)}
	rec := mkRecord(col{"x", planner.Bigint, false, xs})
	defer rec.Release()
	x := ref(0, "x", planner.Bigint)
	d := &planner.Call{Name: "divide", Fn: div, Args: []planner.Expr{lit(100), x}, T: planner.Bigint, P: 31}
	guarded := &planner.Case{T: planner.Bigint, Whens: []planner.When{{Cond: &planner.Compare{Op: planner.OpNe, L: x, R: lit(0)}, Result: d}}}
	for _, sel := range [][]int32{nil, {1, 3, 4}} {
		ev, err := Compile(guarded, rec.Schema(), &Env{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := ev.Eval(context.Background(), Batch{Rec: rec, Sel: sel})
		if err != nil {
			t.Fatalf("guarded division failed: %v", err)
		}
		var got []any
		for i := 0; i < v.Arr.Len(); i++ {
			got = append(got, cell(v.Arr, i))
		}
		v.Release()
		want := []any{int64(20), nil, nil, int64(-25), nil}
		if sel != nil {
			want = []any{nil, int64(-25), nil}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("sel=%v: %v want %v", sel, got, want)
		}
	}
	ev, _ := Compile(d, rec.Schema(), &Env{})
	_, err = ev.Eval(context.Background(), Batch{Rec: rec})
	var pe *ExprError
	if !errors.As(err, &pe) || pe.Pos != 31 {
		t.Errorf("100 / x: %v, want a division error at 31", err)
	}
}
