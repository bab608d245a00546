package sql

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// expr converts an expression and returns its token span.
func (c *converter) expr(e sqlparser.Expr) (Expr, span, *Error) {
	switch e := e.(type) {
	case *sqlparser.ColName:
		n, ok := placeholderIndex(e.Name.String(), "_i")
		if !ok || !e.Qualifier.IsEmpty() {
			return nil, span{}, c.internalf(0, "column")
		}
		return c.columnRef(n), span{n, c.rw.paths[n]}, nil
	case *sqlparser.SQLVal:
		n, ok := placeholderIndex(string(e.Val), ":l")
		if !ok || e.Type != sqlparser.ValArg {
			return nil, span{}, c.internalf(0, "literal")
		}
		return c.literal(n), span{n, c.rw.lits[n]}, nil
	case *sqlparser.ParenExpr:
		x, sp, err := c.expr(e.Expr)
		return x, span{sp.first - 1, sp.last + 1}, err
	case *sqlparser.AndExpr:
		return c.binary(OpAnd, e.Left, e.Right)
	case *sqlparser.OrExpr:
		return c.binary(OpOr, e.Left, e.Right)
	case *sqlparser.NotExpr:
		return c.unary("NOT", e.Expr)
	case *sqlparser.UnaryExpr:
		if e.Operator != sqlparser.UMinusStr && e.Operator != sqlparser.UPlusStr {
			return nil, span{}, c.internalf(0, "unary "+e.Operator)
		}
		return c.unary(e.Operator, e.Expr)
	case *sqlparser.BinaryExpr:
		op, ok := map[string]string{"+": OpAdd, "-": OpSub, "*": OpMul, "/": OpDiv, "%": OpMod, "|": OpConcat}[e.Operator]
		if !ok {
			return nil, span{}, c.internalf(0, "operator "+e.Operator)
		}
		return c.binary(op, e.Left, e.Right)
	case *sqlparser.ComparisonExpr:
		return c.comparison(e)
	case *sqlparser.RangeCond:
		return c.between(e)
	case *sqlparser.IsExpr:
		x, sp, err := c.expr(e.Expr)
		if err != nil {
			return nil, span{}, err
		}
		not := e.Operator == sqlparser.IsNotNullStr
		if !not && e.Operator != sqlparser.IsNullStr {
			return nil, span{}, c.internalf(sp.last+1, e.Operator)
		}
		last := sp.last + 2
		if not {
			last++
		}
		return &IsNull{Pos: c.tok(sp.first).pos, OpPos: c.tok(sp.last + 1).pos, Not: not, Expr: x}, span{sp.first, last}, nil
	case *sqlparser.CaseExpr:
		return c.caseExpr(e)
	case *sqlparser.FuncExpr:
		return c.funcExpr(e)
	case *sqlparser.Subquery:
		return c.subquery(e)
	case *sqlparser.ExistsExpr:
		sq, sp, err := c.subquery(e.Subquery)
		if err != nil {
			return nil, span{}, err
		}
		return &Exists{Pos: c.tok(sp.first - 1).pos, Subquery: sq}, span{sp.first - 1, sp.last}, nil
	case sqlparser.ValTuple:
		if len(e) > 0 {
			if _, sp, err := c.expr(e[0]); err == nil {
				return nil, span{}, c.p.errorf(c.tok(sp.first-1).pos, ErrUnsupported, "row constructors (a, b) are not supported yet")
			}
		}
	}
	return nil, span{}, c.internalf(c.firstTok(e), "expression")
}

// firstTok finds the first placeholder token inside an sqlparser node, to
// position errors about nodes that carry no placeholder of their own.
func (c *converter) firstTok(n sqlparser.SQLNode) int {
	best := -1
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		var s string
		switch n := n.(type) {
		case *sqlparser.ColName:
			s = n.Name.String()
		case *sqlparser.SQLVal:
			s = string(n.Val)
		case *sqlparser.FuncExpr:
			s = n.Name.String()
		default:
			return true, nil
		}
		if len(s) > 2 {
			if k, err := strconv.Atoi(s[2:]); err == nil && (best < 0 || k < best) {
				best = k
			}
		}
		return true, nil
	}, n)
	return best
}

