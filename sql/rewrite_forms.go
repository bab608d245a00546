package sql

import "strings"

// Marker calls for the Trino forms of expr_forms.go. Each becomes a call of
// a marker function whose name carries the index N of the token that
// identifies the form, so the converter finds what the text lost in maps
// keyed by N:
//
//	x -> x + 1                 _lN ( x + 1 )          N: x (or the '(' of (x, y) -> …)
//	ARRAY[a, b]                _yN ( a , b )          N: ARRAY
//	e AT TIME ZONE 'UTC'       _zN ( e , 'UTC' )      N: AT
//	f(x) FILTER (WHERE c)      _fN ( f ( x ) , c )    N: FILTER
//	f(x ORDER BY y DESC)       _oN ( f ( x ) , y )    N: ORDER (DESC cut, found by token)
//	f(x) WITHIN GROUP (ORDER BY y)  _wN ( f ( x ) , y )   N: WITHIN
//	ROLLUP (a, (b, c))         _gN ( a , _hM ( b , c ) )  N: ROLLUP/CUBE/GROUPING, M: '('
//
// listagg's ON OVERFLOW and the JSON functions' clauses (RETURNING,
// WRAPPER, ON EMPTY, …) are cut from the text and kept by the call's name
// token; a DEFAULT expression stays in the text as an extra argument.
//
// Lambdas are owned here rather than by the MySQL grammar because their
// extent is simple to find on tokens: a lambda is a whole function argument,
// so its body runs to the next top-level comma or the closing parenthesis.

// formState is what the marker forms record, keyed by token index.
type formState struct {
	lambdas   map[int]*lambdaInfo
	lasts     map[int]int // marker token → last token of the form
	overflows map[int]*Overflow
	jsons     map[int]*jsonInfo
}

type lambdaInfo struct {
	params []int // parameter tokens
	arrow  int
	last   int // last token of the body
}

type jsonInfo struct {
	clauses *JSONClauses
	// defaults lists, in argument order after the path, which DEFAULT
	// expressions were appended to the call: 'e' (ON EMPTY) or 'r' (ON ERROR).
	defaults []byte
}

func newFormState() *formState {
	return &formState{lambdas: map[int]*lambdaInfo{}, lasts: map[int]int{}, overflows: map[int]*Overflow{},
		jsons: map[int]*jsonInfo{}}
}

// typedLiteralTypes are the type names that may prefix a string literal
// (Trino's typeConstructor), besides TIMESTAMP, DATE and TIME.
var typedLiteralTypes = map[string]bool{
	"IPADDRESS": true, "IPPREFIX": true, "JSON": true, "UUID": true, "DECIMAL": true, "DOUBLE": true,
	"REAL": true, "BIGINT": true, "INTEGER": true, "INT": true, "SMALLINT": true, "TINYINT": true,
	"VARCHAR": true, "CHAR": true, "BOOLEAN": true, "VARBINARY": true,
}

// topLevel returns the first index in [i, end) whose token satisfies stop,
// skipping bracketed regions, or end.
func (r *rewriter) topLevel(i, end int, stop func(k int) bool) int {
	for k := i; k < end; k++ {
		t := r.tok(k)
		if (t.isOp("(") || t.isOp("[")) && t.match > k {
			k = t.match
			continue
		}
		if stop(k) {
			return k
		}
	}
	return end
}

// splitTop splits [i, end) at top-level commas into item ranges.
func (r *rewriter) splitTop(i, end int) [][2]int {
	var out [][2]int
	for i < end {
		c := r.topLevel(i, end, func(k int) bool { return r.tok(k).isOp(",") })
		out = append(out, [2]int{i, c})
		i = c + 1
		if c == end-1 {
			out = append(out, [2]int{end, end}) // trailing comma: an empty item
		}
	}
	return out
}

// lambdaAt reports whether a lambda starts at token i: "x ->" or
// "(x, y) ->". It returns the parameter tokens and the arrow.
func (r *rewriter) lambdaAt(i, end int) ([]int, int, bool) {
	t := r.tok(i)
	if isNameTok(t) {
		if a := r.at(i+1, end); a != nil && a.isOp("->") {
			return []int{i}, i + 1, true
		}
		return nil, 0, false
	}
	if !t.isOp("(") || t.match < 0 {
		return nil, 0, false
	}
	a := r.at(t.match+1, end)
	if a == nil || !a.isOp("->") {
		return nil, 0, false
	}
	var params []int
	for k := i + 1; k < t.match; k += 2 {
		if !isNameTok(r.tok(k)) || (k+1 < t.match && !r.tok(k+1).isOp(",")) {
			return nil, 0, false
		}
		params = append(params, k)
	}
	return params, t.match + 1, true
}

