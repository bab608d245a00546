package sql

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// converter turns sqlparser's tree for rewritten text into our AST, using
// the placeholders' token indexes to recover names, literals and positions.
// Each conversion returns the node's token span, from which positions of
// keywords the placeholders do not carry (operators, CASE, ASC/DESC) are
// found: they sit right next to a child's span.
type converter struct {
	p  *parser
	rw *rewriter
}

// tok returns token i; an index outside the query (which a bug in span
// arithmetic could produce) yields an end-of-query token, so that a wrong
// position never becomes a panic.
func (c *converter) tok(i int) *token {
	if i < 0 || i >= len(c.p.toks) {
		return &token{pos: len(c.p.src), end: len(c.p.src), match: -1}
	}
	return &c.p.toks[i]
}

// has reports whether token i exists and is the word w.
func (c *converter) has(i int, w string) bool {
	return i >= 0 && i < len(c.p.toks) && c.p.toks[i].isWord(w)
}

// placeholderIndex decodes "_iN" / ":lN" / … into N.
func placeholderIndex(s, prefix string) (int, bool) {
	if !strings.HasPrefix(s, prefix) {
		return 0, false
	}
	n, err := strconv.Atoi(s[len(prefix):])
	return n, err == nil
}

// internalf reports a tree shape the rewriter should never produce; it is
// positioned at the given token so that it still points into the query.
func (c *converter) internalf(tok int, what string) *Error {
	pos := 0
	if tok >= 0 && tok < len(c.p.toks) {
		pos = c.tok(tok).pos
	}
	return c.p.errorf(pos, ErrUnsupported, "unsupported syntax (%s)", what)
}

// query converts a select statement; paren says it was written in parentheses.
func (c *converter) query(s sqlparser.SelectStatement, paren bool) (QueryExpr, span, *Error) {
	switch s := s.(type) {
	case *sqlparser.Select:
		return c.sel(s)
	case *sqlparser.ParenSelect:
		q, sp, err := c.query(s.Select, true)
		if err != nil {
			return nil, span{}, err
		}
		return q, span{sp.first - 1, c.tok(sp.first - 1).match}, nil
	case *sqlparser.Union:
		return c.union(s)
	}
	return nil, span{}, c.internalf(0, "statement")
}

func (c *converter) sel(s *sqlparser.Select) (QueryExpr, span, *Error) {
	if len(s.Comments) != 1 {
		return nil, span{}, c.internalf(0, "SELECT marker")
	}
	kw, ok := placeholderIndex(strings.TrimSuffix(string(s.Comments[0]), "*/"), "/*")
	if !ok {
		return nil, span{}, c.internalf(0, "SELECT marker")
	}
	out := &Select{Pos: c.tok(kw).pos, Distinct: s.Distinct != ""}
	last := kw
	if out.Distinct {
		last++
	}
	for _, se := range s.SelectExprs {
		item, l, err := c.selectItem(se, last+1)
		if err != nil {
			return nil, span{}, err
		}
		out.Items = append(out.Items, item)
		last = l + 1 // the comma or whatever follows
	}
	last--
	var err *Error
	if out.From, last, err = c.from(s.From, last); err != nil {
		return nil, span{}, err
	}
	if s.Where != nil {
		e, sp, err := c.expr(s.Where.Expr)
		if err != nil {
			return nil, span{}, err
		}
		out.Where, last = e, sp.last
	}
	for _, g := range s.GroupBy {
		e, sp, err := c.groupBy(g)
		if err != nil {
			return nil, span{}, err
		}
		out.GroupBy, last = append(out.GroupBy, e), sp.last
	}
	if s.Having != nil {
		e, sp, err := c.expr(s.Having.Expr)
		if err != nil {
			return nil, span{}, err
		}
		out.Having, last = e, sp.last
	}
	out.Windows, last = c.windowDefs(last)
	if out.OrderBy, last, err = c.orderBy(s.OrderBy, last); err != nil {
		return nil, span{}, err
	}
	if out.Offset, out.Limit, last, err = c.tail(s.Limit, last); err != nil {
		return nil, span{}, err
	}
	return out, span{kw, last}, nil
}

