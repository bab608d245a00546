package fn

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/valyala/fastjson"

	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// json_exists, json_value and json_query: the binder passes (input, path,
// mode) and, for json_value, the ON EMPTY and ON ERROR default values; mode
// packs the clauses (planner.JSONMode*). Paths are compiled once per
// distinct path text per call.

type jsonMode struct {
	onEmpty, onError sql.JSONBehavior
	wrapper          sql.JSONWrapper
	omitQuotes       bool
}

func decodeMode(m int64) jsonMode {
	return jsonMode{
		onEmpty:    sql.JSONBehavior(m >> planner.JSONModeEmptyShift & 15),
		onError:    sql.JSONBehavior(m >> planner.JSONModeErrorShift & 15),
		wrapper:    sql.JSONWrapper(m >> planner.JSONModeWrapperShift & 3),
		omitQuotes: m>>planner.JSONModeOmitQuotes&1 == 1,
	}
}

// errEmpty marks a path that found nothing (ON EMPTY applies).
var errEmpty = errors.New("JSON path found no items")

// jsonSQL runs the path of row i: the items found, or an error.
type jsonSQL struct {
	parser fastjson.Parser
	eval   jpEval
	paths  map[string]*jsonPath
}

func (j *jsonSQL) items(doc, path string) ([]*fastjson.Value, error) {
	jp, ok := j.paths[path]
	if !ok {
		var err error
		if jp, err = parseJSONPath(path); err != nil {
			return nil, err
		}
		if j.paths == nil {
			j.paths = map[string]*jsonPath{}
		}
		j.paths[path] = jp
	}
	v, err := j.parser.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("malformed JSON input: %v", err)
	}
	return j.eval.run(jp, v)
}

func (c *Catalog) addJSONSQL() {
	for _, in := range []planner.Type{tV, tJ} {
		in := in
		c.fixed("json_exists", ts(in, tV, tI), tB, jsonSQLKernel(tB, func(j *jsonSQL, a []planner.Value) (planner.Value, error) {
			m := decodeMode(a[2].Int)
			items, err := j.items(a[0].Str, a[1].Str)
			if err != nil {
				if isPathSyntax(err) {
					return vnull, err
				}
				switch m.onError {
				case sql.JSONTrue:
					return vb(true), nil
				case sql.JSONUnknown:
					return vnull, nil
				case sql.JSONError:
					return vnull, err
				}
				return vb(false), nil
			}
			return vb(len(items) > 0), nil
		}))
		c.fixed("json_query", ts(in, tV, tI), tV, jsonSQLKernel(tV, func(j *jsonSQL, a []planner.Value) (planner.Value, error) {
			m := decodeMode(a[2].Int)
			items, err := j.items(a[0].Str, a[1].Str)
			var out planner.Value
			if err == nil {
				out, err = jsonQueryResult(items, m)
			}
			if err == nil || isPathSyntax(err) {
				return out, err
			}
			b := m.onError
			if errors.Is(err, errEmpty) {
				b = m.onEmpty
			}
			switch b {
			case sql.JSONError:
				return vnull, err
			case sql.JSONEmptyArray:
				return v("[]"), nil
			case sql.JSONEmptyObject:
				return v("{}"), nil
			}
			return vnull, nil
		}))
		c.generic("json_value", "("+in.String()+", varchar … RETURNING T)", func(args []planner.Type) *Scalar {
			if len(args) != 5 || !args[0].Equal(in) || !isScalarKind(args[3]) {
				return nil
			}
			ret := args[3]
			if ret.Kind == planner.KindUnknown {
				ret = tV
			}
			ps := ts(in, tV, tI, ret, ret)
			return &Scalar{Ps: ps, Ret: ret, Kernel: jsonSQLKernelNull(ps, ret, func(j *jsonSQL, a []planner.Value) (planner.Value, error) {
				if a[0].Null || a[1].Null {
					return vnull, nil
				}
				m := decodeMode(a[2].Int)
				items, err := j.items(a[0].Str, a[1].Str)
				var out planner.Value
				if err == nil {
					out, err = jsonValueResult(items, ret)
				}
				if err == nil || isPathSyntax(err) {
					return out, err
				}
				b, dflt := m.onError, a[4]
				if errors.Is(err, errEmpty) {
					b, dflt = m.onEmpty, a[3]
				}
				switch b {
				case sql.JSONError:
					return vnull, err
				case sql.JSONDefaultValue:
					return dflt, nil
				}
				return vnull, nil
			})}
		})
	}
}

