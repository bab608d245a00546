package planner

import (
	"fmt"
	"strings"
)

// JoinKind is what a Join yields.
type JoinKind uint8

// Join kinds. Inner, Left, Right and Full yield the left input's columns
// then the right's (the side without a match gets NULLs in the outer
// kinds); Semi and Anti yield the left input's rows that have a match, or
// have none; Mark yields every left row plus one boolean saying whether it
// has a match (see Join.MarkCond and Join.NullAware for NULL).
const (
	JoinInner JoinKind = iota + 1 // also CROSS JOIN: no keys, no condition
	JoinLeft
	JoinRight
	JoinFull
	JoinSemi
	JoinAnti
	JoinMark
)

var joinNames = [...]string{JoinInner: "inner", JoinLeft: "left", JoinRight: "right", JoinFull: "full", JoinSemi: "semi", JoinAnti: "anti", JoinMark: "mark"}

func (k JoinKind) String() string { return joinNames[k] }

// Side names a join input.
type Side uint8

// Sides. BuildRight is the zero value: the right input is the usual build
// side (subqueries, the table written second).
const (
	BuildRight Side = iota
	BuildLeft
)

// Join combines two inputs. A pair of rows matches when every key pair is
// equal (a NULL key never matches) and Cond is TRUE; the executor hashes
// the build side's keys, so a join without keys compares every pair (a
// cross join, or a nested loop over Cond).
//
// For Semi, Anti and Mark a left row's match state is three-valued: TRUE
// if some matching right row makes MarkCond TRUE (a nil MarkCond is TRUE),
// else NULL if some makes it NULL, else FALSE. Semi keeps the rows that are
// TRUE, Anti those that are FALSE, and Mark returns the state as its last
// column. MarkCond carries the comparison of x [NOT] IN (subquery) when
// the subquery is correlated; NullAware stands for it when it is not: then
// the last key pair is that comparison and a left row without a match is
// NULL when its key is NULL or the right side has a NULL key (and the
// right side is not empty), as SQL's IN has it.
//
// Single marks a scalar subquery (a Left join): a left row matching more
// than one right row is an error, as in Trino.
type Join struct {
	Kind      JoinKind
	Left      Node
	Right     Node
	LeftKeys  []Expr // over Left's columns
	RightKeys []Expr // over Right's columns, pairwise equal to LeftKeys
	Cond      Expr   // over Left's columns then Right's; nil: TRUE
	MarkCond  Expr   // Semi/Anti/Mark: over Left's then Right's; nil: TRUE
	NullAware bool
	Single    bool
	MarkName  string // the Mark column's name
	Pos       int    // the subquery's position in the query, for Single's error
	// Build is the side the executor holds in its hash table, chosen by
	// the chooseBuildSide rule from the inputs' estimated rows (EstLeft,
	// EstRight; -1 before the estimate).
	Build             Side
	EstLeft, EstRight int64
	// Dynamic is the probe side's store scan that drops rows whose key
	// (probe key DynamicKey, column DynamicPath of the scan) the build side
	// lacks, once the join has read it (rule_dynamic_filter.go).
	Dynamic     *Scan
	DynamicKey  int
	DynamicPath string
}

func (n *Join) Inputs() []Node { return []Node{n.Left, n.Right} }

func (n *Join) Columns() []Column {
	l := n.Left.Columns()
	switch n.Kind {
	case JoinSemi, JoinAnti:
		return l
	case JoinMark:
		return append(append([]Column(nil), l...), Column{Name: n.MarkName, T: Boolean})
	}
	return append(append([]Column(nil), l...), n.Right.Columns()...)
}

// IsCross reports a join that pairs every row with every row.
func (n *Join) IsCross() bool {
	return n.Kind == JoinInner && len(n.LeftKeys) == 0 && n.Cond == nil
}

// KeysText prints the key pairs as "l = r AND …", for EXPLAIN and errors.
func (n *Join) KeysText() string {
	parts := make([]string, len(n.LeftKeys))
	for i := range n.LeftKeys {
		parts[i] = n.LeftKeys[i].String() + " = " + n.RightKeys[i].String()
	}
	return strings.Join(parts, " AND ")
}

// Name is the join's EXPLAIN name: "inner join", "cross join", …
func (n *Join) Name() string {
	if n.IsCross() {
		return "cross join"
	}
	return n.Kind.String() + " join"
}

func (n *Join) Explain() (string, []Attr) {
	var attrs []Attr
	if len(n.LeftKeys) > 0 {
		attrs = append(attrs, Attr{"keys", n.KeysText()})
	}
	if n.Cond != nil {
		attrs = append(attrs, Attr{"condition", n.Cond.String()})
	}
	if n.MarkCond != nil {
		attrs = append(attrs, Attr{"match", n.MarkCond.String()})
	}
	if n.NullAware && n.Kind != JoinSemi {
		attrs = append(attrs, Attr{"null-aware", "NULL keys make the match unknown (IN)"})
	}
	if n.Single {
		attrs = append(attrs, Attr{"single", "at most one right row per left row (scalar subquery)"})
	}
	build, probe := "right", n.EstLeft
	est := n.EstRight
	if n.Build == BuildLeft {
		build, est, probe = "left", n.EstLeft, n.EstRight
	}
	v := build
	if est >= 0 && probe >= 0 {
		v += fmt.Sprintf(" (est. %s rows; probe est. %s)", estText(est), estText(probe))
	}
	attrs = append(attrs, Attr{"build", v})
	if n.Dynamic != nil {
		attrs = append(attrs, Attr{"dynamic filter", "build keys to the scan of " + n.Dynamic.Table + " (" + n.DynamicPath + ")"})
	}
	return n.Name(), attrs
}

// estText prints an estimate compactly: 980, 12.3k, 1.0M.
func estText(n int64) string {
	switch {
	case n < 10000:
		return fmt.Sprint(n)
	case n < 1000000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1fM", float64(n)/1e6)
}

// Set operations other than UNION.
const (
	SetIntersect = "INTERSECT"
	SetExcept    = "EXCEPT"
)

// SetOp is INTERSECT or EXCEPT, DISTINCT or ALL, of two inputs with the
// same column types; NULLs compare equal, as in Trino. The left input
// names the columns. (UNION is UnionAll, under a Distinct for DISTINCT.)
type SetOp struct {
	Op          string // SetIntersect or SetExcept
	All         bool
	Left, Right Node
}

func (n *SetOp) Inputs() []Node    { return []Node{n.Left, n.Right} }
func (n *SetOp) Columns() []Column { return n.Left.Columns() }

func (n *SetOp) Explain() (string, []Attr) {
	s := strings.ToLower(n.Op)
	if n.All {
		s += " all"
	}
	return s, nil
}
