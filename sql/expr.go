package sql

// Expr is a scalar expression node.
type Expr interface {
	Node
	exprNode()
}

// ColumnRef is a dotted name: col, alias.col, struct.field, or
// userIdentity.sessionContext.sessionIssuer.arn. Which segments name a
// table alias and which name struct fields is the binder's decision, so the
// raw segments are kept with their positions.
type ColumnRef struct {
	Pos     int
	Parts   []string // as written, quotes removed
	PartPos []int
	Quoted  []bool
}

// LitKind is the kind of a Literal.
type LitKind uint8

// Literal kinds. Number literals keep their source text; Trino types 12 as
// bigint (integer if it fits), 1.5 as decimal and 1e3 as double.
const (
	LitNull LitKind = iota + 1
	LitBool
	LitString
	LitInteger
	LitDecimal
	LitDouble
	LitTimestamp // TIMESTAMP '…'
	LitDate      // DATE '…'
	LitTime      // TIME '…'
	LitBinary    // X'…': Value holds the hex digits
)

// Literal is a constant. Value is the unquoted string for string and typed
// literals, the digits for numbers, "true"/"false" for booleans and "" for
// NULL.
type Literal struct {
	Pos   int
	Kind  LitKind
	Value string
}

// Interval is INTERVAL [+-] 'value' unit.
type Interval struct {
	Pos      int
	Negative bool
	Value    string // the quoted text, e.g. "7"
	Unit     string // YEAR, MONTH, DAY, HOUR, MINUTE or SECOND
	To       string // the unit after TO in '1-2' YEAR TO MONTH, or ""
}

// FuncCall is name(args), name(*), name(DISTINCT args), or one of the
// special forms written without parentheses (current_timestamp …).
type FuncCall struct {
	Pos      int
	Name     string // as written
	Distinct bool
	Star     bool // count(*)
	Args     []Expr
	NoParens bool // current_timestamp, current_date, …
	// Clauses of aggregate and JSON calls (expr_forms.go); nil/false when
	// not written.
	OrderBy     []*OrderItem // array_agg(x ORDER BY y), or WITHIN GROUP (ORDER BY …)
	WithinGroup bool         // OrderBy came from WITHIN GROUP
	Filter      Expr         // FILTER (WHERE cond)
	Overflow    *Overflow    // listagg(… ON OVERFLOW …)
	JSON        *JSONClauses // json_exists/json_value/json_query clauses
	// Over is the window of a window function call, f(x) OVER (…), nil
	// for a plain call; IgnoreNulls is IGNORE NULLS written before OVER
	// (RESPECT NULLS is the default).
	Over        *WindowSpec
	IgnoreNulls bool
}

// Binary operators. Comparison and logic are binary too.
const (
	OpAdd    = "+"
	OpSub    = "-"
	OpMul    = "*"
	OpDiv    = "/"
	OpMod    = "%"
	OpConcat = "||"
	OpEq     = "="
	OpNe     = "<>"
	OpLt     = "<"
	OpLe     = "<="
	OpGt     = ">"
	OpGe     = ">="
	OpAnd    = "AND"
	OpOr     = "OR"
)

// Binary is Left Op Right.
type Binary struct {
	Pos   int
	OpPos int
	Op    string
	Left  Expr
	Right Expr
}

// Unary is "-x", "+x" or "NOT x".
type Unary struct {
	Pos  int // the operator
	Op   string
	Expr Expr
}

// Like is Expr [NOT] LIKE Pattern [ESCAPE Escape].
type Like struct {
	Pos     int
	OpPos   int
	Not     bool
	Expr    Expr
	Pattern Expr
	Escape  Expr // nil if absent
}

// In is Expr [NOT] IN (List) or Expr [NOT] IN (subquery).
type In struct {
	Pos      int
	OpPos    int
	Not      bool
	Expr     Expr
	List     []Expr
	Subquery *Subquery // set instead of List
}

