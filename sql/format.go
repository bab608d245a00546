package sql

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Format prints a node back as SQL in a canonical form: keywords in upper
// case, names as written, parentheses only where precedence needs them.
// Parsing the output yields the same tree (positions aside), which the
// tests check; EXPLAIN output uses it to show expressions.
func Format(n Node) string {
	var f formatter
	f.node(n)
	return f.b.String()
}

// String methods make nodes print as SQL in fmt verbs.
func (n *Query) String() string  { return Format(n) }
func (n *Select) String() string { return Format(n) }
func (n *SetOp) String() string  { return Format(n) }

// FormatType prints a type: varchar(10), map(varchar, json), timestamp(3) with time zone.
func FormatType(t *Type) string {
	var b strings.Builder
	b.WriteString(t.Name)
	if len(t.Params) > 0 || len(t.Args) > 0 {
		b.WriteByte('(')
		for i, p := range t.Params {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.FormatInt(p, 10))
		}
		for i, a := range t.Args {
			if i > 0 || len(t.Params) > 0 {
				b.WriteString(", ")
			}
			if i < len(t.FieldNames) {
				b.WriteString(quoteIdent(t.FieldNames[i], false) + " ")
			}
			b.WriteString(FormatType(a))
		}
		b.WriteByte(')')
	}
	if t.WithTimeZone {
		b.WriteString(" with time zone")
	}
	return b.String()
}

type formatter struct{ b strings.Builder }

func (f *formatter) w(s ...string) {
	for _, x := range s {
		f.b.WriteString(x)
	}
}

// quoteIdent quotes a name when it was quoted or would not lex as a name.
func quoteIdent(s string, quoted bool) string {
	// simple: lexes back as one word (same rule as the lexer's identEnd).
	simple := false
	if r, _ := utf8.DecodeRuneInString(s); r == '_' || unicode.IsLetter(r) {
		simple = identEnd(s, 0) == len(s)
	}
	up := strings.ToUpper(s)
	if quoted || !simple || passKeywords[up] || unsupportedKeywords[up] != "" || up == "EXCEPT" || up == "INTERSECT" {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// bareToken reports whether s lexes as one UUID or ARN token.
func bareToken(s string) bool {
	if len(s) == 36 && uuidLen(s) == 36 {
		return true
	}
	if len(s) < 4 || !strings.EqualFold(s[:4], "arn:") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isARNPart(s[i]) {
			return false
		}
	}
	return true
}

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (f *formatter) node(n Node) {
	switch n := n.(type) {
	case *Explain:
		f.w("EXPLAIN ")
		if n.Analyze {
			f.w("ANALYZE ")
		}
		f.node(n.Query)
	case *Query:
		if len(n.With) > 0 {
			f.w("WITH ")
			for i, c := range n.With {
				if i > 0 {
					f.w(", ")
				}
				f.w(quoteIdent(c.Name, false))
				if len(c.Columns) > 0 {
					f.w(" (")
					for j, col := range c.Columns {
						if j > 0 {
							f.w(", ")
						}
						f.w(quoteIdent(col.Name, col.Quoted))
					}
					f.w(")")
				}
				f.w(" AS (")
				f.node(c.Query)
				f.w(") ")
			}
		}
		f.node(n.Body)
	case *Select:
		f.sel(n)
	case *SetOp:
		f.operand(n.Left)
		f.w(" ", n.Op, " ")
		if n.All {
			f.w("ALL ")
		}
		f.operand(n.Right)
		f.tail(n.OrderBy, n.Offset, n.Limit)
	case *ShowTables:
		f.w("SHOW TABLES")
		if n.Like != nil {
			f.w(" LIKE ", quoteString(n.Like.Value))
		}
	case *ShowColumns:
		f.w("SHOW COLUMNS FROM ")
		f.node(n.Table)
	case *TableRef:
		if n.Kind == TableName {
			f.w(quoteIdent(n.Name, n.Quoted))
		} else {
			f.w(n.Name)
		}
		f.alias(n.Alias)
		f.sample(n.Sample)
	case *Unnest:
		f.unnest(n)
	case *DerivedTable:
		f.w("(")
		f.node(n.Query)
		f.w(")")
		f.alias(n.Alias)
		f.sample(n.Sample)
	case *Join:
		f.node(n.Left)
		f.w(" ", n.Kind, " ")
		if _, nested := n.Right.(*Join); nested {
			f.w("(")
			f.node(n.Right)
			f.w(")")
		} else {
			f.node(n.Right)
		}
		if n.On != nil {
			f.w(" ON ")
			f.expr(n.On, 0)
		}
		if len(n.Using) > 0 {
			f.w(" USING (")
			for i, u := range n.Using {
				if i > 0 {
					f.w(", ")
				}
				f.w(quoteIdent(u.Name, u.Quoted))
			}
			f.w(")")
		}
	case Expr:
		f.expr(n, 0)
	}
}

// operand prints a set-operation side, parenthesised when it has its own
// ORDER BY or LIMIT (or is itself a set operation, keeping the tree shape).
func (f *formatter) operand(q QueryExpr) {
	paren := false
	switch q := q.(type) {
	case *Select:
		paren = len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil
	case *SetOp:
		paren = true
	}
	if paren {
		f.w("(")
	}
	f.node(q)
	if paren {
		f.w(")")
	}
}

func (f *formatter) alias(a *Ident) {
	if a != nil {
		f.w(" AS ", quoteIdent(a.Name, a.Quoted))
	}
}

func (f *formatter) sel(n *Select) {
	f.w("SELECT ")
	if n.Distinct {
		f.w("DISTINCT ")
	}
	for i, it := range n.Items {
		if i > 0 {
			f.w(", ")
		}
		if it.Star {
			for _, q := range it.Qualifier {
				f.w(quoteIdent(q.Name, q.Quoted), ".")
			}
			f.w("*")
			continue
		}
		f.expr(it.Expr, 0)
		f.alias(it.Alias)
	}
	if n.From != nil {
		f.w(" FROM ")
		f.node(n.From)
	}
	if n.Where != nil {
		f.w(" WHERE ")
		f.expr(n.Where, 0)
	}
	for i, g := range n.GroupBy {
		if i == 0 {
			f.w(" GROUP BY ")
		} else {
			f.w(", ")
		}
		f.expr(g, 0)
	}
	if n.Having != nil {
		f.w(" HAVING ")
		f.expr(n.Having, 0)
	}
	f.windowDefs(n.Windows)
	f.tail(n.OrderBy, n.Offset, n.Limit)
}

func (f *formatter) tail(order []*OrderItem, offset *Offset, limit *Limit) {
	if len(order) > 0 {
		f.orderItems(" ORDER BY ", order)
	}
	if offset != nil {
		f.w(" OFFSET ", strconv.FormatInt(offset.Count, 10))
	}
	if limit != nil {
		f.w(" LIMIT ", strconv.FormatInt(limit.Count, 10))
	}
}

// Precedence levels, loosest first, as in Trino.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCmp // comparisons, LIKE, IN, BETWEEN, IS
	precConcat
	precAdd
	precMul
	precUnary
	precPrimary
)

