package planner

import (
	"errors"
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// call binds a function call: the special forms with their own NULL rules
// (coalesce, if, nullif), aggregates, and scalar functions from the catalog.
func (b *binder) call(sc *scope, e *sql.FuncCall, aggs *aggCollector) (Expr, error) {
	name := strings.ToLower(e.Name)
	if e.Over != nil {
		return b.windowCall(sc, e, aggs)
	}
	if IsWindowFunction(name) {
		return nil, b.errorf(e.Pos, ErrType, "%s is a window function: it needs OVER (…), e.g. %s() OVER (ORDER BY eventTime)", e.Name, name)
	}
	if x, ok, err := b.specialCall(sc, e, name, aggs); ok {
		return x, err
	}
	if b.opts.Functions.IsAggregate(name) {
		return b.aggregate(sc, e, name, aggs)
	}
	if e.Distinct || e.Star {
		return nil, b.errorf(e.Pos, ErrType, "%s is not an aggregate function", e.Name)
	}
	args := make([]Expr, len(e.Args))
	for i, a := range e.Args {
		x, err := b.expr(sc, a, aggs)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	switch name {
	case "coalesce":
		if len(args) == 0 {
			return nil, b.errorf(e.Pos, ErrType, "coalesce needs at least one argument")
		}
		t, err := b.commonType(args, e.Pos)
		if err != nil {
			return nil, err
		}
		for i := range args {
			if args[i], err = b.coerce(args[i], t, args[i].Pos()); err != nil {
				return nil, err
			}
		}
		return &Coalesce{Args: args, T: t, P: e.Pos}, nil
	case "if":
		if len(args) < 2 || len(args) > 3 {
			return nil, b.errorf(e.Pos, ErrType, "if takes (condition, value[, else value])")
		}
		cond, err := b.coerce(args[0], Boolean, args[0].Pos())
		if err != nil {
			return nil, err
		}
		c := &Case{Whens: []When{{Cond: cond, Result: args[1]}}, P: e.Pos}
		results := []Expr{args[1]}
		if len(args) == 3 {
			c.Else = args[2]
			results = append(results, args[2])
		}
		return b.finishCase(c, results)
	case "nullif":
		if len(args) != 2 {
			return nil, b.errorf(e.Pos, ErrType, "nullif takes two arguments")
		}
		eq, err := b.compare(OpEq, args[0], args[1], e.Pos)
		if err != nil {
			return nil, err
		}
		t := args[0].Type()
		return &Case{Whens: []When{{Cond: eq, Result: &Literal{V: Value{Null: true}, T: t, P: e.Pos}}}, Else: args[0], T: t, P: e.Pos}, nil
	}
	return b.scalarCall(name, args, e.Pos)
}

// scalarCall resolves a scalar function (or operator) and casts its
// arguments to the overload's parameters.
func (b *binder) scalarCall(name string, args []Expr, pos int) (Expr, error) {
	types := make([]Type, len(args))
	for i, a := range args {
		types[i] = a.Type()
	}
	fn, err := b.opts.Functions.Scalar(name, types)
	if err != nil {
		if !b.knownFunction(name) {
			return nil, b.errorf(pos, ErrUnknownFunction, "unknown function %s%s", name, b.suggestFunction(name))
		}
		return nil, b.errorf(argPos(err, args, pos), ErrType, "%v", err)
	}
	if args, err = b.castArgs(args, fn.Params()); err != nil {
		return nil, err
	}
	return &Call{Name: fn.Name(), Fn: fn, Args: args, T: fn.Return(), P: pos}, nil
}

// argPos is where a resolution error points: at the argument an
// *ArgError blames, else at the call.
func argPos(err error, args []Expr, pos int) int {
	var ae *ArgError
	if errors.As(err, &ae) && ae.Arg >= 0 && ae.Arg < len(args) && args[ae.Arg] != nil {
		return args[ae.Arg].Pos()
	}
	return pos
}

func (b *binder) knownFunction(name string) bool {
	for _, n := range b.opts.Functions.Names() {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// castArgs coerces arguments to parameter types; a shorter parameter list
// means the last parameter repeats (variadic functions).
func (b *binder) castArgs(args []Expr, params []Type) ([]Expr, error) {
	out := make([]Expr, len(args))
	for i, a := range args {
		if len(params) == 0 {
			out[i] = a
			continue
		}
		p := params[min(i, len(params)-1)]
		c, err := b.coerce(a, p, a.Pos())
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// aggregate binds an aggregate call: its arguments are bound in the input
// scope (no nested aggregates), and the call is registered with aggs.
func (b *binder) aggregate(sc *scope, e *sql.FuncCall, name string, aggs *aggCollector) (Expr, error) {
	if aggs == nil {
		return nil, b.errorf(e.Pos, ErrType, "aggregate function %s is not allowed here", e.Name)
	}
	// Subqueries in the arguments join the rows before they are
	// aggregated (count_if(x IN (SELECT …))).
	subs, where := sc.subs, sc.where
	sc.subs, sc.where = sc.aggSubs, "the arguments of an aggregate"
	defer func() { sc.subs, sc.where = subs, where }()
	var args []Expr
	for _, a := range e.Args {
		x, err := b.expr(sc, a, nil)
		if err != nil {
			return nil, err
		}
		args = append(args, x)
	}
	if e.Star && name != "count" {
		return nil, b.errorf(e.Pos, ErrType, "%s(*) is not a function; only count(*) is", e.Name)
	}
	if name == "listagg" {
		var err error
		if args, err = b.listaggArgs(e, args); err != nil {
			return nil, err
		}
	} else if e.Overflow != nil {
		return nil, b.errorf(e.Overflow.Pos, ErrType, "ON OVERFLOW belongs to listagg, not %s", e.Name)
	}
	if e.WithinGroup && name != "listagg" && name != "array_agg" {
		return nil, b.errorf(e.Pos, ErrType, "WITHIN GROUP is only allowed with listagg")
	}
	types := make([]Type, len(args))
	for i, a := range args {
		types[i] = a.Type()
	}
	fn, err := b.opts.Functions.Aggregate(name, types, e.Distinct)
	if err != nil {
		return nil, b.errorf(argPos(err, args, e.Pos), ErrType, "%v", err)
	}
	if args, err = b.castArgs(args, fn.Params()); err != nil {
		return nil, err
	}
	call := AggCall{Fn: fn, Name: fn.Name(), Args: args, Distinct: e.Distinct, T: fn.Return(), P: e.Pos}
	if err := b.aggClauses(sc, e, &call); err != nil {
		return nil, err
	}
	call.Label = aggLabel(fn.Name(), args, e.Distinct, e.Star) + clauseLabel(&call)
	return aggs.add(call), nil
}

func aggLabel(name string, args []Expr, distinct, star bool) string {
	if star {
		return name + "(*)"
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.String()
	}
	d := ""
	if distinct {
		d = "DISTINCT "
	}
	return name + "(" + d + strings.Join(parts, ", ") + ")"
}

// coerce converts e to type t where the dialect allows it implicitly:
// NULL to anything, bigint to double, varchar literals and columns to
// timestamps and dates (CloudTrail Lake compares eventTime with strings),
// dates to timestamps, json to varchar.
func (b *binder) coerce(e Expr, t Type, pos int) (Expr, error) {
	from := e.Type()
	if from.Equal(t) {
		return e, nil
	}
	if from.Kind == KindUnknown {
		if lit, ok := e.(*Literal); ok {
			return &Literal{V: lit.V, T: t, P: lit.P}, nil
		}
		return &Cast{X: e, To: t, P: e.Pos()}, nil
	}
	ok := false
	switch {
	case from.Kind == KindBigint && t.Kind == KindDouble:
		ok = true
	case from.Kind == KindVarchar && (t.Kind == KindTimestamp || t.Kind == KindDate || t.Kind == KindJSON):
		ok = true
	case from.Kind == KindDate && t.Kind == KindTimestamp:
		ok = true
	case from.Kind == KindJSON && t.Kind == KindVarchar:
		ok = true
	case t.Kind == KindTimestampTZ && (from.IsTimestamp() || from.Kind == KindDate || from.Kind == KindVarchar):
		// A timestamp is read in the session zone (UTC); another zone
		// keeps the instant.
		ok = true
	case (from.Kind == KindArray || from.Kind == KindMap) && from.Kind == t.Kind:
		ok = elementsCoerce(from, t)
	}
	if !ok {
		return nil, b.errorf(pos, ErrType, "expected %s, got %s: %s", t, from, e.String())
	}
	return &Cast{X: e, To: t, P: e.Pos()}, nil
}

// compareType is the type two compared values are converted to.
func (b *binder) compareType(l, r Expr, pos int) (Type, error) {
	lt, rt := l.Type(), r.Type()
	switch {
	case lt.Equal(rt):
		return lt, nil
	case lt.Kind == KindUnknown:
		return rt, nil
	case rt.Kind == KindUnknown:
		return lt, nil
	case lt.IsNumeric() && rt.IsNumeric():
		return Double, nil
	case lt.Kind == KindTimestampTZ && (rt.IsTimestamp() || rt.Kind == KindVarchar || rt.Kind == KindDate):
		return lt, nil
	case rt.Kind == KindTimestampTZ && (lt.IsTimestamp() || lt.Kind == KindVarchar || lt.Kind == KindDate):
		return rt, nil
	case lt.Kind == KindTimestamp && (rt.Kind == KindVarchar || rt.Kind == KindDate),
		rt.Kind == KindTimestamp && (lt.Kind == KindVarchar || lt.Kind == KindDate):
		return Timestamp, nil
	case lt.Kind == KindDate && rt.Kind == KindVarchar, rt.Kind == KindDate && lt.Kind == KindVarchar:
		return Date, nil
	case lt.IsStringLike() && rt.IsStringLike():
		return Varchar, nil
	case lt.Kind == KindBoolean && rt.Kind == KindVarchar, rt.Kind == KindBoolean && lt.Kind == KindVarchar:
		// sessionCredentialFromConsole = true: Lake's samples compare a
		// varchar column with a boolean; compare as text.
		return Varchar, nil
	}
	return Type{}, b.errorf(pos, ErrType, "cannot compare %s with %s", lt, rt)
}

// commonType is the type a list of values (CASE results, IN lists, UNION
// columns, coalesce arguments) is converted to.
func (b *binder) commonType(es []Expr, pos int) (Type, error) {
	t := Unknown
	for _, e := range es {
		et := e.Type()
		switch {
		case t.Kind == KindUnknown:
			t = et
		case et.Kind == KindUnknown || et.Equal(t):
		case t.IsNumeric() && et.IsNumeric():
			t = Double
		case t.Kind == KindTimestampTZ && (et.IsTimestamp() || et.Kind == KindDate || et.Kind == KindVarchar):
		case et.Kind == KindTimestampTZ && (t.IsTimestamp() || t.Kind == KindDate || t.Kind == KindVarchar):
			t = et
		case t.Kind == KindTimestamp && (et.Kind == KindDate || et.Kind == KindVarchar):
		case et.Kind == KindTimestamp && (t.Kind == KindDate || t.Kind == KindVarchar):
			t = Timestamp
		case t.IsStringLike() && et.IsStringLike():
			t = Varchar
		case t.Kind == et.Kind && (t.Kind == KindArray || t.Kind == KindMap) && elementsCoerce(et, t):
		case t.Kind == et.Kind && (t.Kind == KindArray || t.Kind == KindMap) && elementsCoerce(t, et):
			t = et
		default:
			return Type{}, b.errorf(e.Pos(), ErrType, "%s does not match the other values' type %s", et, t)
		}
	}
	return t, nil
}
