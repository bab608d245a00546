package querytest

import (
	"fmt"
	"sort"

	"github.com/ctlake/ctlake/planner"
)

// The reference's higher-order functions: each lambda is applied element by
// element, its body evaluated over the row [parameters…, captures…] with
// the captures evaluated on the outer row, following Trino's definitions.

// applyLambda evaluates lambda l for one element.
func (r *Reference) applyLambda(l *planner.Lambda, caps []any, params ...any) (any, error) {
	row := append(append([]any{}, params...), caps...)
	return r.evalExpr(l.Body, row)
}

// captures evaluates a lambda's captured values on the outer row.
func (r *Reference) captures(l *planner.Lambda, row []any) ([]any, error) {
	return r.evalRow(l.Captures, row)
}

func (r *Reference) lambdaCall(e *planner.LambdaCall, row []any) (any, error) {
	args := make([]any, len(e.Args))
	caps := make([][]any, len(e.Args))
	for i, a := range e.Args {
		if l, ok := a.(*planner.Lambda); ok {
			c, err := r.captures(l, row)
			if err != nil {
				return nil, err
			}
			caps[i] = c
			continue
		}
		v, err := r.evalExpr(a, row)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	lam := func(i int) *planner.Lambda { return e.Args[i].(*planner.Lambda) }
	if args[0] == nil || e.Name == "zip_with" && args[1] == nil {
		return nil, nil
	}
	switch e.Name {
	case "transform":
		out := []any{}
		for _, x := range args[0].([]any) {
			v, err := r.applyLambda(lam(1), caps[1], x)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case "filter":
		out := []any{}
		for _, x := range args[0].([]any) {
			v, err := r.applyLambda(lam(1), caps[1], x)
			if err != nil {
				return nil, err
			}
			if v == true {
				out = append(out, x)
			}
		}
		return out, nil
	case "any_match", "all_match", "none_match":
		sawTrue, sawFalse, sawNull := false, false, false
		for _, x := range args[0].([]any) {
			v, err := r.applyLambda(lam(1), caps[1], x)
			if err != nil {
				return nil, err
			}
			switch v {
			case true:
				sawTrue = true
			case false:
				sawFalse = true
			default:
				sawNull = true
			}
		}
		switch e.Name {
		case "any_match":
			if sawTrue || !sawNull {
				return sawTrue, nil
			}
		case "all_match":
			if sawFalse || !sawNull {
				return !sawFalse, nil
			}
		default:
			if sawTrue || !sawNull {
				return !sawTrue, nil
			}
		}
		return nil, nil
	case "zip_with":
		a, b := args[0].([]any), args[1].([]any)
		out := []any{}
		for k := 0; k < len(a) || k < len(b); k++ {
			var x, y any
			if k < len(a) {
				x = a[k]
			}
			if k < len(b) {
				y = b[k]
			}
			v, err := r.applyLambda(lam(2), caps[2], x, y)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case "transform_keys", "transform_values", "map_filter":
		m := args[0].(*MapVal)
		out := &MapVal{}
		for k := range m.Keys {
			v, err := r.applyLambda(lam(1), caps[1], m.Keys[k], m.Vals[k])
			if err != nil {
				return nil, err
			}
			switch e.Name {
			case "transform_keys":
				if v == nil {
					return nil, fmt.Errorf("map key cannot be null")
				}
				if _, dup := out.Get(v); dup {
					return nil, fmt.Errorf("Duplicate map keys are not allowed")
				}
				out.Keys, out.Vals = append(out.Keys, v), append(out.Vals, m.Vals[k])
			case "transform_values":
				out.Keys, out.Vals = append(out.Keys, m.Keys[k]), append(out.Vals, v)
			default:
				if v == true {
					out.Keys, out.Vals = append(out.Keys, m.Keys[k]), append(out.Vals, m.Vals[k])
				}
			}
		}
		return out, nil
	case "array_sort":
		xs := append([]any{}, args[0].([]any)...)
		var ferr error
		sort.SliceStable(xs, func(i, j int) bool {
			v, err := r.applyLambda(lam(1), caps[1], xs[i], xs[j])
			if err != nil || v == nil {
				if ferr == nil {
					ferr = fmt.Errorf("array_sort: the comparator must return -1, 0 or 1, not NULL")
				}
				return false
			}
			return v.(int64) < 0
		})
		return xs, ferr
	case "reduce":
		state := args[1]
		for _, x := range args[0].([]any) {
			v, err := r.applyLambda(lam(2), caps[2], state, x)
			if err != nil {
				return nil, err
			}
			state = v
		}
		return r.applyLambda(lam(3), caps[3], state)
	}
	return nil, fmt.Errorf("reference: unsupported higher-order function %s", e.Name)
}
