package planner

import (
	"github.com/ctlake/ctlake/sql"
)

// aggClauses binds an aggregate call's FILTER (WHERE …) and ORDER BY
// (inside the call or WITHIN GROUP) over the aggregate's input.
func (b *binder) aggClauses(sc *scope, e *sql.FuncCall, call *AggCall) error {
	if e.Filter != nil {
		f, err := b.expr(sc, e.Filter, nil)
		if err != nil {
			return err
		}
		if call.Filter, err = b.coerce(f, Boolean, e.Filter.Position()); err != nil {
			return err
		}
	}
	for _, o := range e.OrderBy {
		k, err := b.expr(sc, o.Expr, nil)
		if err != nil {
			return err
		}
		if !k.Type().Orderable() {
			return b.errorf(o.Pos, ErrType, "cannot order by a value of type %s", k.Type())
		}
		call.OrderBy = append(call.OrderBy, SortKey{Expr: k, Desc: o.Desc, NullsFirst: o.Nulls == sql.NullsFirst})
	}
	return nil
}

// clauseLabel is the SQL text of an aggregate's clauses, for EXPLAIN and
// for telling apart calls that differ only by them.
func clauseLabel(c *AggCall) string {
	s := ""
	if len(c.OrderBy) > 0 {
		s += " ORDER BY " + keyList(c.OrderBy)
	}
	if c.Filter != nil {
		s += " FILTER (WHERE " + c.Filter.String() + ")"
	}
	return s
}

// Listagg overflow modes, the third argument of the listagg aggregate.
const (
	ListaggError             = 0
	ListaggTruncate          = 1
	ListaggTruncateWithCount = 2
)

// listaggArgs turns listagg(x [, 'sep'] [ON OVERFLOW …]) into the
// aggregate's four arguments (x, separator, overflow mode, filler); the
// separator and filler must be constant strings, as in Trino.
func (b *binder) listaggArgs(e *sql.FuncCall, args []Expr) ([]Expr, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, b.errorf(e.Pos, ErrType, "listagg takes (value [, 'separator'])")
	}
	sep := Expr(&Literal{V: Value{Str: ""}, T: Varchar, P: e.Pos})
	if len(args) == 2 {
		lit, ok := args[1].(*Literal)
		if !ok || !(lit.T.Kind == KindVarchar || lit.T.Kind == KindUnknown) || lit.V.Null {
			return nil, b.errorf(args[1].Pos(), ErrType, "listagg's separator must be a constant string")
		}
		sep = &Literal{V: lit.V, T: Varchar, P: lit.P}
	}
	mode, filler := int64(ListaggError), "..."
	if o := e.Overflow; o != nil && o.Truncate {
		mode = ListaggTruncate
		if o.WithCount {
			mode = ListaggTruncateWithCount
		}
		if o.HasFiller {
			filler = o.Filler
		}
	}
	return []Expr{args[0], sep, &Literal{V: Value{Int: mode}, T: Bigint, P: e.Pos}, &Literal{V: Value{Str: filler}, T: Varchar, P: e.Pos}}, nil
}
