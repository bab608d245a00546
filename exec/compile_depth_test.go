package exec

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// TestCompileRefusesDeepTrees: the compiler recurses over expressions, so
// a plan expression deeper than sql.MaxTreeDepth is an *ExprError, not a
// stack overflow, for both evaluators and selectors.
func TestCompileRefusesDeepTrees(t *testing.T) {
	var e planner.Expr = &planner.Literal{V: planner.Value{Bool: true}, T: planner.Boolean, P: 3}
	for i := 0; i < 1_000_000; i++ {
		e = &planner.Not{X: e, P: 3}
	}
	schema := arrow.NewSchema(nil, nil)
	_, err1 := Compile(e, schema, &Env{})
	_, err2 := CompileSelector(e, schema, &Env{})
	for _, err := range []error{err1, err2} {
		var ee *ExprError
		if !errors.As(err, &ee) || ee.Pos != 3 || !strings.Contains(err.Error(), "nested too deeply") {
			t.Fatalf("got %v", err)
		}
	}
	// Just under the limit compiles.
	e = &planner.Literal{V: planner.Value{Bool: true}, T: planner.Boolean}
	for i := 1; i < sql.MaxTreeDepth; i++ {
		e = &planner.Not{X: e}
	}
	if _, err := Compile(e, schema, &Env{}); err != nil {
		t.Fatal(err)
	}
}