// columnRef builds the dotted name that starts at token n.
func (c *converter) columnRef(n int) *ColumnRef {
	ref := &ColumnRef{Pos: c.tok(n).pos}
	for k := n; k <= c.rw.paths[n]; k += 2 {
		t := c.tok(k)
		ref.Parts = append(ref.Parts, identName(t))
		ref.PartPos = append(ref.PartPos, t.pos)
		ref.Quoted = append(ref.Quoted, t.kind == tkQuoted)
	}
	return ref
}

// literal builds the literal whose first token is n.
func (c *converter) literal(n int) Expr {
	t := c.tok(n)
	switch t.kind {
	case tkString:
		return &Literal{Pos: t.pos, Kind: LitString, Value: t.val}
	case tkNumber:
		kind := LitInteger
		if strings.ContainsAny(t.text, "eE") {
			kind = LitDouble
		} else if strings.Contains(t.text, ".") {
			kind = LitDecimal
		}
		return &Literal{Pos: t.pos, Kind: kind, Value: t.text}
	}
	switch t.up {
	case "TRUE", "FALSE":
		return &Literal{Pos: t.pos, Kind: LitBool, Value: strings.ToLower(t.up)}
	case "NULL":
		return &Literal{Pos: t.pos, Kind: LitNull}
	case "TIMESTAMP":
		return &Literal{Pos: t.pos, Kind: LitTimestamp, Value: c.tok(n + 1).val}
	case "DATE":
		return &Literal{Pos: t.pos, Kind: LitDate, Value: c.tok(n + 1).val}
	case "TIME":
		return &Literal{Pos: t.pos, Kind: LitTime, Value: c.tok(n + 1).val}
	case "X":
		return &Literal{Pos: t.pos, Kind: LitBinary, Value: c.tok(n + 1).val}
	}
	if typedLiteralTypes[t.up] {
		s := c.tok(n + 1)
		return &Cast{Pos: t.pos, Expr: &Literal{Pos: s.pos, Kind: LitString, Value: s.val},
			Type: &Type{Pos: t.pos, Name: strings.ToLower(t.text)}}
	}
	// INTERVAL [sign] 'v' UNIT [TO UNIT]
	v := n + 1
	if c.tok(v).isOp("-") || c.tok(v).isOp("+") {
		v++
	}
	iv := &Interval{Pos: t.pos, Negative: c.tok(n + 1).isOp("-"), Value: c.tok(v).val, Unit: c.tok(v + 1).up}
	if last := c.rw.lits[n]; last > v+1 {
		iv.To = c.tok(last).up
	}
	return iv
}

func (c *converter) binary(op string, l, r sqlparser.Expr) (Expr, span, *Error) {
	left, lsp, err := c.expr(l)
	if err != nil {
		return nil, span{}, err
	}
	right, rsp, err := c.expr(r)
	if err != nil {
		return nil, span{}, err
	}
	return &Binary{Pos: c.tok(lsp.first).pos, OpPos: c.tok(lsp.last + 1).pos, Op: op, Left: left, Right: right}, span{lsp.first, rsp.last}, nil
}

func (c *converter) unary(op string, x sqlparser.Expr) (Expr, span, *Error) {
	e, sp, err := c.expr(x)
	if err != nil {
		return nil, span{}, err
	}
	return &Unary{Pos: c.tok(sp.first - 1).pos, Op: op, Expr: e}, span{sp.first - 1, sp.last}, nil
}

