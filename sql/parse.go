package sql

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/xwb1989/sqlparser"
)

// span is a node's first and last token index.
type span struct{ first, last int }

// parser holds one Parse call's state.
type parser struct {
	src  string
	toks []token
	rw   *rewriter
}

// Parse parses one CloudTrail Lake query: [EXPLAIN [ANALYZE]]
// [WITH …] SELECT …, with an optional trailing semicolon. Every error is a
// *Error positioned in query and wrapping ErrSyntax or ErrUnsupported.
func Parse(query string) (Statement, error) {
	toks, lerr := lex(query)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{src: query, toks: toks}
	p.rw = newRewriter(p)
	st, err := p.statement()
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (p *parser) errorf(pos int, kind error, format string, args ...any) *Error {
	return NewError(p.src, pos, kind, format, args...)
}

// endPos is the position just after token end-1 (or 0).
func (p *parser) endPos(end int) int {
	if end == 0 {
		return 0
	}
	return p.toks[end-1].end
}

func (p *parser) statement() (Statement, *Error) {
	n := len(p.toks)
	if n == 0 {
		return nil, p.errorf(len(p.src), ErrSyntax, "empty query")
	}
	if p.toks[n-1].isOp(";") {
		n--
	}
	for i := 0; i < n; i++ {
		if p.toks[i].isOp(";") {
			return nil, p.errorf(p.toks[i].pos, ErrSyntax, "unexpected ';': give one statement")
		}
	}
	var st Statement
	if t := &p.toks[0]; t.isWord("SHOW") || t.isWord("DESCRIBE") || t.isWord("DESC") {
		return p.show(0, n)
	} else if t.isWord("EXPLAIN") {
		ex := &Explain{Pos: t.pos}
		i := 1
		if i < n && p.toks[i].isWord("ANALYZE") {
			ex.Analyze = true
			i++
		}
		if i+1 < n && p.toks[i].isOp("(") && p.toks[i+1].kind == tkWord && !p.toks[i+1].isWord("SELECT") && !p.toks[i+1].isWord("WITH") {
			return nil, p.errorf(p.toks[i+1].pos, ErrUnsupported, "EXPLAIN options are not supported")
		}
		q, err := p.query(i, n)
		if err != nil {
			return nil, err
		}
		ex.Query = q
		st = ex
	} else {
		q, err := p.query(0, n)
		if err != nil {
			return nil, err
		}
		st = q
	}
	if len(p.rw.nulls) > 0 { // cut from the text but not claimed by an ORDER BY term
		first := len(p.toks)
		for _, m := range p.rw.nulls {
			first = min(first, m.tok)
		}
		return nil, p.errorf(p.toks[first].pos, ErrSyntax, "NULLS FIRST/LAST is only allowed after an ORDER BY term")
	}
	if err := p.unclaimedTail(); err != nil {
		return nil, err
	}
	if err := p.unclaimedWindow(); err != nil {
		return nil, err
	}
	if err := p.unclaimedSample(); err != nil {
		return nil, err
	}
	return st, nil
}

// query parses [WITH …] body in tokens [i, end).
func (p *parser) query(i, end int) (*Query, *Error) {
	if i >= end {
		return nil, p.errorf(p.endPos(end), ErrSyntax, "expected a query")
	}
	q := &Query{Pos: p.toks[i].pos}
	if p.toks[i].isWord("WITH") {
		var err *Error
		if q.With, i, err = p.with(i+1, end); err != nil {
			return nil, err
		}
	}
	body, _, err := p.body(i, end)
	if err != nil {
		return nil, err
	}
	q.Body = body
	return q, nil
}

// with parses the CTE list after WITH; it returns the index of the body.
func (p *parser) with(i, end int) ([]*CTE, int, *Error) {
	var ctes []*CTE
	for {
		if i < end && p.toks[i].isWord("RECURSIVE") {
			return nil, 0, p.errorf(p.toks[i].pos, ErrUnsupported, "recursive WITH is not supported")
		}
		if i >= end || !isNameTok(&p.toks[i]) || passKeywords[p.toks[i].up] {
			return nil, 0, p.expected(i, end, "a name for the WITH query")
		}
		c := &CTE{Pos: p.toks[i].pos, Name: identName(&p.toks[i])}
		i++
		if i < end && p.toks[i].isOp("(") {
			m := p.toks[i].match
			for k := i + 1; k < m; k += 2 {
				if !isNameTok(&p.toks[k]) {
					return nil, 0, p.expected(k, m, "a column name")
				}
				c.Columns = append(c.Columns, p.ident(k))
				if k+1 < m && !p.toks[k+1].isOp(",") {
					return nil, 0, p.expected(k+1, m, "',' or ')'")
				}
			}
			i = m + 1
		}
		if i >= end || !p.toks[i].isWord("AS") {
			return nil, 0, p.expected(i, end, "AS")
		}
		i++
		if i >= end || !p.toks[i].isOp("(") {
			return nil, 0, p.expected(i, end, "'(' after AS")
		}
		m := p.toks[i].match
		cq, err := p.query(i+1, m)
		if err != nil {
			return nil, 0, err
		}
		c.Query = cq
		ctes = append(ctes, c)
		i = m + 1
		if i < end && p.toks[i].isOp(",") {
			i++
			continue
		}
		return ctes, i, nil
	}
}

// expected reports that token i (or the end) is not what was wanted.
func (p *parser) expected(i, end int, what string) *Error {
	if i >= end && end < len(p.toks) {
		i = end // the token closing the region, e.g. ')'
	} else if i >= end {
		return p.errorf(p.endPos(end), ErrSyntax, "expected %s at end of input", what)
	}
	return p.errorf(p.toks[i].pos, ErrSyntax, "expected %s, found %s", what, p.toks[i].text)
}

func identName(t *token) string {
	if t.kind == tkQuoted {
		return t.val
	}
	return t.text
}

func (p *parser) ident(i int) Ident {
	t := &p.toks[i]
	return Ident{Pos: t.pos, Name: identName(t), Quoted: t.kind == tkQuoted}
}

// body parses a query body in tokens [i, end) with sqlparser.
func (p *parser) body(i, end int) (QueryExpr, span, *Error) {
	if i >= end {
		return nil, span{}, p.expected(i, end, "a query")
	}
	t := &p.toks[i]
	if t.isOp("(") && t.match == end-1 {
		if in := i + 1; in < end-1 && p.toks[in].isWord("WITH") {
			return nil, span{}, p.errorf(p.toks[in].pos, ErrUnsupported, "WITH is only supported at the start of a query")
		}
		if i+1 == end-1 {
			return nil, span{}, p.errorf(p.toks[end-1].pos, ErrSyntax, "expected a query")
		}
		q, _, err := p.body(i+1, end-1)
		return q, span{i, end - 1}, err
	}
	if !t.isWord("SELECT") && !t.isOp("(") {
		if t.kind == tkWord && statementKeywords[t.up] {
			return nil, span{}, p.errorf(t.pos, ErrUnsupported, "only SELECT queries are supported; ctlake never changes data")
		}
		return nil, span{}, p.expected(i, end, "SELECT")
	}
	from := len(p.rw.out)
	if err := p.rw.seq(i, end); err != nil {
		return nil, span{}, err
	}
	text, offs := p.rw.text(from)
	pieces := p.rw.out[from:]
	stmt, perr := sqlparser.Parse(text)
	if perr != nil {
		return nil, span{}, p.mapError(perr.Error(), text, pieces, offs, end)
	}
	sel, ok := stmt.(sqlparser.SelectStatement)
	if !ok {
		return nil, span{}, p.errorf(t.pos, ErrUnsupported, "only SELECT queries are supported; ctlake never changes data")
	}
	c := &converter{p: p, rw: p.rw}
	q, sp, err := c.query(sel, false)
	if err != nil {
		return nil, span{}, err
	}
	return q, sp, nil
}

// statementKeywords start statements other than queries; they get the
// "only SELECT" error rather than a syntax error.
var statementKeywords = map[string]bool{
	"INSERT": true, "UPDATE": true, "DELETE": true, "MERGE": true, "UPSERT": true, "REPLACE": true,
	"CREATE": true, "DROP": true, "ALTER": true, "TRUNCATE": true, "RENAME": true, "COMMENT": true,
	"GRANT": true, "REVOKE": true, "DENY": true, "SET": true, "RESET": true, "USE": true, "CALL": true,
	"PREPARE": true, "EXECUTE": true, "DEALLOCATE": true, "START": true, "BEGIN": true, "COMMIT": true,
	"ROLLBACK": true, "SHOW": true, "DESCRIBE": true, "DESC": true, "ANALYZE": true, "REFRESH": true,
	"VACUUM": true, "COPY": true, "LOAD": true, "UNLOAD": true, "VALUES": true, "TABLE": true,
}

// sqlparserErr is compiled on first use: only failed parses need it.
var sqlparserErr = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(.*) at position (\d+)(?: near '(.*)')?$`)
})

// mapError turns sqlparser's "syntax error at position N near 'x'" about
// the rewritten text into an error at the matching token of the user's
// text, naming that token as the user wrote it.
func (p *parser) mapError(msg, text string, pieces []piece, offs []int, end int) *Error {
	m := sqlparserErr().FindStringSubmatch(msg)
	if m == nil || len(pieces) == 0 {
		return p.errorf(p.endPos(end), ErrSyntax, "syntax error")
	}
	n, _ := strconv.Atoi(m[2])
	// sqlparser reports the offset just past its lookahead token, and
	// names the token only when it is not punctuation.
	limit := n - 1
	if m[3] != "" {
		limit = n - len(m[3])
	} else if n > len(text) {
		return p.errorf(p.endPos(end), ErrSyntax, "syntax error: unexpected end of query")
	}
	k := 0
	for k+1 < len(pieces) && offs[k+1] <= limit {
		k++
	}
	t := &p.toks[pieces[k].tok]
	if strings.Contains(m[1], "nesting") {
		return p.errorf(t.pos, ErrUnsupported, "query is nested too deeply")
	}
	what := t.text
	if len(what) > 40 {
		what = what[:37] + "..."
	}
	if strings.HasPrefix(pieces[k].text, "_a") {
		return p.errorf(p.endPos(pieces[k].tok+1), ErrSyntax, "syntax error")
	}
	return p.errorf(t.pos, ErrSyntax, "syntax error at or near %q", what)
}
