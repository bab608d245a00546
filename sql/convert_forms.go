package sql

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// formExpr converts the marker calls of rewrite_forms.go; ok is false for
// any other call.
func (c *converter) formExpr(e *sqlparser.FuncExpr) (x Expr, sp span, err *Error, ok bool) {
	name := e.Name.String()
	if len(name) < 3 || name[0] != '_' {
		return nil, span{}, nil, false
	}
	n, isNum := placeholderIndex(name, name[:2])
	if !isNum {
		return nil, span{}, nil, false
	}
	switch name[1] {
	case 'l':
		x, sp, err = c.lambda(e, n)
	case 'g':
		return nil, span{}, c.p.errorf(c.tok(n).pos, ErrSyntax, "%s is only allowed as a GROUP BY item", strings.ToUpper(c.tok(n).text)), true
	case 'h':
		return nil, span{}, c.internalf(n, "grouping list"), true
	case 'y', 'z', 'f', 'o', 'w':
		args, spans, star, aerr := c.args(e.Exprs)
		if aerr != nil {
			return nil, span{}, aerr, true
		}
		if star {
			return nil, span{}, c.internalf(n, "'*' argument"), true
		}
		x, sp, err = c.form(name[1], n, args, spans)
	default:
		return nil, span{}, nil, false
	}
	return x, sp, err, true
}

func (c *converter) lambda(e *sqlparser.FuncExpr, n int) (Expr, span, *Error) {
	info := c.rw.forms.lambdas[n]
	if info == nil || len(e.Exprs) != 1 {
		return nil, span{}, c.internalf(n, "lambda")
	}
	body, _, _, err := c.args(e.Exprs)
	if err != nil {
		return nil, span{}, err
	}
	if len(body) != 1 {
		return nil, span{}, c.internalf(n, "lambda body")
	}
	l := &Lambda{Pos: c.tok(n).pos, ArrowPos: c.tok(info.arrow).pos, Body: body[0]}
	for _, p := range info.params {
		l.Params = append(l.Params, c.p.ident(p))
	}
	for i, p := range l.Params {
		for _, q := range l.Params[:i] {
			if strings.EqualFold(p.Name, q.Name) {
				return nil, span{}, c.p.errorf(p.Pos, ErrSyntax, "lambda parameter %s is declared twice", p.Name)
			}
		}
	}
	return l, span{n, info.last}, nil
}

// form converts ARRAY[…] (y), AT TIME ZONE (z), FILTER (f), an ORDER BY in
// a call (o) and WITHIN GROUP (w).
func (c *converter) form(kind byte, n int, args []Expr, spans []span) (Expr, span, *Error) {
	last := c.rw.forms.lasts[n]
	switch kind {
	case 'y':
		return &ArrayCtor{Pos: c.tok(n).pos, Elems: args}, span{n, last}, nil
	case 'z':
		if len(args) != 2 {
			return nil, span{}, c.internalf(n, "AT TIME ZONE")
		}
		return &AtTimeZone{Pos: c.tok(spans[0].first).pos, OpPos: c.tok(n).pos, Expr: args[0], Zone: args[1]}, span{spans[0].first, last}, nil
	}
	if len(args) < 2 {
		return nil, span{}, c.internalf(n, "call clause")
	}
	fc, ok := args[0].(*FuncCall)
	if !ok {
		return nil, span{}, c.internalf(n, "call clause")
	}
	sp := span{spans[0].first, last}
	switch kind {
	case 'f':
		if fc.Filter != nil {
			return nil, span{}, c.p.errorf(c.tok(n).pos, ErrSyntax, "only one FILTER clause is allowed")
		}
		fc.Filter = args[1]
	case 'o', 'w':
		if fc.OrderBy != nil {
			return nil, span{}, c.p.errorf(c.tok(n).pos, ErrSyntax, "only one ORDER BY is allowed in %s", fc.Name)
		}
		for k, key := range args[1:] {
			it, _ := c.orderItem(key, spans[k+1])
			fc.OrderBy = append(fc.OrderBy, it)
		}
		fc.WithinGroup = kind == 'w'
		if kind == 'o' {
			sp = spans[0]
		}
	}
	return fc, sp, nil
}

// orderItem builds an ORDER BY item from a key and its span: ASC/DESC and
// NULLS FIRST/LAST are found right after the span (the rewriter cut NULLS
// from the text, and ASC/DESC inside calls). It returns the item's last
// token.
func (c *converter) orderItem(e Expr, sp span) (*OrderItem, int) {
	it := &OrderItem{Pos: c.tok(sp.first).pos, Expr: e, DirPos: -1, NullsPos: -1}
	last := sp.last
	if c.has(last+1, "ASC") || c.has(last+1, "DESC") {
		last++
		it.Desc, it.DirPos = c.tok(last).up == "DESC", c.tok(last).pos
	}
	if m, ok := c.rw.nulls[last]; ok {
		delete(c.rw.nulls, last)
		it.Nulls, it.NullsPos = NullsLast, c.tok(m.tok).pos
		if m.first {
			it.Nulls = NullsFirst
		}
		last = m.tok + 1
	}
	return it, last
}

// callInfo attaches what the rewriter cut from a call's arguments (ON
// OVERFLOW, JSON clauses) to fc, the call named by token n.
func (c *converter) callInfo(fc *FuncCall, n int) *Error {
	fc.Overflow = c.rw.forms.overflows[n]
	info := c.rw.forms.jsons[n]
	if info == nil {
		return nil
	}
	if len(fc.Args) != 2+len(info.defaults) {
		return c.internalf(n, "JSON function arguments")
	}
	jc := *info.clauses
	for k, which := range info.defaults {
		if which == 'e' {
			jc.EmptyDefault = fc.Args[2+k]
		} else {
			jc.ErrorDefault = fc.Args[2+k]
		}
	}
	fc.Args = fc.Args[:2]
	fc.JSON = &jc
	return nil
}

// groupBy converts one GROUP BY item: an expression or a grouping element.
func (c *converter) groupBy(g sqlparser.Expr) (Expr, span, *Error) {
	f, ok := g.(*sqlparser.FuncExpr)
	if !ok {
		return c.expr(g)
	}
	n, ok := placeholderIndex(f.Name.String(), "_g")
	if !ok {
		return c.expr(g)
	}
	ge := &GroupingElement{Pos: c.tok(n).pos}
	switch c.tok(n).up {
	case "ROLLUP":
		ge.Kind = GroupRollup
	case "CUBE":
		ge.Kind = GroupCube
	default:
		ge.Kind = GroupSets
	}
	for _, a := range f.Exprs {
		ae, ok := a.(*sqlparser.AliasedExpr)
		if !ok || !ae.As.IsEmpty() {
			return nil, span{}, c.internalf(n, "grouping item")
		}
		if h, ok := ae.Expr.(*sqlparser.FuncExpr); ok {
			if _, isList := placeholderIndex(h.Name.String(), "_h"); isList {
				list, _, _, err := c.args(h.Exprs)
				if err != nil {
					return nil, span{}, err
				}
				if list == nil {
					list = []Expr{}
				}
				ge.Items = append(ge.Items, list)
				continue
			}
		}
		x, _, err := c.expr(ae.Expr)
		if err != nil {
			return nil, span{}, err
		}
		ge.Items = append(ge.Items, []Expr{x})
	}
	return ge, span{n, c.rw.forms.lasts[n]}, nil
}