// isPathSyntax reports an invalid path text, which is an error whatever
// the ON ERROR clause says (the path is part of the query).
func isPathSyntax(err error) bool {
	return err != nil && len(err.Error()) > 17 && err.Error()[:17] == "Invalid JSON path"
}

func jsonSQLKernel(ret planner.Type, f func(j *jsonSQL, a []planner.Value) (planner.Value, error)) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		j := &jsonSQL{}
		return rowKernel(ts(tV, tV, tI), ret, false, func(a []planner.Value) (planner.Value, error) { return f(j, a) })(ctx, args, n)
	}
}

func jsonSQLKernelNull(ps []planner.Type, ret planner.Type, f func(j *jsonSQL, a []planner.Value) (planner.Value, error)) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		j := &jsonSQL{}
		return rowKernel(ps, ret, true, func(a []planner.Value) (planner.Value, error) { return f(j, a) })(ctx, args, n)
	}
}

// jsonQueryResult serializes json_query's items per its wrapper and quotes
// clauses.
func jsonQueryResult(items []*fastjson.Value, m jsonMode) (planner.Value, error) {
	if len(items) == 0 {
		return vnull, errEmpty
	}
	wrap := false
	switch m.wrapper {
	case sql.WrapperUnconditional:
		wrap = true
	case sql.WrapperConditional:
		t := items[0].Type()
		wrap = len(items) != 1 || (t != fastjson.TypeArray && t != fastjson.TypeObject)
	}
	if !wrap {
		if len(items) != 1 {
			return vnull, errors.New("JSON path found multiple items; use WITH ARRAY WRAPPER")
		}
		if m.omitQuotes && items[0].Type() == fastjson.TypeString {
			return v(string(items[0].GetStringBytes())), nil
		}
		return v(string(items[0].MarshalTo(nil))), nil
	}
	buf := []byte{'['}
	for i, it := range items {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = it.MarshalTo(buf)
	}
	return v(string(append(buf, ']'))), nil
}

// jsonValueResult converts json_value's single scalar item to ret.
func jsonValueResult(items []*fastjson.Value, ret planner.Type) (planner.Value, error) {
	switch len(items) {
	case 0:
		return vnull, errEmpty
	case 1:
	default:
		return vnull, errors.New("JSON path found multiple items")
	}
	it := items[0]
	var text string
	switch it.Type() {
	case fastjson.TypeNull:
		return vnull, nil
	case fastjson.TypeArray, fastjson.TypeObject:
		return vnull, errors.New("JSON path found an array or object, not a scalar")
	case fastjson.TypeString:
		text = string(it.GetStringBytes())
	case fastjson.TypeTrue, fastjson.TypeFalse:
		if ret.Kind == planner.KindBoolean {
			return vb(it.Type() == fastjson.TypeTrue), nil
		}
		if ret.Kind != planner.KindVarchar {
			return vnull, fmt.Errorf("cannot convert a JSON boolean to %s", ret)
		}
		text = strconv.FormatBool(it.Type() == fastjson.TypeTrue)
	case fastjson.TypeNumber:
		text = string(it.MarshalTo(nil))
		if ret.Kind == planner.KindBigint {
			f, err := strconv.ParseFloat(text, 64)
			r, ok := roundToInt(f)
			if err != nil || !ok || math.IsInf(f, 0) {
				return vnull, fmt.Errorf("cannot convert %s to bigint", text)
			}
			return vi(r), nil
		}
	}
	if ret.Kind == planner.KindVarchar {
		return v(text), nil
	}
	conv := scalarCast(tV, ret)
	if conv == nil {
		return vnull, fmt.Errorf("json_value cannot return %s", ret)
	}
	return conv([]planner.Value{v(text)})
}
