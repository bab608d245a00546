package exec

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/planner"
)

// TestBuildRunStats builds a whole plan over a test scan and checks the
// result and the EXPLAIN ANALYZE figures.
func TestBuildRunStats(t *testing.T) {
	src := []any{"s3", "ec2", "s3", nil, "iam", "s3", "ec2", "kms", "s3", "iam"}
	ok := []any{true, true, false, true, nil, true, true, true, true, false}
	cols := []col{{"eventSource", planner.Varchar, true, src}, {"ok", planner.Boolean, false, ok}}
	batches, recs := splitBatches(4, false, cols...)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var scanned *source
	env := &Env{Scan: func(ctx context.Context, s *planner.Scan) (Operator, error) {
		scanned = &source{schema: logicalSchema(cols...), batches: batches}
		return scanned, nil
	}}
	scan := &planner.Scan{Table: "events", Out: []planner.Column{{Name: "eventSource", T: planner.Varchar}, {Name: "ok", T: planner.Boolean}}}
	es, okRef := ref(0, "eventSource", planner.Varchar), ref(1, "ok", planner.Boolean)
	filter := &planner.Filter{Input: scan, Cond: okRef}
	agg := &planner.Aggregate{Input: filter, Groups: []planner.Expr{es}, GroupNames: []string{"eventSource"},
		Aggs: []planner.AggCall{{Fn: countStar, Name: "count", T: planner.Bigint, Label: "count(*)"}}}
	cnt := ref(1, "count(*)", planner.Bigint)
	top := &planner.TopN{Input: agg, N: 3, Keys: []planner.SortKey{{Expr: cnt, Desc: true}, {Expr: ref(0, "eventSource", planner.Varchar), NullsFirst: true}}}
	plan := &planner.Plan{Root: &planner.Limit{Input: top, N: 2}, Names: []string{"src", "n"}}
	res, st, err := Execute(context.Background(), plan, env)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	// TRUE rows: s3 x3, ec2 x2, NULL x1, kms x1.
	var got [][]any
	for _, rec := range res.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			got = append(got, []any{cell(rec.Column(0), i), cell(rec.Column(1), i)})
		}
	}
	if want := [][]any{{"s3", int64(3)}, {"ec2", int64(2)}}; !reflect.DeepEqual(got, want) {
		t.Errorf("rows %v want %v", got, want)
	}
	if res.Schema.Field(0).Name != "src" || res.Schema.Field(0).Type.ID() != 13 /* STRING */ {
		t.Errorf("result schema %v: want plain string column named src", res.Schema)
	}
	if scanned.closed != 1 {
		t.Errorf("scan closed %d times", scanned.closed)
	}
	var names []string
	var rows []int64
	for s := st; s != nil; {
		names = append(names, strings.Fields(s.Name)[0])
		rows = append(rows, s.Rows)
		if len(s.Children) == 0 {
			break
		}
		s = s.Children[0]
	}
	if want := []string{"limit", "top", "aggregate", "filter", "scan"}; !reflect.DeepEqual(names, want) {
		t.Errorf("stats tree %v want %v", names, want)
	}
	if want := []int64{2, 3, 4, 7, 10}; !reflect.DeepEqual(rows, want) {
		t.Errorf("stats rows %v want %v", rows, want)
	}
	if st.Children[0].Children[0].Extra["groups"] != "4" {
		t.Errorf("aggregate extra %v", st.Children[0].Children[0].Extra)
	}
}

func TestBuildErrorsArePositioned(t *testing.T) {
	scan := &planner.Values{Out: []planner.Column{{Name: "x", T: planner.Bigint}}, Rows: [][]planner.Expr{{lit(1)}}}
	bad := &planner.Project{Input: scan, Names: []string{"y"}, Exprs: []planner.Expr{&planner.Call{Name: "nokernel", Fn: fakeScalar{}, T: planner.Bigint, P: 9}}}
	_, err := Build(&planner.Plan{Root: bad}, &Env{})
	var pe *ExprError
	if err == nil || !asExprErr(err, &pe) || pe.Pos != 9 {
		t.Errorf("err %v: want an ExprError at 9", err)
	}
}

type fakeScalar struct{}

func (fakeScalar) Name() string           { return "nokernel" }
func (fakeScalar) Return() planner.Type   { return planner.Bigint }
func (fakeScalar) Params() []planner.Type { return nil }
func (fakeScalar) Deterministic() bool    { return true }

func asExprErr(err error, pe **ExprError) bool {
	e, ok := err.(*ExprError)
	*pe = e
	return ok
}
