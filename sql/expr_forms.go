package sql

// Trino forms beyond plain expressions: lambdas, ARRAY[…], AT TIME ZONE,
// grouping sets, and the clauses an aggregate or JSON function call may
// carry (FILTER, ORDER BY, WITHIN GROUP, ON OVERFLOW, JSON clauses). The
// rewriter turns each into a marker call (rewrite_forms.go) and the
// converter back into these nodes (convert_forms.go).

// Lambda is "x -> body" or "(x, y) -> body", allowed only as a function
// argument. Pos is the first parameter (or the opening parenthesis).
type Lambda struct {
	Pos      int
	ArrowPos int
	Params   []Ident
	Body     Expr
}

// ArrayCtor is ARRAY[e1, e2, …] (possibly empty).
type ArrayCtor struct {
	Pos   int // the ARRAY keyword
	Elems []Expr
}

// AtTimeZone is "Expr AT TIME ZONE Zone"; Zone is a string or an interval.
type AtTimeZone struct {
	Pos   int
	OpPos int // the AT keyword
	Expr  Expr
	Zone  Expr
}

// GroupingKind says which grouping element a GroupingElement is.
type GroupingKind uint8

// GroupingKind values.
const (
	GroupRollup GroupingKind = iota + 1
	GroupCube
	GroupSets
)

// GroupingElement is ROLLUP (…), CUBE (…) or GROUPING SETS (…) in GROUP BY.
// Each entry of Items is a parenthesised list of expressions: a composite
// column of ROLLUP/CUBE, or one grouping set (empty for "()"). A bare
// expression is a one-entry list.
type GroupingElement struct {
	Pos   int
	Kind  GroupingKind
	Items [][]Expr
}

// Overflow is listagg's ON OVERFLOW clause.
type Overflow struct {
	Pos       int  // the ON keyword
	Truncate  bool // TRUNCATE (else ERROR)
	Filler    string
	HasFiller bool
	WithCount bool
}

// JSONBehavior is one ON EMPTY / ON ERROR choice of json_value, json_query
// and json_exists.
type JSONBehavior uint8

// JSONBehavior values; JSONDefault means "not written".
const (
	JSONDefault JSONBehavior = iota
	JSONNull
	JSONError
	JSONTrue
	JSONFalse
	JSONUnknown
	JSONEmptyArray
	JSONEmptyObject
	JSONDefaultValue // DEFAULT expr (json_value)
)

// JSONWrapper is json_query's WITH/WITHOUT WRAPPER choice.
type JSONWrapper uint8

// JSONWrapper values.
const (
	WrapperNone          JSONWrapper = iota // WITHOUT [ARRAY] WRAPPER, the default
	WrapperUnconditional                    // WITH [UNCONDITIONAL] [ARRAY] WRAPPER
	WrapperConditional                      // WITH CONDITIONAL [ARRAY] WRAPPER
)

// JSONClauses are the clauses of json_exists, json_value and json_query
// after the path argument.
type JSONClauses struct {
	Returning    *Type // RETURNING type (json_value, json_query)
	Wrapper      JSONWrapper
	OmitQuotes   bool // OMIT QUOTES [ON SCALAR STRING]
	OnEmpty      JSONBehavior
	OnError      JSONBehavior
	EmptyDefault Expr // DEFAULT expr ON EMPTY
	ErrorDefault Expr // DEFAULT expr ON ERROR
}

func (n *Lambda) Position() int          { return n.Pos }
func (n *ArrayCtor) Position() int       { return n.Pos }
func (n *AtTimeZone) Position() int      { return n.Pos }
func (n *GroupingElement) Position() int { return n.Pos }

func (*Lambda) exprNode()          {}
func (*ArrayCtor) exprNode()       {}
func (*AtTimeZone) exprNode()      {}
func (*GroupingElement) exprNode() {}
