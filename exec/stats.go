package exec

import (
	"context"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// OpStats is one operator's runtime figures for EXPLAIN ANALYZE. Time is
// spent in the operator's own Next, its children's time excluded.
type OpStats struct {
	Name     string
	Rows     int64 // live rows returned
	Batches  int64
	Time     time.Duration
	Children []*OpStats
	Extra    map[string]string // operator-specific: groups, stripes read/skipped, ...
	// Scan holds a store scan's figures (nil for other operators), for
	// --stats totals.
	Scan *orcstore.ScanStats
}

// Extras is implemented by operators with figures of their own (the scan
// reports stripes and row groups read and skipped).
type Extras interface {
	Extra() map[string]string
}

// instrumented wraps an operator to count its rows, batches and time.
type instrumented struct {
	op       Operator
	name     string
	children []*instrumented
	rows     int64
	batches  int64
	total    time.Duration
}

func instrument(op Operator, name string, children ...Operator) *instrumented {
	in := &instrumented{op: op, name: name}
	for _, c := range children {
		if ci, ok := c.(*instrumented); ok {
			in.children = append(in.children, ci)
		}
	}
	return in
}

func (o *instrumented) Schema() *arrow.Schema { return o.op.Schema() }
func (o *instrumented) Close() error          { return o.op.Close() }

func (o *instrumented) Next(ctx context.Context) (Batch, error) {
	start := time.Now()
	b, err := o.op.Next(ctx)
	o.total += time.Since(start)
	if b.Rec != nil {
		o.rows += int64(b.Len())
		o.batches++
	}
	return b, err
}

// Stats returns the figures of an operator tree made by Build (nil for
// operators built otherwise). Call it after Run.
func Stats(op Operator) *OpStats {
	in, ok := op.(*instrumented)
	if !ok {
		return nil
	}
	s := &OpStats{Name: in.name, Rows: in.rows, Batches: in.batches, Time: in.total}
	for _, c := range in.children {
		s.Children = append(s.Children, Stats(c))
		s.Time -= c.total
	}
	if s.Time < 0 {
		s.Time = 0
	}
	if x, ok := in.op.(Extras); ok {
		s.Extra = x.Extra()
	}
	if sc, ok := in.op.(interface{ ScanStats() orcstore.ScanStats }); ok {
		st := sc.ScanStats()
		s.Scan = &st
	}
	return s
}

// StatsByNode pairs each plan node with its operator's figures: the
// operator tree mirrors the plan node for node (EXPLAIN ANALYZE prints
// them side by side).
func StatsByNode(root planner.Node, stats *OpStats) map[planner.Node]*OpStats {
	figures := map[planner.Node]*OpStats{}
	var pair func(n planner.Node, s *OpStats)
	pair = func(n planner.Node, s *OpStats) {
		if s == nil {
			return
		}
		figures[n] = s
		for i, in := range n.Inputs() {
			if i < len(s.Children) {
				pair(in, s.Children[i])
			}
		}
	}
	pair(root, stats)
	return figures
}
