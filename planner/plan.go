package planner

import (
	"github.com/ctlake/ctlake/orcstore"
)

// Plan is a planned statement: the root of the operator tree plus what the
// caller must do with it.
type Plan struct {
	Root    Node
	Names   []string // result column names, Lake's rules (alias, last path segment, _colN)
	Explain bool     // EXPLAIN: print the plan, do not run it
	Analyze bool     // EXPLAIN ANALYZE: run it, then print the plan with runtime figures
	// Snapshots are the store snapshots the plan's scans read, each
	// holding a reader lease on its files (orcstore.Manifest.Release):
	// every one taken while binding, also of scans later rewritten away.
	Snapshots []*orcstore.Manifest
	// Fired counts the optimizer's rewrites by rule name (optimize.go), so
	// that tests can require a rule to fire.
	Fired map[string]int
}

// Node is a logical plan node: plain data that EXPLAIN prints and exec turns
// into operators. Columns are the rows a node produces; expressions above a
// node refer to them by index (InputRef).
type Node interface {
	Columns() []Column
	Inputs() []Node
	// Explain names the node and lists its key attributes, one EXPLAIN line
	// each (e.g. "columns: eventName, eventTime").
	Explain() (name string, attrs []Attr)
}

// Column is one output column of a node.
type Column struct {
	Name string
	T    Type
}

// Attr is one EXPLAIN attribute.
type Attr struct {
	Key, Value string
}

// Scan reads an event data store snapshot. Everything the store can do for
// the query is in Spec: the columns to read (struct children included), the
// eventTime range (prunes files, stripes and row groups, then drops rows
// outside it exactly) and pruning predicates (skip stripes and row groups by
// statistics and bloom filters only: the same conditions stay in a Filter
// above the scan, so results never depend on pruning).
type Scan struct {
	Table    string // as written in FROM
	Store    *orcstore.Store
	Snapshot *orcstore.Manifest
	Spec     orcstore.ScanSpec
	Out      []Column // one per top-level column read, in Spec.Columns order
	// Dynamic, when set, is the column a hash join above filters this scan
	// on: it publishes its build keys once it has read them
	// (rule_dynamic_filter.go).
	Dynamic string
	// JSON, when set, names the JSON files (CloudTrail Records, NDJSON,
	// arrays, gzip) the table is read from instead of a store; Store and
	// Snapshot are then nil. Such a scan decodes every event, applies
	// Spec.Time exactly and ignores Spec.Prune (there are no statistics).
	JSON []string
}

// Filter keeps rows where Cond is TRUE.
type Filter struct {
	Input Node
	Cond  Expr
}

// Project computes one expression per output column.
type Project struct {
	Input Node
	Exprs []Expr
	Names []string
}

// AggCall is one aggregate of an Aggregate node.
type AggCall struct {
	Fn       AggFunc
	Name     string // function name as the catalog spells it
	Args     []Expr // over the Aggregate's input; empty for count(*)
	Distinct bool
	T        Type
	P        int
	Label    string // SQL text, for EXPLAIN and default names
	// Filter, when set, limits the rows the aggregate sees: FILTER (WHERE
	// …), over the Aggregate's input.
	Filter Expr
	// OrderBy, when set, is the order the aggregate sees its group's rows
	// in: array_agg(x ORDER BY y), listagg(…) WITHIN GROUP (ORDER BY …).
	OrderBy []SortKey
}

// Aggregate groups its input by Groups and computes Aggs per group. Its
// columns are the groups, then the aggregates. With no groups it yields
// exactly one row, even over no input.
type Aggregate struct {
	Input      Node
	Groups     []Expr
	GroupNames []string
	Aggs       []AggCall
	// Sets, when not nil, are the grouping sets (GROUP BY ROLLUP, CUBE,
	// GROUPING SETS): each lists the indexes of the Groups it groups by.
	// Input rows are aggregated once per set, the set's other group
	// columns NULL, and a bigint column GroupIDName after the groups holds
	// each output row's set index (grouping() reads it).
	Sets [][]int
}

// GroupIDName names the grouping-set index column of an Aggregate with Sets.
const GroupIDName = "$groupid"

// SortKey is one ORDER BY term with Trino's defaults already applied
// (ASC, NULLS LAST).
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders all rows of its input.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// TopN is Sort followed by Limit, kept in a bounded heap.
type TopN struct {
	Input Node
	Keys  []SortKey
	N     int64
	// Prune, when set, is the eventTime order of the scan under this node
	// (the same value as that scan's Spec.TopN): the top-N publishes its
	// k-th row's eventTime to the scan, which skips what cannot beat it.
	Prune *orcstore.TopNOrder
}

