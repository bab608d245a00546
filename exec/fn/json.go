package fn

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/valyala/fastjson"

	"github.com/ctlake/ctlake/planner"
)

// JSON functions take json or varchar (our maps hold nested objects as
// compact JSON text in varchar values). Documents are parsed with fastjson,
// one reused parser per kernel call; a malformed document gives NULL, as in
// Trino's json_extract family (json_parse alone raises an error).
//
// Paths are Trino's JSONPath subset: $ then any of .key, ["key"] (or
// ['key']) and [n]; compiled once per distinct path string per call.

type pathStep struct {
	key   string
	index int // -1 for a key step
}

func compilePath(p string) ([]pathStep, error) {
	bad := fmt.Errorf("Invalid JSON path: '%s'", clipText(p))
	s := strings.TrimSpace(p)
	if s == "" || s[0] != '$' {
		return nil, bad
	}
	s = s[1:]
	var steps []pathStep
	for s != "" {
		switch s[0] {
		case '.':
			s = s[1:]
			end := strings.IndexAny(s, ".[")
			if end < 0 {
				end = len(s)
			}
			key := s[:end]
			if key == "" || strings.ContainsAny(key, " \t\"'*]") {
				return nil, bad
			}
			steps = append(steps, pathStep{key: key, index: -1})
			s = s[end:]
		case '[':
			s = s[1:]
			if s != "" && (s[0] == '"' || s[0] == '\'') {
				// A quoted key; backslash escapes the quote or itself.
				q := s[0]
				end := -1
				for j := 1; j < len(s); j++ {
					if s[j] == '\\' {
						j++
						continue
					}
					if s[j] == q {
						end = j
						break
					}
				}
				if end < 0 || end+1 >= len(s) || s[end+1] != ']' {
					return nil, bad
				}
				steps = append(steps, pathStep{key: unescapeJSON(s[1:end]), index: -1})
				s = s[end+2:]
				continue
			}
			end := strings.IndexByte(s, ']')
			if end <= 0 {
				return nil, bad
			}
			n, err := strconv.Atoi(s[:end])
			if err != nil || n < 0 {
				return nil, bad
			}
			steps = append(steps, pathStep{index: n})
			s = s[end+1:]
		default:
			return nil, bad
		}
	}
	return steps, nil
}

// walkPath follows steps from v; nil when the path does not exist.
func walkPath(v *fastjson.Value, steps []pathStep) *fastjson.Value {
	for _, st := range steps {
		if v == nil {
			return nil
		}
		if st.index < 0 {
			if v.Type() != fastjson.TypeObject {
				return nil
			}
			v = v.Get(st.key)
			continue
		}
		if v.Type() != fastjson.TypeArray {
			return nil
		}
		arr, _ := v.Array()
		if st.index >= len(arr) {
			return nil
		}
		v = arr[st.index]
	}
	return v
}

// pathCache compiles path strings once per kernel call.
type pathCache struct {
	last  string
	steps []pathStep
	ok    bool
	m     map[string][]pathStep
}

func (c *pathCache) get(p string) ([]pathStep, error) {
	if c.ok && p == c.last {
		return c.steps, nil
	}
	if s, hit := c.m[p]; hit {
		c.last, c.steps, c.ok = p, s, true
		return s, nil
	}
	s, err := compilePath(p)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string][]pathStep{}
	}
	if len(c.m) < 1024 {
		c.m[strings.Clone(p)] = s
	}
	c.last, c.steps, c.ok = strings.Clone(p), s, true
	return s, nil
}

// scalarText is json_extract_scalar's rendering of a value: strings
// unquoted, numbers and booleans as text; objects, arrays and null give
// false (SQL NULL).
func scalarText(dst []byte, v *fastjson.Value) ([]byte, bool) {
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return append(dst, b...), true
	case fastjson.TypeNumber, fastjson.TypeTrue, fastjson.TypeFalse:
		return v.MarshalTo(dst), true
	}
	return dst, false
}

