package sql

import (
	"github.com/xwb1989/sqlparser"
)

// Window syntax is parsed here, on tokens, rather than by the MySQL
// grammar, which has neither OVER nor frames:
//
//	f(x) [IGNORE|RESPECT NULLS] OVER (spec)   →  _vN ( f ( x ) )     N: the OVER token
//	f(x) OVER w                               →  _vN ( f ( x ) )
//	… HAVING c WINDOW w AS (spec), …          →  … HAVING c           (cut; kept by the token before WINDOW)
//
// A spec's structure (PARTITION BY, ORDER BY with ASC/DESC and NULLS,
// frame unit and bounds) is read from the tokens, and its expressions are
// parsed by sqlparser on their own, as the select list of a statement
// "SELECT e1, e2, …" made of the same placeholders: so every name and
// literal inside a window keeps its exact position, and a syntax error
// inside it is mapped back to the user's token like any other.

// windowState is what the window forms record, keyed by token index.
type windowState struct {
	overs   map[int]*overInfo     // OVER token → the parsed window
	clauses map[int]*windowClause // token before WINDOW → the clause
}

type overInfo struct {
	spec        *WindowSpec
	ignoreNulls bool
	last        int // the last token of the window
}

type windowClause struct {
	tok  int // the WINDOW keyword
	defs []*WindowDef
	last int
}

func (r *rewriter) windows() *windowState {
	if r.win == nil {
		r.win = &windowState{overs: map[int]*overInfo{}, clauses: map[int]*windowClause{}}
	}
	return r.win
}

// specWords end one part of a window spec.
var specWords = map[string]bool{"PARTITION": true, "ORDER": true, "ROWS": true, "RANGE": true, "GROUPS": true}

// scanTop returns the first index in [i, end) whose token satisfies stop,
// skipping bracketed regions, or end.
func (r *rewriter) scanTop(i, end int, stop func(t *token) bool) int {
	for k := i; k < end; k++ {
		t := r.tok(k)
		if (t.isOp("(") || t.isOp("[")) && t.match > k {
			k = t.match
			continue
		}
		if stop(t) {
			return k
		}
	}
	return end
}

// overClause handles what may follow a call's closing parenthesis at i:
// [IGNORE NULLS | RESPECT NULLS] OVER window. It wraps the call, whose text
// starts at r.out[start], and returns the index after the window (i when
// there is none).
func (r *rewriter) overClause(start, i, end int) (int, *Error) {
	k := i
	ignore, treat := false, -1
	if t, n := r.at(k, end), r.at(k+1, end); t != nil && (t.isWord("IGNORE") || t.isWord("RESPECT")) && n != nil && n.isWord("NULLS") {
		ignore, treat = t.up == "IGNORE", k
		k += 2
	}
	o := r.at(k, end)
	if o == nil || !o.isWord("OVER") {
		if treat >= 0 {
			return 0, r.p.errorf(r.tok(treat).pos, ErrSyntax, "%s NULLS must be followed by OVER (…)", r.tok(treat).up)
		}
		return i, nil
	}
	var spec *WindowSpec
	last := k + 1
	switch w := r.at(k+1, end); {
	case w != nil && w.isOp("("):
		var err *Error
		if spec, err = r.windowSpec(o.pos, k+2, w.match); err != nil {
			return 0, err
		}
		last = w.match
	case isNameTok(w) && !passKeywords[w.up]:
		id := r.p.ident(k + 1)
		spec = &WindowSpec{Pos: o.pos, Ref: &id}
	default:
		return 0, r.p.expected(k+1, end, "'(' or a window name after OVER")
	}
	r.windows().overs[k] = &overInfo{spec: spec, ignoreNulls: ignore, last: last}
	r.wrapCall(start, "_v", k)
	r.emit(")", last)
	return last + 1, nil
}

// exprRange is a token range [from, to) holding one expression, and where
// its value goes once parsed.
type exprRange struct {
	from, to int
	set      func(Expr)
}

