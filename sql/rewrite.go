package sql

import (
	"strconv"
	"strings"
)

// The rewriter turns a token range of the Lake dialect into text that the
// MySQL grammar of xwb1989/sqlparser accepts, and remembers how to map
// every piece of that text back to the user's tokens:
//
//   - every name (bare, "quoted", a UUID, an ARN, a dotted path of any
//     length) becomes one identifier _iN, where N is the index of its first
//     token; so identifiers regain their positions, quoted identifiers stay
//     identifiers, and 4-level paths fit a grammar that allows 3;
//   - every literal (string, number, TRUE/FALSE/NULL, TIMESTAMP '…',
//     INTERVAL '7' DAY) becomes a bind variable :lN;
//   - constructs MySQL lacks become calls of marker functions that the
//     converter unwraps: CAST(x AS varchar) → _cN(x), m['k'] → _sN(m, 'k'),
//     f(x).arn → _dN(f(x));
//   - || becomes |, which has Trino's concatenation precedence in MySQL
//     (between + and comparisons); IS [NOT] DISTINCT FROM becomes
//     REGEXP / <=>, which have comparison precedence;
//   - SELECT is followed by the comment /*N*/, which sqlparser keeps, so a
//     Select knows its keyword's position;
//   - NULLS FIRST/LAST is cut out and remembered by the token before it;
//   - a FROM subquery without alias gets the alias _aN.
//
// sqlparser then does the statement grammar and operator precedence.

// piece is a fragment of the rewritten text and the token it came from.
type piece struct {
	text string
	tok  int
}

// nullsMark records a NULLS FIRST/LAST that was cut from the text.
type nullsMark struct {
	tok   int // the NULLS token
	first bool
}

// castInfo is what the text loses when CAST(x AS t) becomes _cN(x).
type castInfo struct {
	try  bool
	typ  *Type
	last int // the closing parenthesis
}

// rewriter state is shared by all ranges of one statement (WITH bodies and
// the main body), because its maps are keyed by token index.
type rewriter struct {
	p     *parser
	out   []piece
	paths map[int]int  // first token of a name → its last token
	lits  map[int]int  // first token of a literal → its last token
	funcs map[int]span // function-name token → span of the whole call
	casts map[int]*castInfo
	nulls map[int]nullsMark // token before NULLS → mark
	tails map[int]tailMark  // token before OFFSET, FETCH, LIMIT ALL → mark
	forms *formState        // lambdas, ARRAY[…], AT TIME ZONE, … (rewrite_forms.go)
	win   *windowState      // OVER and WINDOW (rewrite_window.go); nil until used
	// unnests are the UNNEST FROM items cut from the text, by their
	// UNNEST token (rewrite_unnest.go).
	unnests map[int]*unnestInfo
	// samples are the TABLESAMPLE clauses cut from the text, by the token
	// before them (tablesample.go).
	samples map[int]*sampleInfo
}

func newRewriter(p *parser) *rewriter {
	return &rewriter{p: p, paths: map[int]int{}, lits: map[int]int{}, funcs: map[int]span{},
		casts: map[int]*castInfo{}, nulls: map[int]nullsMark{}, tails: map[int]tailMark{},
		forms: newFormState()}
}

// passKeywords are the Trino reserved words handed to sqlparser as
// keywords; every other word is a name.
var passKeywords = map[string]bool{
	"DISTINCT": true, "FROM": true, "WHERE": true, "GROUP": true, "BY": true, "HAVING": true,
	"ORDER": true, "ASC": true, "DESC": true, "LIMIT": true, "UNION": true, "ALL": true, "AS": true,
	"AND": true, "OR": true, "NOT": true, "LIKE": true, "ESCAPE": true, "IN": true, "BETWEEN": true,
	"IS": true, "NULL": true, "CASE": true, "WHEN": true, "THEN": true, "ELSE": true, "END": true,
	"EXISTS": true, "JOIN": true, "INNER": true, "LEFT": true, "RIGHT": true, "CROSS": true,
	"OUTER": true, "NATURAL": true, "ON": true, "USING": true, "SELECT": true,
}

