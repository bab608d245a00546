package planner

import (
	"strings"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/sql"
)

// from binds a FROM item and returns its node and scope.
func (b *binder) from(t sql.TableExpr) (Node, *scope, error) {
	switch t := t.(type) {
	case nil:
		return &Values{Rows: [][]Expr{{}}}, b.newScope(nil), nil
	case *sql.TableRef:
		if t.Kind == sql.TableName {
			if cte, ok := b.ctes[strings.ToLower(t.Name)]; ok {
				node, names, err := b.bindQuery(cte.Query)
				if err != nil {
					return nil, nil, err
				}
				if len(cte.Columns) > 0 {
					if len(cte.Columns) != len(names) {
						return nil, nil, b.errorf(cte.Pos, ErrType, "WITH %s names %d columns, but its query has %d", cte.Name, len(cte.Columns), len(names))
					}
					names = make([]string, len(cte.Columns))
					for i, c := range cte.Columns {
						names[i] = c.Name
					}
				}
				return b.sampled(t.Sample)(b.derived(node, names, cte.Name, t.Alias))
			}
		}
		return b.sampled(t.Sample)(b.scan(t))
	case *sql.DerivedTable:
		node, names, err := b.queryExpr(t.Query)
		if err != nil {
			return nil, nil, err
		}
		return b.sampled(t.Sample)(b.derived(node, names, "", t.Alias))
	case *sql.Join:
		if u, ok := t.Right.(*sql.Unnest); ok {
			return b.unnestJoin(t, u)
		}
		return b.join(t)
	case *sql.Unnest:
		return b.unnest(&Values{Rows: [][]Expr{{}}}, b.newScope(nil), t, false)
	}
	return nil, nil, b.errorf(t.Position(), ErrUnsupported, "unsupported FROM item")
}

// derived wraps a subquery's node in a scope named by its alias; columns
// are renamed to the subquery's output names.
func (b *binder) derived(node Node, names []string, name string, alias *sql.Ident) (Node, *scope, error) {
	cols := node.Columns()
	var out []Column
	for i := range names {
		out = append(out, Column{Name: names[i], T: cols[i].T})
	}
	var quals []string
	if alias != nil {
		quals = append(quals, alias.Name)
	} else if name != "" {
		quals = append(quals, name)
	}
	return node, b.newScope(out, quals...), nil
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
	// With an alias, Trino hides the table's own name.
	quals := []string{t.Name, store.Info.Name, store.Info.ID}
	if t.Alias != nil {
		quals = []string{t.Alias.Name}
	}
	return &Scan{Table: t.Name, Store: store, Snapshot: snap, Spec: spec, Out: cols}, b.newScope(cols, quals...), nil
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
	quals := []string{t.Name}
	if t.Alias != nil {
		quals = []string{t.Alias.Name}
	}
	return &Scan{Table: t.Name, Spec: spec, Out: cols, JSON: append([]string(nil), paths...)}, b.newScope(cols, quals...), nil
}

// joinKinds maps the parser's join words to kinds.
var joinKinds = map[string]JoinKind{
	"JOIN": JoinInner, "CROSS JOIN": JoinInner, "LEFT JOIN": JoinLeft, "RIGHT JOIN": JoinRight, "FULL JOIN": JoinFull,
}

// join binds "left [kind] JOIN right ON cond | USING (cols)" and comma
// joins (CROSS JOIN). The condition stays whole in Join.Cond: the
// optimizer's rules split it into hash keys, pushed-down filters and a
// residual.
func (b *binder) join(t *sql.Join) (Node, *scope, error) {
	kind, ok := joinKinds[t.Kind]
	if !ok {
		if strings.Contains(t.Kind, "NATURAL") {
			return nil, nil, b.errorf(t.OpPos, ErrUnsupported, "NATURAL JOIN is not supported; name the columns with JOIN … USING (…)")
		}
		return nil, nil, b.errorf(t.OpPos, ErrUnsupported, "%s is not supported", t.Kind)
	}
	cross := t.Kind == "CROSS JOIN"
	switch {
	case cross && (t.On != nil || len(t.Using) > 0):
		return nil, nil, b.errorf(t.OpPos, ErrType, "CROSS JOIN takes no ON or USING")
	case !cross && t.On == nil && len(t.Using) == 0:
		return nil, nil, b.errorf(t.OpPos, ErrType, "%s needs ON or USING (or write CROSS JOIN)", t.Kind)
	}
	left, lsc, err := b.from(t.Left)
	if err != nil {
		return nil, nil, err
	}
	right, rsc, err := b.from(t.Right)
	if err != nil {
		return nil, nil, err
	}
	sc := joinScopes(lsc, rsc)
	j := &Join{Kind: kind, Left: left, Right: right, EstLeft: -1, EstRight: -1}
	if cross {
		return j, sc, nil
	}
	if t.On != nil {
		sc.where = "JOIN … ON"
		cond, err := b.expr(sc, t.On, nil)
		if err != nil {
			return nil, nil, err
		}
		if j.Cond, err = b.coerce(cond, Boolean, t.On.Position()); err != nil {
			return nil, nil, err
		}
		sc.where = ""
		return j, sc, nil
	}
	return b.using(j, t.Using, lsc, rsc)
}

