package fn

import (
	"errors"
	"fmt"
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
