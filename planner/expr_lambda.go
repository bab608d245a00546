package planner

import "strings"

// Lambda is a bound lambda expression, an argument of a LambdaCall. Its
// Body is an expression over its own row: the parameters first (InputRef
// 0..len(Params)-1), then the captured outer values (InputRef
// len(Params)+k is Captures[k]). Captures are expressions over the
// enclosing expression's input (outer columns, struct fields of them, or an
// enclosing lambda's parameters); exec evaluates them once per outer row
// and repeats them per element with an index vector, so the body runs once
// over all elements of a batch.
//
//	any_match(resources, r -> r.type = t.x)
//	  Lambda{Params: [r], Captures: [t.x], Body: #0.type = #1}
type Lambda struct {
	Params   []Column
	Captures []Expr
	Body     Expr
	P        int
}

// LambdaVar refers to a parameter of the lambda being bound; binding
// replaces every LambdaVar by an InputRef of the lambda's row, so none is
// left in a plan.
type LambdaVar struct {
	ID    int // the lambda's identity while binding
	Index int // parameter index
	Name  string
	T     Type
	P     int
}

// LambdaCall is a call of a higher-order function (transform, filter,
// reduce, any_match, zip_with, map_filter, array_sort with a comparator,
// …): Args mixes values and *Lambda arguments. The planner knows their
// types (they depend on the lambdas), exec their evaluation.
type LambdaCall struct {
	Name string
	Args []Expr
	T    Type
	P    int
}

// Try evaluates X and gives NULL for the rows where that fails.
type Try struct {
	X Expr
	P int
}

func (e *Lambda) Type() Type     { return Unknown }
func (e *LambdaVar) Type() Type  { return e.T }
func (e *LambdaCall) Type() Type { return e.T }
func (e *Try) Type() Type        { return e.X.Type() }

func (e *Lambda) Pos() int     { return e.P }
func (e *LambdaVar) Pos() int  { return e.P }
func (e *LambdaCall) Pos() int { return e.P }
func (e *Try) Pos() int        { return e.P }

func (*Lambda) exprNode()     {}
func (*LambdaVar) exprNode()  {}
func (*LambdaCall) exprNode() {}
func (*Try) exprNode()        {}

func (e *Lambda) String() string {
	names := make([]string, len(e.Params))
	for i, p := range e.Params {
		names[i] = p.Name
	}
	head := strings.Join(names, ", ")
	if len(names) != 1 {
		head = "(" + head + ")"
	}
	return head + " -> " + e.Body.String()
}

func (e *LambdaVar) String() string { return e.Name }

func (e *LambdaCall) String() string {
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = a.String()
	}
	return e.Name + "(" + strings.Join(args, ", ") + ")"
}

func (e *Try) String() string { return "try(" + e.X.String() + ")" }

// BodySchema lists the columns a lambda's body reads: its parameters, then
// its captures.
func (e *Lambda) BodySchema() []Column {
	out := append([]Column(nil), e.Params...)
	for _, c := range e.Captures {
		out = append(out, Column{Name: c.String(), T: c.Type()})
	}
	return out
}
