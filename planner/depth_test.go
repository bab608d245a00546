package planner_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// TestBuildRefusesDeepTrees: the binder recurses over expressions, so a
// tree deeper than sql.MaxTreeDepth that did not come from Parse (which
// bounds the text) gets a positioned error instead of a stack overflow.
func TestBuildRefusesDeepTrees(t *testing.T) {
	var e sql.Expr = &sql.Literal{Pos: 7, Kind: sql.LitBool, Value: "true"}
	for i := 0; i < 1_000_000; i++ {
		e = &sql.Unary{Pos: 7, Op: "NOT", Expr: e}
	}
	q := "SELECT NOT true"
	stmt := &sql.Query{Pos: 0, Body: &sql.Select{Pos: 0, Items: []*sql.SelectItem{{Pos: 7, Expr: e}}}}
	_, err := planner.Build(q, stmt, planner.Options{Functions: fn.NewCatalog()})
	var se *sql.Error
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "nested too deeply") || se.Pos != 7 {
		t.Fatalf("got %v", err)
	}
}

// TestExprTooDeep finds the node past the limit without recursing.
func TestExprTooDeep(t *testing.T) {
	var e planner.Expr = &planner.Literal{V: planner.Value{Bool: true}, T: planner.Boolean}
	for i := 1; i < sql.MaxTreeDepth; i++ {
		e = &planner.Not{X: e, P: i}
	}
	if d := planner.ExprTooDeep(e); d != nil {
		t.Fatalf("at the limit: %v", d.Pos())
	}
	e = &planner.Not{X: &planner.Not{X: e, P: -1}, P: -2}
	if d := planner.ExprTooDeep(e); d == nil || d.Pos() != 1 {
		t.Fatalf("past the limit: got %v", d)
	}
}
