package planner

import (
	"github.com/ctlake/ctlake/sql"
)

// JSON function modes: the clauses of json_exists, json_value and
// json_query travel to the kernels as one constant bigint argument.
const (
	JSONModeEmptyShift   = 0  // sql.JSONBehavior of ON EMPTY (4 bits)
	JSONModeErrorShift   = 4  // sql.JSONBehavior of ON ERROR (4 bits)
	JSONModeWrapperShift = 8  // sql.JSONWrapper (2 bits)
	JSONModeOmitQuotes   = 10 // bit: OMIT QUOTES
)

// jsonCall binds json_exists(input, 'path' …), json_value(…) and
// json_query(…): Trino's SQL/JSON path functions. The kernels get
// (input, path, mode) and, for json_value, the ON EMPTY and ON ERROR
// default values, typed by RETURNING.
func (b *binder) jsonCall(sc *scope, e *sql.FuncCall, name string, aggs *aggCollector) (Expr, error) {
	jc := e.JSON
	if jc == nil || len(e.Args) != 2 {
		return nil, b.errorf(e.Pos, ErrType, "%s takes (json, 'path' …)", name)
	}
	in, err := b.expr(sc, e.Args[0], aggs)
	if err != nil {
		return nil, err
	}
	if k := in.Type().Kind; k != KindVarchar && k != KindJSON && k != KindUnknown {
		return nil, b.errorf(in.Pos(), ErrType, "%s reads JSON text (varchar or json), not %s", name, in.Type())
	}
	path, err := b.expr(sc, e.Args[1], aggs)
	if err != nil {
		return nil, err
	}
	allowed := map[string][]sql.JSONBehavior{
		"json_exists": {sql.JSONTrue, sql.JSONFalse, sql.JSONUnknown, sql.JSONError},
		"json_value":  {sql.JSONNull, sql.JSONError, sql.JSONDefaultValue},
		"json_query":  {sql.JSONNull, sql.JSONError, sql.JSONEmptyArray, sql.JSONEmptyObject},
	}[name]
	check := func(bh sql.JSONBehavior, on string) error {
		if bh == sql.JSONDefault {
			return nil
		}
		for _, a := range allowed {
			if a == bh {
				return nil
			}
		}
		return b.errorf(e.Pos, ErrType, "%s does not allow this ON %s behavior", name, on)
	}
	if name == "json_exists" && jc.OnEmpty != sql.JSONDefault {
		return nil, b.errorf(e.Pos, ErrType, "json_exists has no ON EMPTY clause")
	}
	if err := check(jc.OnEmpty, "EMPTY"); err != nil {
		return nil, err
	}
	if err := check(jc.OnError, "ERROR"); err != nil {
		return nil, err
	}
	if name != "json_query" && (jc.Wrapper != sql.WrapperNone || jc.OmitQuotes) {
		return nil, b.errorf(e.Pos, ErrType, "only json_query takes WRAPPER and QUOTES clauses")
	}
	if jc.OmitQuotes && jc.Wrapper != sql.WrapperNone {
		return nil, b.errorf(e.Pos, ErrType, "json_query: OMIT QUOTES cannot be used with WITH WRAPPER")
	}
	if name == "json_exists" && jc.Returning != nil {
		return nil, b.errorf(jc.Returning.Pos, ErrType, "json_exists has no RETURNING clause")
	}
	mode := int64(jc.OnEmpty)<<JSONModeEmptyShift | int64(jc.OnError)<<JSONModeErrorShift | int64(jc.Wrapper)<<JSONModeWrapperShift
	if jc.OmitQuotes {
		mode |= 1 << JSONModeOmitQuotes
	}
	args := []Expr{in, path, &Literal{V: Value{Int: mode}, T: Bigint, P: e.Pos}}
	ret := Varchar
	if jc.Returning != nil {
		if ret, err = b.sqlType(jc.Returning); err != nil {
			return nil, err
		}
		switch {
		case name == "json_query" && !ret.IsStringLike():
			return nil, b.errorf(jc.Returning.Pos, ErrType, "json_query returns varchar or json, not %s", ret)
		case name == "json_value" && (ret.Kind == KindArray || ret.Kind == KindMap || ret.Kind == KindRow || ret.Kind == KindJSON):
			return nil, b.errorf(jc.Returning.Pos, ErrType, "json_value returns a scalar type, not %s", ret)
		}
	}
	if name == "json_value" {
		for _, d := range []sql.Expr{jc.EmptyDefault, jc.ErrorDefault} {
			var x Expr = &Literal{V: Value{Null: true}, T: ret, P: e.Pos}
			if d != nil {
				if x, err = b.expr(sc, d, aggs); err != nil {
					return nil, err
				}
				if x, err = b.coerceOrCast(x, ret); err != nil {
					return nil, err
				}
			}
			args = append(args, x)
		}
	}
	call, err := b.scalarCall(name, args, e.Pos)
	if err != nil {
		return nil, err
	}
	if name == "json_query" && ret.Kind == KindJSON {
		return &Cast{X: call, To: JSON, P: e.Pos}, nil
	}
	return call, nil
}

// coerceOrCast converts x to t implicitly where allowed, else with an
// explicit CAST (a DEFAULT value is cast to the RETURNING type, as Trino
// does).
func (b *binder) coerceOrCast(x Expr, t Type) (Expr, error) {
	if c, err := b.coerce(x, t, x.Pos()); err == nil {
		return c, nil
	}
	return &Cast{X: x, To: t, P: x.Pos()}, nil
}
