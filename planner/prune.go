package planner

import (
	"sort"
	"strings"
)

// pruneColumns narrows every node to the columns (and struct children)
// the nodes above it read, so that each scan decodes only those streams:
//
//	Project(userIdentity.arn) / Filter(eventName = 'x') / Scan(all 34 columns)
//	  => Project(userIdentity.arn) / Filter(eventName = 'x') / Scan(columns: eventName, userIdentity.arn)
//
// Projections drop the expressions no one reads (a CTE's SELECT * costs
// only what its users read), and a join asks each side for the columns
// read above it plus its keys and conditions. Unlike the rules, this pass
// changes what nodes produce: each node reports where its columns went,
// and the node above rewrites its expressions.
func pruneColumns(root Node) {
	prune(root, allNeeds(len(root.Columns())))
}

// colNeed is how the nodes above read one column: whole, or only some
// paths of struct fields.
type colNeed struct {
	whole bool
	paths [][]string
}

// needs are a node's columns the nodes above read, by index.
type needs map[int]*colNeed

func allNeeds(n int) needs {
	nd := needs{}
	for i := 0; i < n; i++ {
		nd[i] = &colNeed{whole: true}
	}
	return nd
}

func (nd needs) at(i int) *colNeed {
	c := nd[i]
	if c == nil {
		c = &colNeed{}
		nd[i] = c
	}
	return c
}

// use records the columns e reads: a field path of a column, or a column.
func (nd needs) use(e Expr) {
	if e == nil {
		return
	}
	if p, idx, ok := fieldPath(e); ok {
		c := nd.at(idx)
		c.paths = append(c.paths, p)
		return
	}
	if r, ok := e.(*InputRef); ok {
		nd.at(r.Index).whole = true
		return
	}
	for _, c := range Children(e) {
		nd.use(c)
	}
}

// useParts records that paths of e's value are read (all of it when whole).
func (nd needs) useParts(e Expr, c *colNeed) {
	if c.whole {
		nd.use(e)
		return
	}
	base, idx, isPath := fieldPath(e)
	if r, ok := e.(*InputRef); ok {
		base, idx, isPath = nil, r.Index, true
	}
	if !isPath {
		nd.use(e)
		return
	}
	for _, p := range c.paths {
		at := nd.at(idx)
		at.paths = append(at.paths, append(append([]string(nil), base...), p...))
	}
}

