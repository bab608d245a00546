package planner

import (
	"sort"
	"strings"
)

// pruneColumns narrows every scan to the columns (and struct children) its
// consumers use, so the ORC reader decodes only those streams.
//
//	Project(userIdentity.arn) / Scan(all 34 columns)
//	  => Project(userIdentity.arn) / Scan(columns: userIdentity.arn)
//
// A scan's consumers are the filters directly above it and the first
// Project or Aggregate over them; they are the only nodes whose
// expressions refer to the scan's columns.
func pruneColumns(root Node) {
	var visit func(n Node)
	visit = func(n Node) {
		for _, in := range n.Inputs() {
			visit(in)
		}
		chain, scan := consumers(n)
		if scan != nil {
			narrowScan(scan, chain)
		}
	}
	visit(root)
}

// consumers returns, for a Project or Aggregate whose input is a scan
// (possibly under filters), that node and the filters, and the scan.
func consumers(n Node) ([]Node, *Scan) {
	var in Node
	switch n := n.(type) {
	case *Project:
		in = n.Input
	case *Aggregate:
		in = n.Input
	default:
		return nil, nil
	}
	chain := []Node{n}
	for {
		switch x := in.(type) {
		case *Filter:
			chain = append(chain, x)
			in = x.Input
			continue
		case *Scan:
			return chain, x
		}
		return nil, nil
	}
}

func exprsOf(n Node) []Expr {
	switch n := n.(type) {
	case *Filter:
		return []Expr{n.Cond}
	case *Project:
		return n.Exprs
	case *Aggregate:
		out := append([]Expr(nil), n.Groups...)
		for _, a := range n.Aggs {
			out = append(out, a.Args...)
			if a.Filter != nil {
				out = append(out, a.Filter)
			}
			for _, k := range a.OrderBy {
				out = append(out, k.Expr)
			}
		}
		return out
	}
	return nil
}

// narrowScan rewrites scan and its consumers' column references.
func narrowScan(scan *Scan, chain []Node) {
	whole := map[int]bool{}
	paths := map[int][][]string{}
	var use func(e Expr)
	use = func(e Expr) {
		if p, idx, ok := fieldPath(e); ok {
			paths[idx] = append(paths[idx], p)
			return
		}
		if r, ok := e.(*InputRef); ok {
			whole[r.Index] = true
			return
		}
		for _, c := range Children(e) {
			use(c)
		}
	}
	for _, n := range chain {
		for _, e := range exprsOf(n) {
			use(e)
		}
	}
	var used []int
	for i := range scan.Out {
		if whole[i] || len(paths[i]) > 0 {
			used = append(used, i)
		}
	}
	remap := map[int]int{}
	var out []Column
	var spec []string
	for newIdx, old := range used {
		remap[old] = newIdx
		c := scan.Out[old]
		if whole[old] {
			out = append(out, c)
			spec = append(spec, c.Name)
			continue
		}
		out = append(out, Column{Name: c.Name, T: narrowType(c.T, paths[old])})
		for _, p := range dedupPaths(paths[old]) {
			spec = append(spec, c.Name+"."+strings.Join(p, "."))
		}
	}
	scan.Out = out
	scan.Spec.Columns = spec
	for _, n := range chain {
		rewriteExprs(n, func(e Expr) (Expr, error) { return retarget(e, remap, out), nil })
	}
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
