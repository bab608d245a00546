package planner

import (
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// Unnest expands the arrays and maps of each input row into rows: the FROM
// item UNNEST(…) joined laterally to the rows before it. Several arguments
// are zipped (as many rows as the longest, the shorter padded with NULLs);
// a map yields its keys and values; an array of rows yields one column per
// field when Expand says so (Trino's expansion) or the rows themselves.
// Its columns are the input's, then Out.
type Unnest struct {
	Input      Node
	Args       []Expr // arrays and maps over the input's columns
	Expand     []bool // per argument: an array of rows becomes one column per field
	Ordinality bool   // a 1-based element number after the element columns
	// Outer is LEFT JOIN UNNEST(…) ON true: an input row whose arguments
	// are all empty or NULL yields one row, its element columns NULL.
	Outer bool
	// Pass are the input columns the output repeats, in order (nil: all).
	// Column pruning drops those only the arguments read: repeating the
	// unnested array itself for each of its elements would copy it once
	// per element.
	Pass  []int
	Out   []Column
	Alias string // for EXPLAIN
}

func (n *Unnest) Columns() []Column {
	return append(keptColumns(n.Input, n.Pass), n.Out...)
}

func (n *Unnest) Inputs() []Node { return []Node{n.Input} }

func (n *Unnest) Explain() (string, []Attr) {
	cols := make([]string, len(n.Out))
	for i, c := range n.Out {
		cols[i] = c.Name
	}
	s := "unnest " + exprList(n.Args)
	if n.Alias != "" {
		s += " AS " + n.Alias
	}
	var attrs []Attr
	attrs = append(attrs, Attr{"columns", strings.Join(cols, ", ")})
	if n.Pass != nil {
		attrs = append(attrs, Attr{"passes", keptNames(n.Input, n.Pass)})
	}
	if n.Ordinality {
		attrs = append(attrs, Attr{"with ordinality", "true"})
	}
	if n.Outer {
		attrs = append(attrs, Attr{"left join", "rows with no elements kept, their columns NULL"})
	}
	return s, attrs
}

// unnestJoin binds left JOIN UNNEST(…): CROSS JOIN, a comma, JOIN … ON
// (true, or a condition filtered after), and LEFT JOIN … ON true. The
// arguments may read the left side's columns.
func (b *binder) unnestJoin(t *sql.Join, u *sql.Unnest) (Node, *scope, error) {
	outer := false
	switch t.Kind {
	case "CROSS JOIN", "JOIN":
	case "LEFT JOIN":
		outer = true
	default:
		return nil, nil, b.errorf(t.OpPos, ErrUnsupported, "%s UNNEST is not supported: use CROSS JOIN or LEFT JOIN … ON true", t.Kind)
	}
	if len(t.Using) > 0 {
		return nil, nil, b.errorf(t.OpPos, ErrType, "JOIN UNNEST takes ON true, not USING")
	}
	if t.Kind != "CROSS JOIN" && t.On == nil {
		return nil, nil, b.errorf(t.OpPos, ErrType, "%s UNNEST(…) needs ON true (or write CROSS JOIN)", t.Kind)
	}
	left, lsc, err := b.from(t.Left)
	if err != nil {
		return nil, nil, err
	}
	node, sc, err := b.unnest(left, lsc, u, outer)
	if err != nil {
		return nil, nil, err
	}
	if t.On == nil || isTrueLiteral(t.On) {
		return node, sc, nil
	}
	if outer {
		return nil, nil, b.errorf(t.On.Position(), ErrUnsupported, "LEFT JOIN UNNEST supports only ON true; filter the elements in WHERE instead")
	}
	cond, err := b.expr(sc, t.On, nil)
	if err != nil {
		return nil, nil, err
	}
	if cond, err = b.coerce(cond, Boolean, t.On.Position()); err != nil {
		return nil, nil, err
	}
	return &Filter{Input: node, Cond: cond}, sc, nil
}

func isTrueLiteral(e sql.Expr) bool {
	l, ok := e.(*sql.Literal)
	return ok && l.Kind == sql.LitBool && strings.EqualFold(l.Value, "true")
}

// unnest binds UNNEST(…) over input, whose columns sc names.
func (b *binder) unnest(input Node, sc *scope, u *sql.Unnest, outer bool) (Node, *scope, error) {
	n := &Unnest{Input: input, Ordinality: u.Ordinality, Outer: outer}
	if u.Alias != nil {
		n.Alias = u.Alias.Name
	}
	expanded, plain := 0, 0
	for _, a := range u.Args {
		x, err := b.expr(sc, a, nil)
		if err != nil {
			return nil, nil, err
		}
		t := x.Type()
		switch {
		case t.Kind == KindArray && t.Elem.Kind == KindRow && len(t.Elem.Fields) > 0:
			expanded += len(t.Elem.Fields)
			plain++
		case t.Kind == KindArray:
			expanded++
			plain++
		case t.Kind == KindMap:
			expanded += 2
			plain += 2
		default:
			return nil, nil, b.errorf(a.Position(), ErrType, "UNNEST takes arrays and maps, got %s: %s", t, x.String())
		}
		n.Args = append(n.Args, x)
	}
	if u.Ordinality {
		expanded++
		plain++
	}
	// Trino expands an array of rows into one column per field; listing
	// one name for it keeps the rows (CloudTrail Lake's t(r), then r.arn).
	expand := true
	if k := len(u.Columns); k > 0 {
		switch k {
		case expanded:
		case plain:
			expand = false
		default:
			want := columnCount(expanded)
			if plain != expanded {
				want = columnCount(plain) + " (rows kept whole) or " + itoa(expanded) + " (one per row field)"
			}
			return nil, nil, b.errorf(u.Columns[0].Pos, ErrType, "UNNEST yields %s, but the alias names %d", want, k)
		}
	}
	names := func(i int, fallback string) string {
		if i < len(u.Columns) {
			return u.Columns[i].Name
		}
		return fallback
	}
	alias := "unnest"
	if u.Alias != nil {
		alias = u.Alias.Name
	}
	for _, x := range n.Args {
		t := x.Type()
		switch {
		case t.Kind == KindMap:
			n.Out = append(n.Out, Column{Name: names(len(n.Out), "key"), T: *t.Key}, Column{Name: names(len(n.Out)+1, "value"), T: *t.Value})
			n.Expand = append(n.Expand, false)
		case t.Elem.Kind == KindRow && len(t.Elem.Fields) > 0 && expand:
			for _, f := range t.Elem.Fields {
				n.Out = append(n.Out, Column{Name: names(len(n.Out), f.Name), T: f.Type})
			}
			n.Expand = append(n.Expand, true)
		default:
			n.Out = append(n.Out, Column{Name: names(len(n.Out), alias), T: *t.Elem})
			n.Expand = append(n.Expand, false)
		}
	}
	if u.Ordinality {
		n.Out = append(n.Out, Column{Name: names(len(n.Out), "ordinality"), T: Bigint})
	}
	var quals []string
	if u.Alias != nil {
		quals = append(quals, u.Alias.Name)
	}
	return n, joinScopes(sc, b.newScope(n.Out, quals...)), nil
}

func columnCount(n int) string {
	if n == 1 {
		return "1 column"
	}
	return itoa(n) + " columns"
}
