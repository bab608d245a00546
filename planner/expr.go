package planner

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Expr is a bound, typed expression. Binding turns sql.Expr trees into
// these; exec compiles them once per query into vectorized evaluators.
// Every node keeps the byte position of its SQL text so that errors found
// later (a failed cast, a division by zero) still point at the user's query.
type Expr interface {
	Type() Type
	Pos() int
	String() string // SQL-like text for EXPLAIN
	exprNode()
}

// Value is one constant. Which field holds it follows the type's Kind:
// Bool; Int for bigint, timestamp (Unix ns), date (days since 1970-01-01),
// interval (ns) and interval year-month (months); Float for double; Str for
// varchar and json. Compound constants do not occur.
type Value struct {
	Null  bool
	Bool  bool
	Int   int64
	Float float64
	Str   string
}

// InputRef reads column Index of the operator's input.
type InputRef struct {
	Index int
	Name  string // for EXPLAIN
	T     Type
	P     int
}

// Literal is a constant of type T (Unknown for a bare NULL).
type Literal struct {
	V Value
	T Type
	P int
}

// FieldRef reads a field of a row value: userIdentity.sessionContext.
type FieldRef struct {
	Row  Expr
	Name string // as the schema spells it
	T    Type
	P    int
}

// Call is a scalar function call resolved by the FunctionCatalog. Operators
// that behave like functions (arithmetic, ||, subscripts, casts that cannot
// fail) are calls too, named by the catalog ("add", "concat", ...).
type Call struct {
	Name string
	Fn   ScalarFunc
	Args []Expr
	T    Type
	P    int
}

// Logic is AND or OR over two or more arguments, with SQL's three-valued
// logic (FALSE AND NULL = FALSE, TRUE OR NULL = TRUE).
type Logic struct {
	Or   bool
	Args []Expr
	P    int
}

// Not negates a boolean (NOT NULL is NULL).
type Not struct {
	X Expr
	P int
}

// CmpOp is a comparison operator.
type CmpOp uint8

const (
	OpEq CmpOp = iota
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpIsDistinct    // IS DISTINCT FROM: never NULL
	OpIsNotDistinct // IS NOT DISTINCT FROM
)

var cmpText = [...]string{"=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"}

func (op CmpOp) String() string { return cmpText[op] }

// Compare compares two values of the same (coerced) type.
type Compare struct {
	Op   CmpOp
	L, R Expr
	P    int
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	X      Expr
	Negate bool
	P      int
}

// In is X [NOT] IN (list), with SQL's NULL rules (no match and a NULL in
// the list gives NULL). List items are coerced to X's type.
type In struct {
	X      Expr
	List   []Expr
	Negate bool
	P      int
}

// Like is X [NOT] LIKE Pattern [ESCAPE Escape]; Pattern and Escape are
// usually literals, compiled once.
type Like struct {
	X, Pattern Expr
	Escape     Expr // nil: no escape character
	Negate     bool
	P          int
}

// When is one WHEN … THEN … arm of a Case.
type When struct {
	Cond, Result Expr
}

// Case is a searched CASE (simple CASE, if, nullif bind to it too). Results
// are coerced to T; Else is nil for ELSE NULL.
type Case struct {
	Whens []When
	Else  Expr
	T     Type
	P     int
}

// Coalesce returns its first non-NULL argument.
type Coalesce struct {
	Args []Expr
	T    Type
	P    int
}

// Cast converts X to To; with Try a failure gives NULL instead of an error.
type Cast struct {
	X   Expr
	To  Type
	Try bool
	P   int
}

func (e *InputRef) Type() Type { return e.T }
func (e *Literal) Type() Type  { return e.T }
func (e *FieldRef) Type() Type { return e.T }
func (e *Call) Type() Type     { return e.T }
func (e *Logic) Type() Type    { return Boolean }
func (e *Not) Type() Type      { return Boolean }
func (e *Compare) Type() Type  { return Boolean }
func (e *IsNull) Type() Type   { return Boolean }
func (e *In) Type() Type       { return Boolean }
func (e *Like) Type() Type     { return Boolean }
func (e *Case) Type() Type     { return e.T }
func (e *Coalesce) Type() Type { return e.T }
func (e *Cast) Type() Type     { return e.To }

func (e *InputRef) Pos() int { return e.P }
func (e *Literal) Pos() int  { return e.P }
func (e *FieldRef) Pos() int { return e.P }
func (e *Call) Pos() int     { return e.P }
func (e *Logic) Pos() int    { return e.P }
func (e *Not) Pos() int      { return e.P }
func (e *Compare) Pos() int  { return e.P }
func (e *IsNull) Pos() int   { return e.P }
func (e *In) Pos() int       { return e.P }
func (e *Like) Pos() int     { return e.P }
func (e *Case) Pos() int     { return e.P }
func (e *Coalesce) Pos() int { return e.P }
func (e *Cast) Pos() int     { return e.P }

