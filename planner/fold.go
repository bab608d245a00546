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
	if _, ok := e.(*Literal); ok {
		return e, nil
	}
	if isConstant(e) {
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
	return mapChildren(e, b.fold)
}

// isConstant reports an expression that depends on no row: literals and
// functions of literals. Compound-typed results are left alone (a Value
// holds only scalars).
func isConstant(e Expr) bool {
	switch e.Type().Kind {
	case KindArray, KindMap, KindRow:
		return false
	}
	ok := true
	Walk(e, func(x Expr) bool {
		switch x.(type) {
		case *InputRef, *aggRef:
			ok = false
		}
		return ok
	})
	return ok
}
