package sql

// UNNEST in FROM is cut from the text sqlparser sees and replaced by a
// table name:
//
//	… CROSS JOIN UNNEST(a, b) WITH ORDINALITY AS t(x, y, n) …  →  … CROSS JOIN _uN …
//
// N is the UNNEST token. Its arguments are parsed on their own, as the
// select list of "SELECT a, b" made of the same placeholders (as windows
// are), so they keep their positions; the alias and its column list are
// read from the tokens. The converter turns the table _uN back into an
// *Unnest.

// unnestInfo is what a cut UNNEST leaves for the converter.
type unnestInfo struct {
	node *Unnest
	last int // its last token
}

// unnestAt reports whether the UNNEST at i is a FROM item: after FROM,
// JOIN, or a comma of a FROM list.
func (r *rewriter) unnestAt(i int) bool {
	if i == 0 {
		return false
	}
	prev := r.tok(i - 1)
	if prev.isWord("FROM") || prev.isWord("JOIN") {
		return true
	}
	if !prev.isOp(",") {
		return false
	}
	// A comma in a FROM list: FROM comes before it at the same depth,
	// with no other clause in between.
	for k := i - 2; k >= 0; k-- {
		t := r.tok(k)
		if (t.isOp(")") || t.isOp("]")) && t.match >= 0 && t.match < k {
			k = t.match
			continue
		}
		switch {
		case t.isOp("(") || t.isOp("["):
			return false
		case t.isWord("FROM"):
			return true
		case t.isWord("SELECT") || t.isWord("WHERE") || t.isWord("GROUP") || t.isWord("HAVING") || t.isWord("ORDER") || t.isWord("ON"):
			return false
		}
	}
	return false
}

// unnest rewrites UNNEST(…) [WITH ORDINALITY] [[AS] alias [(cols)]] at i
// (i+1 is its parenthesis) to the table name _uN.
func (r *rewriter) unnest(i, end int) (int, *Error) {
	t := r.tok(i)
	if !r.unnestAt(i) {
		return 0, r.p.errorf(t.pos, ErrSyntax, "UNNEST is a FROM item, as in FROM events CROSS JOIN UNNEST(resources) AS t(r)")
	}
	open := r.tok(i + 1)
	u := &Unnest{Pos: t.pos}
	var ranges []exprRange
	for _, rg := range r.commaItems(i+2, open.match) {
		if rg[0] == rg[1] {
			return 0, r.p.expected(rg[0], open.match, "an array or map in UNNEST")
		}
		ranges = append(ranges, exprRange{rg[0], rg[1], func(e Expr) { u.Args = append(u.Args, e) }})
	}
	if err := r.parseRanges(ranges); err != nil {
		return 0, err
	}
	k := open.match + 1
	if w, o := r.at(k, end), r.at(k+1, end); w != nil && w.isWord("WITH") {
		if o == nil || !o.isWord("ORDINALITY") {
			return 0, r.p.expected(k+1, end, "ORDINALITY after WITH")
		}
		u.Ordinality = true
		k += 2
	}
	last := k - 1
	if a := r.at(k, end); a != nil && a.isWord("AS") {
		k++
		if !isNameTok(r.at(k, end)) || passKeywords[r.tok(k).up] {
			return 0, r.p.expected(k, end, "a name after AS")
		}
	}
	if n := r.at(k, end); isNameTok(n) && !passKeywords[n.up] && unsupportedKeywords[n.up] == "" && !isJoinWord(n) {
		id := r.p.ident(k)
		u.Alias, last = &id, k
		k++
		if o := r.at(k, end); o != nil && o.isOp("(") {
			for c := k + 1; c < o.match; c += 2 {
				if !isNameTok(r.tok(c)) {
					return 0, r.p.expected(c, o.match, "a column name")
				}
				u.Columns = append(u.Columns, r.p.ident(c))
				if c+1 < o.match && !r.tok(c+1).isOp(",") {
					return 0, r.p.expected(c+1, o.match, "',' or ')'")
				}
			}
			if len(u.Columns) == 0 || r.tok(o.match-1).isOp(",") {
				return 0, r.p.expected(o.match, o.match, "a column name")
			}
			last = o.match
			k = o.match + 1
		}
	}
	if r.unnests == nil {
		r.unnests = map[int]*unnestInfo{}
	}
	r.unnests[i] = &unnestInfo{node: u, last: last}
	r.emit(placeholder("_u", i), i)
	return k, nil
}

// isJoinWord reports words that start the next FROM clause part rather
// than name an alias.
func isJoinWord(t *token) bool {
	switch t.up {
	case "CROSS", "JOIN", "LEFT", "RIGHT", "INNER", "FULL", "NATURAL", "ON", "WHERE", "GROUP", "ORDER", "LIMIT", "TABLESAMPLE":
		return true
	}
	return false
}

// unnestTable converts the table name _uN back into its *Unnest.
func (c *converter) unnestTable(n int) (TableExpr, span, bool) {
	info, ok := c.rw.unnests[n]
	if !ok {
		return nil, span{}, false
	}
	return info.node, span{n, info.last}, true
}