// jsonPathKernel builds json_extract (scalar=false) or
// json_extract_scalar (scalar=true) over the path-directed scanner.
func jsonPathKernel(scalar bool) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		doc, path := strsOf(args[0]), strsOf(args[1])
		out := newStrOut(ctx.Mem, n, 0)
		var pc pathCache
		var buf []byte
		for i := 0; i < n; i++ {
			if doc.null(i) || path.null(i) {
				out.appendNull()
				continue
			}
			steps, err := pc.get(path.at(i))
			if err != nil {
				out.finish().Release()
				return nil, err
			}
			raw, kind, ok := scanPath(doc.at(i), steps)
			if !ok {
				out.appendNull()
				continue
			}
			if scalar {
				switch kind {
				case jkString:
					out.appendString(unescapeJSON(raw[1 : len(raw)-1]))
				case jkNumber, jkTrue, jkFalse:
					out.appendString(raw)
				default: // objects, arrays and null are not scalars
					out.appendNull()
				}
				continue
			}
			if kind == jkObject || kind == jkArray || kind == jkString {
				if kind != jkString && validateJSON(raw) != nil {
					out.appendNull()
					continue
				}
				buf = compactJSON(buf[:0], raw)
				out.appendBytes(buf)
				continue
			}
			out.appendString(raw)
		}
		return out.result()
	}
}

// jsonQuote encodes s as a JSON string literal.
func jsonQuote(s string) string {
	return string(appendJSONString(nil, s))
}

func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, w := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && w == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+w]...)
			}
			i += w
			continue
		}
		switch c {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		default:
			if c < 0x20 {
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			} else {
				dst = append(dst, c)
			}
		}
		i++
	}
	return append(dst, '"')
}

// jsonToScalar is CAST(json AS varchar|bigint|double|boolean).
func jsonToScalar(text string, to planner.Type) (planner.Value, error) {
	var p fastjson.Parser
	val, err := parseJSON(&p, text)
	if err != nil {
		return vnull, fmt.Errorf("Cannot cast to %s. Invalid JSON: %s", to, clipText(text))
	}
	var s string
	switch val.Type() {
	case fastjson.TypeNull:
		return vnull, nil
	case fastjson.TypeString:
		b, _ := val.StringBytes()
		s = string(b)
	case fastjson.TypeNumber, fastjson.TypeTrue, fastjson.TypeFalse:
		s = string(val.MarshalTo(nil))
	default:
		return vnull, fmt.Errorf("Cannot cast to %s. Expected a json scalar value, got %s", to, clipText(text))
	}
	switch to.Kind {
	case planner.KindVarchar:
		return v(s), nil
	case planner.KindBoolean:
		switch val.Type() {
		case fastjson.TypeTrue:
			return vb(true), nil
		case fastjson.TypeFalse:
			return vb(false), nil
		case fastjson.TypeNumber:
			f, _ := val.Float64()
			return vb(f != 0), nil
		}
		return scalarCast(tV, tB)([]planner.Value{v(s)})
	case planner.KindBigint:
		if val.Type() == fastjson.TypeTrue || val.Type() == fastjson.TypeFalse {
			return vi(b2i(val.Type() == fastjson.TypeTrue)), nil
		}
		if i, err := parseBigint(s); err == nil {
			return vi(i), nil
		}
		if f, err := parseDouble(s); err == nil && val.Type() == fastjson.TypeNumber {
			if i, ok := roundToInt(f); ok {
				return vi(i), nil
			}
		}
		return vnull, castErr(s, "BIGINT")
	case planner.KindDouble:
		if val.Type() == fastjson.TypeTrue || val.Type() == fastjson.TypeFalse {
			return vf(float64(b2i(val.Type() == fastjson.TypeTrue))), nil
		}
		f, err := parseDouble(s)
		if err != nil {
			return vnull, castErr(s, "DOUBLE")
		}
		return vf(f), nil
	}
	return vnull, fmt.Errorf("cannot cast json to %s", to)
}

// jsonDocFn adapts f over a parsed document to a rowFn; malformed JSON
// gives NULL.
func jsonDocFn(f func(doc *fastjson.Value, args []planner.Value) (planner.Value, error)) rowFn {
	var p fastjson.Parser
	return func(a []planner.Value) (planner.Value, error) {
		doc, err := parseJSON(&p, a[0].Str)
		if err != nil {
			return vnull, nil
		}
		return f(doc, a)
	}
}