// lambda rewrites a lambda starting at i to _lN ( body ).
func (r *rewriter) lambda(i, end int, params []int, arrow int) (int, *Error) {
	if !r.inCallArgs(i) {
		return 0, r.p.errorf(r.tok(arrow).pos, ErrSyntax, "a lambda expression is only allowed as a function argument")
	}
	for _, p := range params {
		if t := r.tok(p); t.kind == tkWord && passKeywords[t.up] {
			return 0, r.p.errorf(t.pos, ErrSyntax, "%s cannot name a lambda parameter", t.text)
		}
	}
	bodyEnd := r.topLevel(arrow+1, end, func(k int) bool { return r.tok(k).isOp(",") })
	if bodyEnd == arrow+1 {
		return 0, r.p.errorf(r.p.endPos(arrow+1), ErrSyntax, "expected the lambda's body after ->")
	}
	r.forms.lambdas[i] = &lambdaInfo{params: params, arrow: arrow, last: bodyEnd - 1}
	r.emit(placeholder("_l", i), i)
	r.emit("(", arrow)
	if err := r.seq(arrow+1, bodyEnd); err != nil {
		return 0, err
	}
	r.emit(")", bodyEnd-1)
	return bodyEnd, nil
}

// inCallArgs reports whether token i starts an argument of a function call:
// it follows the call's '(' or a top-level ',' between its parentheses.
func (r *rewriter) inCallArgs(i int) bool {
	if i == 0 {
		return false
	}
	prev := r.tok(i - 1)
	if !prev.isOp("(") && !prev.isOp(",") {
		return false
	}
	for k := i - 1; k >= 0; k-- {
		t := r.tok(k)
		if (t.isOp(")") || t.isOp("]")) && t.match >= 0 && t.match < k {
			k = t.match
			continue
		}
		if t.isOp("[") {
			return false
		}
		if t.isOp("(") {
			if k == 0 {
				return false
			}
			f := r.tok(k - 1)
			return f.kind == tkQuoted || f.kind == tkWord && !passKeywords[f.up]
		}
	}
	return false
}

// arrayCtor rewrites ARRAY[…] at i (the '[' is i+1) to _yN ( … ).
func (r *rewriter) arrayCtor(i, end int) (int, *Error) {
	m := r.tok(i + 1).match
	start := len(r.out)
	r.emit(placeholder("_y", i), i)
	r.emit("(", i+1)
	if err := r.seq(i+2, m); err != nil {
		return 0, err
	}
	r.emit(")", m)
	r.forms.lasts[i] = m
	return r.postfix(start, m+1, end)
}

// atTimeZoneAt reports whether AT TIME ZONE starts at i.
func (r *rewriter) atTimeZoneAt(i, end int) bool {
	a, t, z := r.at(i, end), r.at(i+1, end), r.at(i+2, end)
	return a != nil && a.isWord("AT") && t != nil && t.isWord("TIME") && z != nil && z.isWord("ZONE")
}

// atTimeZone wraps the primary expression whose text starts at r.out[start]
// as _zN ( primary , zone ), N being the AT token at i; the zone is a
// string or an INTERVAL literal.
func (r *rewriter) atTimeZone(start, i, end int) (int, *Error) {
	z := r.at(i+3, end)
	r.out = append(r.out[:start], append([]piece{{placeholder("_z", i), i}, {"(", i}}, r.out[start:]...)...)
	r.emit(",", i+2)
	next := 0
	switch {
	case z != nil && z.kind == tkString:
		r.emit(placeholder(":l", i+3), i+3)
		r.lits[i+3] = i + 3
		next = i + 4
	case z != nil && z.isWord("INTERVAL"):
		var err *Error
		if next, err = r.intervalLit(i+3, end); err != nil {
			return 0, err
		}
	default:
		return 0, r.p.expected(i+3, end, "a time zone string after AT TIME ZONE")
	}
	r.emit(")", next-1)
	r.forms.lasts[i] = next - 1
	return next, nil
}

