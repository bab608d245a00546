package planner

import "strings"

// exprText renders an expression into one builder. The String methods of
// the node types call it, so that printing an n-deep chain copies O(n)
// bytes rather than every level re-copying the text below it (a chain of
// 10,000 operators printed level by level was 400 MB of copying).
func exprText(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e Expr) {
	switch e := e.(type) {
	case *InputRef:
		b.WriteString(e.Name)
	case *FieldRef:
		writeExpr(b, e.Row)
		b.WriteString(".")
		b.WriteString(e.Name)
	case *Literal:
		b.WriteString(FormatValue(e.V, e.T, true))
	case *Call:
		b.WriteString(e.Name)
		writeList(b, "(", e.Args, ")")
	case *Coalesce:
		writeList(b, "coalesce(", e.Args, ")")
	case *Logic:
		op := " AND "
		if e.Or {
			op = " OR "
		}
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(op)
			}
			writeParen(b, a)
		}
	case *Not:
		b.WriteString("NOT ")
		writeParen(b, e.X)
	case *Compare:
		writeExpr(b, e.L)
		b.WriteString(" " + e.Op.String() + " ")
		writeExpr(b, e.R)
	case *IsNull:
		writeExpr(b, e.X)
		if e.Negate {
			b.WriteString(" IS NOT NULL")
		} else {
			b.WriteString(" IS NULL")
		}
	case *In:
		writeExpr(b, e.X)
		if e.Negate {
			b.WriteString(" NOT")
		}
		writeList(b, " IN (", e.List, ")")
	case *Like:
		writeExpr(b, e.X)
		if e.Negate {
			b.WriteString(" NOT")
		}
		b.WriteString(" LIKE ")
		writeExpr(b, e.Pattern)
		if e.Escape != nil {
			b.WriteString(" ESCAPE ")
			writeExpr(b, e.Escape)
		}
	case *Case:
		b.WriteString("CASE")
		for _, w := range e.Whens {
			b.WriteString(" WHEN ")
			writeExpr(b, w.Cond)
			b.WriteString(" THEN ")
			writeExpr(b, w.Result)
		}
		if e.Else != nil {
			b.WriteString(" ELSE ")
			writeExpr(b, e.Else)
		}
		b.WriteString(" END")
	case *Cast:
		if e.Try {
			b.WriteString("TRY_CAST(")
		} else {
			b.WriteString("CAST(")
		}
		writeExpr(b, e.X)
		b.WriteString(" AS " + e.To.String() + ")")
	default:
		b.WriteString(e.String())
	}
}

func writeList(b *strings.Builder, open string, es []Expr, close string) {
	b.WriteString(open)
	for i, a := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(b, a)
	}
	b.WriteString(close)
}

// writeParen writes e, in parentheses if it is an AND/OR list.
func writeParen(b *strings.Builder, e Expr) {
	if _, ok := e.(*Logic); ok {
		b.WriteString("(")
		writeExpr(b, e)
		b.WriteString(")")
		return
	}
	writeExpr(b, e)
}