// selectItem converts one select item that starts at token first; it
// returns the item and its last token.
func (c *converter) selectItem(se sqlparser.SelectExpr, first int) (*SelectItem, int, *Error) {
	switch se := se.(type) {
	case *sqlparser.StarExpr:
		item := &SelectItem{Pos: c.tok(first).pos, Star: true}
		if se.TableName.IsEmpty() {
			return item, first, nil
		}
		if !se.TableName.Qualifier.IsEmpty() {
			return nil, 0, c.internalf(first, "qualified star")
		}
		n, ok := placeholderIndex(se.TableName.Name.String(), "_i")
		if !ok {
			return nil, 0, c.internalf(first, "star qualifier")
		}
		for k := n; k <= c.rw.paths[n]; k += 2 {
			item.Qualifier = append(item.Qualifier, c.p.ident(k))
		}
		return item, c.rw.paths[n] + 2, nil
	case *sqlparser.AliasedExpr:
		e, sp, err := c.expr(se.Expr)
		if err != nil {
			return nil, 0, err
		}
		item := &SelectItem{Pos: c.tok(sp.first).pos, Expr: e}
		last := sp.last
		if !se.As.IsEmpty() {
			a, l, err := c.alias(se.As.String())
			if err != nil {
				return nil, 0, err
			}
			item.Alias, last = a, l
		}
		return item, last, nil
	}
	return nil, 0, c.internalf(first, "select item")
}

// alias converts an alias placeholder; it returns nil for a synthetic one.
func (c *converter) alias(s string) (*Ident, int, *Error) {
	if n, ok := placeholderIndex(s, "_a"); ok {
		return nil, n, nil
	}
	n, ok := placeholderIndex(s, "_i")
	if !ok {
		return nil, 0, c.internalf(0, "alias")
	}
	if c.rw.paths[n] != n || !isNameTok(c.tok(n)) {
		return nil, 0, c.p.errorf(c.tok(n).pos, ErrSyntax, "an alias must be a simple name")
	}
	id := c.p.ident(n)
	return &id, n, nil
}

func (c *converter) orderBy(ob sqlparser.OrderBy, last int) ([]*OrderItem, int, *Error) {
	var items []*OrderItem
	for _, o := range ob {
		e, sp, err := c.expr(o.Expr)
		if err != nil {
			return nil, 0, err
		}
		var it *OrderItem
		it, last = c.orderItem(e, sp)
		items = append(items, it)
	}
	return items, last, nil
}

func (c *converter) limit(l *sqlparser.Limit, last int) (*Limit, int, *Error) {
	if l == nil {
		return nil, last, nil
	}
	e, sp, err := c.expr(l.Rowcount)
	if err != nil {
		return nil, 0, err
	}
	if l.Offset != nil {
		return nil, 0, c.p.errorf(c.tok(sp.first).pos, ErrSyntax, "LIMIT m, n is MySQL: write OFFSET m LIMIT n")
	}
	if lit, ok := e.(*Literal); ok && lit.Kind == LitInteger {
		if n, perr := strconv.ParseInt(lit.Value, 10, 64); perr == nil {
			return &Limit{Pos: c.tok(sp.first - 1).pos, Count: n, CountPos: lit.Pos}, sp.last, nil
		}
	}
	return nil, 0, c.p.errorf(e.Position(), ErrSyntax, "LIMIT must be a non-negative integer")
}

// from converts the FROM clause; sqlparser reports a missing FROM as "dual".
func (c *converter) from(te sqlparser.TableExprs, last int) (TableExpr, int, *Error) {
	if len(te) == 1 {
		if a, ok := te[0].(*sqlparser.AliasedTableExpr); ok {
			if tn, ok := a.Expr.(sqlparser.TableName); ok && tn.Name.String() == "dual" {
				return nil, last, nil
			}
		}
	}
	var out TableExpr
	for k, t := range te {
		x, sp, err := c.table(t)
		if err != nil {
			return nil, 0, err
		}
		if k > 0 { // a comma: CROSS JOIN, binding looser than any JOIN
			out = &Join{Pos: out.Position(), OpPos: c.tok(sp.first - 1).pos, Kind: "CROSS JOIN", Left: out, Right: x}
		} else {
			out = x
		}
		last = sp.last
	}
	return out, last, nil
}

