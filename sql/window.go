package sql

// Window functions: f(args) [IGNORE NULLS | RESPECT NULLS] OVER (spec) or
// OVER name, and the WINDOW name AS (spec) clause of a SELECT. The parsing
// is in rewrite_window.go.

// WindowSpec is the window of one OVER or of a WINDOW clause entry:
//
//	[existing] [PARTITION BY e, …] [ORDER BY k [ASC|DESC] [NULLS FIRST|LAST], …] [frame]
//
// Ref names a window of the WINDOW clause the spec builds on: OVER w (then
// nothing else is set) or OVER (w ORDER BY …). Which parts a referenced
// window may already have is the binder's concern.
type WindowSpec struct {
	Pos         int    // OVER (or the '(' of a WINDOW entry)
	Ref         *Ident // nil when no window is named
	Parens      bool   // written as OVER (…) rather than OVER name
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *Frame // nil: the default frame
}

// Frame units.
const (
	FrameRows   = "ROWS"
	FrameRange  = "RANGE"
	FrameGroups = "GROUPS"
)

// Frame is ROWS|RANGE|GROUPS start, or … BETWEEN start AND end. End is nil
// when only a start was written (the end is then CURRENT ROW).
type Frame struct {
	Pos   int    // the unit keyword
	Unit  string // FrameRows, FrameRange or FrameGroups
	Start *FrameBound
	End   *FrameBound
}

// BoundKind is the kind of a frame bound.
type BoundKind uint8

// Frame bound kinds.
const (
	UnboundedPreceding BoundKind = iota + 1
	Preceding                    // offset PRECEDING
	CurrentRow
	Following // offset FOLLOWING
	UnboundedFollowing
)

var boundText = [...]string{"", "UNBOUNDED PRECEDING", "PRECEDING", "CURRENT ROW", "FOLLOWING", "UNBOUNDED FOLLOWING"}

func (k BoundKind) String() string { return boundText[k] }

// FrameBound is one end of a frame; Offset is set for Preceding and
// Following.
type FrameBound struct {
	Pos    int // the first token of the bound
	Kind   BoundKind
	Offset Expr
}

// WindowDef is one "name AS (spec)" entry of a WINDOW clause.
type WindowDef struct {
	Pos  int // the name
	Name Ident
	Spec *WindowSpec
}

func (n *WindowSpec) Position() int { return n.Pos }
func (n *Frame) Position() int      { return n.Pos }
func (n *FrameBound) Position() int { return n.Pos }
func (n *WindowDef) Position() int  { return n.Pos }
