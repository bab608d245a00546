package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
)

// compactBelow is the live fraction under which Filter gathers its
// surviving rows into a new record instead of passing a selection vector.
// Evidence (BenchmarkFilterCompaction, filter then project of 3 columns, 64K
// rows per batch, 2 cores shared): see the figures recorded in the comment
// of that benchmark; gathering pays off only when few rows survive, because
// every consumer already gathers just the live rows of the columns it
// reads.
const compactBelow = 0.05

// Filter keeps the rows where its condition is TRUE by shrinking the
// batch's selection vector; it never emits a batch with no live rows.
type Filter struct {
	in   Operator
	sel  Selector
	env  *Env
	prev arrow.Record // compacted record returned last, released on Next
	// compactBelow overrides the package threshold (benchmarks).
	compactBelow float64
}

// NewFilter filters in by cond.
func NewFilter(in Operator, sel Selector, env *Env) *Filter {
	return &Filter{in: in, sel: sel, env: env, compactBelow: compactBelow}
}

func (f *Filter) Schema() *arrow.Schema { return f.in.Schema() }

func (f *Filter) Next(ctx context.Context) (Batch, error) {
	f.releasePrev()
	for {
		b, err := f.in.Next(ctx)
		if err != nil || b.Rec == nil {
			return b, err
		}
		sel, err := f.sel.Select(ctx, b)
		if err != nil {
			return Batch{}, err
		}
		if len(sel) == 0 {
			if err := ctx.Err(); err != nil {
				return Batch{}, err
			}
			continue
		}
		if len(sel) == int(b.Rec.NumRows()) {
			return Batch{Rec: b.Rec}, nil
		}
		if float64(len(sel)) < f.compactBelow*float64(b.Rec.NumRows()) {
			rec, err := compact(f.env.mem(), Batch{Rec: b.Rec, Sel: sel})
			if err != nil {
				return Batch{}, err
			}
			f.prev = rec
			return Batch{Rec: rec}, nil
		}
		return Batch{Rec: b.Rec, Sel: sel}, nil
	}
}

func (f *Filter) releasePrev() {
	if f.prev != nil {
		f.prev.Release()
		f.prev = nil
	}
}

func (f *Filter) Close() error {
	f.releasePrev()
	return f.in.Close()
}