func (c *converter) comparison(e *sqlparser.ComparisonExpr) (Expr, span, *Error) {
	left, lsp, err := c.expr(e.Left)
	if err != nil {
		return nil, span{}, err
	}
	pos, opPos := c.tok(lsp.first).pos, c.tok(lsp.last+1).pos
	switch e.Operator {
	case sqlparser.InStr, sqlparser.NotInStr:
		in := &In{Pos: pos, OpPos: opPos, Not: e.Operator == sqlparser.NotInStr, Expr: left}
		var last int
		switch r := e.Right.(type) {
		case sqlparser.ValTuple:
			first := lsp.last + 2
			if in.Not {
				first++
			}
			last = c.tok(first).match
			for _, v := range r {
				x, _, err := c.expr(v)
				if err != nil {
					return nil, span{}, err
				}
				in.List = append(in.List, x)
			}
		case *sqlparser.Subquery:
			sq, sp, err := c.subquery(r)
			if err != nil {
				return nil, span{}, err
			}
			in.Subquery, last = sq, sp.last
		default:
			return nil, span{}, c.internalf(lsp.last+1, "IN list")
		}
		return in, span{lsp.first, last}, nil
	}
	right, rsp, err := c.expr(e.Right)
	if err != nil {
		return nil, span{}, err
	}
	sp := span{lsp.first, rsp.last}
	switch e.Operator {
	case sqlparser.LikeStr, sqlparser.NotLikeStr:
		lk := &Like{Pos: pos, OpPos: opPos, Not: e.Operator == sqlparser.NotLikeStr, Expr: left, Pattern: right}
		if e.Escape != nil {
			esc, esp, err := c.expr(e.Escape)
			if err != nil {
				return nil, span{}, err
			}
			lk.Escape, sp.last = esc, esp.last
		}
		return lk, sp, nil
	case sqlparser.RegexpStr, sqlparser.NullSafeEqualStr:
		return &IsDistinctFrom{Pos: pos, OpPos: opPos, Not: e.Operator == sqlparser.NullSafeEqualStr, Left: left, Right: right}, sp, nil
	}
	op, ok := map[string]string{"=": OpEq, "!=": OpNe, "<": OpLt, "<=": OpLe, ">": OpGt, ">=": OpGe}[e.Operator]
	if !ok {
		return nil, span{}, c.internalf(lsp.last+1, "operator "+e.Operator)
	}
	return &Binary{Pos: pos, OpPos: opPos, Op: op, Left: left, Right: right}, sp, nil
}

func (c *converter) between(e *sqlparser.RangeCond) (Expr, span, *Error) {
	x, xsp, err := c.expr(e.Left)
	if err != nil {
		return nil, span{}, err
	}
	lo, _, err := c.expr(e.From)
	if err != nil {
		return nil, span{}, err
	}
	hi, hsp, err := c.expr(e.To)
	if err != nil {
		return nil, span{}, err
	}
	return &Between{Pos: c.tok(xsp.first).pos, OpPos: c.tok(xsp.last + 1).pos, Not: e.Operator == sqlparser.NotBetweenStr,
		Expr: x, Low: lo, High: hi}, span{xsp.first, hsp.last}, nil
}

func (c *converter) caseExpr(e *sqlparser.CaseExpr) (Expr, span, *Error) {
	out := &Case{}
	first := -1
	if e.Expr != nil {
		x, sp, err := c.expr(e.Expr)
		if err != nil {
			return nil, span{}, err
		}
		out.Operand, first = x, sp.first-1
	}
	last := 0
	for _, w := range e.Whens {
		cond, csp, err := c.expr(w.Cond)
		if err != nil {
			return nil, span{}, err
		}
		res, rsp, err := c.expr(w.Val)
		if err != nil {
			return nil, span{}, err
		}
		if first < 0 {
			first = csp.first - 2
		}
		out.Whens = append(out.Whens, &When{Pos: c.tok(csp.first - 1).pos, Cond: cond, Result: res})
		last = rsp.last
	}
	if e.Else != nil {
		x, sp, err := c.expr(e.Else)
		if err != nil {
			return nil, span{}, err
		}
		out.Else, last = x, sp.last
	}
	out.Pos = c.tok(first).pos
	return out, span{first, last + 1}, nil
}