// windowSpec parses the tokens [i, end) inside OVER ( … ) or a WINDOW
// entry's parentheses; pos is the spec's position.
func (r *rewriter) windowSpec(pos, i, end int) (*WindowSpec, *Error) {
	spec := &WindowSpec{Pos: pos, Parens: true}
	var exprs []exprRange
	if t := r.at(i, end); isNameTok(t) && !specWords[t.up] && !passKeywords[t.up] {
		id := r.p.ident(i)
		spec.Ref = &id
		i++
	}
	if t, by := r.at(i, end), r.at(i+1, end); t != nil && t.isWord("PARTITION") {
		if by == nil || !by.isWord("BY") {
			return nil, r.p.expected(i+1, end, "BY after PARTITION")
		}
		stop := r.scanTop(i+2, end, func(t *token) bool {
			return t.isWord("ORDER") || t.isWord("ROWS") || t.isWord("RANGE") || t.isWord("GROUPS")
		})
		for _, rg := range r.commaItems(i+2, stop) {
			if rg[0] == rg[1] {
				return nil, r.p.expected(rg[0], stop, "an expression in PARTITION BY")
			}
			exprs = append(exprs, exprRange{rg[0], rg[1], func(e Expr) { spec.PartitionBy = append(spec.PartitionBy, e) }})
		}
		i = stop
	}
	if t, by := r.at(i, end), r.at(i+1, end); t != nil && t.isWord("ORDER") {
		if by == nil || !by.isWord("BY") {
			return nil, r.p.expected(i+1, end, "BY after ORDER")
		}
		stop := r.scanTop(i+2, end, func(t *token) bool {
			return t.isWord("ROWS") || t.isWord("RANGE") || t.isWord("GROUPS") || t.isWord("PARTITION")
		})
		for _, rg := range r.commaItems(i+2, stop) {
			it, to, err := r.orderKey(rg[0], rg[1], stop)
			if err != nil {
				return nil, err
			}
			spec.OrderBy = append(spec.OrderBy, it)
			exprs = append(exprs, exprRange{rg[0], to, func(e Expr) { it.Expr = e }})
		}
		i = stop
	}
	if t := r.at(i, end); t != nil && (t.isWord("ROWS") || t.isWord("RANGE") || t.isWord("GROUPS")) {
		f := &Frame{Pos: t.pos, Unit: t.up}
		var err *Error
		if i, exprs, err = r.frame(f, i+1, end, exprs); err != nil {
			return nil, err
		}
		spec.Frame = f
	}
	if i < end {
		t := r.tok(i)
		if t.isWord("PARTITION") || t.isWord("ORDER") {
			return nil, r.p.errorf(t.pos, ErrSyntax, "%s BY must come before ORDER BY and the frame in a window", t.up)
		}
		return nil, r.p.expected(i, end, "PARTITION BY, ORDER BY, ROWS, RANGE, GROUPS or ')'")
	}
	if err := r.parseRanges(exprs); err != nil {
		return nil, err
	}
	return spec, nil
}

// commaItems splits [i, end) at top-level commas.
func (r *rewriter) commaItems(i, end int) [][2]int {
	if i == end {
		return [][2]int{{i, i}}
	}
	var out [][2]int
	for {
		c := r.scanTop(i, end, func(t *token) bool { return t.isOp(",") })
		out = append(out, [2]int{i, c})
		if c == end {
			return out
		}
		i = c + 1
	}
}

// orderKey reads one ORDER BY key in [i, end): its expression ends before
// a trailing [ASC|DESC] [NULLS FIRST|LAST], which are recorded in the item.
func (r *rewriter) orderKey(i, end, stop int) (*OrderItem, int, *Error) {
	it := &OrderItem{DirPos: -1, NullsPos: -1}
	k := end
	if k-2 > i && r.tok(k-2).isWord("NULLS") && (r.tok(k-1).isWord("FIRST") || r.tok(k-1).isWord("LAST")) {
		it.Nulls, it.NullsPos = NullsLast, r.tok(k-2).pos
		if r.tok(k - 1).isWord("FIRST") {
			it.Nulls = NullsFirst
		}
		k -= 2
	}
	if k-1 > i && (r.tok(k-1).isWord("ASC") || r.tok(k-1).isWord("DESC")) {
		it.Desc, it.DirPos = r.tok(k-1).isWord("DESC"), r.tok(k-1).pos
		k--
	}
	if k == i {
		return nil, 0, r.p.expected(i, stop, "an expression in ORDER BY")
	}
	it.Pos = r.tok(i).pos
	return it, k, nil
}

