package sql

import (
	"fmt"
	"strconv"
	"strings"
)

// Dump renders a node as an indented tree, one node per line, each with
// its byte position after "@". It is the golden-file format of this
// package and a debugging aid for later layers:
//
//	select@0
//	  item@7
//	    col@7 eventName
//	  from
//	    table@22 name t
func Dump(n Node) string {
	d := &dumper{}
	d.node(n, 0)
	return d.b.String()
}

type dumper struct{ b strings.Builder }

func (d *dumper) line(depth int, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteByte('\n')
}

func (d *dumper) ident(id Ident) string {
	if id.Quoted {
		return strconv.Quote(id.Name) + "@" + strconv.Itoa(id.Pos)
	}
	return id.Name + "@" + strconv.Itoa(id.Pos)
}

func (d *dumper) section(depth int, name string, n Node) {
	if n == nil {
		return
	}
	d.line(depth, "%s", name)
	d.node(n, depth+1)
}

func (d *dumper) node(n Node, depth int) {
	switch n := n.(type) {
	case *Explain:
		if n.Analyze {
			d.line(depth, "explain@%d analyze", n.Pos)
		} else {
			d.line(depth, "explain@%d", n.Pos)
		}
		d.node(n.Query, depth+1)
	case *Query:
		d.line(depth, "query@%d", n.Pos)
		for _, c := range n.With {
			d.node(c, depth+1)
		}
		d.node(n.Body, depth+1)
	case *CTE:
		cols := ""
		for i, c := range n.Columns {
			if i == 0 {
				cols = " columns="
			} else {
				cols += ","
			}
			cols += d.ident(c)
		}
		d.line(depth, "with@%d %s%s", n.Pos, n.Name, cols)
		d.node(n.Query, depth+1)
	case *Select:
		if n.Distinct {
			d.line(depth, "select@%d distinct", n.Pos)
		} else {
			d.line(depth, "select@%d", n.Pos)
		}
		for _, it := range n.Items {
			d.node(it, depth+1)
		}
		if n.From != nil {
			d.section(depth+1, "from", n.From)
		}
		if n.Where != nil {
			d.section(depth+1, "where", n.Where)
		}
		d.list(depth+1, "group-by", n.GroupBy)
		if n.Having != nil {
			d.section(depth+1, "having", n.Having)
		}
		d.windowDefs(depth+1, n.Windows)
		d.order(depth+1, n.OrderBy)
		d.offset(depth+1, n.Offset)
		d.limit(depth+1, n.Limit)
	case *SetOp:
		all := ""
		if n.All {
			all = " all"
		}
		d.line(depth, "%s@%d op@%d%s", strings.ToLower(n.Op), n.Pos, n.OpPos, all)
		d.node(n.Left, depth+1)
		d.node(n.Right, depth+1)
		d.order(depth+1, n.OrderBy)
		d.offset(depth+1, n.Offset)
		d.limit(depth+1, n.Limit)
	case *ShowTables:
		if n.Like != nil {
			d.line(depth, "show-tables@%d like=%q", n.Pos, n.Like.Value)
		} else {
			d.line(depth, "show-tables@%d", n.Pos)
		}
	case *ShowColumns:
		d.line(depth, "show-columns@%d", n.Pos)
		d.node(n.Table, depth+1)
	case *SelectItem:
		s := fmt.Sprintf("item@%d", n.Pos)
		if n.Star {
			s += " *"
			for _, q := range n.Qualifier {
				s += " " + d.ident(q)
			}
		}
		if n.Alias != nil {
			s += " alias=" + d.ident(*n.Alias)
		}
		d.line(depth, "%s", s)
		if n.Expr != nil {
			d.node(n.Expr, depth+1)
		}
	case *TableRef:
		kind := map[TableKind]string{TableName: "name", TableUUID: "uuid", TableARN: "arn"}[n.Kind]
		name := n.Name
		if n.Quoted {
			name = strconv.Quote(name)
		}
		s := fmt.Sprintf("table@%d %s %s", n.Pos, kind, name)
		if n.Alias != nil {
			s += " alias=" + d.ident(*n.Alias)
		}
		d.line(depth, "%s", s)
		d.sample(depth+1, n.Sample)
	case *Unnest:
		d.unnest(n, depth)
	case *DerivedTable:
		s := fmt.Sprintf("derived@%d", n.Pos)
		if n.Alias != nil {
			s += " alias=" + d.ident(*n.Alias)
		}
		d.line(depth, "%s", s)
		d.node(n.Query, depth+1)
		d.sample(depth+1, n.Sample)
	case *Join:
		d.line(depth, "join@%d %s@%d", n.Pos, n.Kind, n.OpPos)
		d.node(n.Left, depth+1)
		d.node(n.Right, depth+1)
		if n.On != nil {
			d.section(depth+1, "on", n.On)
		}
		for _, u := range n.Using {
			d.line(depth+1, "using %s", d.ident(u))
		}
	default:
		d.expr(n, depth)
	}
}

func (d *dumper) list(depth int, name string, es []Expr) {
	if len(es) == 0 {
		return
	}
	d.line(depth, "%s", name)
	for _, e := range es {
		d.node(e, depth+1)
	}
}

func (d *dumper) order(depth int, items []*OrderItem) {
	if len(items) == 0 {
		return
	}
	d.line(depth, "order-by")
	for _, o := range items {
		s := fmt.Sprintf("order@%d", o.Pos)
		if o.DirPos >= 0 {
			if o.Desc {
				s += fmt.Sprintf(" desc@%d", o.DirPos)
			} else {
				s += fmt.Sprintf(" asc@%d", o.DirPos)
			}
		}
		switch o.Nulls {
		case NullsFirst:
			s += fmt.Sprintf(" nulls-first@%d", o.NullsPos)
		case NullsLast:
			s += fmt.Sprintf(" nulls-last@%d", o.NullsPos)
		}
		d.line(depth+1, "%s", s)
		d.node(o.Expr, depth+2)
	}
}

