package fn

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
)

// The SQL/JSON path language of json_exists, json_value and json_query
// (Trino's "JSON path language"): [lax|strict] then an expression of
// accessors ($, @, .key, ."key", .*, ..key, [i, j to k, last], [*],
// ?(predicate)), item methods (size, type, double, ceiling, floor, abs,
// keyvalue), literals and arithmetic. Predicates have &&, ||, !, ( … ) is
// unknown, comparisons (== <> != < <= > >=), exists( … ), starts with and
// like_regex. Lax mode (the default) unwraps arrays for member accessors
// and methods, wraps non-arrays for array accessors and turns structural
// errors into empty sequences; strict mode raises them. Named variables
// ($name, from PASSING) and datetime() are not supported.

// jpNode is one node of a parsed path expression.
type jpNode struct {
	op   string // "$", "@", "last", "lit", "member", "wild", "desc", "index", "awild", "filter", "method", "neg", "pos", "+", "-", "*", "/", "%"
	key  string
	lit  *fastjson.Value
	in   *jpNode   // the accessor's input
	l, r *jpNode   // binary arithmetic
	subs []jpRange // index subscripts
	pred *jpPred
}

type jpRange struct{ from, to *jpNode } // to nil: a single index

// jpPred is a filter predicate.
type jpPred struct {
	op    string // "&&", "||", "!", "unknown", "cmp", "exists", "starts", "like"
	cmp   string
	a, b  *jpPred
	l, r  *jpNode
	re    *regexp.Regexp
	start string
}

// jsonPath is a compiled path.
type jsonPath struct {
	strict bool
	root   *jpNode
}

type jpParser struct {
	s   string
	pos int
	lit *fastjson.Arena
}

func parseJSONPath(text string) (*jsonPath, error) {
	p := &jpParser{s: text, lit: &fastjson.Arena{}}
	jp := &jsonPath{}
	p.space()
	switch {
	case p.word("strict"):
		jp.strict = true
	case p.word("lax"):
	}
	root, err := p.expr()
	if err != nil {
		return nil, fmt.Errorf("Invalid JSON path '%s': %v", text, err)
	}
	p.space()
	if p.pos < len(p.s) {
		return nil, fmt.Errorf("Invalid JSON path '%s': unexpected %q at %d", text, p.s[p.pos:], p.pos)
	}
	jp.root = root
	return jp, nil
}

func (p *jpParser) space() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

// word consumes keyword w when it stands alone (not a prefix of a name).
func (p *jpParser) word(w string) bool {
	p.space()
	if !strings.HasPrefix(p.s[p.pos:], w) {
		return false
	}
	end := p.pos + len(w)
	if end < len(p.s) && isJPName(p.s[end]) {
		return false
	}
	p.pos = end
	return true
}

func (p *jpParser) tok(t string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.pos:], t) {
		p.pos += len(t)
		return true
	}
	return false
}

func isJPName(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func (p *jpParser) expr() (*jpNode, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			op := string(p.s[p.pos])
			p.pos++
			r, err := p.term()
			if err != nil {
				return nil, err
			}
			l = &jpNode{op: op, l: l, r: r}
			continue
		}
		return l, nil
	}
}

func (p *jpParser) term() (*jpNode, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if p.pos < len(p.s) && strings.IndexByte("*/%", p.s[p.pos]) >= 0 {
			op := string(p.s[p.pos])
			p.pos++
			r, err := p.unary()
			if err != nil {
				return nil, err
			}
			l = &jpNode{op: op, l: l, r: r}
			continue
		}
		return l, nil
	}
}

func (p *jpParser) unary() (*jpNode, error) {
	if p.tok("-") {
		x, err := p.unary()
		return &jpNode{op: "neg", in: x}, err
	}
	if p.tok("+") {
		x, err := p.unary()
		return &jpNode{op: "pos", in: x}, err
	}
	return p.accessors()
}

