package exec

import (
	"context"
	"errors"

	"github.com/apache/arrow/go/v17/arrow"
)

// UnionAll yields the batches of its inputs one input after another.
type UnionAll struct {
	ins []Operator
	cur int
}

// NewUnionAll concatenates ins (same column types; the first names them).
func NewUnionAll(ins []Operator) *UnionAll { return &UnionAll{ins: ins} }

func (u *UnionAll) Schema() *arrow.Schema { return u.ins[0].Schema() }

func (u *UnionAll) Next(ctx context.Context) (Batch, error) {
	for u.cur < len(u.ins) {
		b, err := u.ins[u.cur].Next(ctx)
		if err != nil || b.Rec != nil {
			return b, err
		}
		u.cur++
	}
	return Batch{}, nil
}

func (u *UnionAll) Close() error {
	var errs []error
	for _, in := range u.ins {
		errs = append(errs, in.Close())
	}
	return errors.Join(errs...)
}
