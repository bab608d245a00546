package exec

import (
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
