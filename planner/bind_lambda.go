package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// lambdaScope is one lambda's parameters while its body is bound; parent
// is the enclosing lambda's (a nested lambda sees both).
type lambdaScope struct {
	id     int
	params []Column
	parent *lambdaScope
}

// HigherOrderFunctions are the functions that take lambdas, with Trino's
// signatures; the binder types them (their result depends on the lambdas)
// and exec evaluates them over flattened elements.
var HigherOrderFunctions = map[string]string{
	"transform":        "(array(T), T -> U) → array(U)",
	"filter":           "(array(T), T -> boolean) → array(T)",
	"reduce":           "(array(T), S, (S, T) -> S, S -> R) → R",
	"any_match":        "(array(T), T -> boolean) → boolean",
	"all_match":        "(array(T), T -> boolean) → boolean",
	"none_match":       "(array(T), T -> boolean) → boolean",
	"zip_with":         "(array(T), array(U), (T, U) -> R) → array(R)",
	"transform_keys":   "(map(K, V), (K, V) -> K2) → map(K2, V)",
	"transform_values": "(map(K, V), (K, V) -> V2) → map(K, V2)",
	"map_filter":       "(map(K, V), (K, V) -> boolean) → map(K, V)",
	"array_sort":       "(array(T), (T, T) -> bigint) → array(T)",
}

// resolveLambdaVar resolves a name that starts with a lambda parameter
// (innermost lambda first), with struct fields after it: r.type.
func (b *binder) resolveLambdaVar(sc *scope, ref *sql.ColumnRef) (Expr, bool, error) {
	for ls := sc.lambdas; ls != nil; ls = ls.parent {
		for i, p := range ls.params {
			if !strings.EqualFold(p.Name, ref.Parts[0]) {
				continue
			}
			var e Expr = &LambdaVar{ID: ls.id, Index: i, Name: p.Name, T: p.T, P: ref.Pos}
			for k := 1; k < len(ref.Parts); k++ {
				fe, err := b.field(e, ref.Parts[k], ref.PartPos[k])
				if err != nil {
					return nil, true, err
				}
				e = fe
			}
			return e, true, nil
		}
	}
	return nil, false, nil
}

