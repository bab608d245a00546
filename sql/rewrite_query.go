package sql

// Query-level Trino syntax the MySQL grammar of sqlparser lacks, rewritten
// so that sqlparser still parses the statement structure and the converter
// recovers what was written from the original tokens:
//
//   - EXCEPT and INTERSECT become UNION. sqlparser then builds its
//     left-deep chain of unions, and the converter reads each operator's
//     keyword from the user's tokens and regroups the chain with Trino's
//     precedence (INTERSECT binds tighter; see convert_query.go).
//   - FULL [OUTER] JOIN becomes LEFT [OUTER] JOIN; the converter reads the
//     join kind from the user's tokens, so it sees FULL.
//   - OFFSET n [ROW|ROWS], FETCH {FIRST|NEXT} [n] {ROW|ROWS} ONLY and LIMIT
//     ALL are cut from the text (MySQL has OFFSET only after LIMIT, and no
//     FETCH) and remembered by the token before them, like NULLS FIRST; the
//     converter claims them after a query's ORDER BY.
//
// Owning the grammar of query expressions would be the alternative; these
// three rewrites keep every position exact with a few dozen lines, while the
// chain regrouping is the only place where the borrowed grammar's shape had
// to be corrected.

// queryWords are the words handled here (when in the right context).
var queryWords = map[string]bool{"EXCEPT": true, "INTERSECT": true, "FULL": true, "OFFSET": true, "FETCH": true}

// tailKind says which clause a tailMark stands for.
type tailKind uint8

const (
	tailOffset   tailKind = iota + 1 // OFFSET n [ROW|ROWS]
	tailFetch                        // FETCH FIRST|NEXT [n] ROW|ROWS ONLY
	tailLimitAll                     // LIMIT ALL
)

// tailMark records a clause cut from the text.
type tailMark struct {
	kind  tailKind
	tok   int // the clause's first token (OFFSET, FETCH, LIMIT)
	count int // the count's token; -1 when left out (FETCH FIRST ROW ONLY, LIMIT ALL)
	last  int // the clause's last token
}

// queryWord rewrites one of the queryWords, or a LIMIT ALL, starting at
// token i. ok is false when the word is not the keyword here (OFFSET, FETCH
// and FULL are also plausible column names), so that the caller treats it
// as a name.
func (r *rewriter) queryWord(i, end int) (next int, ok bool, err *Error) {
	t, n1, n2 := r.tok(i), r.at(i+1, end), r.at(i+2, end)
	switch t.up {
	case "EXCEPT", "INTERSECT":
		r.emit("UNION", i)
		return i + 1, true, nil
	case "FULL":
		if n1 != nil && (n1.isWord("JOIN") || n1.isWord("OUTER") && n2 != nil && n2.isWord("JOIN")) {
			r.emit("LEFT", i)
			return i + 1, true, nil
		}
		return 0, false, nil
	case "OFFSET":
		if n1 == nil || n1.kind != tkNumber {
			return 0, false, nil
		}
		last := i + 1
		if n2 != nil && (n2.isWord("ROW") || n2.isWord("ROWS")) {
			last++
		}
		return r.cut(tailMark{kind: tailOffset, tok: i, count: i + 1, last: last})
	case "FETCH":
		if n1 == nil || !n1.isWord("FIRST") && !n1.isWord("NEXT") {
			return 0, false, nil
		}
		m := tailMark{kind: tailFetch, tok: i, count: -1}
		k := i + 2
		if c := r.at(k, end); c != nil && c.kind == tkNumber {
			m.count = k
			k++
		}
		if w := r.at(k, end); w == nil || !w.isWord("ROW") && !w.isWord("ROWS") {
			return 0, true, r.p.expected(k, end, "ROW or ROWS in FETCH FIRST n ROWS ONLY")
		}
		k++
		w := r.at(k, end)
		if w != nil && w.isWord("WITH") {
			return 0, true, r.p.errorf(w.pos, ErrUnsupported, "FETCH … WITH TIES is not supported; use ONLY")
		}
		if w == nil || !w.isWord("ONLY") {
			return 0, true, r.p.expected(k, end, "ONLY in FETCH FIRST n ROWS ONLY")
		}
		m.last = k
		return r.cut(m)
	case "LIMIT":
		if n1 != nil && n1.isWord("ALL") {
			return r.cut(tailMark{kind: tailLimitAll, tok: i, count: -1, last: i + 1})
		}
	}
	return 0, false, nil
}

// cut drops a tail clause from the text, remembering it by the token before.
func (r *rewriter) cut(m tailMark) (int, bool, *Error) {
	if m.tok == 0 {
		return 0, true, r.p.errorf(r.tok(m.tok).pos, ErrSyntax, "unexpected %s", r.tok(m.tok).up)
	}
	r.tails[m.tok-1] = m
	return m.last + 1, true, nil
}

// notAlias reports words that end a FROM item rather than name its alias.
func notAlias(t *token) bool {
	return queryWords[t.up] || t.up == "NULLS"
}

// unclaimedTail reports a cut clause no query claimed: one written where
// a query cannot end (inside an expression, say).
func (p *parser) unclaimedTail() *Error {
	first := -1
	for _, m := range p.rw.tails {
		if first < 0 || m.tok < first {
			first = m.tok
		}
	}
	if first < 0 {
		return nil
	}
	t := &p.toks[first]
	what := t.up
	if t.isWord("LIMIT") {
		what = "LIMIT ALL"
	}
	return p.errorf(t.pos, ErrSyntax, "%s is only allowed at the end of a query, after ORDER BY", what)
}
