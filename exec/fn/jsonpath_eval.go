package fn

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
)

// Evaluation of a parsed SQL/JSON path (jsonpath.go) over a fastjson
// document: sequences of items, lax-mode unwrapping and wrapping, filters
// with three-valued predicates.

// errStructural is an access to a member or element that does not exist,
// or an operation on the wrong kind of item: an error in strict mode, an
// empty result in lax mode.
var errStructural = errors.New("structural error")

// jpEval evaluates a path against one document.
type jpEval struct {
	strict bool
	arena  fastjson.Arena
}

type jpCtx struct {
	cur  *fastjson.Value // @
	last int             // innermost array's last index
	sub  bool            // inside an array subscript (last is defined)
}

func (e *jpEval) run(jp *jsonPath, doc *fastjson.Value) ([]*fastjson.Value, error) {
	e.strict = jp.strict
	e.arena.Reset()
	return e.eval(jp.root, doc, jpCtx{last: -1})
}

func (e *jpEval) structural(msg string) error {
	if e.strict {
		return fmt.Errorf("%w: %s", errStructural, msg)
	}
	return nil
}

// unwrap replaces arrays by their elements (lax mode's automatic unnesting).
func (e *jpEval) unwrap(seq []*fastjson.Value) []*fastjson.Value {
	if e.strict {
		return seq
	}
	var out []*fastjson.Value
	for _, v := range seq {
		if v.Type() == fastjson.TypeArray {
			a, _ := v.Array()
			out = append(out, a...)
		} else {
			out = append(out, v)
		}
	}
	return out
}

func (e *jpEval) eval(n *jpNode, root *fastjson.Value, c jpCtx) ([]*fastjson.Value, error) {
	switch n.op {
	case "$":
		return []*fastjson.Value{root}, nil
	case "@":
		if c.cur == nil {
			return nil, errors.New("@ is only allowed in a filter")
		}
		return []*fastjson.Value{c.cur}, nil
	case "last":
		if !c.sub {
			return nil, errors.New("last is only allowed in an array subscript")
		}
		return []*fastjson.Value{e.arena.NewNumberInt(c.last)}, nil
	case "lit":
		return []*fastjson.Value{n.lit}, nil
	case "neg", "pos":
		seq, err := e.eval(n.in, root, c)
		if err != nil {
			return nil, err
		}
		out := make([]*fastjson.Value, 0, len(seq))
		for _, v := range e.unwrap(seq) {
			f, ok := jpNumber(v)
			if !ok {
				return nil, errors.New("unary + or - needs a number")
			}
			if n.op == "neg" {
				f = -f
			}
			out = append(out, e.num(f))
		}
		return out, nil
	case "+", "-", "*", "/", "%":
		l, err := e.single(n.l, root, c)
		if err != nil {
			return nil, err
		}
		r, err := e.single(n.r, root, c)
		if err != nil {
			return nil, err
		}
		a, ok1 := jpNumber(l)
		b, ok2 := jpNumber(r)
		if !ok1 || !ok2 {
			return nil, errors.New("arithmetic needs numbers")
		}
		var x float64
		switch n.op {
		case "+":
			x = a + b
		case "-":
			x = a - b
		case "*":
			x = a * b
		case "/":
			if b == 0 {
				return nil, errors.New("Division by zero")
			}
			x = a / b
		default:
			if b == 0 {
				return nil, errors.New("Division by zero")
			}
			x = math.Mod(a, b)
		}
		return []*fastjson.Value{e.num(x)}, nil
	}
	in, err := e.eval(n.in, root, c)
	if err != nil {
		return nil, err
	}
	var out []*fastjson.Value
	switch n.op {
	case "member", "wild":
		for _, v := range e.unwrap(in) {
			o, err := v.Object()
			if err != nil {
				if err := e.structural("member access on a non-object"); err != nil {
					return nil, err
				}
				continue
			}
			if n.op == "wild" {
				o.Visit(func(_ []byte, x *fastjson.Value) { out = append(out, x) })
				continue
			}
			x := o.Get(n.key)
			if x == nil {
				if err := e.structural("no member " + n.key); err != nil {
					return nil, err
				}
				continue
			}
			out = append(out, x)
		}
	case "desc":
		for _, v := range in {
			jpDescend(v, n.key, &out)
		}
	case "awild", "index":
		for _, v := range in {
			var elems []*fastjson.Value
			if v.Type() == fastjson.TypeArray {
				elems, _ = v.Array()
			} else if e.strict {
				return nil, fmt.Errorf("%w: array accessor on a non-array", errStructural)
			} else {
				elems = []*fastjson.Value{v}
			}
			if n.op == "awild" {
				out = append(out, elems...)
				continue
			}
			sub := jpCtx{cur: c.cur, last: len(elems) - 1, sub: true}
			for _, r := range n.subs {
				from, err := e.index(r.from, root, sub)
				if err != nil {
					return nil, err
				}
				to := from
				if r.to != nil {
					if to, err = e.index(r.to, root, sub); err != nil {
						return nil, err
					}
				}
				if from > to {
					if err := e.structural("bad subscript range"); err != nil {
						return nil, err
					}
					continue
				}
				if from < 0 || to >= len(elems) {
					if err := e.structural("subscript out of bounds"); err != nil {
						return nil, err
					}
				}
				for k := max(from, 0); k <= min(to, len(elems)-1); k++ {
					out = append(out, elems[k])
				}
			}
		}
	case "filter":
		for _, v := range e.unwrap(in) {
			if e.pred(n.pred, root, jpCtx{cur: v, last: c.last, sub: c.sub}) == 1 {
				out = append(out, v)
			}
		}
	case "method":
		return e.method(n.key, in)
	}
	return out, nil
}

