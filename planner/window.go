package planner

import (
	"fmt"
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// WindowBound is one end of a window frame; Offset (over the Window's
// input) is set for n PRECEDING and n FOLLOWING.
type WindowBound struct {
	Kind   sql.BoundKind
	Offset Expr
}

// WindowFrame is a window function's frame with Trino's defaults applied:
// RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW when none is written
// (so the whole partition without ORDER BY), and CURRENT ROW as the end of
// a frame given only its start.
type WindowFrame struct {
	Unit  string // sql.FrameRows, sql.FrameRange or sql.FrameGroups
	Start WindowBound
	End   WindowBound
}

// WholePartition reports whether every row's frame is its whole
// partition (ordered: the window has an ORDER BY; without one every row
// is a peer of every other).
func (f WindowFrame) WholePartition(ordered bool) bool {
	peers := !ordered && f.Unit != sql.FrameRows
	return (f.Start.Kind == sql.UnboundedPreceding || peers && f.Start.Kind == sql.CurrentRow) &&
		(f.End.Kind == sql.UnboundedFollowing || peers && f.End.Kind == sql.CurrentRow)
}

// String prints the frame as SQL.
func (f WindowFrame) String() string {
	bound := func(b WindowBound) string {
		if b.Offset != nil {
			return b.Offset.String() + " " + b.Kind.String()
		}
		return b.Kind.String()
	}
	return f.Unit + " BETWEEN " + bound(f.Start) + " AND " + bound(f.End)
}

// Window function names that are not aggregates.
const (
	WinRowNumber   = "row_number"
	WinRank        = "rank"
	WinDenseRank   = "dense_rank"
	WinPercentRank = "percent_rank"
	WinCumeDist    = "cume_dist"
	WinNtile       = "ntile"
	WinLag         = "lag"
	WinLead        = "lead"
	WinFirstValue  = "first_value"
	WinLastValue   = "last_value"
	WinNthValue    = "nth_value"
)

// WindowFunc is one function of a Window node: a ranking or value function
// (Name is one of the Win* names) or an aggregate over the frame (Agg set,
// Name the catalog's).
type WindowFunc struct {
	Name        string
	Agg         AggFunc
	Args        []Expr // over the Window's input; count(*) has none
	IgnoreNulls bool
	Frame       WindowFrame
	T           Type
	P           int
	Label       string // the call as SQL, for EXPLAIN and errors
}

// UsesFrame reports whether the function's result depends on its frame:
// aggregates and first_value, last_value, nth_value do; ranking functions,
// lag and lead do not.
func (f *WindowFunc) UsesFrame() bool {
	switch f.Name {
	case WinFirstValue, WinLastValue, WinNthValue:
		return true
	}
	return f.Agg != nil
}

// Window evaluates window functions that share one PARTITION BY and ORDER
// BY: rows are grouped by Partition, ordered by Order within each
// partition, and every function is computed for each row over its frame.
// Its columns are the input's (those listed in Keep, when set), then one
// per function. A query with several distinct windows stacks one Window
// per (partition, order) pair, so each sorts its input once.
type Window struct {
	Input     Node
	Partition []Expr
	Order     []SortKey
	Funcs     []WindowFunc
	// Keep lists the input columns passed through (nil: all). The top
	// Window of a select block passes only what the select list reads, so
	// keys it sorted by (eventID as a tie-breaker) are not copied out.
	Keep []int
}

// PartitionTopN is a Window of row_number() alone under a filter that keeps
// row numbers up to N (WHERE rn <= N over a derived table): it keeps the
// first N rows of each partition by Order in bounded memory, without
// sorting every row, and numbers them. Its columns are the input's (as
// the Window's Keep says), then the row number.
type PartitionTopN struct {
	Input     Node
	Partition []Expr
	Order     []SortKey
	N         int64
	Label     string // the row_number() call, as the Window named it
	Keep      []int
}

func (n *Window) Columns() []Column {
	out := keptColumns(n.Input, n.Keep)
	for _, f := range n.Funcs {
		out = append(out, Column{Name: f.Label, T: f.T})
	}
	return out
}

func (n *PartitionTopN) Columns() []Column {
	return append(keptColumns(n.Input, n.Keep), Column{Name: n.Label, T: Bigint})
}

// keptColumns are the columns of in listed in keep (all when nil).
func keptColumns(in Node, keep []int) []Column {
	cols := in.Columns()
	if keep == nil {
		return append([]Column(nil), cols...)
	}
	out := make([]Column, len(keep))
	for i, k := range keep {
		out[i] = cols[k]
	}
	return out
}

// FuncColumn is the output column of the Window's i-th function.
func (n *Window) FuncColumn(i int) int {
	if n.Keep != nil {
		return len(n.Keep) + i
	}
	return len(n.Input.Columns()) + i
}

func (n *Window) Inputs() []Node        { return []Node{n.Input} }
func (n *PartitionTopN) Inputs() []Node { return []Node{n.Input} }

func (n *Window) Explain() (string, []Attr) {
	labels := make([]string, len(n.Funcs))
	var attrs []Attr
	for i, f := range n.Funcs {
		labels[i] = f.Label
		if f.UsesFrame() {
			attrs = append(attrs, Attr{"frame of " + f.Label, f.Frame.String()})
		}
	}
	attrs = append(windowAttrs(n.Partition, n.Order), attrs...)
	if n.Keep != nil {
		attrs = append(attrs, Attr{"passes", keptNames(n.Input, n.Keep)})
	}
	return "window " + strings.Join(labels, ", "), attrs
}

func keptNames(in Node, keep []int) string {
	cols := keptColumns(in, keep)
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

func (n *PartitionTopN) Explain() (string, []Attr) {
	attrs := windowAttrs(n.Partition, n.Order)
	if n.Keep != nil {
		attrs = append(attrs, Attr{"passes", keptNames(n.Input, n.Keep)})
	}
	return fmt.Sprintf("partition top %d by row number: %s", n.N, n.Label), attrs
}

func windowAttrs(part []Expr, order []SortKey) []Attr {
	var attrs []Attr
	if len(part) > 0 {
		attrs = append(attrs, Attr{"partition by", exprList(part)})
	}
	if len(order) > 0 {
		attrs = append(attrs, Attr{"order by", keyList(order)})
	}
	return attrs
}

// windowExprs lists the expressions a Window holds, in a fixed order (for
// rewriting them in place).
func (n *Window) exprPtrs() []*Expr {
	var out []*Expr
	for i := range n.Partition {
		out = append(out, &n.Partition[i])
	}
	for i := range n.Order {
		out = append(out, &n.Order[i].Expr)
	}
	for i := range n.Funcs {
		f := &n.Funcs[i]
		for j := range f.Args {
			out = append(out, &f.Args[j])
		}
		if f.Frame.Start.Offset != nil {
			out = append(out, &f.Frame.Start.Offset)
		}
		if f.Frame.End.Offset != nil {
			out = append(out, &f.Frame.End.Offset)
		}
	}
	return out
}

func (n *PartitionTopN) exprPtrs() []*Expr {
	var out []*Expr
	for i := range n.Partition {
		out = append(out, &n.Partition[i])
	}
	for i := range n.Order {
		out = append(out, &n.Order[i].Expr)
	}
	return out
}
