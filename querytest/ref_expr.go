package querytest

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// evalExpr evaluates a bound expression over one boxed input row. Special
// forms (comparisons, three-valued logic, IN, LIKE, CASE, coalesce, casts of
// scalars) are implemented here from their SQL definitions; function calls
// run the fn kernel on one-row arrays.
func (r *Reference) evalExpr(e planner.Expr, row []any) (any, error) {
	switch e := e.(type) {
	case *planner.InputRef:
		return row[e.Index], nil
	case *planner.Literal:
		return literal(e.V, e.T), nil
	case *planner.FieldRef:
		v, err := r.evalExpr(e.Row, row)
		if err != nil || v == nil {
			return nil, err
		}
		i, _, ok := e.Row.Type().Field(e.Name)
		if !ok {
			return nil, fmt.Errorf("reference: no field %s in %s", e.Name, e.Row.Type())
		}
		return v.(RowVal)[i], nil
	case *planner.Call:
		return r.call(e, row)
	case *planner.Logic:
		return r.logic(e, row)
	case *planner.Not:
		v, err := r.evalExpr(e.X, row)
		if err != nil || v == nil {
			return nil, err
		}
		return !v.(bool), nil
	case *planner.Compare:
		return r.compare(e, row)
	case *planner.IsNull:
		v, err := r.evalExpr(e.X, row)
		if err != nil {
			return nil, err
		}
		return (v == nil) != e.Negate, nil
	case *planner.In:
		return r.in(e, row)
	case *planner.Like:
		return r.like(e, row)
	case *planner.Case:
		for _, w := range e.Whens {
			c, err := r.evalExpr(w.Cond, row)
			if err != nil {
				return nil, err
			}
			if c == true {
				return r.evalExpr(w.Result, row)
			}
		}
		if e.Else == nil {
			return nil, nil
		}
		return r.evalExpr(e.Else, row)
	case *planner.Coalesce:
		for _, a := range e.Args {
			v, err := r.evalExpr(a, row)
			if err != nil || v != nil {
				return v, err
			}
		}
		return nil, nil
	case *planner.LambdaCall:
		return r.lambdaCall(e, row)
	case *planner.Try:
		v, err := r.evalExpr(e.X, row)
		if err != nil {
			return nil, nil
		}
		return v, nil
	case *planner.Cast:
		v, err := r.evalExpr(e.X, row)
		if err != nil {
			return nil, err
		}
		out, err := r.cast(v, e.X.Type(), e.To)
		if err != nil && e.Try {
			return nil, nil
		}
		return out, err
	}
	return nil, fmt.Errorf("reference: unsupported expression %T", e)
}

// literal boxes a constant by its type.
func literal(v planner.Value, t planner.Type) any {
	if v.Null {
		return nil
	}
	switch t.Kind {
	case planner.KindUnknown:
		return nil
	case planner.KindBoolean:
		return v.Bool
	case planner.KindDouble:
		return v.Float
	case planner.KindVarchar, planner.KindJSON, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix, planner.KindUUID:
		return v.Str
	}
	return v.Int
}

// call runs a scalar function's kernel on one row.
func (r *Reference) call(e *planner.Call, row []any) (any, error) {
	s, ok := e.Fn.(*fn.Scalar)
	if !ok {
		return nil, fmt.Errorf("reference: %s is not an fn.Scalar", e.Name)
	}
	args := make([]fn.Vec, len(e.Args))
	for i, a := range e.Args {
		v, err := r.evalExpr(a, row)
		if err != nil {
			return nil, err
		}
		args[i] = fn.Vec{Arr: ToArrow(v, s.Ps[i])}
	}
	out, err := s.Kernel(&fn.Context{Mem: memory.DefaultAllocator, Now: r.Now}, args, 1)
	if err != nil {
		return nil, err
	}
	defer out.Release()
	return FromArrow(out, 0, e.T), nil
}

// logic is AND/OR with SQL's three-valued logic, evaluated left to right
// and stopping at the first deciding value (as Trino and the engine do).
func (r *Reference) logic(e *planner.Logic, row []any) (any, error) {
	decide := !e.Or // AND stops at FALSE, OR at TRUE
	sawNull := false
	for _, a := range e.Args {
		v, err := r.evalExpr(a, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			sawNull = true
			continue
		}
		if v.(bool) != decide {
			return !decide, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return decide, nil
}

func (r *Reference) compare(e *planner.Compare, row []any) (any, error) {
	l, err := r.evalExpr(e.L, row)
	if err != nil {
		return nil, err
	}
	rv, err := r.evalExpr(e.R, row)
	if err != nil {
		return nil, err
	}
	t := e.L.Type()
	if t.Kind == planner.KindUnknown {
		t = e.R.Type()
	}
	switch e.Op {
	case planner.OpIsDistinct, planner.OpIsNotDistinct:
		var same bool
		switch {
		case l == nil || rv == nil:
			same = l == nil && rv == nil
		default:
			same = Compare(l, rv, t) == 0
		}
		return same == (e.Op == planner.OpIsNotDistinct), nil
	}
	if l == nil || rv == nil {
		return nil, nil
	}
	if isNaN(l) || isNaN(rv) {
		// IEEE 754, as Trino: NaN is unequal to everything, itself included,
		// and neither below nor above anything.
		return e.Op == planner.OpNe, nil
	}
	c := Compare(l, rv, t)
	switch e.Op {
	case planner.OpEq:
		return c == 0, nil
	case planner.OpNe:
		return c != 0, nil
	case planner.OpLt:
		return c < 0, nil
	case planner.OpLe:
		return c <= 0, nil
	case planner.OpGt:
		return c > 0, nil
	}
	return c >= 0, nil
}

func (r *Reference) in(e *planner.In, row []any) (any, error) {
	x, err := r.evalExpr(e.X, row)
	if err != nil || x == nil {
		return nil, err
	}
	sawNull := false
	for _, it := range e.List {
		v, err := r.evalExpr(it, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			sawNull = true
			continue
		}
		if !isNaN(x) && !isNaN(v) && Compare(x, v, e.X.Type()) == 0 {
			return !e.Negate, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return e.Negate, nil
}

func (r *Reference) like(e *planner.Like, row []any) (any, error) {
	x, err := r.evalExpr(e.X, row)
	if err != nil {
		return nil, err
	}
	p, err := r.evalExpr(e.Pattern, row)
	if err != nil {
		return nil, err
	}
	var esc any = ""
	if e.Escape != nil {
		if esc, err = r.evalExpr(e.Escape, row); err != nil {
			return nil, err
		}
	}
	if x == nil || p == nil || esc == nil {
		return nil, nil
	}
	re, err := likeRegexp(p.(string), esc.(string))
	if err != nil {
		return nil, err
	}
	return re.MatchString(x.(string)) != e.Negate, nil
}

// likeRegexp translates a LIKE pattern to an anchored regexp: % is any
// run of characters, _ one character, the escape character quotes the next.
func likeRegexp(pattern, escape string) (*regexp.Regexp, error) {
	var esc rune = -1
	if escape != "" {
		rs := []rune(escape)
		if len(rs) != 1 {
			return nil, fmt.Errorf("Escape string must be a single character")
		}
		esc = rs[0]
	}
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == esc:
			if i+1 >= len(rs) || (rs[i+1] != '%' && rs[i+1] != '_' && rs[i+1] != esc) {
				return nil, fmt.Errorf("Escape character must be followed by '%%', '_' or the escape character")
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`\z`)
	return regexp.Compile(b.String())
}

func isNaN(v any) bool {
	f, ok := v.(float64)
	return ok && math.IsNaN(f)
}
