package planner

import (
	"errors"

	"github.com/ctlake/ctlake/sql"
)

// foldConstants replaces every constant subexpression (no column reference,
// no aggregate) by its value, computed with the executor's own kernels.
// now() and current_timestamp fold to the query's single instant, which is
// what lets `eventTime > date_add('day', -7, now())` become a time range the
// scan can prune with.
//
//	Filter(eventTime > date_add('day', -7, now()))
//	  => Filter(eventTime > TIMESTAMP '2024-05-01 12:00:00.000')
func (b *binder) foldConstants(root Node) error {
	if b.opts.Folder == nil {
		return nil
	}
	var err error
	walkNodes(root, func(n Node) {
		if err != nil {
			return
		}
		err = rewriteExprs(n, b.fold)
	})
	return err
}

func (b *binder) fold(e Expr) (Expr, error) {
	rowFree := map[Expr]bool{}
	markRowFree(e, rowFree)
	return b.foldIn(e, rowFree)
}

// foldIn folds the largest constant subexpressions of e, top down (so that
// CASE WHEN false THEN 1/0 … folds as a whole, never 1/0 alone); rowFree
// says which nodes depend on no row, computed once per tree so that a
// chain of n operators costs O(n), not O(n²).
func (b *binder) foldIn(e Expr, rowFree map[Expr]bool) (Expr, error) {
	if _, ok := e.(*Literal); ok {
		return e, nil
	}
	if rowFree[e] && scalarResult(e) {
		v, err := b.opts.Folder.Fold(e)
		if err != nil {
			var se *sql.Error
			if errors.As(err, &se) {
				return nil, err
			}
			return nil, b.errorf(e.Pos(), ErrType, "%v", err)
		}
		return &Literal{V: v, T: e.Type(), P: e.Pos()}, nil
	}
	return mapChildren(e, func(c Expr) (Expr, error) { return b.foldIn(c, rowFree) })
}

// scalarResult: compound-typed results are not folded (a Value holds only
// scalars).
func scalarResult(e Expr) bool {
	switch e.Type().Kind {
	case KindArray, KindMap, KindRow:
		return false
	}
	if _, isLambda := e.(*Lambda); isLambda {
		return false // folded with its call, never alone
	}
	return true
}

// markRowFree records in m, for e and every node under it, whether it
// depends on no row (no column reference, no aggregate, no grouping set,
// no outer reference or subquery, no function with a new value per row
// such as uuid()), and returns e's.
func markRowFree(e Expr, m map[Expr]bool) bool {
	free := true
	switch x := e.(type) {
	case *InputRef, *aggRef, *groupingCall, *OuterRef, *subRef:
		free = false
	case *Call:
		if v, isPerRow := x.Fn.(PerRow); isPerRow && v.Volatile() {
			free = false
		}
	}
	for _, c := range Children(e) {
		if !markRowFree(c, m) {
			free = false
		}
	}
	m[e] = free
	return free
}
