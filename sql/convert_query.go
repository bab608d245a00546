package sql

import (
	"strconv"

	"github.com/xwb1989/sqlparser"
)

// union converts sqlparser's chain of unions, which is left-deep and reads
// every operator as UNION (EXCEPT and INTERSECT were rewritten to it), into
// SetOps with Trino's shape: the operator of each link is the user's
// keyword, INTERSECT binds tighter than UNION and EXCEPT, and those two
// associate to the left. A ParenSelect is one operand, as written.
func (c *converter) union(s *sqlparser.Union) (QueryExpr, span, *Error) {
	// The chain's operands, left to right.
	var operands []sqlparser.SelectStatement
	var walk func(u *sqlparser.Union)
	walk = func(u *sqlparser.Union) {
		if l, ok := u.Left.(*sqlparser.Union); ok && len(l.OrderBy) == 0 && l.Limit == nil {
			walk(l)
		} else {
			operands = append(operands, u.Left)
		}
		operands = append(operands, u.Right)
	}
	walk(s)

	type item struct {
		q  QueryExpr
		sp span
	}
	type link struct {
		all  bool
		name string
		tok  int
	}
	items := make([]item, len(operands))
	links := make([]link, 0, len(operands)-1)
	for k, o := range operands {
		q, sp, err := c.query(o, false)
		if err != nil {
			return nil, span{}, err
		}
		if sel, ok := q.(*Select); ok && k < len(operands)-1 && (len(sel.OrderBy) > 0 || sel.Limit != nil || sel.Offset != nil) {
			if _, paren := o.(*sqlparser.ParenSelect); !paren {
				return nil, span{}, c.p.errorf(sel.Pos, ErrSyntax, "ORDER BY, OFFSET or LIMIT before %s needs parentheses around that SELECT", c.tok(sp.last+1).up)
			}
		}
		items[k] = item{q, sp}
		if k == 0 {
			continue
		}
		op := sp.first - 1
		all := c.has(op, "ALL")
		if all || c.has(op, "DISTINCT") {
			op--
		}
		name := c.tok(op).up
		switch name {
		case SetUnion, SetExcept, SetIntersect:
		default:
			return nil, span{}, c.internalf(op, "set operator")
		}
		links = append(links, link{all: all, name: name, tok: op})
	}
	combine := func(l item, k link, r item) item {
		return item{&SetOp{Pos: c.tok(l.sp.first).pos, OpPos: c.tok(k.tok).pos, Op: k.name, All: k.all, Left: l.q, Right: r.q},
			span{l.sp.first, r.sp.last}}
	}
	// INTERSECT first, then the rest from the left.
	var terms []item
	var ops []link
	terms = append(terms, items[0])
	for k, l := range links {
		if l.name == SetIntersect {
			terms[len(terms)-1] = combine(terms[len(terms)-1], l, items[k+1])
			continue
		}
		terms = append(terms, items[k+1])
		ops = append(ops, l)
	}
	acc := terms[0]
	for k, l := range ops {
		acc = combine(acc, l, terms[k+1])
	}
	out, ok := acc.q.(*SetOp)
	if !ok {
		return nil, span{}, c.internalf(acc.sp.first, "set operation")
	}
	last := acc.sp.last
	var err *Error
	if out.OrderBy, last, err = c.orderBy(s.OrderBy, last); err != nil {
		return nil, span{}, err
	}
	if out.Offset, out.Limit, last, err = c.tail(s.Limit, last); err != nil {
		return nil, span{}, err
	}
	return out, span{acc.sp.first, last}, nil
}

// tail converts what follows a query's ORDER BY: OFFSET (cut from the text,
// see rewrite_query.go), then LIMIT n (sqlparser's), FETCH FIRST or LIMIT
// ALL (cut). last is the token before the tail; tail returns the last
// token of the tail.
func (c *converter) tail(l *sqlparser.Limit, last int) (*Offset, *Limit, int, *Error) {
	var off *Offset
	if m, ok := c.rw.tails[last]; ok && m.kind == tailOffset {
		delete(c.rw.tails, last)
		n, err := c.count(m.count, "OFFSET")
		if err != nil {
			return nil, nil, 0, err
		}
		off, last = &Offset{Pos: c.tok(m.tok).pos, Count: n, CountPos: c.tok(m.count).pos}, m.last
	}
	lim, last, err := c.limit(l, last)
	if err != nil {
		return nil, nil, 0, err
	}
	m, ok := c.rw.tails[last]
	if !ok {
		return off, lim, last, nil
	}
	switch {
	case m.kind == tailOffset && lim != nil:
		return nil, nil, 0, c.p.errorf(c.tok(m.tok).pos, ErrSyntax, "OFFSET goes before LIMIT: write OFFSET m LIMIT n")
	case m.kind == tailOffset:
		return nil, nil, 0, c.p.errorf(c.tok(m.tok).pos, ErrSyntax, "only one OFFSET is allowed")
	case lim != nil:
		return nil, nil, 0, c.p.errorf(c.tok(m.tok).pos, ErrSyntax, "a query has either LIMIT or FETCH FIRST, not both")
	}
	delete(c.rw.tails, last)
	if m.kind == tailFetch {
		n := int64(1)
		pos := c.tok(m.tok).pos
		if m.count >= 0 {
			var err *Error
			if n, err = c.count(m.count, "FETCH FIRST"); err != nil {
				return nil, nil, 0, err
			}
			pos = c.tok(m.count).pos
		}
		lim = &Limit{Pos: c.tok(m.tok).pos, Count: n, CountPos: pos}
	}
	return off, lim, m.last, nil
}

// count reads the row count of OFFSET or FETCH at token k.
func (c *converter) count(k int, what string) (int64, *Error) {
	t := c.tok(k)
	n, err := strconv.ParseInt(t.text, 10, 64)
	if err != nil || n < 0 {
		return 0, c.p.errorf(t.pos, ErrSyntax, "%s must be a non-negative integer", what)
	}
	return n, nil
}