func (nd needs) sorted() []int {
	out := make([]int, 0, len(nd))
	for i := range nd {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

func identityMap(n int) map[int]int {
	m := make(map[int]int, n)
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return m
}

// prune narrows n (in place) to nd and returns where each of its former
// columns went; columns nd does not name may be dropped.
func prune(n Node, nd needs) map[int]int {
	switch n := n.(type) {
	case *Scan:
		return narrowScan(n, nd)
	case *Filter:
		in := copyNeeds(nd)
		in.use(n.Cond)
		rm := prune(n.Input, in)
		n.Cond = retarget(n.Cond, rm, n.Input.Columns())
		return rm
	case *Project:
		keep := nd.sorted()
		child := needs{}
		for _, i := range keep {
			child.useParts(n.Exprs[i], nd[i])
		}
		rm := prune(n.Input, child)
		cols := n.Input.Columns()
		exprs := make([]Expr, len(keep))
		names := make([]string, len(keep))
		out := map[int]int{}
		for k, i := range keep {
			exprs[k], names[k], out[i] = retarget(n.Exprs[i], rm, cols), n.Names[i], k
		}
		n.Exprs, n.Names = exprs, names
		return out
	case *Aggregate:
		child := needs{}
		for _, g := range n.Groups {
			child.use(g)
		}
		for _, a := range n.Aggs {
			for _, x := range a.Args {
				child.use(x)
			}
			child.use(a.Filter)
			for _, k := range a.OrderBy {
				child.use(k.Expr)
			}
		}
		rm := prune(n.Input, child)
		cols := n.Input.Columns()
		for i := range n.Groups {
			n.Groups[i] = retarget(n.Groups[i], rm, cols)
		}
		for i := range n.Aggs {
			a := &n.Aggs[i]
			for k := range a.Args {
				a.Args[k] = retarget(a.Args[k], rm, cols)
			}
			if a.Filter != nil {
				a.Filter = retarget(a.Filter, rm, cols)
			}
			for k := range a.OrderBy {
				a.OrderBy[k].Expr = retarget(a.OrderBy[k].Expr, rm, cols)
			}
		}
		return identityMap(len(n.Columns()))
	case *Join:
		return pruneJoin(n, nd)
	case *Sort:
		return pruneSorted(n.Input, n.Keys, nd)
	case *TopN:
		return pruneSorted(n.Input, n.Keys, nd)
	case *Limit:
		return prune(n.Input, nd)
	case *Unnest:
		return pruneUnnest(n, nd)
	case *Sample:
		return prune(n.Input, nd)
	}
	// Distinct, UnionAll, SetOp, Values: every column of every input counts.
	for _, in := range n.Inputs() {
		prune(in, allNeeds(len(in.Columns())))
	}
	return identityMap(len(n.Columns()))
}

// pruneSorted narrows the input of a sort or top-N to what is read above
// and its keys read, and rewrites the keys.
func pruneSorted(in Node, keys []SortKey, nd needs) map[int]int {
	need := copyNeeds(nd)
	for _, k := range keys {
		need.use(k.Expr)
	}
	rm := prune(in, need)
	for i := range keys {
		keys[i].Expr = retarget(keys[i].Expr, rm, in.Columns())
	}
	return rm
}

func copyNeeds(nd needs) needs {
	out := needs{}
	for i, c := range nd {
		cc := *c
		cc.paths = append([][]string(nil), c.paths...)
		out[i] = &cc
	}
	return out
}

// pruneJoin asks each side of a join for the columns read above it plus
// those its keys and conditions read.
func pruneJoin(j *Join, nd needs) map[int]int {
	nl := len(j.Left.Columns())
	nr := len(j.Right.Columns())
	both := needs{}
	for i, c := range nd {
		if i < nl || j.Kind != JoinSemi && j.Kind != JoinAnti && j.Kind != JoinMark && i < nl+nr {
			both[i] = c
		}
	}
	both.use(j.Cond)
	both.use(j.MarkCond)
	ln, rn := needs{}, needs{}
	for i, c := range both {
		if i < nl {
			ln[i] = c
		} else {
			rn[i-nl] = c
		}
	}
	for _, k := range j.LeftKeys {
		ln.use(k)
	}
	for _, k := range j.RightKeys {
		rn.use(k)
	}
	lrm := prune(j.Left, ln)
	rrm := prune(j.Right, rn)
	lcols, rcols := j.Left.Columns(), j.Right.Columns()
	for i := range j.LeftKeys {
		j.LeftKeys[i] = retarget(j.LeftKeys[i], lrm, lcols)
		j.RightKeys[i] = retarget(j.RightKeys[i], rrm, rcols)
	}
	all := map[int]int{}
	for old, nw := range lrm {
		all[old] = nw
	}
	for old, nw := range rrm {
		all[nl+old] = len(lcols) + nw
	}
	cols := append(append([]Column(nil), lcols...), rcols...)
	if j.Cond != nil {
		j.Cond = retarget(j.Cond, all, cols)
	}
	if j.MarkCond != nil {
		j.MarkCond = retarget(j.MarkCond, all, cols)
	}
	switch j.Kind {
	case JoinSemi, JoinAnti:
		return lrm
	case JoinMark:
		out := map[int]int{nl: len(lcols)}
		for old, nw := range lrm {
			out[old] = nw
		}
		return out
	}
	return all
}

// narrowScan narrows a scan to the columns and struct children nd names.
func narrowScan(scan *Scan, nd needs) map[int]int {
	var used []int
	for _, i := range nd.sorted() {
		if i < len(scan.Out) {
			used = append(used, i)
		}
	}
	remap := map[int]int{}
	var out []Column
	var spec []string
	for newIdx, old := range used {
		remap[old] = newIdx
		c := scan.Out[old]
		need := nd[old]
		if need.whole || len(need.paths) == 0 {
			out = append(out, c)
			spec = append(spec, c.Name)
			continue
		}
		out = append(out, Column{Name: c.Name, T: narrowType(c.T, need.paths)})
		for _, p := range dedupPaths(need.paths) {
			spec = append(spec, c.Name+"."+strings.Join(p, "."))
		}
	}
	scan.Out = out
	scan.Spec.Columns = spec
	return remap
}

// fieldPath recognises a FieldRef chain over an InputRef.
func fieldPath(e Expr) ([]string, int, bool) {
	var names []string
	for {
		switch x := e.(type) {
		case *FieldRef:
			names = append([]string{x.Name}, names...)
			e = x.Row
			continue
		case *InputRef:
			if len(names) == 0 {
				return nil, 0, false
			}
			return names, x.Index, true
		}
		return nil, 0, false
	}
}

// narrowType keeps the row fields named by paths.
func narrowType(t Type, paths [][]string) Type {
	if t.Kind != KindRow {
		return t
	}
	sub := map[string][][]string{}
	for _, p := range paths {
		if len(p) == 0 {
			return t
		}
		sub[p[0]] = append(sub[p[0]], p[1:])
	}
	var fs []Field
	for _, f := range t.Fields {
		if ps, ok := sub[f.Name]; ok {
			fs = append(fs, Field{Name: f.Name, Type: narrowType(f.Type, ps)})
		}
	}
	return RowOf(fs...)
}

// dedupPaths drops paths covered by a shorter one (a.b covers a.b.c).
func dedupPaths(ps [][]string) [][]string {
	sort.Slice(ps, func(i, j int) bool { return len(ps[i]) < len(ps[j]) })
	var out [][]string
	for _, p := range ps {
		covered := false
		for _, q := range out {
			if len(q) <= len(p) && strings.Join(p[:len(q)], ".") == strings.Join(q, ".") {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], ".") < strings.Join(out[j], ".") })
	return out
}

// retarget renumbers InputRefs and recomputes the types along FieldRef
// chains for the narrowed scan columns.
func retarget(e Expr, remap map[int]int, cols []Column) Expr {
	switch x := e.(type) {
	case *InputRef:
		c := *x
		c.Index = remap[x.Index]
		c.T = cols[c.Index].T
		return &c
	case *FieldRef:
		row := retarget(x.Row, remap, cols)
		c := *x
		c.Row = row
		if _, f, ok := row.Type().Field(x.Name); ok {
			c.T = f.Type
		}
		return &c
	}
	out, _ := mapChildren(e, func(c Expr) (Expr, error) { return retarget(c, remap, cols), nil })
	return out
}

// pruneUnnest asks the input of an UNNEST for the columns read above it
// and those its arguments read, and passes on only those read above; its
// element columns stay, after the passed ones.
func pruneUnnest(u *Unnest, nd needs) map[int]int {
	width := len(u.Columns()) - len(u.Out)
	child := needs{}
	for i, c := range nd {
		if i < width {
			child[i] = c
		}
	}
	for _, a := range u.Args {
		child.use(a)
	}
	pass := u.Pass
	if pass == nil {
		pass = make([]int, width)
		for i := range pass {
			pass[i] = i
		}
	}
	rm := prune(u.Input, child)
	cols := u.Input.Columns()
	for i := range u.Args {
		u.Args[i] = retarget(u.Args[i], rm, cols)
	}
	out := make(map[int]int, len(nd)+len(u.Out))
	var kept []int
	for old := 0; old < width; old++ {
		if _, above := nd[old]; !above {
			continue
		}
		if nw, ok := rm[pass[old]]; ok {
			out[old] = len(kept)
			kept = append(kept, nw)
		}
	}
	u.Pass = kept
	if kept == nil {
		u.Pass = []int{}
	}
	for j := range u.Out {
		out[width+j] = len(kept) + j
	}
	return out
}
