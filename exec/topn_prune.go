package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// Top-N pruning wiring: a planner.TopN with Prune set shares one
// orcstore.TimeBound with the store scan under it. Build creates the bound
// when it reaches the TopN, before building its inputs, and hands it down
// in the context; the scan (NewStoreScan) takes it from there, and the
// TopN offers its N-th row's eventTime to it after every cut.

type topNBoundKey struct{}

// topNScope returns ctx carrying the bound for the subtree of n when n is
// a top-N. A top-N without pruning carries nil, so no scan under it sees
// an outer top-N's bound.
func topNScope(ctx context.Context, n planner.Node) context.Context {
	t, ok := n.(*planner.TopN)
	if !ok {
		return ctx
	}
	var b *orcstore.TimeBound
	if t.Prune != nil {
		b = orcstore.NewTimeBound(*t.Prune)
	}
	return context.WithValue(ctx, topNBoundKey{}, b)
}

// topNBound is the bound of the nearest top-N above, or nil.
func topNBound(ctx context.Context) *orcstore.TimeBound {
	b, _ := ctx.Value(topNBoundKey{}).(*orcstore.TimeBound)
	return b
}

// publishBound offers the threshold row's first key, an eventTime, to the
// scan. A NULL threshold bounds nothing.
func (t *TopN) publishBound() {
	if t.bound == nil || len(t.threshold) == 0 {
		return
	}
	ts, ok := t.threshold[0].(*array.Timestamp)
	if !ok || ts.Len() != 1 || ts.IsNull(0) {
		return
	}
	if tt, ok := ts.DataType().(*arrow.TimestampType); !ok || tt.Unit != arrow.Nanosecond {
		return
	}
	t.bound.Offer(int64(ts.Value(0)))
}
