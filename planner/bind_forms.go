package planner

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ctlake/ctlake/sql"
)

// formExpr binds the expression forms of sql/expr_forms.go; ok is false
// for other nodes.
func (b *binder) formExpr(sc *scope, e sql.Expr, aggs *aggCollector) (Expr, bool, error) {
	switch e := e.(type) {
	case *sql.Lambda:
		return nil, true, b.errorf(e.Pos, ErrType, "a lambda expression is only allowed as an argument of a function that takes one (%s)", strings.Join(sortedKeys(HigherOrderFunctions), ", "))
	case *sql.GroupingElement:
		return nil, true, b.errorf(e.Pos, ErrType, "ROLLUP, CUBE and GROUPING SETS are only allowed in GROUP BY")
	case *sql.ArrayCtor:
		elems := make([]Expr, len(e.Elems))
		for i, x := range e.Elems {
			v, err := b.expr(sc, x, aggs)
			if err != nil {
				return nil, true, err
			}
			elems[i] = v
		}
		t, err := b.commonType(elems, e.Pos)
		if err != nil {
			return nil, true, err
		}
		for i := range elems {
			if elems[i], err = b.coerce(elems[i], t, elems[i].Pos()); err != nil {
				return nil, true, err
			}
		}
		x, err := b.scalarCall("array_constructor", elems, e.Pos)
		return x, true, err
	case *sql.AtTimeZone:
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, true, err
		}
		zone, err := b.zoneArg(e.Zone)
		if err != nil {
			return nil, true, err
		}
		x, err = b.toTimestampish(x)
		if err != nil {
			return nil, true, err
		}
		return &Cast{X: x, To: TimestampTZ(zone), P: e.OpPos}, true, nil
	}
	return nil, false, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// zoneArg reads a constant time zone: a string naming the zone, or an
// interval offset (AT TIME ZONE INTERVAL '2' HOUR).
func (b *binder) zoneArg(z sql.Expr) (string, error) {
	switch z := z.(type) {
	case *sql.Literal:
		if z.Kind == sql.LitString {
			_, canon, err := LoadZone(z.Value)
			if err != nil {
				return "", b.errorf(z.Pos, ErrType, "%v", err)
			}
			return canon, nil
		}
	case *sql.Interval:
		iv, err := b.interval(z)
		if err != nil {
			return "", err
		}
		lit := iv.(*Literal)
		if lit.T.Kind != KindInterval || lit.V.Int%60e9 != 0 || lit.V.Int > 14*3600e9 || lit.V.Int < -14*3600e9 {
			return "", b.errorf(z.Pos, ErrType, "a time zone offset must be whole minutes between -14:00 and +14:00")
		}
		return OffsetZone(int(lit.V.Int / 1e9)), nil
	}
	return "", b.errorf(z.Position(), ErrType, "the time zone must be a constant string such as 'America/New_York' or '+02:00'")
}

// zoneArgOf is zoneArg for argument 2 of at_timezone or with_timezone,
// whose errors name the function and the argument's type.
func (b *binder) zoneArgOf(sc *scope, name string, z sql.Expr) (string, error) {
	switch lit := z.(type) {
	case *sql.Literal:
		if lit.Kind == sql.LitString {
			return b.zoneArg(z)
		}
	case *sql.Interval:
		return b.zoneArg(z)
	}
	const example = "a constant time zone such as 'America/New_York' or '+02:00'"
	x, err := b.expr(sc, z, nil)
	if err != nil || x.Type().Kind == KindVarchar {
		return "", b.errorf(z.Position(), ErrType, "argument 2 of %s must be %s", name, example)
	}
	return "", b.errorf(z.Position(), ErrType, "argument 2 of %s must be %s, not %s", name, example, x.Type())
}

// toTimestampish accepts a timestamp, a timestamp with time zone, or a
// value that coerces to a timestamp (a date or a string).
func (b *binder) toTimestampish(x Expr) (Expr, error) {
	if x.Type().IsTimestamp() {
		return x, nil
	}
	return b.coerce(x, Timestamp, x.Pos())
}