func (*InputRef) exprNode() {}
func (*Literal) exprNode()  {}
func (*FieldRef) exprNode() {}
func (*Call) exprNode()     {}
func (*Logic) exprNode()    {}
func (*Not) exprNode()      {}
func (*Compare) exprNode()  {}
func (*IsNull) exprNode()   {}
func (*In) exprNode()       {}
func (*Like) exprNode()     {}
func (*Case) exprNode()     {}
func (*Coalesce) exprNode() {}
func (*Cast) exprNode()     {}

func (e *InputRef) String() string { return e.Name }
func (e *FieldRef) String() string { return exprText(e) }

func (e *Literal) String() string { return FormatValue(e.V, e.T, true) }

// FormatValue renders a constant as SQL (quoted) or as Lake prints it in
// results (plain).
func FormatValue(v Value, t Type, quoted bool) string {
	if v.Null {
		return "NULL"
	}
	q := func(s string) string {
		if !quoted {
			return s
		}
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	switch t.Kind {
	case KindBoolean:
		if v.Bool {
			return "true"
		}
		return "false"
	case KindBigint:
		return strconv.FormatInt(v.Int, 10)
	case KindDouble:
		if math.IsInf(v.Float, 0) || math.IsNaN(v.Float) {
			return strconv.FormatFloat(v.Float, 'g', -1, 64)
		}
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case KindTimestamp:
		s := time.Unix(0, v.Int).UTC().Format("2006-01-02 15:04:05.000")
		if quoted {
			return "TIMESTAMP " + q(s)
		}
		return s
	case KindDate:
		s := time.Unix(v.Int*86400, 0).UTC().Format("2006-01-02")
		if quoted {
			return "DATE " + q(s)
		}
		return s
	case KindInterval:
		if quoted {
			return "INTERVAL " + q(FormatIntervalDS(v.Int)) + " DAY TO SECOND"
		}
		return FormatIntervalDS(v.Int)
	case KindIntervalYM:
		if quoted {
			return "INTERVAL " + q(FormatIntervalYM(v.Int)) + " YEAR TO MONTH"
		}
		return FormatIntervalYM(v.Int)
	case KindTimestampTZ:
		s := FormatTimestampTZ(v.Int, t.Zone)
		if quoted {
			return "TIMESTAMP " + q(s)
		}
		return s
	case KindVarbinary:
		if quoted {
			return "X'" + fmt.Sprintf("%X", v.Str) + "'"
		}
		return FormatVarbinary(v.Str)
	case KindIPAddress, KindIPPrefix, KindUUID:
		s := v.Str
		switch t.Kind {
		case KindIPAddress:
			s = FormatIP(v.Str)
		case KindIPPrefix:
			s = FormatPrefix(v.Str)
		}
		if quoted {
			return strings.ToUpper(t.String()) + " " + q(s)
		}
		return s
	case KindJSON:
		if quoted {
			return "JSON " + q(v.Str)
		}
		return v.Str
	default:
		return q(v.Str)
	}
}

func (e *Call) String() string { return exprText(e) }

func (e *Logic) String() string { return exprText(e) }

func (e *Not) String() string     { return exprText(e) }
func (e *Compare) String() string { return exprText(e) }

func (e *IsNull) String() string { return exprText(e) }

func (e *In) String() string { return exprText(e) }

func (e *Like) String() string { return exprText(e) }

func (e *Case) String() string { return exprText(e) }

func (e *Coalesce) String() string { return exprText(e) }

func (e *Cast) String() string { return exprText(e) }

// Walk calls fn on e and, while fn returns true, on its children.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range Children(e) {
		Walk(c, fn)
	}
}

// Children lists an expression's direct sub-expressions.
func Children(e Expr) []Expr {
	switch e := e.(type) {
	case *FieldRef:
		return []Expr{e.Row}
	case *Call:
		return e.Args
	case *Logic:
		return e.Args
	case *Not:
		return []Expr{e.X}
	case *Compare:
		return []Expr{e.L, e.R}
	case *IsNull:
		return []Expr{e.X}
	case *In:
		return append([]Expr{e.X}, e.List...)
	case *Like:
		if e.Escape != nil {
			return []Expr{e.X, e.Pattern, e.Escape}
		}
		return []Expr{e.X, e.Pattern}
	case *Case:
		var out []Expr
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Result)
		}
		if e.Else != nil {
			out = append(out, e.Else)
		}
		return out
	case *Coalesce:
		return e.Args
	case *Cast:
		return []Expr{e.X}
	case *Lambda:
		return e.Captures // the body reads the lambda's own row
	case *LambdaCall:
		return e.Args
	case *Try:
		return []Expr{e.X}
	case *winRef:
		return e.exprs()
	}
	return nil
}