// lambdaCall binds a call of a higher-order function.
func (b *binder) lambdaCall(sc *scope, e *sql.FuncCall, name string, aggs *aggCollector) (Expr, error) {
	sig, ok := HigherOrderFunctions[name]
	if !ok {
		if !b.isFunction(name) { // a typo of transform is not "does not take a lambda"
			return nil, b.errorf(e.Pos, ErrUnknownFunction, "unknown function %s%s", name, b.suggestFunction(name))
		}
		for _, a := range e.Args {
			if l, isLambda := a.(*sql.Lambda); isLambda {
				return nil, b.errorf(l.Pos, ErrType, "%s does not take a lambda expression", e.Name)
			}
		}
	}
	if e.Distinct || e.Star || e.Filter != nil || len(e.OrderBy) > 0 {
		return nil, b.errorf(e.Pos, ErrType, "%s is not an aggregate function", e.Name)
	}
	// Values first: the lambdas' parameter types follow from them.
	args := make([]Expr, len(e.Args))
	for i, a := range e.Args {
		if _, isLambda := a.(*sql.Lambda); isLambda {
			continue
		}
		x, err := b.expr(sc, a, aggs)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	params := hofParams(sig)
	got := make([]string, len(e.Args))
	for i := range e.Args {
		if args[i] != nil {
			got[i] = args[i].Type().String()
		} else {
			got[i] = "lambda"
		}
	}
	// bad blames argument i for not being what params[i] says.
	bad := func(i int) error {
		g := got[i]
		if args[i] == nil {
			g = "a lambda expression"
		}
		want := params[i]
		if strings.Contains(want, "->") {
			want = "a lambda " + want
		}
		return b.errorf(e.Args[i].Position(), ErrType, "argument %d of %s must be %s, not %s", i+1, name, want, g)
	}
	if len(e.Args) != len(params) {
		return nil, b.errorf(e.Pos, ErrType, "%s takes %d arguments, not %d: %s expects %s, got (%s)",
			name, len(params), len(e.Args), name, strings.SplitN(sig, " →", 2)[0], strings.Join(got, ", "))
	}
	for i := range params {
		if isLambda := args[i] == nil; isLambda != strings.Contains(params[i], "->") {
			return nil, bad(i)
		}
	}
	lam := func(i int, types ...Type) (*Lambda, error) {
		return b.bindLambda(sc, e.Args[i].(*sql.Lambda), name, i, types)
	}
	switch name {
	case "transform", "filter", "any_match", "all_match", "none_match", "array_sort":
		arr, err := b.arrayArg(args[0])
		if err != nil {
			return nil, bad(0)
		}
		args[0] = arr
		elem := *arr.Type().Elem
		params := []Type{elem}
		if name == "array_sort" {
			params = []Type{elem, elem}
		}
		l, err := lam(1, params...)
		if err != nil {
			return nil, err
		}
		args[1] = l
		var t Type
		switch name {
		case "transform":
			t = ArrayOf(l.Body.Type())
		case "filter":
			t, err = arr.Type(), b.coerceBody(name, 1, l, Boolean)
		case "array_sort":
			if !elem.Orderable() && elem.Kind != KindUnknown {
				return nil, b.errorf(args[0].Pos(), ErrType, "argument 1 of array_sort: cannot order values of type %s", elem)
			}
			t, err = arr.Type(), b.coerceBody(name, 1, l, Bigint)
		default:
			t, err = Boolean, b.coerceBody(name, 1, l, Boolean)
		}
		if err != nil {
			return nil, err
		}
		return &LambdaCall{Name: name, Args: args, T: t, P: e.Pos}, nil
	case "zip_with":
		a1, err1 := b.arrayArg(args[0])
		a2, err2 := b.arrayArg(args[1])
		if err1 != nil {
			return nil, bad(0)
		}
		if err2 != nil {
			return nil, bad(1)
		}
		args[0], args[1] = a1, a2
		l, err := lam(2, *a1.Type().Elem, *a2.Type().Elem)
		if err != nil {
			return nil, err
		}
		args[2] = l
		return &LambdaCall{Name: name, Args: args, T: ArrayOf(l.Body.Type()), P: e.Pos}, nil
	case "transform_keys", "transform_values", "map_filter":
		m, err := b.mapArg(args[0])
		if err != nil {
			return nil, bad(0)
		}
		args[0] = m
		mt := m.Type()
		l, err := lam(1, *mt.Key, *mt.Value)
		if err != nil {
			return nil, err
		}
		args[1] = l
		var t Type
		switch name {
		case "transform_keys":
			t = MapOf(l.Body.Type(), *mt.Value)
			if l.Body.Type().Kind == KindUnknown {
				return nil, b.errorf(l.P, ErrType, "transform_keys: map keys cannot be NULL")
			}
		case "transform_values":
			t = MapOf(*mt.Key, l.Body.Type())
		default:
			t, err = mt, b.coerceBody(name, 1, l, Boolean)
		}
		if err != nil {
			return nil, err
		}
		return &LambdaCall{Name: name, Args: args, T: t, P: e.Pos}, nil
	case "reduce":
		arr, err := b.arrayArg(args[0])
		if err != nil {
			return nil, bad(0)
		}
		args[0] = arr
		elem := *arr.Type().Elem
		state := args[1].Type()
		in, err := lam(2, state, elem)
		if err != nil {
			return nil, err
		}
		if bt := in.Body.Type(); !bt.Equal(state) {
			// The state's type is the wider of the initial value's and
			// the step's result (reduce(a, 0, (s, x) -> s + x * 0.5, …)).
			t, err := b.commonType([]Expr{args[1], in.Body}, in.Body.Pos())
			if err != nil {
				return nil, b.errorf(in.Body.Pos(), ErrType, "the lambda of reduce (argument 3) returns %s, but the state (argument 2) is %s", bt, state)
			}
			state = t
			if in, err = lam(2, state, elem); err != nil {
				return nil, err
			}
			if err := b.coerceBody(name, 2, in, state); err != nil {
				return nil, err
			}
			if args[1], err = b.coerce(args[1], state, args[1].Pos()); err != nil {
				return nil, err
			}
		}
		out, err := lam(3, state)
		if err != nil {
			return nil, err
		}
		args[2], args[3] = in, out
		return &LambdaCall{Name: name, Args: args, T: out.Body.Type(), P: e.Pos}, nil
	}
	return nil, b.errorf(e.Pos, ErrType, "%s is not a higher-order function", name)
}

// hofParams splits a HigherOrderFunctions signature into its parameters:
// "(array(T), S, (S, T) -> S, S -> R) → R" gives array(T), S,
// (S, T) -> S and S -> R.
func hofParams(sig string) []string {
	inner := strings.SplitN(sig, " →", 2)[0]
	inner = inner[1 : len(inner)-1]
	var out []string
	depth, start := 0, 0
	for i, r := range inner {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(inner[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(inner[start:]))
}

// arrayArg accepts an array argument (a NULL literal counts as an empty
// array of unknown).
func (b *binder) arrayArg(x Expr) (Expr, error) {
	switch x.Type().Kind {
	case KindArray:
		return x, nil
	case KindUnknown:
		return b.coerce(x, ArrayOf(Unknown), x.Pos())
	}
	return nil, fmt.Errorf("not an array")
}

func (b *binder) mapArg(x Expr) (Expr, error) {
	switch x.Type().Kind {
	case KindMap:
		return x, nil
	case KindUnknown:
		return b.coerce(x, MapOf(Unknown, Unknown), x.Pos())
	}
	return nil, fmt.Errorf("not a map")
}

// coerceBody converts a lambda's body to t (a predicate to boolean); the
// lambda is argument arg (0-based) of fn.
func (b *binder) coerceBody(fn string, arg int, l *Lambda, t Type) error {
	body, err := b.coerce(l.Body, t, l.Body.Pos())
	if err != nil {
		return b.errorf(l.Body.Pos(), ErrType, "the lambda of %s (argument %d) must return %s, not %s", fn, arg+1, t, l.Body.Type())
	}
	l.Body = body
	return nil
}

// bindLambda binds a lambda whose parameters have the given types, then
// turns every reference to something outside it into a capture. It is
// argument arg (0-based) of fn.
func (b *binder) bindLambda(sc *scope, l *sql.Lambda, fn string, arg int, types []Type) (*Lambda, error) {
	if len(l.Params) != len(types) {
		return nil, b.errorf(l.Pos, ErrType, "the lambda of %s (argument %d) takes %d parameter%s, not %d", fn, arg+1, len(types), plural(len(types)), len(l.Params))
	}
	b.lambdaIDs++
	ls := &lambdaScope{id: b.lambdaIDs, parent: sc.lambdas}
	for i, p := range l.Params {
		ls.params = append(ls.params, Column{Name: p.Name, T: types[i]})
	}
	inner := *sc
	inner.lambdas = ls
	inner.subs, inner.where = nil, "a lambda expression"
	body, err := b.expr(&inner, l.Body, nil)
	if err != nil {
		return nil, err
	}
	out := &Lambda{Params: ls.params, P: l.Pos}
	index := map[string]int{}
	var conv func(e Expr) (Expr, error)
	capture := func(e Expr) Expr {
		k := captureKey(e)
		i, ok := index[k]
		if !ok {
			i = len(out.Captures)
			index[k] = i
			out.Captures = append(out.Captures, e)
		}
		return &InputRef{Index: len(ls.params) + i, Name: e.String(), T: e.Type(), P: e.Pos()}
	}
	conv = func(e Expr) (Expr, error) {
		switch x := e.(type) {
		case *LambdaVar:
			if x.ID == ls.id {
				return &InputRef{Index: x.Index, Name: x.Name, T: x.T, P: x.P}, nil
			}
			return capture(x), nil
		case *InputRef, *aggRef, *OuterRef:
			return capture(x), nil
		case *FieldRef:
			if root := fieldRoot(x); root != nil {
				if v, own := root.(*LambdaVar); !own || v.ID != ls.id {
					return capture(x), nil // an outer column's field: one capture, narrow scans
				}
			}
		}
		return mapChildren(e, conv)
	}
	if out.Body, err = conv(body); err != nil {
		return nil, err
	}
	return out, nil
}

// fieldRoot returns the InputRef or LambdaVar under a FieldRef chain.
func fieldRoot(e Expr) Expr {
	for {
		switch x := e.(type) {
		case *FieldRef:
			e = x.Row
		case *InputRef, *LambdaVar:
			return x
		default:
			return nil
		}
	}
}

// captureKey identifies a captured value: the same outer column (or
// field) captured twice is one capture.
func captureKey(e Expr) string {
	switch x := e.(type) {
	case *InputRef:
		return "#" + strconv.Itoa(x.Index)
	case *OuterRef:
		return "^" + strconv.Itoa(x.Index)
	case *LambdaVar:
		return "λ" + strconv.Itoa(x.ID) + "." + strconv.Itoa(x.Index)
	case *FieldRef:
		return captureKey(x.Row) + "." + x.Name
	case *aggRef:
		return "agg" + strconv.Itoa(x.idx)
	}
	return fmt.Sprintf("%p", e)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
