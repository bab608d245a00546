package fn

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/valyala/fastjson"

	"github.com/ctlake/ctlake/planner"
)

// Casts between json and arrays, maps (varchar keys) and rows, as Lake
// samples use them: CAST(json_parse(x) AS map(varchar, json)),
// CAST(x AS array(varchar)), CAST(requestParameters AS json).
//
// To json: arrays become JSON arrays, maps JSON objects with keys sorted
// (Trino's MapToJsonCast orders keys), rows JSON objects keyed by field
// name (current Trino; old Presto wrote arrays), NULL elements null.
// From json: each element converts as CAST(json AS T) does; JSON null gives
// a NULL element; a JSON value of the wrong shape is an error.

func compoundCast(from, to planner.Type, try bool) (Kernel, bool) {
	switch {
	case to.Kind == planner.KindJSON && !isScalarKind(from):
		if !jsonEncodable(from) {
			return nil, false
		}
		return rowKernelArr(func(a arrow.Array, i int, out *strOut) error {
			buf := appendArrowJSON(nil, a, i, from)
			out.appendBytes(buf)
			return nil
		}, tJ, try), true
	case from.Kind == planner.KindJSON && !isScalarKind(to):
		if !jsonDecodable(to) {
			return nil, false
		}
		return jsonToCompoundKernel(to, try), true
	}
	return nil, false
}

func jsonEncodable(t planner.Type) bool {
	switch t.Kind {
	case planner.KindArray:
		return jsonEncodable(*t.Elem)
	case planner.KindMap:
		return t.Key.Kind == planner.KindVarchar && jsonEncodable(*t.Value)
	case planner.KindRow:
		for _, f := range t.Fields {
			if !jsonEncodable(f.Type) {
				return false
			}
		}
		return true
	}
	return scalarCast(t, tJ) != nil || t.Kind == planner.KindJSON || t.Kind == planner.KindUnknown
}

func jsonDecodable(t planner.Type) bool {
	switch t.Kind {
	case planner.KindArray:
		return jsonDecodable(*t.Elem)
	case planner.KindMap:
		return t.Key.Kind == planner.KindVarchar && jsonDecodable(*t.Value)
	case planner.KindRow:
		for _, f := range t.Fields {
			if !jsonDecodable(f.Type) {
				return false
			}
		}
		return true
	}
	switch t.Kind {
	case planner.KindJSON, planner.KindVarchar, planner.KindBigint, planner.KindDouble, planner.KindBoolean:
		return true
	}
	return false
}

// rowKernelArr runs f for each non-NULL row of a compound argument.
func rowKernelArr(f func(a arrow.Array, i int, out *strOut) error, ret planner.Type, try bool) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		out := newStrOut(ctx.Mem, n, 0)
		if args[0].IsConst {
			for i := 0; i < n; i++ {
				out.appendNull()
			}
			return out.finish(), nil
		}
		a := args[0].Arr
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				out.appendNull()
				continue
			}
			if err := f(a, i, out); err != nil {
				if try {
					out.appendNull()
					continue
				}
				out.finish().Release()
				return nil, err
			}
		}
		return out.result()
	}
}

// appendArrowJSON encodes row i of a (of SQL type t) as JSON.
func appendArrowJSON(dst []byte, a arrow.Array, i int, t planner.Type) []byte {
	if a.IsNull(i) {
		return append(dst, "null"...)
	}
	switch t.Kind {
	case planner.KindArray:
		l, ok := a.(*array.List)
		if !ok {
			return append(dst, "null"...)
		}
		s, e := l.ValueOffsets(i)
		dst = append(dst, '[')
		for j := int(s); j < int(e); j++ {
			if j > int(s) {
				dst = append(dst, ',')
			}
			dst = appendArrowJSON(dst, l.ListValues(), j, *t.Elem)
		}
		return append(dst, ']')
	case planner.KindMap:
		m, ok := a.(*array.Map)
		if !ok {
			return append(dst, "null"...)
		}
		s, e := m.ValueOffsets(i)
		keys := strsOf(Vec{Arr: m.Keys()})
		idx := make([]int, 0, e-s)
		for j := int(s); j < int(e); j++ {
			idx = append(idx, j)
		}
		sort.SliceStable(idx, func(x, y int) bool { return keys.at(idx[x]) < keys.at(idx[y]) })
		dst = append(dst, '{')
		for k, j := range idx {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, keys.at(j))
			dst = append(dst, ':')
			dst = appendArrowJSON(dst, m.Items(), j, *t.Value)
		}
		return append(dst, '}')
	case planner.KindRow:
		st, ok := a.(*array.Struct)
		if !ok {
			return append(dst, "null"...)
		}
		dst = append(dst, '{')
		for f, fd := range t.Fields {
			if f > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, fd.Name)
			dst = append(dst, ':')
			dst = appendArrowJSON(dst, st.Field(f), i, fd.Type)
		}
		return append(dst, '}')
	case planner.KindJSON:
		r := strsOf(Vec{Arr: a})
		return append(dst, r.at(i)...)
	}
	val := arrGetter(a, t)(i)
	switch t.Kind {
	case planner.KindDouble:
		if math.IsNaN(val.Float) || math.IsInf(val.Float, 0) {
			return appendJSONString(dst, javaDouble(val.Float))
		}
		return append(dst, javaDouble(val.Float)...)
	case planner.KindBigint:
		return strconv.AppendInt(dst, val.Int, 10)
	case planner.KindBoolean:
		return strconv.AppendBool(dst, val.Bool)
	}
	r, err := scalarCast(t, tJ)([]planner.Value{val})
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, r.Str...)
}