// grouping rewrites ROLLUP (…), CUBE (…) (open = i+1) or GROUPING SETS (…)
// (open = i+2) to _gN ( items ), a parenthesised item becoming _hM ( … ).
func (r *rewriter) grouping(i, open int) (int, *Error) {
	m := r.tok(open).match
	r.emit(placeholder("_g", i), i)
	r.emit("(", open)
	items := r.splitTop(open+1, m)
	for k, it := range items {
		if k > 0 {
			r.emit(",", it[0]-1)
		}
		if it[0] == it[1] {
			return 0, r.p.expected(it[0], m, "a grouping expression")
		}
		if t := r.tok(it[0]); t.isOp("(") && t.match == it[1]-1 {
			if err := r.composite(it[0]); err != nil {
				return 0, err
			}
			continue
		}
		if err := r.seq(it[0], it[1]); err != nil {
			return 0, err
		}
	}
	r.emit(")", m)
	r.forms.lasts[i] = m
	return m + 1, nil
}

// composite rewrites a parenthesised expression list (a, b) or () at i to
// _hN ( a , b ).
func (r *rewriter) composite(i int) *Error {
	m := r.tok(i).match
	r.emit(placeholder("_h", i), i)
	r.emit("(", i)
	if err := r.seq(i+1, m); err != nil {
		return err
	}
	r.emit(")", m)
	r.forms.lasts[i] = m
	return nil
}

// callArgs rewrites the arguments [i, end) of the call named by token fn,
// cutting what the MySQL grammar cannot hold: a trailing ORDER BY (whose
// keys it returns as a range, for callOrder), listagg's ON OVERFLOW, and
// the JSON functions' clauses.
func (r *rewriter) callArgs(fn, i, end int) (orderFrom, orderTo int, err *Error) {
	name := r.tok(fn).up
	if name == "JSON_EXISTS" || name == "JSON_VALUE" || name == "JSON_QUERY" {
		return -1, -1, r.jsonArgs(fn, i, end)
	}
	argsEnd := end
	order := r.topLevel(i, end, func(k int) bool {
		return r.tok(k).isWord("ORDER") && k+1 < end && r.tok(k+1).isWord("BY")
	})
	over := r.topLevel(i, end, func(k int) bool {
		return r.tok(k).isWord("ON") && k+1 < end && r.tok(k+1).isWord("OVERFLOW")
	})
	if over < end {
		if order < over {
			return 0, 0, r.p.errorf(r.tok(over).pos, ErrSyntax, "ON OVERFLOW must come before ORDER BY")
		}
		ov, err := r.overflow(over, min(order, end))
		if err != nil {
			return 0, 0, err
		}
		r.forms.overflows[fn] = ov
		argsEnd = over
	}
	if order < end {
		argsEnd = min(argsEnd, order)
		if order+2 >= end {
			return 0, 0, r.p.expected(order+2, end, "an ORDER BY expression")
		}
	}
	if err := r.seq(i, argsEnd); err != nil {
		return 0, 0, err
	}
	if order < end {
		return order, end, nil
	}
	return -1, -1, nil
}

// overflow parses ON OVERFLOW ERROR | ON OVERFLOW TRUNCATE ['filler']
// WITH|WITHOUT COUNT in [i, end).
func (r *rewriter) overflow(i, end int) (*Overflow, *Error) {
	ov := &Overflow{Pos: r.tok(i).pos}
	k := i + 2
	t := r.at(k, end)
	switch {
	case t != nil && t.isWord("ERROR"):
		k++
	case t != nil && t.isWord("TRUNCATE"):
		ov.Truncate = true
		k++
		if s := r.at(k, end); s != nil && s.kind == tkString {
			ov.Filler, ov.HasFiller = s.val, true
			k++
		}
		w, c := r.at(k, end), r.at(k+1, end)
		if w == nil || !(w.isWord("WITH") || w.isWord("WITHOUT")) || c == nil || !c.isWord("COUNT") {
			return nil, r.p.expected(k, end, "WITH COUNT or WITHOUT COUNT")
		}
		ov.WithCount = w.isWord("WITH")
		k += 2
	default:
		return nil, r.p.expected(k, end, "ERROR or TRUNCATE after ON OVERFLOW")
	}
	if k < end {
		return nil, r.p.expected(k, end, "')'")
	}
	return ov, nil
}

