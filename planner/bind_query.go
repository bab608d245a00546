package planner

import (
	"strings"

	"github.com/ctlake/ctlake/orcstore"
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

// setOp binds UNION [ALL|DISTINCT]: both sides must have as many columns,
// coerced to common types; names come from the left side.
func (b *binder) setOp(q *sql.SetOp) (Node, []string, error) {
	left, names, err := b.queryExpr(q.Left)
	if err != nil {
		return nil, nil, err
	}
	right, _, err := b.queryExpr(q.Right)
	if err != nil {
		return nil, nil, err
	}
	lc, rc := left.Columns(), right.Columns()
	if len(lc) != len(rc) {
		return nil, nil, b.errorf(q.OpPos, ErrType, "UNION sides have %d and %d columns", len(lc), len(rc))
	}
	var lx, rx []Expr
	needL, needR := false, false
	for i := range lc {
		l := &InputRef{Index: i, Name: lc[i].Name, T: lc[i].T, P: q.OpPos}
		r := &InputRef{Index: i, Name: rc[i].Name, T: rc[i].T, P: q.OpPos}
		t, err := b.commonType([]Expr{l, r}, q.OpPos)
		if err != nil {
			return nil, nil, err
		}
		le, err := b.coerce(l, t, q.OpPos)
		if err != nil {
			return nil, nil, err
		}
		re, err := b.coerce(r, t, q.OpPos)
		if err != nil {
			return nil, nil, err
		}
		needL = needL || le != Expr(l)
		needR = needR || re != Expr(r)
		lx, rx = append(lx, le), append(rx, re)
	}
	if needL {
		left = &Project{Input: left, Exprs: lx, Names: colNames(lc)}
	}
	if needR {
		right = &Project{Input: right, Exprs: rx, Names: colNames(lc)}
	}
	var out Node = &UnionAll{Ins: []Node{left, right}}
	if !q.All {
		out = &Distinct{Input: out}
	}
	out, err = b.orderLimit(out, names, nil, nil, q.OrderBy, q.Limit)
	return out, names, err
}

func colNames(cs []Column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// from binds a FROM item and returns its node and scope.
func (b *binder) from(t sql.TableExpr) (Node, *scope, error) {
	switch t := t.(type) {
	case nil:
		return &Values{Rows: [][]Expr{{}}}, &scope{}, nil
	case *sql.TableRef:
		if t.Kind == sql.TableName {
			if cte, ok := b.ctes[strings.ToLower(t.Name)]; ok {
				node, names, err := b.bindQuery(cte.Query)
				if err != nil {
					return nil, nil, err
				}
				return b.derived(node, names, cte.Name, t.Alias)
			}
		}
		return b.scan(t)
	case *sql.DerivedTable:
		var node Node
		var names []string
		var err error
		switch q := t.Query.(type) {
		default:
			node, names, err = b.queryExpr(q)
		}
		if err != nil {
			return nil, nil, err
		}
		return b.derived(node, names, "", t.Alias)
	case *sql.Join:
		return nil, nil, b.errorf(t.OpPos, ErrUnsupported, "JOIN is not supported yet")
	}
	return nil, nil, b.errorf(t.Position(), ErrUnsupported, "unsupported FROM item")
}

// derived wraps a subquery's node in a scope named by its alias; columns
// are renamed to the subquery's output names.
func (b *binder) derived(node Node, names []string, name string, alias *sql.Ident) (Node, *scope, error) {
	cols := node.Columns()
	sc := &scope{}
	for i, c := range cols {
		sc.cols = append(sc.cols, Column{Name: names[i], T: c.T})
	}
	if name != "" {
		sc.qualifiers = append(sc.qualifiers, name)
	}
	if alias != nil {
		sc.qualifiers = append(sc.qualifiers, alias.Name)
	}
	return node, sc, nil
}

// scan binds a store reference. Its Scan reads every column until pruning
// narrows it.
func (b *binder) scan(t *sql.TableRef) (Node, *scope, error) {
	if paths, ok := b.jsonTable(t.Name); ok {
		return b.jsonScan(t, paths)
	}
	if b.opts.Stores == nil {
		return nil, nil, b.errorf(t.Pos, ErrUnknownTable, "no event data stores are available")
	}
	store, err := b.opts.Stores.Open(t.Name)
	if err != nil {
		return nil, nil, b.errorf(t.Pos, ErrUnknownTable, "%v", err)
	}
	snap, err := store.Snapshot()
	if err != nil {
		return nil, nil, b.errorf(t.Pos, ErrUnknownTable, "%v", err)
	}
	b.snapshots = append(b.snapshots, snap)
	cols, err := storeColumns()
	if err != nil {
		return nil, nil, err
	}
	spec := orcstore.ScanSpec{NoPruning: b.opts.NoPushdown}
	for _, c := range cols {
		spec.Columns = append(spec.Columns, c.Name)
	}
	sc := &scope{cols: cols, qualifiers: []string{t.Name, store.Info.Name, store.Info.ID}}
	if t.Alias != nil {
		sc.qualifiers = append(sc.qualifiers, t.Alias.Name)
	}
	return &Scan{Table: t.Name, Store: store, Snapshot: snap, Spec: spec, Out: cols}, sc, nil
}

// jsonTable looks name up in Options.JSONTables, case-insensitively.
func (b *binder) jsonTable(name string) ([]string, bool) {
	if p, ok := b.opts.JSONTables[name]; ok {
		return p, true
	}
	for k, p := range b.opts.JSONTables {
		if strings.EqualFold(k, name) {
			return p, true
		}
	}
	return nil, false
}

// jsonScan binds a table read from JSON files: the event schema, like a
// store, so every query runs unchanged on either.
func (b *binder) jsonScan(t *sql.TableRef, paths []string) (Node, *scope, error) {
	cols, err := storeColumns()
	if err != nil {
		return nil, nil, err
	}
	var spec orcstore.ScanSpec
	for _, c := range cols {
		spec.Columns = append(spec.Columns, c.Name)
	}
	sc := &scope{cols: cols, qualifiers: []string{t.Name}}
	if t.Alias != nil {
		sc.qualifiers = append(sc.qualifiers, t.Alias.Name)
	}
	return &Scan{Table: t.Name, Spec: spec, Out: cols, JSON: append([]string(nil), paths...)}, sc, nil
}

// selectBlock binds SELECT … FROM … WHERE … GROUP BY … HAVING … ORDER BY …
// LIMIT.
func (b *binder) selectBlock(s *sql.Select) (Node, []string, error) {
	input, sc, err := b.from(s.From)
	if err != nil {
		return nil, nil, err
	}
	if s.Where != nil {
		cond, err := b.expr(sc, s.Where, nil)
		if err != nil {
			return nil, nil, err
		}
		if cond, err = b.coerce(cond, Boolean, s.Where.Position()); err != nil {
			return nil, nil, err
		}
		input = &Filter{Input: input, Cond: cond}
	}

	// Select items, expanding stars.
	type item struct {
		sqlExpr sql.Expr
		expr    Expr
		name    string
	}
	var items []item
	aggs := &aggCollector{}
	for i, it := range s.Items {
		if it.Star {
			for ci, c := range sc.cols {
				if len(it.Qualifier) > 0 && !qualifies(sc, it.Qualifier[0].Name) {
					return nil, nil, b.errorf(it.Pos, ErrUnknownTable, "unknown table %q in %s.*", it.Qualifier[0].Name, it.Qualifier[0].Name)
				}
				items = append(items, item{expr: &InputRef{Index: ci, Name: c.Name, T: c.T, P: it.Pos}, name: c.Name})
			}
			continue
		}
		e, err := b.expr(sc, it.Expr, aggs)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, item{sqlExpr: it.Expr, expr: e, name: sql.OutputName(it, i)})
	}

	// ORDER BY terms that are not output columns are bound against the
	// input (or the aggregation) and carried as hidden columns.
	order := make([]orderTerm, len(s.OrderBy))
	for i, o := range s.OrderBy {
		order[i] = orderTerm{item: o, out: -1}
		if lit, ok := o.Expr.(*sql.Literal); ok && lit.Kind == sql.LitInteger {
			continue // ordinal: resolved against the output below
		}
		if ref, ok := o.Expr.(*sql.ColumnRef); ok && len(ref.Parts) == 1 {
			if idx := outputIndex(itemsNames(len(items), func(j int) string { return items[j].name }), ref.Parts[0]); idx >= 0 {
				order[i].out = idx
				continue
			}
		}
		e, err := b.expr(sc, o.Expr, aggs)
		if err != nil {
			return nil, nil, err
		}
		order[i].expr = e
	}

	var having Expr
	if s.Having != nil {
		if having, err = b.expr(sc, s.Having, aggs); err != nil {
			return nil, nil, err
		}
		if having, err = b.coerce(having, Boolean, s.Having.Position()); err != nil {
			return nil, nil, err
		}
	}

	// Aggregation.
	if len(s.GroupBy) > 0 || len(aggs.calls) > 0 || aggs.grouping {
		byOrdinal := func(lit *sql.Literal) (Expr, string, error) {
			n := ordinal(lit.Value)
			if n < 1 || n > len(items) {
				return nil, "", b.errorf(lit.Pos, ErrType, "GROUP BY position %s is not in the select list (1..%d)", lit.Value, len(items))
			}
			e := items[n-1].expr
			if containsAgg(e) {
				return nil, "", b.errorf(lit.Pos, ErrType, "GROUP BY position %s refers to an aggregate", lit.Value)
			}
			return e, items[n-1].name, nil
		}
		groups, groupNames, sets, err := b.groupBy(sc, s.GroupBy, byOrdinal)
		if err != nil {
			return nil, nil, err
		}
		agg := &Aggregate{Input: input, Groups: groups, GroupNames: groupNames, Aggs: aggs.calls, Sets: sets}
		input = agg
		for i := range items {
			if items[i].expr, err = b.overAggregate(items[i].expr, agg); err != nil {
				return nil, nil, err
			}
		}
		for i := range order {
			if order[i].expr != nil {
				if order[i].expr, err = b.overAggregate(order[i].expr, agg); err != nil {
					return nil, nil, err
				}
			}
		}
		if having != nil {
			if having, err = b.overAggregate(having, agg); err != nil {
				return nil, nil, err
			}
			input = &Filter{Input: input, Cond: having}
		}
	} else if having != nil {
		return nil, nil, b.errorf(s.Having.Position(), ErrType, "HAVING needs GROUP BY or an aggregate")
	}

	names := make([]string, len(items))
	exprs := make([]Expr, len(items))
	for i, it := range items {
		names[i], exprs[i] = it.name, it.expr
	}
	// Hidden ORDER BY columns follow the visible ones.
	hidden := 0
	for i := range order {
		if order[i].expr != nil {
			if s.Distinct {
				return nil, nil, b.errorf(order[i].item.Pos, ErrType, "with SELECT DISTINCT, ORDER BY expressions must appear in the select list")
			}
			order[i].out = len(exprs)
			exprs = append(exprs, order[i].expr)
			names = append(names, "_order"+itoa(hidden))
			hidden++
		}
	}
	var out Node = &Project{Input: input, Exprs: exprs, Names: names}
	if s.Distinct {
		out = &Distinct{Input: out}
	}
	out, err = b.orderLimit(out, names[:len(items)], order, nil, s.OrderBy, s.Limit)
	if err != nil {
		return nil, nil, err
	}
	if hidden > 0 {
		cols := out.Columns()
		keep := make([]Expr, len(items))
		for i := range keep {
			keep[i] = &InputRef{Index: i, Name: cols[i].Name, T: cols[i].T}
		}
		out = &Project{Input: out, Exprs: keep, Names: names[:len(items)]}
	}
	return out, names[:len(items)], nil
}

// orderTerm is one ORDER BY term: an output column index, or an expression
// added as a hidden column (then out is its index).
type orderTerm struct {
	item *sql.OrderItem
	expr Expr
	out  int
}

// orderLimit adds Sort/TopN/Limit over node. order carries pre-resolved
// terms (nil: resolve items against node's output names and ordinals).
func (b *binder) orderLimit(node Node, names []string, order []orderTerm, _ any, items []*sql.OrderItem, limit *sql.Limit) (Node, error) {
	cols := node.Columns()
	var keys []SortKey
	for i, o := range items {
		idx := -1
		if order != nil && order[i].out >= 0 {
			idx = order[i].out
		} else if lit, ok := o.Expr.(*sql.Literal); ok && lit.Kind == sql.LitInteger {
			n := ordinal(lit.Value)
			if n < 1 || n > len(names) {
				return nil, b.errorf(lit.Pos, ErrType, "ORDER BY position %s is not in the select list (1..%d)", lit.Value, len(names))
			}
			idx = n - 1
		} else if ref, ok := o.Expr.(*sql.ColumnRef); ok && len(ref.Parts) == 1 {
			idx = outputIndex(names, ref.Parts[0])
		}
		if idx < 0 {
			return nil, b.errorf(o.Pos, ErrUnknownColumn, "ORDER BY term must name an output column here")
		}
		if !cols[idx].T.Orderable() {
			return nil, b.errorf(o.Pos, ErrType, "cannot order by a value of type %s", cols[idx].T)
		}
		k := SortKey{Expr: &InputRef{Index: idx, Name: cols[idx].Name, T: cols[idx].T, P: o.Pos}, Desc: o.Desc}
		// Trino's default puts NULLs last whatever the direction.
		k.NullsFirst = o.Nulls == sql.NullsFirst
		keys = append(keys, k)
	}
	switch {
	case len(keys) > 0 && limit != nil:
		return &TopN{Input: node, Keys: keys, N: limit.Count}, nil
	case len(keys) > 0:
		return &Sort{Input: node, Keys: keys}, nil
	case limit != nil:
		return &Limit{Input: node, N: limit.Count}, nil
	}
	return node, nil
}

// overAggregate rewrites an expression bound over the aggregation's input
// into one over its output: group expressions become references to group
// columns, aggregate calls to aggregate columns; any other column is an
// error, as in Trino.
func (b *binder) overAggregate(e Expr, agg *Aggregate) (Expr, error) {
	m := &groupMatch{node: agg, groups: agg.Groups, size: map[Expr]int{}, agg: map[Expr]bool{}}
	for _, g := range agg.Groups {
		m.texts = append(m.texts, g.String())
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
				text = e.String()
			}
			if text == m.texts[i] {
				return &InputRef{Index: i, Name: m.texts[i], T: g.Type(), P: e.Pos()}, nil
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
		if _, ok := x.(*aggRef); ok {
			found = true
		}
		return !found
	})
	return found
}

func qualifies(sc *scope, q string) bool {
	for _, x := range sc.qualifiers {
		if strings.EqualFold(x, q) {
			return true
		}
	}
	return false
}

func itemsNames(n int, name func(int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = name(i)
	}
	return out
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