// frame reads a frame after its unit keyword: start, or BETWEEN start AND
// end. It returns the index after the frame.
func (r *rewriter) frame(f *Frame, i, end int, exprs []exprRange) (int, []exprRange, *Error) {
	between := false
	if t := r.at(i, end); t != nil && t.isWord("BETWEEN") {
		between = true
		i++
	}
	var err *Error
	f.Start = &FrameBound{}
	if i, exprs, err = r.bound(f.Start, i, end, exprs); err != nil {
		return 0, nil, err
	}
	if !between {
		return i, exprs, nil
	}
	if t := r.at(i, end); t == nil || !t.isWord("AND") {
		return 0, nil, r.p.expected(i, end, "AND in the frame's BETWEEN … AND …")
	}
	f.End = &FrameBound{}
	i, exprs, err = r.bound(f.End, i+1, end, exprs)
	return i, exprs, err
}

// bound reads UNBOUNDED PRECEDING|FOLLOWING, CURRENT ROW or
// offset PRECEDING|FOLLOWING.
func (r *rewriter) bound(b *FrameBound, i, end int, exprs []exprRange) (int, []exprRange, *Error) {
	t, n := r.at(i, end), r.at(i+1, end)
	if t == nil {
		return 0, nil, r.p.expected(i, end, "a frame bound (UNBOUNDED PRECEDING, n PRECEDING, CURRENT ROW, n FOLLOWING or UNBOUNDED FOLLOWING)")
	}
	b.Pos = t.pos
	switch {
	case t.isWord("UNBOUNDED"):
		if n == nil || !n.isWord("PRECEDING") && !n.isWord("FOLLOWING") {
			return 0, nil, r.p.expected(i+1, end, "PRECEDING or FOLLOWING after UNBOUNDED")
		}
		b.Kind = UnboundedPreceding
		if n.isWord("FOLLOWING") {
			b.Kind = UnboundedFollowing
		}
		return i + 2, exprs, nil
	case t.isWord("CURRENT"):
		if n == nil || !n.isWord("ROW") {
			return 0, nil, r.p.expected(i+1, end, "ROW after CURRENT")
		}
		b.Kind = CurrentRow
		return i + 2, exprs, nil
	}
	k := r.scanTop(i, end, func(t *token) bool { return t.isWord("PRECEDING") || t.isWord("FOLLOWING") })
	if k == end {
		return 0, nil, r.p.expected(end, end, "PRECEDING or FOLLOWING after the frame offset")
	}
	if k == i {
		return 0, nil, r.p.errorf(r.tok(k).pos, ErrSyntax, "expected an offset or UNBOUNDED before %s", r.tok(k).up)
	}
	b.Kind = Preceding
	if r.tok(k).isWord("FOLLOWING") {
		b.Kind = Following
	}
	return k + 1, append(exprs, exprRange{i, k, func(e Expr) { b.Offset = e }}), nil
}

// parseRanges parses the expressions of ranges as the select list of one
// statement and hands each to its setter.
func (r *rewriter) parseRanges(ranges []exprRange) *Error {
	if len(ranges) == 0 {
		return nil
	}
	saved := r.out
	defer func() { r.out = saved }()
	r.out = []piece{{"SELECT", ranges[0].from}}
	for k, rg := range ranges {
		if k > 0 {
			r.emit(",", rg.from)
		}
		if err := r.seq(rg.from, rg.to); err != nil {
			return err
		}
	}
	text, offs := r.text(0)
	pieces := r.out
	stmt, perr := sqlparser.Parse(text)
	if perr != nil {
		return r.p.mapError(perr.Error(), text, pieces, offs, ranges[len(ranges)-1].to)
	}
	sel, ok := stmt.(*sqlparser.Select)
	if !ok || len(sel.SelectExprs) != len(ranges) {
		return r.p.errorf(r.tok(ranges[0].from).pos, ErrSyntax, "syntax error in window")
	}
	c := &converter{p: r.p, rw: r}
	for k, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return r.p.errorf(r.tok(ranges[k].from).pos, ErrSyntax, "expected an expression")
		}
		e, sp, err := c.expr(ae.Expr)
		if err != nil {
			return err
		}
		if !ae.As.IsEmpty() {
			return r.p.errorf(c.tok(sp.last+1).pos, ErrSyntax, "syntax error at or near %q", c.tok(sp.last+1).text)
		}
		ranges[k].set(e)
	}
	return nil
}