// unsupportedKeywords are valid Trino that ctlake does not accept yet.
var unsupportedKeywords = map[string]string{
	"OVER":        "OVER must follow a function call, as in row_number() OVER (ORDER BY eventTime)",
	"UNNEST":      "UNNEST takes its arrays in parentheses: UNNEST(resources)",
	"LATERAL":     "LATERAL is not supported yet",
	"VALUES":      "VALUES is not supported yet",
	"TABLESAMPLE": "TABLESAMPLE must follow a table or subquery in FROM",
	"WINDOW":      "expected WINDOW name AS (…)",
	"WITH":        "WITH is only supported at the start of a query",
	"RECURSIVE":   "recursive WITH is not supported",
}

// niladic are functions Trino calls without parentheses.
var niladic = map[string]bool{
	"CURRENT_DATE": true, "CURRENT_TIME": true, "CURRENT_TIMESTAMP": true,
	"LOCALTIME": true, "LOCALTIMESTAMP": true,
}

func (r *rewriter) emit(text string, tok int) { r.out = append(r.out, piece{text, tok}) }

func (r *rewriter) tok(i int) *token { return &r.p.toks[i] }

// at returns token i if i < end, else nil.
func (r *rewriter) at(i, end int) *token {
	if i < end {
		return &r.p.toks[i]
	}
	return nil
}

func placeholder(prefix string, n int) string { return prefix + strconv.Itoa(n) }

// seq rewrites tokens [i, end).
func (r *rewriter) seq(i, end int) *Error {
	for i < end {
		var err *Error
		if i, err = r.item(i, end); err != nil {
			return err
		}
	}
	return nil
}

// item rewrites one token, or one primary expression and its postfix
// subscripts and field accesses; it returns the next token index.
func (r *rewriter) item(i, end int) (int, *Error) {
	t := r.tok(i)
	start := len(r.out)
	if params, arrow, ok := r.lambdaAt(i, end); ok {
		return r.lambda(i, end, params, arrow)
	}
	switch t.kind {
	case tkString, tkNumber:
		r.emit(placeholder(":l", i), i)
		r.lits[i] = i
		return r.postfix(start, i+1, end)
	case tkQuoted, tkUUID, tkARN:
		return r.name(i, end)
	case tkWord:
		return r.word(i, end)
	}
	switch t.text {
	case "(":
		m := t.match
		derived := i > 0 && (r.tok(i-1).isWord("FROM") || r.tok(i-1).isWord("JOIN")) && r.startsQuery(i+1, m)
		r.emit("(", i)
		if err := r.seq(i+1, m); err != nil {
			return 0, err
		}
		r.emit(")", m)
		if derived && !r.hasAlias(m+1, end) {
			r.emit(placeholder("_a", m), m)
		}
		return r.postfix(start, m+1, end)
	case "||":
		r.emit("|", i)
	case "[":
		return 0, r.p.errorf(t.pos, ErrSyntax, "unexpected '['")
	case "->":
		return 0, r.p.errorf(t.pos, ErrSyntax, "unexpected '->': a lambda starts with its parameters, as in x -> x + 1")
	case "=>":
		return 0, r.p.errorf(t.pos, ErrUnsupported, "named arguments (=>) are not supported")
	case "?":
		return 0, r.p.errorf(t.pos, ErrUnsupported, "query parameters (?) are not supported")
	case ";":
		return 0, r.p.errorf(t.pos, ErrSyntax, "unexpected ';': give one statement")
	default:
		r.emit(t.text, i)
	}
	return i + 1, nil
}

// startsQuery reports whether tokens from i (after any parentheses) begin a query.
func (r *rewriter) startsQuery(i, end int) bool {
	for i < end && r.tok(i).isOp("(") {
		i++
	}
	return i < end && (r.tok(i).isWord("SELECT") || r.tok(i).isWord("WITH"))
}

// hasAlias reports whether token i starts an alias ([AS] name).
func (r *rewriter) hasAlias(i, end int) bool {
	t := r.at(i, end)
	if t == nil {
		return false
	}
	if t.kind == tkQuoted || t.isWord("AS") {
		return true
	}
	return t.kind == tkWord && !passKeywords[t.up] && unsupportedKeywords[t.up] == "" && !notAlias(t)
}