func (c *converter) table(te sqlparser.TableExpr) (TableExpr, span, *Error) {
	switch te := te.(type) {
	case *sqlparser.AliasedTableExpr:
		var out TableExpr
		var sp span
		var alias **Ident
		var sample **TableSample
		switch e := te.Expr.(type) {
		case sqlparser.TableName:
			if n, ok := placeholderIndex(e.Name.String(), "_u"); ok && e.Qualifier.IsEmpty() && te.As.IsEmpty() {
				if u, sp, ok := c.unnestTable(n); ok {
					return u, sp, nil
				}
			}
			n, ok := placeholderIndex(e.Name.String(), "_i")
			if !ok || !e.Qualifier.IsEmpty() {
				return nil, span{}, c.internalf(0, "table name")
			}
			t := c.tok(n)
			if c.rw.paths[n] != n {
				return nil, span{}, c.p.errorf(t.pos, ErrUnsupported, "qualified table names are not supported; name the event data store by its ID")
			}
			ref := tableRef(t)
			sample = &ref.Sample
			out, sp, alias = ref, span{n, n}, &ref.Alias
		case *sqlparser.Subquery:
			q, qsp, err := c.query(e.Select, false)
			if err != nil {
				return nil, span{}, err
			}
			open := qsp.first - 1 // the subquery's own parenthesis
			if open < 0 || !c.tok(open).isOp("(") {
				return nil, span{}, c.internalf(qsp.first, "FROM subquery")
			}
			dt := &DerivedTable{Pos: c.tok(open).pos, Query: q}
			out, sp, alias, sample = dt, span{open, c.tok(open).match}, &dt.Alias, &dt.Sample
		default:
			return nil, span{}, c.internalf(0, "FROM item")
		}
		if !te.As.IsEmpty() {
			a, l, err := c.alias(te.As.String())
			if err != nil {
				return nil, span{}, err
			}
			*alias, sp.last = a, l
		}
		*sample, sp.last = c.claimSample(sp.last)
		return out, sp, nil
	case *sqlparser.ParenTableExpr:
		if len(te.Exprs) != 1 {
			return nil, span{}, c.internalf(0, "parenthesised FROM list")
		}
		x, sp, err := c.table(te.Exprs[0])
		if err != nil {
			return nil, span{}, err
		}
		return x, span{sp.first - 1, sp.last + 1}, nil
	case *sqlparser.JoinTableExpr:
		return c.join(te)
	}
	return nil, span{}, c.internalf(0, "FROM item")
}

func (c *converter) join(te *sqlparser.JoinTableExpr) (TableExpr, span, *Error) {
	left, lsp, err := c.table(te.LeftExpr)
	if err != nil {
		return nil, span{}, err
	}
	right, rsp, err := c.table(te.RightExpr)
	if err != nil {
		return nil, span{}, err
	}
	op := lsp.last + 1
	var words []string
	for k := op; k < rsp.first; k++ {
		if w := c.tok(k).up; w != "OUTER" && w != "INNER" {
			words = append(words, w)
		}
	}
	j := &Join{Pos: left.Position(), OpPos: c.tok(op).pos, Kind: strings.Join(words, " "), Left: left, Right: right}
	last := rsp.last
	if te.Condition.On != nil {
		e, sp, err := c.expr(te.Condition.On)
		if err != nil {
			return nil, span{}, err
		}
		j.On, last = e, sp.last
	}
	for _, u := range te.Condition.Using {
		a, l, err := c.alias(u.String())
		if err != nil || a == nil {
			return nil, span{}, c.internalf(last, "USING column")
		}
		j.Using = append(j.Using, *a)
		last = l + 1
	}
	return j, span{lsp.first, last}, nil
}