func (d *dumper) offset(depth int, o *Offset) {
	if o != nil {
		d.line(depth, "offset@%d %d@%d", o.Pos, o.Count, o.CountPos)
	}
}

func (d *dumper) limit(depth int, l *Limit) {
	if l != nil {
		d.line(depth, "limit@%d %d@%d", l.Pos, l.Count, l.CountPos)
	}
}

func (d *dumper) not(b bool, s string) string {
	if b {
		return "not-" + s
	}
	return s
}

func (d *dumper) expr(n Node, depth int) {
	switch n := n.(type) {
	case *ColumnRef:
		parts := make([]string, len(n.Parts))
		for i, p := range n.Parts {
			parts[i] = d.ident(Ident{Pos: n.PartPos[i], Name: p, Quoted: n.Quoted[i]})
		}
		d.line(depth, "col@%d %s", n.Pos, strings.Join(parts, " . "))
	case *Literal:
		kind := map[LitKind]string{LitNull: "null", LitBool: "bool", LitString: "string", LitInteger: "integer",
			LitDecimal: "decimal", LitDouble: "double", LitTimestamp: "timestamp", LitDate: "date", LitTime: "time", LitBinary: "binary"}[n.Kind]
		if n.Kind == LitNull {
			d.line(depth, "lit@%d null", n.Pos)
		} else {
			d.line(depth, "lit@%d %s %s", n.Pos, kind, strconv.Quote(n.Value))
		}
	case *Interval:
		sign := ""
		if n.Negative {
			sign = "-"
		}
		to := ""
		if n.To != "" {
			to = " to " + n.To
		}
		d.line(depth, "interval@%d %s%s %s%s", n.Pos, sign, strconv.Quote(n.Value), n.Unit, to)
	case *FuncCall:
		s := fmt.Sprintf("call@%d %s", n.Pos, n.Name)
		if n.Distinct {
			s += " distinct"
		}
		if n.Star {
			s += " *"
		}
		if n.NoParens {
			s += " no-parens"
		}
		d.line(depth, "%s", s)
		for _, a := range n.Args {
			d.node(a, depth+1)
		}
		d.callClauses(n, depth+1)
		d.over(depth+1, n)
	case *Binary:
		d.line(depth, "binary@%d %s@%d", n.Pos, n.Op, n.OpPos)
		d.node(n.Left, depth+1)
		d.node(n.Right, depth+1)
	case *Unary:
		d.line(depth, "unary@%d %s", n.Pos, n.Op)
		d.node(n.Expr, depth+1)
	case *Like:
		d.line(depth, "%s@%d op@%d", d.not(n.Not, "like"), n.Pos, n.OpPos)
		d.node(n.Expr, depth+1)
		d.node(n.Pattern, depth+1)
		if n.Escape != nil {
			d.section(depth+1, "escape", n.Escape)
		}
	case *In:
		d.line(depth, "%s@%d op@%d", d.not(n.Not, "in"), n.Pos, n.OpPos)
		d.node(n.Expr, depth+1)
		if n.Subquery != nil {
			d.node(n.Subquery, depth+1)
		} else {
			d.list(depth+1, "list", n.List)
		}
	case *Between:
		d.line(depth, "%s@%d op@%d", d.not(n.Not, "between"), n.Pos, n.OpPos)
		d.node(n.Expr, depth+1)
		d.node(n.Low, depth+1)
		d.node(n.High, depth+1)
	case *IsNull:
		d.line(depth, "%s@%d op@%d", d.not(n.Not, "is-null"), n.Pos, n.OpPos)
		d.node(n.Expr, depth+1)
	case *IsDistinctFrom:
		d.line(depth, "%s@%d op@%d", d.not(n.Not, "is-distinct-from"), n.Pos, n.OpPos)
		d.node(n.Left, depth+1)
		d.node(n.Right, depth+1)
	case *Case:
		d.line(depth, "case@%d", n.Pos)
		if n.Operand != nil {
			d.node(n.Operand, depth+1)
		}
		for _, w := range n.Whens {
			d.line(depth+1, "when@%d", w.Pos)
			d.node(w.Cond, depth+2)
			d.node(w.Result, depth+2)
		}
		if n.Else != nil {
			d.section(depth+1, "else", n.Else)
		}
	case *Cast:
		name := "cast"
		if n.TryCast {
			name = "try_cast"
		}
		d.line(depth, "%s@%d %s@%d", name, n.Pos, FormatType(n.Type), n.Type.Pos)
		d.node(n.Expr, depth+1)
	case *Subscript:
		d.line(depth, "subscript@%d", n.Pos)
		d.node(n.Expr, depth+1)
		d.node(n.Index, depth+1)
	case *FieldAccess:
		d.line(depth, "field@%d %s@%d", n.Pos, n.Field, n.FieldPos)
		d.node(n.Expr, depth+1)
	case *Subquery:
		d.line(depth, "subquery@%d", n.Pos)
		d.node(n.Query, depth+1)
	case *Exists:
		d.line(depth, "exists@%d", n.Pos)
		d.node(n.Subquery.Query, depth+1)
	case nil:
		d.line(depth, "<nil>")
	default:
		if !d.formExpr(n, depth) {
			d.line(depth, "<%T>", n)
		}
	}
}