// orderKeys rewrites the sort items of an ORDER BY list [i, end) as
// comma-separated expressions: ASC/DESC are cut (the converter finds them
// after each key's span) and NULLS FIRST/LAST recorded as for a query's
// ORDER BY.
func (r *rewriter) orderKeys(i, end int) *Error {
	for n, it := range r.splitTop(i, end) {
		s, e := it[0], it[1]
		if s == e {
			return r.p.expected(s, end, "an ORDER BY expression")
		}
		if n > 0 {
			r.emit(",", s-1)
		}
		k := e
		nulls := -1
		if k-2 > s && r.tok(k-2).isWord("NULLS") && (r.tok(k-1).isWord("FIRST") || r.tok(k-1).isWord("LAST")) {
			nulls, k = k-2, k-2
		}
		if k-1 > s && (r.tok(k-1).isWord("ASC") || r.tok(k-1).isWord("DESC")) {
			k--
		}
		if err := r.seq(s, k); err != nil {
			return err
		}
		if nulls >= 0 {
			r.nulls[nulls-1] = nullsMark{tok: nulls, first: r.tok(nulls + 1).isWord("FIRST")}
		}
	}
	return nil
}

// wrapCall inserts "_xN (" before the call whose text starts at r.out[start]
// and appends ", keys )" or ", cond )".
func (r *rewriter) wrapCall(start int, prefix string, n int) {
	r.out = append(r.out[:start], append([]piece{{placeholder(prefix, n), n}, {"(", n}}, r.out[start:]...)...)
}

// callOrder wraps a call with an ORDER BY inside its arguments:
// f ( x ) becomes _oN ( f ( x ) , keys ) with N the ORDER token.
func (r *rewriter) callOrder(start, order, end, closing int) *Error {
	r.wrapCall(start, "_o", order)
	r.emit(",", order)
	if err := r.orderKeys(order+2, end); err != nil {
		return err
	}
	r.emit(")", closing)
	r.forms.lasts[order] = closing
	return nil
}

// callClauses handles what may follow a call's closing parenthesis:
// WITHIN GROUP (ORDER BY …) and FILTER (WHERE …). It returns the index
// after them.
func (r *rewriter) callClauses(start, i, end int) (int, *Error) {
	if w, g, o := r.at(i, end), r.at(i+1, end), r.at(i+2, end); w != nil && w.isWord("WITHIN") && g != nil && g.isWord("GROUP") {
		if o == nil || !o.isOp("(") {
			return 0, r.p.expected(i+2, end, "'(' after WITHIN GROUP")
		}
		m := o.match
		if ob, by := r.at(i+3, m), r.at(i+4, m); ob == nil || !ob.isWord("ORDER") || by == nil || !by.isWord("BY") {
			return 0, r.p.expected(i+3, m, "ORDER BY in WITHIN GROUP (…)")
		}
		if i+5 >= m {
			return 0, r.p.expected(i+5, m, "an ORDER BY expression")
		}
		r.wrapCall(start, "_w", i)
		r.emit(",", i+2)
		if err := r.orderKeys(i+5, m); err != nil {
			return 0, err
		}
		r.emit(")", m)
		r.forms.lasts[i] = m
		i = m + 1
	}
	if f, o := r.at(i, end), r.at(i+1, end); f != nil && f.isWord("FILTER") && o != nil && o.isOp("(") {
		m := o.match
		if w := r.at(i+2, m); w == nil || !w.isWord("WHERE") {
			return 0, r.p.expected(i+2, m, "WHERE in FILTER (…)")
		}
		if i+3 >= m {
			return 0, r.p.expected(i+3, m, "a condition after FILTER (WHERE")
		}
		r.wrapCall(start, "_f", i)
		r.emit(",", i+2)
		if err := r.seq(i+3, m); err != nil {
			return 0, err
		}
		r.emit(")", m)
		r.forms.lasts[i] = m
		i = m + 1
	}
	return i, nil
}

// jsonArgs rewrites the arguments of json_exists, json_value or json_query
// named by token fn: input [FORMAT JSON [ENCODING …]], path string, then
// the clauses, which are recorded; DEFAULT expressions become extra
// arguments.
func (r *rewriter) jsonArgs(fn, i, end int) *Error {
	comma := r.topLevel(i, end, func(k int) bool { return r.tok(k).isOp(",") })
	if comma >= end || comma == i {
		return r.p.errorf(r.tok(fn).pos, ErrSyntax, "%s takes (json, 'path' …)", strings.ToLower(r.tok(fn).text))
	}
	inEnd := comma
	for k := i + 1; k < comma; k++ { // input FORMAT JSON [ENCODING x]
		if r.tok(k).isWord("FORMAT") && k+1 < comma && r.tok(k+1).isWord("JSON") {
			if k+2 < comma && !(r.tok(k+2).isWord("ENCODING") && k+4 == comma) {
				return r.p.expected(k+2, comma, "',' or ENCODING after FORMAT JSON")
			}
			inEnd = k
			break
		}
	}
	if err := r.seq(i, inEnd); err != nil {
		return err
	}
	r.emit(",", comma)
	p := r.at(comma+1, end)
	if p == nil || p.kind != tkString {
		return r.p.expected(comma+1, end, "a JSON path string")
	}
	r.emit(placeholder(":l", comma+1), comma+1)
	r.lits[comma+1] = comma + 1
	info := &jsonInfo{clauses: &JSONClauses{}}
	r.forms.jsons[fn] = info
	return r.jsonClauses(info, comma+2, end)
}

