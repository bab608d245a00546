package planner

import (
	"fmt"

	"github.com/ctlake/ctlake/sql"
)

// ExprTooDeep returns the sub-expression of e (or e) that lies deeper than
// sql.MaxTreeDepth nodes, or nil. It walks iteratively, so callers that
// recurse over expressions (the executor's compiler) can refuse a tree
// before recursing; bound plans never come near the limit, because the
// parser bounds the query text.
func ExprTooDeep(e Expr) Expr {
	type item struct {
		e Expr
		d int
	}
	stack := []item{{e, 1}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.d > sql.MaxTreeDepth {
			return it.e
		}
		for _, c := range Children(it.e) {
			if c != nil {
				stack = append(stack, item{c, it.d + 1})
			}
		}
	}
	return nil
}

// ErrTooDeep is the message for an expression ExprTooDeep refuses.
var ErrTooDeep = fmt.Errorf("expression is nested too deeply (more than %d levels)", sql.MaxTreeDepth)