func jpDescend(v *fastjson.Value, key string, out *[]*fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		if x := o.Get(key); x != nil {
			*out = append(*out, x)
		}
		o.Visit(func(_ []byte, x *fastjson.Value) { jpDescend(x, key, out) })
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			jpDescend(x, key, out)
		}
	}
}

func (e *jpEval) single(n *jpNode, root *fastjson.Value, c jpCtx) (*fastjson.Value, error) {
	seq, err := e.eval(n, root, c)
	if err != nil {
		return nil, err
	}
	if len(seq) != 1 {
		return nil, errors.New("expected a single item")
	}
	return seq[0], nil
}

func (e *jpEval) index(n *jpNode, root *fastjson.Value, c jpCtx) (int, error) {
	v, err := e.single(n, root, c)
	if err != nil {
		return 0, err
	}
	f, ok := jpNumber(v)
	if !ok || f != math.Trunc(f) {
		return 0, errors.New("an array subscript must be an integer")
	}
	return int(f), nil
}

func (e *jpEval) num(f float64) *fastjson.Value {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return e.arena.NewNumberString(strconv.FormatInt(int64(f), 10))
	}
	return e.arena.NewNumberFloat64(f)
}

func jpNumber(v *fastjson.Value) (float64, bool) {
	if v.Type() != fastjson.TypeNumber {
		return 0, false
	}
	f, err := v.Float64()
	return f, err == nil
}

func (e *jpEval) method(name string, in []*fastjson.Value) ([]*fastjson.Value, error) {
	var out []*fastjson.Value
	seq := in
	if name != "size" && name != "type" {
		seq = e.unwrap(in)
	}
	for _, v := range seq {
		switch name {
		case "type":
			t := map[fastjson.Type]string{fastjson.TypeNull: "null", fastjson.TypeNumber: "number", fastjson.TypeString: "string",
				fastjson.TypeTrue: "boolean", fastjson.TypeFalse: "boolean", fastjson.TypeArray: "array", fastjson.TypeObject: "object"}[v.Type()]
			out = append(out, e.arena.NewString(t))
		case "size":
			if v.Type() == fastjson.TypeArray {
				a, _ := v.Array()
				out = append(out, e.arena.NewNumberInt(len(a)))
			} else if e.strict {
				return nil, fmt.Errorf("%w: size() of a non-array", errStructural)
			} else {
				out = append(out, e.arena.NewNumberInt(1))
			}
		case "double":
			var f float64
			var err error
			switch v.Type() {
			case fastjson.TypeNumber:
				f, err = v.Float64()
			case fastjson.TypeString:
				f, err = strconv.ParseFloat(strings.TrimSpace(string(v.GetStringBytes())), 64)
			default:
				err = errors.New("not a number")
			}
			if err != nil {
				return nil, errors.New("double() needs a number or a numeric string")
			}
			out = append(out, e.arena.NewNumberFloat64(f))
		case "ceiling", "floor", "abs":
			f, ok := jpNumber(v)
			if !ok {
				return nil, fmt.Errorf("%s() needs a number", name)
			}
			switch name {
			case "ceiling":
				f = math.Ceil(f)
			case "floor":
				f = math.Floor(f)
			default:
				f = math.Abs(f)
			}
			out = append(out, e.num(f))
		case "keyvalue":
			o, err := v.Object()
			if err != nil {
				return nil, errors.New("keyvalue() needs an object")
			}
			id := len(out)
			o.Visit(func(k []byte, x *fastjson.Value) {
				kv := e.arena.NewObject()
				kv.Set("name", e.arena.NewStringBytes(k))
				kv.Set("value", x)
				kv.Set("id", e.arena.NewNumberInt(id))
				out = append(out, kv)
			})
		}
	}
	return out, nil
}