func jsonToCompoundKernel(to planner.Type, try bool) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		b := array.NewBuilder(ctx.Mem, to.Arrow())
		defer b.Release()
		s := strsOf(args[0])
		var p fastjson.Parser
		for i := 0; i < n; i++ {
			if s.null(i) {
				b.AppendNull()
				continue
			}
			text := s.at(i)
			doc, err := parseJSON(&p, text)
			if err == nil {
				// Build into a scratch builder so a failure leaves b intact.
				err = checkJSONShape(doc, to)
			}
			if err != nil {
				if try {
					b.AppendNull()
					continue
				}
				return nil, fmt.Errorf("Cannot cast to %s. %v: %s", to, err, clipText(text))
			}
			appendJSONValue(b, doc, to)
		}
		return b.NewArray(), nil
	}
}

// checkJSONShape reports whether v converts to t without error.
func checkJSONShape(v *fastjson.Value, t planner.Type) error {
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	switch t.Kind {
	case planner.KindArray:
		arr, err := v.Array()
		if err != nil {
			return fmt.Errorf("Expected a json array")
		}
		for _, e := range arr {
			if err := checkJSONShape(e, *t.Elem); err != nil {
				return err
			}
		}
		return nil
	case planner.KindMap, planner.KindRow:
		o, err := v.Object()
		if err != nil {
			return fmt.Errorf("Expected a json object")
		}
		var ferr error
		o.Visit(func(k []byte, e *fastjson.Value) {
			if ferr != nil {
				return
			}
			ft := t.Value
			if t.Kind == planner.KindRow {
				_, f, ok := t.Field(string(k))
				if !ok {
					return
				}
				ft = &f.Type
			}
			ferr = checkJSONShape(e, *ft)
		})
		return ferr
	case planner.KindJSON:
		return nil
	}
	_, err := jsonToScalar(string(v.MarshalTo(nil)), t)
	return err
}

// appendJSONValue appends v converted to t (checked by checkJSONShape).
func appendJSONValue(b array.Builder, v *fastjson.Value, t planner.Type) {
	if v.Type() == fastjson.TypeNull {
		b.AppendNull()
		return
	}
	switch t.Kind {
	case planner.KindArray:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		arr, _ := v.Array()
		for _, e := range arr {
			appendJSONValue(lb.ValueBuilder(), e, *t.Elem)
		}
	case planner.KindMap:
		mb := b.(*array.MapBuilder)
		mb.Append(true)
		o, _ := v.Object()
		o.Visit(func(k []byte, e *fastjson.Value) {
			mb.KeyBuilder().(*array.StringBuilder).Append(string(k))
			appendJSONValue(mb.ItemBuilder(), e, *t.Value)
		})
	case planner.KindRow:
		sb := b.(*array.StructBuilder)
		sb.Append(true)
		o, _ := v.Object()
		for f, fd := range t.Fields {
			fv := o.Get(fd.Name)
			if fv == nil {
				o.Visit(func(k []byte, e *fastjson.Value) {
					if fv == nil && equalFoldASCII(string(k), fd.Name) {
						fv = e
					}
				})
			}
			if fv == nil {
				sb.FieldBuilder(f).AppendNull()
				continue
			}
			appendJSONValue(sb.FieldBuilder(f), fv, fd.Type)
		}
	case planner.KindJSON:
		b.(*array.StringBuilder).Append(string(compactJSON(nil, string(v.MarshalTo(nil)))))
	default:
		val, _ := jsonToScalar(string(v.MarshalTo(nil)), t)
		switch t.Kind {
		case planner.KindVarchar:
			b.(*array.StringBuilder).Append(val.Str)
		case planner.KindBigint:
			b.(*array.Int64Builder).Append(val.Int)
		case planner.KindDouble:
			b.(*array.Float64Builder).Append(val.Float)
		case planner.KindBoolean:
			b.(*array.BooleanBuilder).Append(val.Bool)
		default:
			b.AppendNull()
		}
	}
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 32
		}
		if 'A' <= y && y <= 'Z' {
			y += 32
		}
		if x != y {
			return false
		}
	}
	return true
}