func binaryPrec(op string) int {
	switch op {
	case OpOr:
		return precOr
	case OpAnd:
		return precAnd
	case OpConcat:
		return precConcat
	case OpAdd, OpSub:
		return precAdd
	case OpMul, OpDiv, OpMod:
		return precMul
	}
	return precCmp
}

func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		return binaryPrec(e.Op)
	case *Unary:
		if e.Op == "NOT" {
			return precNot
		}
		return precUnary
	case *Like, *In, *Between, *IsNull, *IsDistinctFrom:
		return precCmp
	case *AtTimeZone:
		return precUnary
	}
	return precPrimary
}

// expr prints e, in parentheses if it binds looser than min.
func (f *formatter) expr(e Expr, min int) {
	if exprPrec(e) < min {
		f.w("(")
		defer f.w(")")
	}
	switch e := e.(type) {
	case *ColumnRef:
		for i, p := range e.Parts {
			if i > 0 {
				f.w(".")
			}
			if !e.Quoted[i] && bareToken(p) {
				f.w(p) // an event data store ID or ARN written bare
			} else {
				f.w(quoteIdent(p, e.Quoted[i]))
			}
		}
	case *Literal:
		switch e.Kind {
		case LitNull:
			f.w("NULL")
		case LitBool:
			f.w(strings.ToUpper(e.Value))
		case LitString:
			f.w(quoteString(e.Value))
		case LitTimestamp:
			f.w("TIMESTAMP ", quoteString(e.Value))
		case LitDate:
			f.w("DATE ", quoteString(e.Value))
		case LitTime:
			f.w("TIME ", quoteString(e.Value))
		case LitBinary:
			f.w("X", quoteString(e.Value))
		default:
			f.w(e.Value)
		}
	case *Interval:
		f.w("INTERVAL ")
		if e.Negative {
			f.w("-")
		}
		f.w(quoteString(e.Value), " ", e.Unit)
		if e.To != "" {
			f.w(" TO ", e.To)
		}
	case *FuncCall:
		switch up := strings.ToUpper(e.Name); {
		case up == "LEFT" || up == "RIGHT", bareToken(e.Name):
			// LEFT/RIGHT are keywords but names before '('; IDs lex as one token.
			f.w(e.Name)
		default:
			f.w(quoteIdent(e.Name, false))
		}
		if e.NoParens {
			break
		}
		f.w("(")
		if e.Distinct {
			f.w("DISTINCT ")
		}
		if e.Star {
			f.w("*")
		}
		f.exprs(e.Args)
		f.callArgsTail(e)
		f.w(")")
		f.callTail(e)
		f.over(e)
	case *Binary:
		p := binaryPrec(e.Op)
		if p == precCmp {
			f.expr(e.Left, p+1)
			f.w(" ", e.Op, " ")
			f.expr(e.Right, p+1)
			break
		}
		f.expr(e.Left, p)
		f.w(" ", e.Op, " ")
		f.expr(e.Right, p+1)
	case *Unary:
		if e.Op == "NOT" {
			f.w("NOT ")
			f.expr(e.Expr, precNot)
			break
		}
		// A sign over a sign needs no parentheses, only a space against
		// "--" (a comment): a chain of n signs stays n levels deep rather
		// than gaining n parentheses, which sqlparser limits.
		f.w(e.Op)
		if u, ok := e.Expr.(*Unary); ok && u.Op != "NOT" {
			f.w(" ")
		}
		f.expr(e.Expr, precUnary)
	case *Like:
		f.expr(e.Expr, precCmp+1)
		f.w(f.not(e.Not), " LIKE ")
		f.expr(e.Pattern, precCmp+1)
		if e.Escape != nil {
			f.w(" ESCAPE ")
			f.expr(e.Escape, precCmp+1)
		}
	case *In:
		f.expr(e.Expr, precCmp+1)
		f.w(f.not(e.Not), " IN ")
		if e.Subquery != nil {
			f.expr(e.Subquery, 0)
			break
		}
		f.w("(")
		f.exprs(e.List)
		f.w(")")
	case *Between:
		f.expr(e.Expr, precCmp+1)
		f.w(f.not(e.Not), " BETWEEN ")
		f.expr(e.Low, precCmp+1)
		f.w(" AND ")
		f.expr(e.High, precCmp+1)
	case *IsNull:
		f.expr(e.Expr, precCmp+1)
		f.w(" IS", f.not(e.Not), " NULL")
	case *IsDistinctFrom:
		f.expr(e.Left, precCmp+1)
		f.w(" IS", f.not(e.Not), " DISTINCT FROM ")
		f.expr(e.Right, precCmp+1)
	case *Case:
		f.w("CASE")
		if e.Operand != nil {
			f.w(" ")
			f.expr(e.Operand, 0)
		}
		for _, wh := range e.Whens {
			f.w(" WHEN ")
			f.expr(wh.Cond, 0)
			f.w(" THEN ")
			f.expr(wh.Result, 0)
		}
		if e.Else != nil {
			f.w(" ELSE ")
			f.expr(e.Else, 0)
		}
		f.w(" END")
	case *Cast:
		if e.TryCast {
			f.w("TRY_CAST(")
		} else {
			f.w("CAST(")
		}
		f.expr(e.Expr, 0)
		f.w(" AS ", FormatType(e.Type), ")")
	case *Subscript:
		f.expr(e.Expr, precPrimary)
		f.w("[")
		f.expr(e.Index, 0)
		f.w("]")
	case *FieldAccess:
		f.postfixOperand(e.Expr)
		f.w(".", quoteIdent(e.Field, false))
	case *Subquery:
		f.w("(")
		f.node(e.Query)
		f.w(")")
	case *Exists:
		f.w("EXISTS ")
		f.expr(e.Subquery, 0)
	default:
		f.formExpr(e)
	}
}

// postfixOperand prints the operand of .field. Only operands that end in
// ')' or ']' go bare: a name would absorb the field into its dotted path
// and a number would absorb the dot ("0.a").
func (f *formatter) postfixOperand(e Expr) {
	switch x := e.(type) {
	case *Subscript, *FieldAccess, *Cast, *Subquery:
		f.expr(e, precPrimary)
		return
	case *FuncCall:
		if !x.NoParens {
			f.expr(e, precPrimary)
			return
		}
	}
	f.w("(")
	f.expr(e, 0)
	f.w(")")
}

func (f *formatter) not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func (f *formatter) exprs(es []Expr) {
	for i, a := range es {
		if i > 0 {
			f.w(", ")
		}
		f.expr(a, 0)
	}
}