// pred evaluates a filter predicate: 1 true, 0 false, -1 unknown.
func (e *jpEval) pred(p *jpPred, root *fastjson.Value, c jpCtx) int {
	switch p.op {
	case "&&", "||":
		// Three-valued AND and OR: the dominant value (false for &&, true
		// for ||) on either side decides, the right side unevaluated when
		// the left has it; both the other value give that; else unknown.
		dom := 0
		if p.op == "||" {
			dom = 1
		}
		a := e.pred(p.a, root, c)
		if a == dom {
			return dom
		}
		b := e.pred(p.b, root, c)
		if b == dom {
			return dom
		}
		if a == 1-dom && b == 1-dom {
			return 1 - dom
		}
		return -1
	case "!":
		return map[int]int{1: 0, 0: 1, -1: -1}[e.pred(p.a, root, c)]
	case "unknown":
		if e.pred(p.a, root, c) == -1 {
			return 1
		}
		return 0
	case "exists":
		seq, err := e.eval(p.l, root, c)
		if err != nil {
			return -1
		}
		if len(seq) > 0 {
			return 1
		}
		return 0
	}
	l, err := e.eval(p.l, root, c)
	if err != nil {
		return -1
	}
	l = e.unwrap(l)
	switch p.op {
	case "starts", "like":
		found, bad := false, false
		for _, v := range l {
			if v.Type() != fastjson.TypeString {
				bad = true
				continue
			}
			s := string(v.GetStringBytes())
			if p.op == "starts" && strings.HasPrefix(s, p.start) || p.op == "like" && p.re.MatchString(s) {
				found = true
			}
		}
		return triOf(found, bad, e.strict)
	}
	r, err := e.eval(p.r, root, c)
	if err != nil {
		return -1
	}
	r = e.unwrap(r)
	found, bad := false, false
	for _, a := range l {
		for _, b := range r {
			res, ok := jpCompare(a, b, p.cmp)
			if !ok {
				bad = true
				continue
			}
			found = found || res
		}
	}
	return triOf(found, bad, e.strict)
}

func triOf(found, bad, strict bool) int {
	switch {
	case bad && strict:
		return -1
	case found:
		return 1
	case bad:
		return -1
	}
	return 0
}

// jpCompare compares two items by SQL rules; ok is false when they cannot
// be compared (text with a number, arrays, objects).
func jpCompare(a, b *fastjson.Value, op string) (bool, bool) {
	ta, tb := jpKind(a), jpKind(b)
	if ta == "null" || tb == "null" {
		if ta == "array" || ta == "object" || tb == "array" || tb == "object" {
			return false, true
		}
		eq := ta == tb
		return eq && op == "==", true
	}
	if ta != tb || ta == "array" || ta == "object" {
		return false, false
	}
	var c int
	switch ta {
	case "number":
		x, _ := a.Float64()
		y, _ := b.Float64()
		switch {
		case x < y:
			c = -1
		case x > y:
			c = 1
		}
	case "string":
		c = strings.Compare(string(a.GetStringBytes()), string(b.GetStringBytes()))
	case "boolean":
		x, y := a.Type() == fastjson.TypeTrue, b.Type() == fastjson.TypeTrue
		switch {
		case x == y:
		case !x:
			c = -1
		default:
			c = 1
		}
	}
	switch op {
	case "==":
		return c == 0, true
	case "<>", "!=":
		return c != 0, true
	case "<":
		return c < 0, true
	case "<=":
		return c <= 0, true
	case ">":
		return c > 0, true
	}
	return c >= 0, true
}

func jpKind(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeNull:
		return "null"
	case fastjson.TypeNumber:
		return "number"
	case fastjson.TypeString:
		return "string"
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return "boolean"
	case fastjson.TypeArray:
		return "array"
	}
	return "object"
}
