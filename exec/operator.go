package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
)

// Batch is a record plus the rows still live in it. Filters only shrink Sel;
// operators that must materialise (aggregation, sort) gather live rows.
type Batch struct {
	Rec arrow.Record
	Sel []int32 // nil: every row is live; else ascending row indexes
}

// Len is the number of live rows.
func (b Batch) Len() int {
	if b.Sel != nil {
		return len(b.Sel)
	}
	if b.Rec == nil {
		return 0
	}
	return int(b.Rec.NumRows())
}

// Operator yields batches on demand (pull-based, so LIMIT stops the scan
// early and EXPLAIN ANALYZE can time each Next). Next returns a zero Batch
// (Rec == nil) when done and never a batch with no live rows before that.
// A batch is valid until the next call to Next; call Rec.Retain to keep it
// longer. Close releases resources and may be called at any time, once.
type Operator interface {
	Schema() *arrow.Schema
	Next(ctx context.Context) (Batch, error)
	Close() error
}