// specialCall binds the calls that are not plain catalog lookups: lambdas,
// try, grouping, the time zone functions whose result type depends on a
// constant zone, and the SQL/JSON functions with their clauses. ok is false
// for every other call.
func (b *binder) specialCall(sc *scope, e *sql.FuncCall, name string, aggs *aggCollector) (Expr, bool, error) {
	for _, a := range e.Args {
		if _, ok := a.(*sql.Lambda); ok {
			x, err := b.lambdaCall(sc, e, name, aggs)
			return x, true, err
		}
	}
	if _, ok := HigherOrderFunctions[name]; ok && name != "array_sort" {
		x, err := b.lambdaCall(sc, e, name, aggs) // reports the missing lambda
		return x, true, err
	}
	if b.opts.Functions.IsAggregate(name) {
		return nil, false, nil
	}
	if e.Filter != nil {
		return nil, true, b.errorf(e.Filter.Position(), ErrType, "FILTER is only allowed with an aggregate function, not %s", e.Name)
	}
	if len(e.OrderBy) > 0 {
		return nil, true, b.errorf(e.OrderBy[0].Pos, ErrType, "ORDER BY is only allowed in an aggregate function, not %s", e.Name)
	}
	bindArgs := func() ([]Expr, error) {
		args := make([]Expr, len(e.Args))
		for i, a := range e.Args {
			x, err := b.expr(sc, a, aggs)
			if err != nil {
				return nil, err
			}
			args[i] = x
		}
		return args, nil
	}
	switch name {
	case "try":
		if len(e.Args) != 1 {
			return nil, true, b.errorf(e.Pos, ErrType, "try takes 1 argument, not %d", len(e.Args))
		}
		args, err := bindArgs()
		if err != nil {
			return nil, true, err
		}
		return &Try{X: args[0], P: e.Pos}, true, nil
	case "grouping":
		if aggs == nil {
			return nil, true, b.errorf(e.Pos, ErrType, "grouping() is only allowed in the select list, HAVING and ORDER BY of a GROUP BY query")
		}
		if len(e.Args) == 0 {
			return nil, true, b.errorf(e.Pos, ErrType, "grouping() needs at least one GROUP BY expression")
		}
		g := &groupingCall{P: e.Pos}
		for _, a := range e.Args {
			x, err := b.expr(sc, a, nil)
			if err != nil {
				return nil, true, err
			}
			g.Args = append(g.Args, x)
		}
		aggs.grouping = true
		return g, true, nil
	case "at_timezone", "with_timezone":
		if len(e.Args) != 2 {
			return nil, true, b.errorf(e.Pos, ErrType, "%s takes 2 arguments (timestamp, zone), not %d", name, len(e.Args))
		}
		x, err := b.expr(sc, e.Args[0], aggs)
		if err != nil {
			return nil, true, err
		}
		// at_timezone takes a timestamp with time zone, to which Trino
		// coerces a plain timestamp implicitly (in the session zone, UTC).
		want := "timestamp(3) with time zone"
		if name == "with_timezone" {
			want = "timestamp(3)"
		}
		tx, err := b.toTimestampish(x)
		if err != nil || x.Type().Kind == KindVarchar || (name == "with_timezone" && tx.Type().Kind != KindTimestamp) {
			return nil, true, b.errorf(x.Pos(), ErrType, "argument 1 of %s must be %s, not %s", name, want, x.Type())
		}
		zone, err := b.zoneArgOf(sc, name, e.Args[1])
		if err != nil {
			return nil, true, err
		}
		if name == "with_timezone" {
			// The wall-clock time read in zone gives the instant.
			inst, err := b.scalarCall("with_timezone", []Expr{tx, &Literal{V: Value{Str: zone}, T: Varchar, P: e.Args[1].Position()}}, e.Pos)
			if err != nil {
				return nil, true, err
			}
			return &Cast{X: inst, To: TimestampTZ(zone), P: e.Pos}, true, nil
		}
		return &Cast{X: tx, To: TimestampTZ(zone), P: e.Pos}, true, nil
	case "json_exists", "json_value", "json_query":
		x, err := b.jsonCall(sc, e, name, aggs)
		return x, true, err
	}
	if e.JSON != nil || e.Overflow != nil {
		return nil, true, b.errorf(e.Pos, ErrType, "%s takes no such clauses", e.Name)
	}
	return nil, false, nil
}

// groupingCall is grouping(a, b, …) while the select list is bound; it
// becomes an expression over the Aggregate's set index (overAggregate).
type groupingCall struct {
	Args []Expr
	P    int
}

func (e *groupingCall) Type() Type { return Bigint }
func (e *groupingCall) Pos() int   { return e.P }
func (e *groupingCall) String() string {
	parts := make([]string, len(e.Args))
	for i, a := range e.Args {
		parts[i] = a.String()
	}
	return "grouping(" + strings.Join(parts, ", ") + ")"
}
func (*groupingCall) exprNode() {}

// suggestFunction names known functions close to name, for "did you mean".
// specialFunctionNames are the functions the binder handles itself (not
// in the catalog), for did-you-mean and for telling a typo from a misuse.
var specialFunctionNames = []string{"coalesce", "if", "nullif", "try", "grouping", "at_timezone", "with_timezone", "json_exists", "json_value", "json_query"}

// isFunction reports whether name is any function a call can name.
func (b *binder) isFunction(name string) bool {
	_, hof := HigherOrderFunctions[name]
	return hof || b.knownFunction(name) || b.opts.Functions.IsAggregate(name) || slices.Contains(specialFunctionNames, name)
}

