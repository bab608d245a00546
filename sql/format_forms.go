package sql

import (
	"strconv"
	"strings"
)

// Format, Dump and Walk support for the forms of expr_forms.go and the
// clauses of FuncCall.

// formExpr prints a form node; it reports false for other nodes.
func (f *formatter) formExpr(e Expr) bool {
	switch e := e.(type) {
	case *Lambda:
		if len(e.Params) == 1 {
			f.w(quoteIdent(e.Params[0].Name, e.Params[0].Quoted))
		} else {
			f.w("(")
			for i, p := range e.Params {
				if i > 0 {
					f.w(", ")
				}
				f.w(quoteIdent(p.Name, p.Quoted))
			}
			f.w(")")
		}
		f.w(" -> ")
		f.expr(e.Body, 0)
	case *ArrayCtor:
		f.w("ARRAY[")
		f.exprs(e.Elems)
		f.w("]")
	case *AtTimeZone:
		f.expr(e.Expr, precUnary)
		f.w(" AT TIME ZONE ")
		f.expr(e.Zone, precPrimary)
	case *GroupingElement:
		switch e.Kind {
		case GroupRollup:
			f.w("ROLLUP (")
		case GroupCube:
			f.w("CUBE (")
		default:
			f.w("GROUPING SETS (")
		}
		for i, it := range e.Items {
			if i > 0 {
				f.w(", ")
			}
			if len(it) == 1 {
				f.expr(it[0], 0)
				continue
			}
			f.w("(")
			f.exprs(it)
			f.w(")")
		}
		f.w(")")
	default:
		return false
	}
	return true
}

// callArgsTail prints what follows a call's arguments inside its
// parentheses: ORDER BY (not WITHIN GROUP), ON OVERFLOW, JSON clauses.
func (f *formatter) callArgsTail(e *FuncCall) {
	if len(e.OrderBy) > 0 && !e.WithinGroup {
		f.orderItems(" ORDER BY ", e.OrderBy)
	}
	if o := e.Overflow; o != nil {
		if !o.Truncate {
			f.w(" ON OVERFLOW ERROR")
		} else {
			f.w(" ON OVERFLOW TRUNCATE")
			if o.HasFiller {
				f.w(" ", quoteString(o.Filler))
			}
			if o.WithCount {
				f.w(" WITH COUNT")
			} else {
				f.w(" WITHOUT COUNT")
			}
		}
	}
	if jc := e.JSON; jc != nil {
		if jc.Returning != nil {
			f.w(" RETURNING ", FormatType(jc.Returning))
		}
		switch jc.Wrapper {
		case WrapperUnconditional:
			f.w(" WITH ARRAY WRAPPER")
		case WrapperConditional:
			f.w(" WITH CONDITIONAL ARRAY WRAPPER")
		}
		if jc.OmitQuotes {
			f.w(" OMIT QUOTES")
		}
		f.jsonBehavior(jc.OnEmpty, jc.EmptyDefault, "EMPTY")
		f.jsonBehavior(jc.OnError, jc.ErrorDefault, "ERROR")
	}
}

func (f *formatter) jsonBehavior(b JSONBehavior, dflt Expr, on string) {
	if b == JSONDefault {
		return
	}
	if b == JSONDefaultValue {
		f.w(" DEFAULT ")
		f.expr(dflt, 0)
	} else {
		f.w(" ", jsonBehaviorText[b])
	}
	f.w(" ON ", on)
}

var jsonBehaviorText = map[JSONBehavior]string{
	JSONNull: "NULL", JSONError: "ERROR", JSONTrue: "TRUE", JSONFalse: "FALSE", JSONUnknown: "UNKNOWN",
	JSONEmptyArray: "EMPTY ARRAY", JSONEmptyObject: "EMPTY OBJECT", JSONDefaultValue: "DEFAULT",
}

// callTail prints what follows a call's closing parenthesis.
func (f *formatter) callTail(e *FuncCall) {
	if len(e.OrderBy) > 0 && e.WithinGroup {
		f.w(" WITHIN GROUP (")
		f.orderItems("ORDER BY ", e.OrderBy)
		f.w(")")
	}
	if e.Filter != nil {
		f.w(" FILTER (WHERE ")
		f.expr(e.Filter, 0)
		f.w(")")
	}
}