// using binds JOIN … USING (c, …): the condition is l.c = r.c for each
// column, and the join's columns are, as in Trino, the USING columns once
// (for a FULL join the non-NULL side's value), then the other columns of
// the left and of the right side. The sides' own copies stay reachable as
// alias.c.
func (b *binder) using(j *Join, cols []sql.Ident, lsc, rsc *scope) (Node, *scope, error) {
	nl := len(lsc.cols)
	var conds, shared []Expr
	var sharedCols []Column
	usedL, usedR := map[int]bool{}, map[int]bool{}
	for _, c := range cols {
		li, err := b.findColumn(lsc, c.Name, c.Pos, "")
		if err != nil {
			return nil, nil, b.errorf(c.Pos, ErrUnknownColumn, "USING column %q is not a column of the left side of the join", c.Name)
		}
		ri, err := b.findColumn(rsc, c.Name, c.Pos, "")
		if err != nil {
			return nil, nil, b.errorf(c.Pos, ErrUnknownColumn, "USING column %q is not a column of the right side of the join", c.Name)
		}
		if usedL[li] {
			return nil, nil, b.errorf(c.Pos, ErrType, "column %q appears twice in USING", c.Name)
		}
		usedL[li], usedR[ri] = true, true
		l := &InputRef{Index: li, Name: lsc.cols[li].Name, T: lsc.cols[li].T, P: c.Pos}
		r := &InputRef{Index: nl + ri, Name: rsc.cols[ri].Name, T: rsc.cols[ri].T, P: c.Pos}
		eq, err := b.compare(OpEq, l, r, c.Pos)
		if err != nil {
			return nil, nil, err
		}
		conds = append(conds, eq)
		cmp := eq.(*Compare)
		var v Expr
		switch j.Kind {
		case JoinRight:
			v = cmp.R
		case JoinFull:
			v = &Coalesce{Args: []Expr{cmp.L, cmp.R}, T: cmp.L.Type(), P: c.Pos}
		default:
			v = cmp.L
		}
		shared = append(shared, v)
		sharedCols = append(sharedCols, Column{Name: lsc.cols[li].Name, T: v.Type()})
	}
	j.Cond = conjunction(conds, cols[0].Pos)
	// The projection: USING columns, then both sides' columns.
	exprs := append([]Expr(nil), shared...)
	names := make([]string, 0, len(shared)+len(lsc.cols)+len(rsc.cols))
	for _, c := range sharedCols {
		names = append(names, c.Name)
	}
	sc := b.newScope(sharedCols)
	for i, side := range []*scope{lsc, rsc} {
		off, used := 0, usedL
		if i == 1 {
			off, used = nl, usedR
		}
		for k, c := range side.cols {
			exprs = append(exprs, &InputRef{Index: off + k, Name: c.Name, T: c.T})
			names = append(names, c.Name)
			sc.cols = append(sc.cols, c)
			sc.quals = append(sc.quals, side.quals[k])
			sc.hidden = append(sc.hidden, side.hidden[k] || used[k])
			sc.rel = append(sc.rel, side.rel[k])
		}
	}
	return &Project{Input: j, Exprs: exprs, Names: names}, sc, nil
}

// conjunction ANDs conditions (nil for none).
func conjunction(cs []Expr, pos int) Expr {
	switch len(cs) {
	case 0:
		return nil
	case 1:
		return cs[0]
	}
	var args []Expr
	for _, c := range cs {
		args = append(args, conjuncts(c)...)
	}
	return &Logic{Args: args, P: pos}
}