// windowClauseAt reports whether WINDOW at i starts a WINDOW clause:
// WINDOW name AS (.
func (r *rewriter) windowClauseAt(i, end int) bool {
	n, as, o := r.at(i+1, end), r.at(i+2, end), r.at(i+3, end)
	return isNameTok(n) && as != nil && as.isWord("AS") && o != nil && o.isOp("(")
}

// windowClause cuts WINDOW name AS (spec) [, …] from the text, keeping it
// by the token before WINDOW for the SELECT to claim.
func (r *rewriter) windowClause(i, end int) (int, *Error) {
	if i == 0 {
		return 0, r.p.errorf(r.tok(i).pos, ErrSyntax, "unexpected WINDOW")
	}
	wc := &windowClause{tok: i}
	k := i + 1
	for {
		n, as, o := r.at(k, end), r.at(k+1, end), r.at(k+2, end)
		if !isNameTok(n) || passKeywords[n.up] {
			return 0, r.p.expected(k, end, "a window name")
		}
		if as == nil || !as.isWord("AS") {
			return 0, r.p.expected(k+1, end, "AS after the window name")
		}
		if o == nil || !o.isOp("(") {
			return 0, r.p.expected(k+2, end, "'(' after AS")
		}
		spec, err := r.windowSpec(o.pos, k+3, o.match)
		if err != nil {
			return 0, err
		}
		wc.defs = append(wc.defs, &WindowDef{Pos: n.pos, Name: r.p.ident(k), Spec: spec})
		wc.last = o.match
		k = o.match + 1
		if c := r.at(k, end); c != nil && c.isOp(",") {
			k++
			continue
		}
		break
	}
	r.windows().clauses[i-1] = wc
	return k, nil
}

// windowDefs claims the WINDOW clause written after token last (the end of
// a SELECT's FROM, WHERE, GROUP BY or HAVING); it returns the clause's
// last token, or last when there is none.
func (c *converter) windowDefs(last int) ([]*WindowDef, int) {
	if c.rw.win == nil {
		return nil, last
	}
	wc, ok := c.rw.win.clauses[last]
	if !ok {
		return nil, last
	}
	delete(c.rw.win.clauses, last)
	return wc.defs, wc.last
}

// unclaimedWindow reports a WINDOW clause no SELECT claimed.
func (p *parser) unclaimedWindow() *Error {
	if p.rw.win == nil {
		return nil
	}
	first := -1
	for _, wc := range p.rw.win.clauses {
		if first < 0 || wc.tok < first {
			first = wc.tok
		}
	}
	if first < 0 {
		return nil
	}
	return p.errorf(p.toks[first].pos, ErrSyntax, "a WINDOW clause must follow FROM, WHERE, GROUP BY or HAVING, before ORDER BY")
}

// over converts the marker _vN around a call into the call with its window.
func (c *converter) over(n int, args []Expr, spans []span) (Expr, span, *Error) {
	info := c.rw.windows().overs[n]
	if info == nil || len(args) != 1 {
		return nil, span{}, c.internalf(n, "window")
	}
	fc, ok := args[0].(*FuncCall)
	if !ok {
		return nil, span{}, c.internalf(n, "window")
	}
	fc.Over, fc.IgnoreNulls = info.spec, info.ignoreNulls
	return fc, span{spans[0].first, info.last}, nil
}