func (p *jpParser) primary() (*jpNode, error) {
	p.space()
	if p.pos >= len(p.s) {
		return nil, errors.New("unexpected end")
	}
	c := p.s[p.pos]
	switch {
	case c == '$':
		p.pos++
		if p.pos < len(p.s) && isJPName(p.s[p.pos]) {
			return nil, errors.New("named variables ($name, from PASSING) are not supported")
		}
		return &jpNode{op: "$"}, nil
	case c == '@':
		p.pos++
		return &jpNode{op: "@"}, nil
	case c == '(':
		p.pos++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if !p.tok(")") {
			return nil, errors.New("expected ')'")
		}
		return x, nil
	case c == '"':
		s, err := p.str()
		return &jpNode{op: "lit", lit: p.lit.NewString(s)}, err
	case c >= '0' && c <= '9' || c == '.':
		start := p.pos
		for p.pos < len(p.s) && (p.s[p.pos] >= '0' && p.s[p.pos] <= '9' || strings.IndexByte(".eE", p.s[p.pos]) >= 0 ||
			(p.s[p.pos] == '-' || p.s[p.pos] == '+') && (p.s[p.pos-1] == 'e' || p.s[p.pos-1] == 'E')) {
			p.pos++
		}
		if _, err := strconv.ParseFloat(p.s[start:p.pos], 64); err != nil {
			return nil, fmt.Errorf("bad number %q", p.s[start:p.pos])
		}
		return &jpNode{op: "lit", lit: p.lit.NewNumberString(p.s[start:p.pos])}, nil
	}
	switch {
	case p.word("true"):
		return &jpNode{op: "lit", lit: p.lit.NewTrue()}, nil
	case p.word("false"):
		return &jpNode{op: "lit", lit: p.lit.NewFalse()}, nil
	case p.word("null"):
		return &jpNode{op: "lit", lit: p.lit.NewNull()}, nil
	case p.word("last"):
		return &jpNode{op: "last"}, nil
	}
	return nil, fmt.Errorf("unexpected %q", p.s[p.pos:])
}

// str reads a double-quoted string literal with JSON escapes.
func (p *jpParser) str() (string, error) {
	start := p.pos
	p.pos++
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case '\\':
			p.pos += 2
			continue
		case '"':
			p.pos++
			s, err := strconv.Unquote(p.s[start:p.pos])
			if err != nil {
				return unescapeJSON(p.s[start+1 : p.pos-1]), nil
			}
			return s, nil
		}
		p.pos++
	}
	return "", errors.New("unterminated string")
}

func (p *jpParser) accessors() (*jpNode, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		switch {
		case p.tok(".."):
			key, err := p.key()
			if err != nil {
				return nil, err
			}
			x = &jpNode{op: "desc", key: key, in: x}
		case p.tok(".*"):
			x = &jpNode{op: "wild", in: x}
		case p.tok("."):
			key, err := p.key()
			if err != nil {
				return nil, err
			}
			if p.tok("(") {
				if !p.tok(")") {
					return nil, fmt.Errorf("item method %s() takes no arguments here", key)
				}
				switch key {
				case "size", "type", "double", "ceiling", "floor", "abs", "keyvalue":
				default:
					return nil, fmt.Errorf("unsupported item method %s()", key)
				}
				x = &jpNode{op: "method", key: key, in: x}
				continue
			}
			x = &jpNode{op: "member", key: key, in: x}
		case p.tok("["):
			if p.tok("*") {
				if !p.tok("]") {
					return nil, errors.New("expected ']'")
				}
				x = &jpNode{op: "awild", in: x}
				continue
			}
			n := &jpNode{op: "index", in: x}
			for {
				from, err := p.expr()
				if err != nil {
					return nil, err
				}
				r := jpRange{from: from}
				if p.word("to") {
					if r.to, err = p.expr(); err != nil {
						return nil, err
					}
				}
				n.subs = append(n.subs, r)
				if p.tok(",") {
					continue
				}
				if !p.tok("]") {
					return nil, errors.New("expected ']'")
				}
				break
			}
			x = n
		case p.tok("?"):
			if !p.tok("(") {
				return nil, errors.New("expected '(' after '?'")
			}
			pr, err := p.pred()
			if err != nil {
				return nil, err
			}
			if !p.tok(")") {
				return nil, errors.New("expected ')' after the filter")
			}
			x = &jpNode{op: "filter", in: x, pred: pr}
		default:
			return x, nil
		}
	}
}