func (c *Catalog) addJSON() {
	for _, in := range []planner.Type{tJ, tV} {
		c.fixed("json_extract", ts(in, tV), tJ, jsonPathKernel(false))
		c.fixed("json_extract_scalar", ts(in, tV), tV, jsonPathKernel(true))
		c.fixed("json_array_length", ts(in), tI, rowKernelPer(ts(in), tI, func(doc *fastjson.Value, _ []planner.Value) (planner.Value, error) {
			if doc.Type() != fastjson.TypeArray {
				return vnull, nil
			}
			arr, _ := doc.Array()
			return vi(int64(len(arr))), nil
		}))
		c.fixed("json_array_get", ts(in, tI), tJ, rowKernelPer(ts(in, tI), tJ, func(doc *fastjson.Value, a []planner.Value) (planner.Value, error) {
			if doc.Type() != fastjson.TypeArray {
				return vnull, nil
			}
			arr, _ := doc.Array()
			i := a[1].Int
			if i < 0 {
				i += int64(len(arr))
			}
			if i < 0 || i >= int64(len(arr)) {
				return vnull, nil
			}
			return v(string(compactJSON(nil, string(arr[i].MarshalTo(nil))))), nil
		}))
		c.fixed("is_json_scalar", ts(in), tB, rowKernel(ts(in), tB, false, func(a []planner.Value) (planner.Value, error) {
			var p fastjson.Parser
			doc, err := parseJSON(&p, a[0].Str)
			if err != nil {
				return vnull, fmt.Errorf("Invalid JSON value: %s", clipText(a[0].Str))
			}
			t := doc.Type()
			return vb(t != fastjson.TypeObject && t != fastjson.TypeArray), nil
		}))
		c.fixed("json_size", ts(in, tV), tI, jsonSizeKernel(in))
		for _, et := range []planner.Type{tB, tI, tD, tV} {
			et := et
			c.fixed("json_array_contains", ts(in, et), tB, rowKernelPer(ts(in, et), tB, func(doc *fastjson.Value, a []planner.Value) (planner.Value, error) {
				if doc.Type() != fastjson.TypeArray {
					return vnull, nil
				}
				arr, _ := doc.Array()
				for _, e := range arr {
					if jsonEquals(e, a[1], et) {
						return vb(true), nil
					}
				}
				return vb(false), nil
			}))
		}
	}
	c.fixed("json_parse", ts(tV), tJ, rowKernel(ts(tV), tJ, false, func(a []planner.Value) (planner.Value, error) {
		if err := validateJSON(a[0].Str); err != nil {
			return vnull, jsonParseError(a[0].Str, err)
		}
		return v(string(compactJSON(nil, a[0].Str))), nil
	}))
	c.fixed("json_format", ts(tJ), tV, identityKernel(tV))
}

// rowKernelPer is rowKernel over a document parsed from the first argument.
func rowKernelPer(ps []planner.Type, ret planner.Type, f func(doc *fastjson.Value, a []planner.Value) (planner.Value, error)) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		return rowKernel(ps, ret, false, jsonDocFn(f))(ctx, args, n)
	}
}

func jsonEquals(e *fastjson.Value, x planner.Value, t planner.Type) bool {
	switch t.Kind {
	case planner.KindBoolean:
		return (e.Type() == fastjson.TypeTrue && x.Bool) || (e.Type() == fastjson.TypeFalse && !x.Bool)
	case planner.KindBigint:
		if e.Type() != fastjson.TypeNumber {
			return false
		}
		i, err := e.Int64()
		return err == nil && i == x.Int
	case planner.KindDouble:
		if e.Type() != fastjson.TypeNumber {
			return false
		}
		f, err := e.Float64()
		return err == nil && f == x.Float
	}
	if e.Type() != fastjson.TypeString {
		return false
	}
	b, _ := e.StringBytes()
	return string(b) == x.Str
}

// jsonSizeKernel is json_size(json, path): the number of members or
// elements of the object or array at path, 0 for a scalar, NULL when the
// path does not exist.
func jsonSizeKernel(in planner.Type) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		var pc pathCache
		var pathErr error
		k := rowKernel(ts(in, tV), tI, false, jsonDocFn(func(doc *fastjson.Value, a []planner.Value) (planner.Value, error) {
			steps, err := pc.get(a[1].Str)
			if err != nil {
				pathErr = err
				return vnull, err
			}
			val := walkPath(doc, steps)
			if val == nil {
				return vnull, nil
			}
			switch val.Type() {
			case fastjson.TypeObject:
				o, _ := val.Object()
				return vi(int64(o.Len())), nil
			case fastjson.TypeArray:
				arr, _ := val.Array()
				return vi(int64(len(arr))), nil
			}
			return vi(0), nil
		}))
		r, err := k(ctx, args, n)
		if pathErr != nil {
			return nil, pathErr
		}
		return r, err
	}
}