func isNameTok(t *token) bool { return t != nil && (t.kind == tkWord || t.kind == tkQuoted) }

// isFieldTok reports whether t can follow a dot: a quoted name or a word
// that is not a reserved keyword (a.from must be written a."from").
func isFieldTok(t *token) bool {
	return t != nil && (t.kind == tkQuoted || t.kind == tkWord && !passKeywords[t.up])
}

// word rewrites a bare word: a keyword, a literal introducer, or a name.
func (r *rewriter) word(i, end int) (int, *Error) {
	t := r.tok(i)
	next := r.at(i+1, end)
	call := next != nil && next.isOp("(")
	start := len(r.out)
	if queryWords[t.up] || t.up == "LIMIT" {
		if n, ok, err := r.queryWord(i, end); ok {
			return n, err
		}
	}
	switch up := t.up; {
	case up == "SELECT":
		r.emit("SELECT", i)
		r.emit(placeholder("/*", i)+"*/", i)
		return i + 1, nil
	case up == "TRUE" || up == "FALSE" || up == "NULL" && !r.afterIS(i):
		r.emit(placeholder(":l", i), i)
		r.lits[i] = i
		return r.postfix(start, i+1, end)
	case (up == "CAST" || up == "TRY_CAST") && call:
		return r.cast(i, end)
	case up == "EXTRACT" && call:
		return r.extract(i, end)
	case (up == "TIMESTAMP" || up == "DATE" || up == "TIME" || typedLiteralTypes[up]) && next != nil && next.kind == tkString,
		up == "X" && next != nil && next.kind == tkString && next.pos == t.end:
		r.emit(placeholder(":l", i), i)
		r.lits[i] = i + 1
		return r.postfix(start, i+2, end)
	case up == "INTERVAL":
		return r.interval(i, end)
	case up == "IS":
		if n2 := r.at(i+2, end); next != nil && next.isWord("DISTINCT") && n2 != nil && n2.isWord("FROM") {
			r.emit("REGEXP", i)
			return i + 3, nil
		}
		if n2, n3 := r.at(i+2, end), r.at(i+3, end); next != nil && next.isWord("NOT") && n2 != nil && n2.isWord("DISTINCT") && n3 != nil && n3.isWord("FROM") {
			r.emit("<=>", i)
			return i + 4, nil
		}
		r.emit("IS", i)
		return i + 1, nil
	case up == "NULLS" && next != nil && (next.isWord("FIRST") || next.isWord("LAST")):
		if i == 0 {
			return 0, r.p.errorf(t.pos, ErrSyntax, "unexpected NULLS")
		}
		r.nulls[i-1] = nullsMark{tok: i, first: next.up == "FIRST"}
		return i + 2, nil
	case niladic[up] && !call:
		r.emit(placeholder("_i", i), i)
		r.emit("(", i)
		r.emit(")", i)
		r.paths[i] = i
		r.funcs[i] = span{i, i}
		return r.postfix(start, i+1, end)
	case (up == "LEFT" || up == "RIGHT") && call:
		return r.name(i, end)
	case up == "AT" && r.atTimeZoneAt(i, end):
		return 0, r.p.errorf(t.pos, ErrSyntax, "AT TIME ZONE needs a value before it")
	case up == "ARRAY" && next != nil && next.isOp("["):
		return r.arrayCtor(i, end)
	case (up == "ROLLUP" || up == "CUBE") && call:
		return r.grouping(i, i+1)
	case up == "GROUPING" && next != nil && next.isWord("SETS") && r.at(i+2, end) != nil && r.tok(i+2).isOp("("):
		return r.grouping(i, i+2)
	case up == "UNNEST" && call:
		return r.unnest(i, end)
	case up == "TABLESAMPLE":
		return r.tableSample(i, end)
	case up == "WINDOW" && r.windowClauseAt(i, end):
		return r.windowClause(i, end)
	case up == "OVER" || up == "WINDOW" || up == "UNNEST":
		return 0, r.p.errorf(t.pos, ErrSyntax, "%s", unsupportedKeywords[up])
	case unsupportedKeywords[up] != "":
		return 0, r.p.errorf(t.pos, ErrUnsupported, "%s", unsupportedKeywords[up])
	case passKeywords[up]:
		r.emit(up, i)
		return i + 1, nil
	}
	return r.name(i, end)
}