// Between is Expr [NOT] BETWEEN Low AND High.
type Between struct {
	Pos   int
	OpPos int
	Not   bool
	Expr  Expr
	Low   Expr
	High  Expr
}

// IsNull is Expr IS [NOT] NULL.
type IsNull struct {
	Pos   int
	OpPos int
	Not   bool
	Expr  Expr
}

// IsDistinctFrom is Left IS [NOT] DISTINCT FROM Right.
type IsDistinctFrom struct {
	Pos   int
	OpPos int
	Not   bool
	Left  Expr
	Right Expr
}

// Case is CASE [Operand] WHEN … THEN … [ELSE …] END; Operand is nil for a
// searched CASE.
type Case struct {
	Pos     int
	Operand Expr
	Whens   []*When
	Else    Expr
}

// When is one WHEN Cond THEN Result arm.
type When struct {
	Pos    int
	Cond   Expr
	Result Expr
}

// Cast is CAST(Expr AS Type) or TRY_CAST(…).
type Cast struct {
	Pos     int
	TryCast bool
	Expr    Expr
	Type    *Type
}

// Type is a Trino type name: varchar, varchar(n), bigint, timestamp(3),
// map(varchar, json), array(varchar), row(a bigint, …), decimal(p, s).
// Names are lower-cased; validating them is the binder's job.
type Type struct {
	Pos          int
	Name         string
	Params       []int64  // numeric parameters: varchar(10), decimal(10, 2)
	Args         []*Type  // element types: array(T), map(K, V), row(…)
	FieldNames   []string // row field names, parallel to Args
	WithTimeZone bool
}

// Subscript is Expr[Index]: a map key or a 1-based array index.
type Subscript struct {
	Pos   int
	Expr  Expr
	Index Expr
}

// FieldAccess is Expr.Field on an expression that is not a plain name,
// e.g. element_at(resources, 1).arn.
type FieldAccess struct {
	Pos      int
	Expr     Expr
	Field    string
	FieldPos int
}

// Subquery is a scalar subquery "(SELECT …)" or the right side of IN.
type Subquery struct {
	Pos   int
	Query QueryExpr
}

// Exists is EXISTS (subquery).
type Exists struct {
	Pos      int
	Subquery *Subquery
}

func (n *ColumnRef) Position() int      { return n.Pos }
func (n *Literal) Position() int        { return n.Pos }
func (n *Interval) Position() int       { return n.Pos }
func (n *FuncCall) Position() int       { return n.Pos }
func (n *Binary) Position() int         { return n.Pos }
func (n *Unary) Position() int          { return n.Pos }
func (n *Like) Position() int           { return n.Pos }
func (n *In) Position() int             { return n.Pos }
func (n *Between) Position() int        { return n.Pos }
func (n *IsNull) Position() int         { return n.Pos }
func (n *IsDistinctFrom) Position() int { return n.Pos }
func (n *Case) Position() int           { return n.Pos }
func (n *When) Position() int           { return n.Pos }
func (n *Cast) Position() int           { return n.Pos }
func (n *Type) Position() int           { return n.Pos }
func (n *Subscript) Position() int      { return n.Pos }
func (n *FieldAccess) Position() int    { return n.Pos }
func (n *Subquery) Position() int       { return n.Pos }
func (n *Exists) Position() int         { return n.Pos }

func (*ColumnRef) exprNode()      {}
func (*Literal) exprNode()        {}
func (*Interval) exprNode()       {}
func (*FuncCall) exprNode()       {}
func (*Binary) exprNode()         {}
func (*Unary) exprNode()          {}
func (*Like) exprNode()           {}
func (*In) exprNode()             {}
func (*Between) exprNode()        {}
func (*IsNull) exprNode()         {}
func (*IsDistinctFrom) exprNode() {}
func (*Case) exprNode()           {}
func (*Cast) exprNode()           {}
func (*Subscript) exprNode()      {}
func (*FieldAccess) exprNode()    {}
func (*Subquery) exprNode()       {}
func (*Exists) exprNode()         {}