func (c *converter) subquery(e *sqlparser.Subquery) (*Subquery, span, *Error) {
	q, sp, err := c.query(e.Select, false)
	if err != nil {
		return nil, span{}, err
	}
	open := sp.first - 1
	if open < 0 || !c.tok(open).isOp("(") {
		return nil, span{}, c.internalf(sp.first, "subquery")
	}
	return &Subquery{Pos: c.tok(open).pos, Query: q}, span{open, c.tok(open).match}, nil
}

// funcExpr converts a call: a real function (_iN) or one of the marker
// functions the rewriter introduced (_cN cast, _sN subscript, _dN field).
func (c *converter) funcExpr(e *sqlparser.FuncExpr) (Expr, span, *Error) {
	name := e.Name.String()
	if !e.Qualifier.IsEmpty() {
		return nil, span{}, c.internalf(0, "qualified function")
	}
	if x, sp, err, ok := c.formExpr(e); ok {
		return x, sp, err
	}
	args, spans, star, err := c.args(e.Exprs)
	if err != nil {
		return nil, span{}, err
	}
	if n, ok := placeholderIndex(name, "_i"); ok {
		t := c.tok(n)
		if c.rw.paths[n] != n {
			return nil, span{}, c.p.errorf(t.pos, ErrUnsupported, "qualified function names are not supported")
		}
		sp := c.rw.funcs[n]
		fc := &FuncCall{Pos: c.tok(sp.first).pos, Name: identName(t), Distinct: e.Distinct, Args: args, Star: star,
			NoParens: sp.first == sp.last}
		if star && len(args) > 0 {
			return nil, span{}, c.p.errorf(t.pos, ErrSyntax, "%s(*) takes no other arguments", fc.Name)
		}
		if err := c.callInfo(fc, n); err != nil {
			return nil, span{}, err
		}
		return fc, sp, nil
	}
	if star {
		return nil, span{}, c.internalf(0, "'*' argument")
	}
	if n, ok := placeholderIndex(name, "_c"); ok {
		ci := c.rw.casts[n]
		if len(args) != 1 {
			return nil, span{}, c.p.errorf(c.tok(n).pos, ErrSyntax, "%s takes one expression", c.tok(n).up)
		}
		return &Cast{Pos: c.tok(n).pos, TryCast: ci.try, Expr: args[0], Type: ci.typ}, span{n, ci.last}, nil
	}
	if n, ok := placeholderIndex(name, "_s"); ok && len(args) == 2 {
		return &Subscript{Pos: c.tok(spans[0].first).pos, Expr: args[0], Index: args[1]}, span{spans[0].first, c.tok(n).match}, nil
	}
	if n, ok := placeholderIndex(name, "_v"); ok {
		return c.over(n, args, spans)
	}
	if n, ok := placeholderIndex(name, "_d"); ok && len(args) == 1 {
		t := c.tok(n)
		return &FieldAccess{Pos: c.tok(spans[0].first).pos, Expr: args[0], Field: identName(t), FieldPos: t.pos}, span{spans[0].first, n}, nil
	}
	return nil, span{}, c.internalf(0, "function")
}

// args converts call arguments; star reports a lone "*" (count(*)).
func (c *converter) args(se sqlparser.SelectExprs) ([]Expr, []span, bool, *Error) {
	var out []Expr
	var spans []span
	star := false
	for _, a := range se {
		switch a := a.(type) {
		case *sqlparser.StarExpr:
			if !a.TableName.IsEmpty() {
				return nil, nil, false, c.internalf(0, "qualified '*' argument")
			}
			star = true
		case *sqlparser.AliasedExpr:
			x, sp, err := c.expr(a.Expr)
			if err != nil {
				return nil, nil, false, err
			}
			if !a.As.IsEmpty() {
				return nil, nil, false, c.p.errorf(c.tok(sp.last+1).pos, ErrSyntax, "unexpected alias in function arguments")
			}
			out, spans = append(out, x), append(spans, sp)
		default:
			return nil, nil, false, c.internalf(0, "argument")
		}
	}
	return out, spans, star, nil
}