// jsonClauses parses the clauses after a JSON function's path.
func (r *rewriter) jsonClauses(info *jsonInfo, k, end int) *Error {
	jc := info.clauses
	word := func(j int, w string) bool { t := r.at(j, end); return t != nil && t.isWord(w) }
	for k < end {
		t := r.tok(k)
		switch {
		case t.isWord("PASSING"):
			return r.p.errorf(t.pos, ErrUnsupported, "PASSING is not supported yet")
		case t.isWord("RETURNING"):
			typ, next, err := r.p.typeAt(k+1, end)
			if err != nil {
				return err
			}
			jc.Returning, k = typ, next
			if word(k, "FORMAT") && word(k+1, "JSON") {
				k += 2
			}
		case t.isWord("WITHOUT") || t.isWord("WITH"):
			j := k + 1
			jc.Wrapper = WrapperNone
			if t.isWord("WITH") {
				jc.Wrapper = WrapperUnconditional
				if word(j, "CONDITIONAL") {
					jc.Wrapper, j = WrapperConditional, j+1
				} else if word(j, "UNCONDITIONAL") {
					j++
				}
			}
			if word(j, "ARRAY") {
				j++
			}
			if !word(j, "WRAPPER") {
				return r.p.expected(j, end, "WRAPPER")
			}
			k = j + 1
		case t.isWord("KEEP") || t.isWord("OMIT"):
			if !word(k+1, "QUOTES") {
				return r.p.expected(k+1, end, "QUOTES")
			}
			jc.OmitQuotes = t.isWord("OMIT")
			k += 2
			if word(k, "ON") && word(k+1, "SCALAR") && word(k+2, "STRING") {
				k += 3
			}
		default:
			var b JSONBehavior
			var dflt [2]int
			switch {
			case t.isWord("NULL"):
				b, k = JSONNull, k+1
			case t.isWord("ERROR"):
				b, k = JSONError, k+1
			case t.isWord("TRUE"):
				b, k = JSONTrue, k+1
			case t.isWord("FALSE"):
				b, k = JSONFalse, k+1
			case t.isWord("UNKNOWN"):
				b, k = JSONUnknown, k+1
			case t.isWord("EMPTY") && word(k+1, "ARRAY"):
				b, k = JSONEmptyArray, k+2
			case t.isWord("EMPTY") && word(k+1, "OBJECT"):
				b, k = JSONEmptyObject, k+2
			case t.isWord("DEFAULT"):
				on := r.topLevel(k+1, end, func(j int) bool {
					return r.tok(j).isWord("ON") && (word(j+1, "EMPTY") || word(j+1, "ERROR"))
				})
				if on == k+1 || on >= end {
					return r.p.expected(k+1, end, "an expression and ON EMPTY or ON ERROR after DEFAULT")
				}
				b, dflt, k = JSONDefaultValue, [2]int{k + 1, on}, on
			default:
				return r.p.errorf(t.pos, ErrSyntax, "unexpected %s in a JSON function's clauses", t.text)
			}
			if !word(k, "ON") || !(word(k+1, "EMPTY") || word(k+1, "ERROR")) {
				return r.p.expected(k, end, "ON EMPTY or ON ERROR")
			}
			onEmpty := word(k+1, "EMPTY")
			if onEmpty {
				jc.OnEmpty = b
			} else {
				jc.OnError = b
			}
			if b == JSONDefaultValue {
				r.emit(",", dflt[0]-1)
				if err := r.seq(dflt[0], dflt[1]); err != nil {
					return err
				}
				if onEmpty {
					info.defaults = append(info.defaults, 'e')
				} else {
					info.defaults = append(info.defaults, 'r')
				}
			}
			k += 2
		}
	}
	return nil
}