// afterIS reports whether token i follows IS or IS NOT.
func (r *rewriter) afterIS(i int) bool {
	return i > 0 && (r.tok(i-1).isWord("IS") || i > 1 && r.tok(i-1).isWord("NOT") && r.tok(i-2).isWord("IS"))
}

// name rewrites a dotted name a.b.c… (or a function call name(…)).
func (r *rewriter) name(i, end int) (int, *Error) {
	start := len(r.out)
	last := i
	if r.tok(i).kind == tkWord || r.tok(i).kind == tkQuoted {
		for {
			dot, n := r.at(last+1, end), r.at(last+2, end)
			if dot == nil || !dot.isOp(".") || !isFieldTok(n) {
				break
			}
			last += 2
		}
	}
	r.emit(placeholder("_i", i), i)
	r.paths[i] = last
	next := last + 1
	if p := r.at(next, end); p != nil && p.isOp("(") {
		r.funcs[i] = span{i, p.match}
		r.emit("(", next)
		orderFrom, orderTo, err := r.callArgs(i, next+1, p.match)
		if err != nil {
			return 0, err
		}
		r.emit(")", p.match)
		if orderFrom >= 0 {
			if err := r.callOrder(start, orderFrom, orderTo, p.match); err != nil {
				return 0, err
			}
		}
		if next, err = r.callClauses(start, p.match+1, end); err != nil {
			return 0, err
		}
		if next, err = r.overClause(start, next, end); err != nil {
			return 0, err
		}
	}
	return r.postfix(start, next, end)
}

// postfix applies subscripts [k] and field accesses .f to the primary
// expression whose text starts at r.out[start]. The whole chain is scanned
// first so that all wrapper prefixes are inserted with one copy:
// a[1].b → _dB ( _s1 ( a , 1 ) ).
func (r *rewriter) postfix(start, i, end int) (int, *Error) {
	var chain []int // '[' tokens and field-name tokens, in order
	for k := i; k < end; {
		t := r.tok(k)
		if t.isOp("[") {
			chain = append(chain, k)
			k = t.match + 1
		} else if t.isOp(".") && isFieldTok(r.at(k+1, end)) {
			chain = append(chain, k+1)
			k += 2
		} else {
			break
		}
	}
	if len(chain) == 0 {
		return r.postfixZone(start, i, end)
	}
	prefix := make([]piece, 0, 2*len(chain))
	for c := len(chain) - 1; c >= 0; c-- {
		k := chain[c]
		if r.tok(k).isOp("[") {
			prefix = append(prefix, piece{placeholder("_s", k), k}, piece{"(", k})
		} else {
			prefix = append(prefix, piece{placeholder("_d", k), k}, piece{"(", k - 1})
		}
	}
	r.out = append(r.out[:start], append(prefix, r.out[start:]...)...)
	for _, k := range chain {
		t := r.tok(k)
		if !t.isOp("[") {
			r.emit(")", k)
			i = k + 1
			continue
		}
		if t.match == k+1 {
			return 0, r.p.errorf(r.tok(t.match).pos, ErrSyntax, "missing subscript")
		}
		r.emit(",", k)
		if err := r.seq(k+1, t.match); err != nil {
			return 0, err
		}
		r.emit(")", t.match)
		i = t.match + 1
	}
	return r.postfixZone(start, i, end)
}

// postfixZone applies AT TIME ZONE, which binds tighter than any operator,
// to the primary expression whose text starts at r.out[start].
func (r *rewriter) postfixZone(start, i, end int) (int, *Error) {
	for r.atTimeZoneAt(i, end) {
		var err *Error
		if i, err = r.atTimeZone(start, i, end); err != nil {
			return 0, err
		}
	}
	return i, nil
}