func (b *binder) suggestFunction(name string) string {
	var best []string
	bestD := 3
	if len(name) <= 4 {
		bestD = 2
	}
	names := append(b.opts.Functions.Names(), sortedKeys(HigherOrderFunctions)...)
	names = append(names, specialFunctionNames...)
	names = append(names, sortedKeys(WindowFunctions)...)
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] || isOperatorName(n) {
			continue
		}
		seen[n] = true
		d := EditDistance(strings.ToLower(name), n)
		if strings.HasPrefix(n, strings.ToLower(name)) && len(name) >= 4 {
			d = min(d, 1)
		}
		switch {
		case d < bestD:
			best, bestD = []string{n}, d
		case d == bestD && len(best) < 3:
			best = append(best, n)
		}
	}
	if len(best) == 0 {
		return ""
	}
	sort.Strings(best)
	return " (did you mean " + strings.Join(best, ", ") + "?)"
}

// isOperatorName reports the catalog names of operators (add, subscript,
// …), which users never write as calls.
func isOperatorName(n string) bool {
	switch n {
	case "add", "subtract", "multiply", "divide", "modulus", "negate", "subscript", "array_constructor":
		return true
	}
	return false
}

// intervalRange binds INTERVAL 'v' FROM TO UNIT: '1-2' YEAR TO MONTH,
// '2 10:30:00.5' DAY TO SECOND, '10:30' HOUR TO MINUTE, …
func (b *binder) intervalRange(e *sql.Interval) (Expr, error) {
	bad := func() error {
		return b.errorf(e.Pos, ErrType, "invalid interval '%s' for %s TO %s", e.Value, e.Unit, e.To)
	}
	from, to := strings.ToUpper(e.Unit), strings.ToUpper(e.To)
	v := strings.TrimSpace(e.Value)
	neg := e.Negative
	if strings.HasPrefix(v, "-") {
		neg, v = !neg, v[1:]
	}
	if from == "YEAR" && to == "MONTH" {
		y, m, ok := strings.Cut(v, "-")
		yy, err1 := strconv.ParseInt(y, 10, 32)
		mm, err2 := strconv.ParseInt(m, 10, 32)
		if !ok || err1 != nil || err2 != nil || mm > 11 {
			return nil, bad()
		}
		months := yy*12 + mm
		if neg {
			months = -months
		}
		return &Literal{V: Value{Int: months}, T: IntervalYM, P: e.Pos}, nil
	}
	units := []string{"DAY", "HOUR", "MINUTE", "SECOND"}
	mult := []float64{86400e9, 3600e9, 60e9, 1e9}
	lo, hi := -1, -1
	for i, u := range units {
		if u == from {
			lo = i
		}
		if u == to {
			hi = i
		}
	}
	if lo < 0 || hi <= lo {
		return nil, b.errorf(e.Pos, ErrType, "interval %s TO %s is not a valid range", e.Unit, e.To)
	}
	var parts []string
	if lo == 0 {
		d, rest, ok := strings.Cut(v, " ")
		if !ok {
			return nil, bad()
		}
		parts = append([]string{d}, strings.Split(strings.TrimSpace(rest), ":")...)
	} else {
		parts = strings.Split(v, ":")
	}
	if len(parts) != hi-lo+1 {
		return nil, bad()
	}
	var ns float64
	for k, p := range parts {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f < 0 || (k < len(parts)-1 || units[lo+k] != "SECOND") && strings.Contains(p, ".") {
			return nil, bad()
		}
		ns += f * mult[lo+k]
	}
	if neg {
		ns = -ns
	}
	return &Literal{V: Value{Int: int64(math.Round(ns))}, T: Interval, P: e.Pos}, nil
}

// timestampTZLiteral reads TIMESTAMP 'YYYY-MM-DD hh:mm:ss[.fff] zone', a
// timestamp with time zone: the wall-clock time in the named zone (or
// +HH:MM offset) after the last space.
func timestampTZLiteral(e *sql.Literal) (Expr, bool) {
	v := strings.TrimSpace(e.Value)
	sp := strings.LastIndexByte(v, ' ')
	if sp < 0 || !strings.Contains(v[:sp], " ") && !strings.Contains(v[:sp], "T") {
		return nil, false
	}
	loc, canon, err := LoadZone(v[sp+1:])
	if err != nil {
		return nil, false
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v[:sp]), loc); err == nil {
			return &Literal{V: Value{Int: t.UnixNano()}, T: TimestampTZ(canon), P: e.Pos}, true
		}
	}
	return nil, false
}

// elementsCoerce reports whether an array or map of type from converts
// implicitly to to: element by element, unknown (ARRAY[], MAP()) to
// anything, bigint to double, varchar and date to timestamp.
func elementsCoerce(from, to Type) bool {
	if from.Equal(to) || from.Kind == KindUnknown {
		return true
	}
	switch {
	case from.Kind != to.Kind:
		return from.Kind == KindBigint && to.Kind == KindDouble || from.Kind == KindDate && to.Kind == KindTimestamp
	case from.Kind == KindArray:
		return elementsCoerce(*from.Elem, *to.Elem)
	case from.Kind == KindMap:
		return elementsCoerce(*from.Key, *to.Key) && elementsCoerce(*from.Value, *to.Value)
	}
	return false
}
