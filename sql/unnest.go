package sql

import (
	"fmt"
	"strings"
)

// Unnest is UNNEST(e, …) [WITH ORDINALITY] [[AS] alias [(columns)]], a FROM
// item: arrays and maps expanded into rows, usually joined to the rows
// before it (CROSS JOIN UNNEST(resources) AS t(r), or after a comma), or
// LEFT JOIN … ON true to keep rows whose arrays are empty.
type Unnest struct {
	Pos        int // the UNNEST keyword
	Args       []Expr
	Ordinality bool
	Alias      *Ident
	Columns    []Ident // the alias's column names, if listed
}

func (n *Unnest) Position() int { return n.Pos }
func (*Unnest) tableNode()      {}

func (f *formatter) unnest(n *Unnest) {
	f.w("UNNEST(")
	f.exprs(n.Args)
	f.w(")")
	if n.Ordinality {
		f.w(" WITH ORDINALITY")
	}
	f.alias(n.Alias)
	if len(n.Columns) > 0 {
		names := make([]string, len(n.Columns))
		for i, c := range n.Columns {
			names[i] = quoteIdent(c.Name, c.Quoted)
		}
		f.w("(", strings.Join(names, ", "), ")")
	}
}

func (d *dumper) unnest(n *Unnest, depth int) {
	s := fmt.Sprintf("unnest@%d", n.Pos)
	if n.Ordinality {
		s += " ordinality"
	}
	if n.Alias != nil {
		s += " alias=" + d.ident(*n.Alias)
	}
	for _, c := range n.Columns {
		s += " " + d.ident(c)
	}
	d.line(depth, "%s", s)
	for _, a := range n.Args {
		d.node(a, depth+1)
	}
}
