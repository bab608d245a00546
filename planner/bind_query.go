package planner

import (
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// query binds a query with its WITH list.
func (b *binder) bindQuery(q *sql.Query) (Node, []string, error) {
	saved := b.ctes
	if len(q.With) > 0 {
		b.ctes = make(map[string]*sql.CTE, len(saved)+len(q.With))
		for k, v := range saved {
			b.ctes[k] = v
		}
		for _, c := range q.With {
			b.ctes[strings.ToLower(c.Name)] = c
		}
	}
	defer func() { b.ctes = saved }()
	return b.queryExpr(q.Body)
}

func (b *binder) queryExpr(q sql.QueryExpr) (Node, []string, error) {
	switch q := q.(type) {
	case *sql.Select:
		return b.selectBlock(q)
	case *sql.SetOp:
		return b.setOp(q)
	}
	return nil, nil, b.errorf(q.Position(), ErrUnsupported, "unsupported query form")
}

func colNames(cs []Column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// overAggregate rewrites an expression bound over the aggregation's input
// into one over its output: group expressions become references to group
// columns, aggregate calls to aggregate columns; any other column is an
// error, as in Trino.
func (b *binder) overAggregate(e Expr, agg *Aggregate) (Expr, error) {
	m := &groupMatch{node: agg, groups: agg.Groups, size: map[Expr]int{}, agg: map[Expr]bool{}}
	for _, g := range agg.Groups {
		m.texts = append(m.texts, exprKey(g))
		m.sizes = append(m.sizes, m.measure(g))
	}
	m.measure(e)
	return b.overAgg(e, m)
}

// groupMatch finds group expressions inside an expression. Node counts and
// aggregate presence are computed once per tree, so only subtrees as large
// as a group expression are printed for comparison: matching a chain of n
// operators costs O(n), not O(n²).
type groupMatch struct {
	node   *Aggregate
	groups []Expr
	texts  []string
	sizes  []int
	size   map[Expr]int  // nodes in the subtree
	agg    map[Expr]bool // the subtree holds an aggregate call
}

func (m *groupMatch) measure(e Expr) int {
	n, agg := 1, false
	if _, ok := e.(*aggRef); ok {
		agg = true
	}
	for _, c := range Children(e) {
		n += m.measure(c)
		agg = agg || m.agg[c]
	}
	m.size[e], m.agg[e] = n, agg
	return n
}

func (b *binder) overAgg(e Expr, m *groupMatch) (Expr, error) {
	if !m.agg[e] {
		var text string
		for i, g := range m.groups {
			if m.size[e] != m.sizes[i] || !e.Type().Equal(g.Type()) {
				continue
			}
			if text == "" {
				text = exprKey(e)
			}
			if text == m.texts[i] {
				return &InputRef{Index: i, Name: g.String(), T: g.Type(), P: e.Pos()}, nil
			}
		}
	}
	switch x := e.(type) {
	case *aggRef:
		off := len(m.groups)
		if m.node.Sets != nil {
			off++ // the grouping-set index column
		}
		return &InputRef{Index: off + x.idx, Name: x.txt, T: x.T, P: x.P}, nil
	case *groupingCall:
		return b.groupingValue(x, m.node)
	case *subRef, *OuterRef:
		return x, nil
	case *InputRef:
		return nil, b.errorf(x.P, ErrType, "column %q must appear in GROUP BY or be used in an aggregate function", x.Name)
	case *Literal:
		return x, nil
	}
	return mapChildren(e, func(c Expr) (Expr, error) { return b.overAgg(c, m) })
}

func containsAgg(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		switch x.(type) {
		case *aggRef, *winRef:
			found = true
		}
		return !found
	})
	return found
}

// outputIndex finds an output column by name (exact case first).
func outputIndex(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	for i, n := range names {
		if strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

func ordinal(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<20 {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