// Limit skips the first Offset rows, then passes at most N rows (all
// when N < 0) and stops pulling its input.
type Limit struct {
	Input  Node
	N      int64
	Offset int64
}

// Distinct removes duplicate rows.
type Distinct struct {
	Input Node
}

// UnionAll concatenates inputs with the same column types.
type UnionAll struct {
	Ins []Node
}

// Values is a constant table: SELECT without FROM.
type Values struct {
	Rows [][]Expr
	Out  []Column
}

func (n *Scan) Columns() []Column     { return n.Out }
func (n *Filter) Columns() []Column   { return n.Input.Columns() }
func (n *Sort) Columns() []Column     { return n.Input.Columns() }
func (n *TopN) Columns() []Column     { return n.Input.Columns() }
func (n *Limit) Columns() []Column    { return n.Input.Columns() }
func (n *Distinct) Columns() []Column { return n.Input.Columns() }
func (n *UnionAll) Columns() []Column { return n.Ins[0].Columns() }
func (n *Values) Columns() []Column   { return n.Out }

func (n *Project) Columns() []Column {
	out := make([]Column, len(n.Exprs))
	for i, e := range n.Exprs {
		out[i] = Column{Name: n.Names[i], T: e.Type()}
	}
	return out
}

func (n *Aggregate) Columns() []Column {
	out := make([]Column, 0, len(n.Groups)+len(n.Aggs))
	for i, g := range n.Groups {
		out = append(out, Column{Name: n.GroupNames[i], T: g.Type()})
	}
	if n.Sets != nil {
		out = append(out, Column{Name: GroupIDName, T: Bigint})
	}
	for _, a := range n.Aggs {
		out = append(out, Column{Name: a.Label, T: a.T})
	}
	return out
}

func (n *Scan) Inputs() []Node      { return nil }
func (n *Filter) Inputs() []Node    { return []Node{n.Input} }
func (n *Project) Inputs() []Node   { return []Node{n.Input} }
func (n *Aggregate) Inputs() []Node { return []Node{n.Input} }
func (n *Sort) Inputs() []Node      { return []Node{n.Input} }
func (n *TopN) Inputs() []Node      { return []Node{n.Input} }
func (n *Limit) Inputs() []Node     { return []Node{n.Input} }
func (n *Distinct) Inputs() []Node  { return []Node{n.Input} }
func (n *UnionAll) Inputs() []Node  { return n.Ins }
func (n *Values) Inputs() []Node    { return nil }

// ScalarFunc is one resolved overload of a scalar function.
type ScalarFunc interface {
	Name() string
	Return() Type
	// Params are the types the arguments are coerced to; the binder wraps
	// arguments of other types in casts.
	Params() []Type
	// Deterministic is false for now()/current_timestamp: the planner folds
	// them once per query, so every row sees the same instant.
	Deterministic() bool
}

// PerRow is implemented by scalar functions whose value changes from row
// to row without their arguments changing (uuid()); such calls are never
// folded into a constant.
type PerRow interface {
	Volatile() bool
}

// AggFunc is one resolved overload of an aggregate function.
type AggFunc interface {
	Name() string
	Return() Type
	Params() []Type
}

// FunctionCatalog resolves function names and argument types to overloads.
// exec provides the implementation (it owns the kernels); the planner only
// needs signatures, so it depends on this interface, not on exec.
type FunctionCatalog interface {
	// Scalar resolves a scalar function or operator ("add", "concat", ...).
	// The error says why nothing fits; an *ArgError when one argument is
	// to blame, so the binder can point at it.
	Scalar(name string, args []Type) (ScalarFunc, error)
	// Aggregate resolves an aggregate; distinct is count(DISTINCT x) etc.
	Aggregate(name string, args []Type, distinct bool) (AggFunc, error)
	IsAggregate(name string) bool
	// Names lists every function name, for errors ("did you mean") and
	// completion.
	Names() []string
}

// ArgError is a catalog's "no overload fits" that blames one argument
// (Arg, 0-based): the binder puts the error's position on that argument
// rather than on the function name.
type ArgError struct {
	Arg int
	Msg string
}

func (e *ArgError) Error() string { return e.Msg }

// ConstFolder evaluates an expression without inputs (literals and
// deterministic calls on them) to a constant; exec provides it so folding
// uses exactly the kernels that run at query time.
type ConstFolder interface {
	Fold(e Expr) (Value, error)
}