func (f *formatter) orderItems(lead string, items []*OrderItem) {
	f.w(lead)
	for i, o := range items {
		if i > 0 {
			f.w(", ")
		}
		f.expr(o.Expr, 0)
		if o.DirPos >= 0 {
			if o.Desc {
				f.w(" DESC")
			} else {
				f.w(" ASC")
			}
		}
		switch o.Nulls {
		case NullsFirst:
			f.w(" NULLS FIRST")
		case NullsLast:
			f.w(" NULLS LAST")
		}
	}
}

// formExpr dumps a form node; it reports false for other nodes.
func (d *dumper) formExpr(n Node, depth int) bool {
	switch n := n.(type) {
	case *Lambda:
		ps := make([]string, len(n.Params))
		for i, p := range n.Params {
			ps[i] = d.ident(p)
		}
		d.line(depth, "lambda@%d %s ->@%d", n.Pos, strings.Join(ps, " "), n.ArrowPos)
		d.node(n.Body, depth+1)
	case *ArrayCtor:
		d.line(depth, "array@%d", n.Pos)
		for _, e := range n.Elems {
			d.node(e, depth+1)
		}
	case *AtTimeZone:
		d.line(depth, "at-time-zone@%d op@%d", n.Pos, n.OpPos)
		d.node(n.Expr, depth+1)
		d.node(n.Zone, depth+1)
	case *GroupingElement:
		kind := map[GroupingKind]string{GroupRollup: "rollup", GroupCube: "cube", GroupSets: "grouping-sets"}[n.Kind]
		d.line(depth, "%s@%d", kind, n.Pos)
		for _, it := range n.Items {
			d.line(depth+1, "set")
			for _, e := range it {
				d.node(e, depth+2)
			}
		}
	default:
		return false
	}
	return true
}

// callClauses dumps a call's clauses under it.
func (d *dumper) callClauses(n *FuncCall, depth int) {
	if n.WithinGroup {
		d.line(depth, "within-group")
		depth++
	}
	d.order(depth, n.OrderBy)
	if n.WithinGroup {
		depth--
	}
	if n.Filter != nil {
		d.section(depth, "filter", n.Filter)
	}
	if o := n.Overflow; o != nil {
		s := "on-overflow@" + strconv.Itoa(o.Pos) + " error"
		if o.Truncate {
			s = "on-overflow@" + strconv.Itoa(o.Pos) + " truncate"
			if o.HasFiller {
				s += " " + strconv.Quote(o.Filler)
			}
			if o.WithCount {
				s += " with-count"
			}
		}
		d.line(depth, "%s", s)
	}
	if jc := n.JSON; jc != nil {
		s := "json-clauses"
		if jc.Returning != nil {
			s += " returning=" + FormatType(jc.Returning)
		}
		s += []string{"", " wrapper", " conditional-wrapper"}[jc.Wrapper]
		if jc.OmitQuotes {
			s += " omit-quotes"
		}
		if jc.OnEmpty != JSONDefault {
			s += " on-empty=" + jsonBehaviorText[jc.OnEmpty]
		}
		if jc.OnError != JSONDefault {
			s += " on-error=" + jsonBehaviorText[jc.OnError]
		}
		d.line(depth, "%s", s)
		d.section(depth+1, "empty-default", jc.EmptyDefault)
		d.section(depth+1, "error-default", jc.ErrorDefault)
	}
}

// formChildren lists the children of form nodes and a call's clauses.
func formChildren(n Node, add func(...Node)) bool {
	switch n := n.(type) {
	case *Lambda:
		add(n.Body)
	case *ArrayCtor:
		for _, e := range n.Elems {
			add(e)
		}
	case *AtTimeZone:
		add(n.Expr, n.Zone)
	case *GroupingElement:
		for _, it := range n.Items {
			for _, e := range it {
				add(e)
			}
		}
	case *FuncCall:
		for _, a := range n.Args {
			add(a)
		}
		for _, o := range n.OrderBy {
			add(o)
		}
		if n.Filter != nil {
			add(n.Filter)
		}
		if n.JSON != nil {
			if n.JSON.EmptyDefault != nil {
				add(n.JSON.EmptyDefault)
			}
			if n.JSON.ErrorDefault != nil {
				add(n.JSON.ErrorDefault)
			}
		}
	default:
		return false
	}
	return true
}