func (p *jpParser) key() (string, error) {
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '"' {
		return p.str()
	}
	start := p.pos
	for p.pos < len(p.s) && isJPName(p.s[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		return "", errors.New("expected a member name")
	}
	return p.s[start:p.pos], nil
}

func (p *jpParser) pred() (*jpPred, error) {
	l, err := p.predAnd()
	if err != nil {
		return nil, err
	}
	for p.tok("||") {
		r, err := p.predAnd()
		if err != nil {
			return nil, err
		}
		l = &jpPred{op: "||", a: l, b: r}
	}
	return l, nil
}

func (p *jpParser) predAnd() (*jpPred, error) {
	l, err := p.predNot()
	if err != nil {
		return nil, err
	}
	for p.tok("&&") {
		r, err := p.predNot()
		if err != nil {
			return nil, err
		}
		l = &jpPred{op: "&&", a: l, b: r}
	}
	return l, nil
}

func (p *jpParser) predNot() (*jpPred, error) {
	if p.tok("!") {
		x, err := p.predNot()
		return &jpPred{op: "!", a: x}, err
	}
	save := p.pos
	if p.tok("(") { // a parenthesised predicate, unless it is an operand
		if x, err := p.pred(); err == nil && p.tok(")") {
			if p.word("is") {
				if !p.word("unknown") {
					return nil, errors.New("expected 'unknown' after 'is'")
				}
				return &jpPred{op: "unknown", a: x}, nil
			}
			return x, nil
		}
		p.pos = save
	}
	if p.word("exists") {
		if !p.tok("(") {
			return nil, errors.New("expected '(' after exists")
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if !p.tok(")") {
			return nil, errors.New("expected ')'")
		}
		return &jpPred{op: "exists", l: x}, nil
	}
	l, err := p.expr()
	if err != nil {
		return nil, err
	}
	switch {
	case p.word("starts"):
		if !p.word("with") {
			return nil, errors.New("expected 'with' after 'starts'")
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return nil, errors.New("starts with takes a string literal")
		}
		s, err := p.str()
		return &jpPred{op: "starts", l: l, start: s}, err
	case p.word("like_regex"):
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return nil, errors.New("like_regex takes a string literal")
		}
		pat, err := p.str()
		if err != nil {
			return nil, err
		}
		flags := ""
		if p.word("flag") {
			p.space()
			if p.pos >= len(p.s) || p.s[p.pos] != '"' {
				return nil, errors.New("flag takes a string literal")
			}
			if flags, err = p.str(); err != nil {
				return nil, err
			}
		}
		goFlags := ""
		for _, f := range flags {
			switch f {
			case 'i', 'm', 's':
				goFlags += string(f)
			default:
				return nil, fmt.Errorf("unsupported like_regex flag %q", f)
			}
		}
		if goFlags != "" {
			pat = "(?" + goFlags + ")" + pat
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, err
		}
		return &jpPred{op: "like", l: l, re: re}, nil
	}
	for _, op := range []string{"==", "<>", "!=", "<=", ">=", "<", ">"} {
		if p.tok(op) {
			r, err := p.expr()
			if err != nil {
				return nil, err
			}
			return &jpPred{op: "cmp", cmp: op, l: l, r: r}, nil
		}
	}
	return nil, errors.New("expected a comparison, exists, starts with or like_regex in the filter")
}

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
	case "&&":
		a := e.pred(p.a, root, c)
		if a == 0 {
			return 0
		}
		b := e.pred(p.b, root, c)
		if b == 0 {
			return 0
		}
		if a == 1 && b == 1 {
			return 1
		}
		return -1
	case "||":
		a := e.pred(p.a, root, c)
		if a == 1 {
			return 1
		}
		b := e.pred(p.b, root, c)
		if b == 1 {
			return 1
		}
		if a == 0 && b == 0 {
			return 0
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
