package sql

import "fmt"

// TableSample is TABLESAMPLE BERNOULLI (p) or TABLESAMPLE SYSTEM (p) after
// a FROM item: each row (BERNOULLI) or each block of rows (SYSTEM) is kept
// with probability p percent.
type TableSample struct {
	Pos     int    // the TABLESAMPLE keyword
	Method  string // "BERNOULLI" or "SYSTEM"
	Percent Expr
}

func (n *TableSample) Position() int { return n.Pos }

// TABLESAMPLE is cut from the text sqlparser sees and kept by the token
// before it (the table's name or alias, or a subquery's parenthesis), for
// the converter to attach to that FROM item; its percentage is parsed on
// its own, as window expressions are.

type sampleInfo struct {
	node *TableSample
	tok  int // the TABLESAMPLE keyword
	last int
}

// tableSample cuts TABLESAMPLE method (expr) starting at i.
func (r *rewriter) tableSample(i, end int) (int, *Error) {
	t := r.tok(i)
	if i == 0 {
		return 0, r.p.errorf(t.pos, ErrSyntax, "unexpected TABLESAMPLE")
	}
	m, o := r.at(i+1, end), r.at(i+2, end)
	if m == nil || !m.isWord("BERNOULLI") && !m.isWord("SYSTEM") {
		return 0, r.p.expected(i+1, end, "BERNOULLI or SYSTEM after TABLESAMPLE")
	}
	if o == nil || !o.isOp("(") {
		return 0, r.p.expected(i+2, end, "'(' and a percentage")
	}
	if o.match == i+3 {
		return 0, r.p.expected(o.match, o.match, "a percentage")
	}
	s := &TableSample{Pos: t.pos, Method: m.up}
	if err := r.parseRanges([]exprRange{{i + 3, o.match, func(e Expr) { s.Percent = e }}}); err != nil {
		return 0, err
	}
	if r.samples == nil {
		r.samples = map[int]*sampleInfo{}
	}
	r.samples[i-1] = &sampleInfo{node: s, tok: i, last: o.match}
	return o.match + 1, nil
}

// claimSample returns the TABLESAMPLE written after token last, if any,
// and the sample's last token.
func (c *converter) claimSample(last int) (*TableSample, int) {
	info, ok := c.rw.samples[last]
	if !ok {
		return nil, last
	}
	delete(c.rw.samples, last)
	return info.node, info.last
}

// unclaimedSample reports a TABLESAMPLE that follows no table.
func (p *parser) unclaimedSample() *Error {
	first := -1
	for _, s := range p.rw.samples {
		if first < 0 || s.tok < first {
			first = s.tok
		}
	}
	if first < 0 {
		return nil
	}
	return p.errorf(p.toks[first].pos, ErrSyntax, "TABLESAMPLE must follow a table or subquery in FROM")
}

func (f *formatter) sample(s *TableSample) {
	if s == nil {
		return
	}
	f.w(" TABLESAMPLE ", s.Method, " (")
	f.expr(s.Percent, 0)
	f.w(")")
}

func (d *dumper) sample(depth int, s *TableSample) {
	if s == nil {
		return
	}
	d.line(depth, "%s", fmt.Sprintf("tablesample@%d %s", s.Pos, s.Method))
	d.node(s.Percent, depth+1)
}