// cast rewrites CAST(x AS type) and TRY_CAST(…) to _cN(x).
func (r *rewriter) cast(i, end int) (int, *Error) {
	t := r.tok(i)
	open := i + 1
	closing := r.tok(open).match
	as := -1
	for k := open + 1; k < closing; k++ {
		if tk := r.tok(k); tk.isOp("(") || tk.isOp("[") {
			k = tk.match
		} else if tk.isWord("AS") {
			as = k
			break
		}
	}
	if as < 0 {
		return 0, r.p.errorf(r.tok(closing).pos, ErrSyntax, "expected AS type in %s", t.up)
	}
	if as == open+1 {
		return 0, r.p.errorf(r.tok(as).pos, ErrSyntax, "missing expression in %s", t.up)
	}
	typ, err := r.p.parseType(as+1, closing)
	if err != nil {
		return 0, err
	}
	r.casts[i] = &castInfo{try: t.up == "TRY_CAST", typ: typ, last: closing}
	start := len(r.out)
	r.emit(placeholder("_c", i), i)
	r.emit("(", open)
	if err := r.seq(open+1, as); err != nil {
		return 0, err
	}
	r.emit(")", closing)
	return r.postfix(start, closing+1, end)
}

// extract rewrites EXTRACT(field FROM x) to the equivalent field(x), e.g.
// EXTRACT(YEAR FROM eventTime) → YEAR(eventTime).
func (r *rewriter) extract(i, end int) (int, *Error) {
	closing := r.tok(i + 1).match
	field, from := r.at(i+2, closing), r.at(i+3, closing)
	if field == nil || field.kind != tkWord || from == nil || !from.isWord("FROM") {
		return 0, r.p.errorf(r.tok(i+1).pos, ErrSyntax, "expected EXTRACT(field FROM expression)")
	}
	start := len(r.out)
	r.emit(placeholder("_i", i+2), i+2)
	r.paths[i+2] = i + 2
	r.funcs[i+2] = span{i, closing}
	r.emit("(", i+1)
	if err := r.seq(i+4, closing); err != nil {
		return 0, err
	}
	r.emit(")", closing)
	return r.postfix(start, closing+1, end)
}

// interval rewrites INTERVAL [+-] 'n' UNIT [TO UNIT] to a literal
// placeholder.
func (r *rewriter) interval(i, end int) (int, *Error) {
	start := len(r.out)
	next, err := r.intervalLit(i, end)
	if err != nil {
		return 0, err
	}
	return r.postfix(start, next, end)
}

// intervalLit emits the literal placeholder of the interval at i and
// returns the index after it.
func (r *rewriter) intervalLit(i, end int) (int, *Error) {
	j := i + 1
	if s := r.at(j, end); s != nil && (s.isOp("-") || s.isOp("+")) {
		j++
	}
	v, u := r.at(j, end), r.at(j+1, end)
	if v == nil || v.kind != tkString || u == nil || u.kind != tkWord {
		return 0, r.p.errorf(r.tok(i).pos, ErrSyntax, "expected INTERVAL 'value' unit, e.g. INTERVAL '7' DAY")
	}
	if !validIntervalUnit(u.up) {
		return 0, r.p.errorf(u.pos, ErrSyntax, "unknown interval unit %s (want YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)", u.text)
	}
	last := j + 1
	if to := r.at(j+2, end); to != nil && to.isWord("TO") {
		u2 := r.at(j+3, end)
		if u2 == nil || u2.kind != tkWord || !validIntervalUnit(u2.up) {
			return 0, r.p.expected(j+3, end, "an interval unit after TO")
		}
		last = j + 3
	}
	r.emit(placeholder(":l", i), i)
	r.lits[i] = last
	return last + 1, nil
}

func validIntervalUnit(u string) bool {
	switch u {
	case "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND":
		return true
	}
	return false
}

// text joins the pieces with spaces and returns each piece's offset.
func (r *rewriter) text(from int) (string, []int) {
	var b strings.Builder
	offs := make([]int, 0, len(r.out)-from)
	for _, pc := range r.out[from:] {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		offs = append(offs, b.Len())
		b.WriteString(pc.text)
	}
	return b.String(), offs
}
