package planner

import (
	"fmt"
	"strings"
)

func exprList(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

func keyList(ks []SortKey) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		s := k.Expr.String()
		if k.Desc {
			s += " DESC"
		}
		if k.NullsFirst {
			s += " NULLS FIRST"
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}

func (n *Scan) Explain() (string, []Attr) {
	cols := "(none: rows only)"
	if len(n.Spec.Columns) > 0 {
		cols = strings.Join(n.Spec.Columns, ", ")
	}
	attrs := []Attr{{"columns", cols}}
	if !n.Spec.Time.All() {
		attrs = append(attrs, Attr{"time range", n.Spec.Time.String()})
	}
	for _, p := range n.Spec.Prune {
		attrs = append(attrs, Attr{"prune", p.String()})
	}
	if o := n.Spec.TopN; o != nil {
		v := o.String() + " order, bound by the top-N"
		if o.Limit > 0 {
			v += fmt.Sprintf(" and by statistics (k=%d)", o.Limit)
		}
		attrs = append(attrs, Attr{"top-N pruning", v})
		if o.Rows > 0 {
			late := "rows chosen by eventTime, other columns read for them only"
			if len(n.Spec.Filter) > 0 {
				fs := make([]string, len(n.Spec.Filter))
				for i, p := range n.Spec.Filter {
					fs[i] = p.String()
				}
				late += "; filter applied first: " + strings.Join(fs, " AND ")
			}
			attrs = append(attrs, Attr{"late materialization", late})
		}
	}
	if n.Spec.Sample != nil {
		attrs = append(attrs, Attr{"sample", n.Spec.Sample.String()})
	}
	if n.Dynamic != "" {
		attrs = append(attrs, Attr{"dynamic filter", n.Dynamic + " IN the build keys of the join above"})
	}
	if n.Spec.NoPruning {
		attrs = append(attrs, Attr{"pruning", "off"})
	}
	if len(n.JSON) > 0 {
		attrs = append(attrs, Attr{"json", strings.Join(n.JSON, ", ")})
	}
	if n.Snapshot != nil {
		attrs = append(attrs, Attr{"snapshot", fmt.Sprintf("%d files, %d events", len(n.Snapshot.Files), n.Snapshot.Rows())})
	}
	return "scan " + n.Table, attrs
}

func (n *Filter) Explain() (string, []Attr) { return "filter " + n.Cond.String(), nil }

func (n *Project) Explain() (string, []Attr) {
	parts := make([]string, len(n.Exprs))
	for i, e := range n.Exprs {
		s := e.String()
		if s != n.Names[i] {
			s += " AS " + n.Names[i]
		}
		parts[i] = s
	}
	return "project " + strings.Join(parts, ", "), nil
}

func (n *Aggregate) Explain() (string, []Attr) {
	var attrs []Attr
	if len(n.Groups) > 0 {
		attrs = append(attrs, Attr{"group by", exprList(n.Groups)})
	}
	labels := make([]string, len(n.Aggs))
	for i, a := range n.Aggs {
		labels[i] = a.Label
	}
	return "aggregate " + strings.Join(labels, ", "), attrs
}

func (n *Sort) Explain() (string, []Attr) { return "sort " + keyList(n.Keys), nil }
func (n *TopN) Explain() (string, []Attr) {
	var attrs []Attr
	if n.Prune != nil {
		attrs = append(attrs, Attr{"dynamic filter", fmt.Sprintf("row %d's eventTime to the scan", n.N)})
	}
	return fmt.Sprintf("top %d by %s", n.N, keyList(n.Keys)), attrs
}
func (n *Limit) Explain() (string, []Attr) {
	switch {
	case n.Offset == 0:
		return fmt.Sprintf("limit %d", n.N), nil
	case n.N < 0:
		return fmt.Sprintf("offset %d", n.Offset), nil
	}
	return fmt.Sprintf("limit %d offset %d", n.N, n.Offset), nil
}
func (n *Distinct) Explain() (string, []Attr) { return "distinct", nil }
func (n *UnionAll) Explain() (string, []Attr) { return "union all", nil }
func (n *Values) Explain() (string, []Attr)   { return fmt.Sprintf("values (%d rows)", len(n.Rows)), nil }

// Format draws a plan as an indented tree, one node per line with its
// attributes beneath it. annotate, if set, adds runtime figures to a node's
// line (EXPLAIN ANALYZE).
func Format(root Node, annotate func(Node) string) string {
	var b strings.Builder
	var draw func(n Node, prefix, childPrefix string)
	draw = func(n Node, prefix, childPrefix string) {
		name, attrs := n.Explain()
		b.WriteString(prefix + name)
		if annotate != nil {
			if s := annotate(n); s != "" {
				b.WriteString("  " + s)
			}
		}
		b.WriteString("\n")
		ins := n.Inputs()
		for _, a := range attrs {
			bar := "  "
			if len(ins) > 0 {
				bar = "│ "
			}
			b.WriteString(childPrefix + bar + "    " + a.Key + ": " + a.Value + "\n")
		}
		for i, in := range ins {
			if i == len(ins)-1 {
				draw(in, childPrefix+"└── ", childPrefix+"    ")
			} else {
				draw(in, childPrefix+"├── ", childPrefix+"│   ")
			}
		}
	}
	draw(root, "", "")
	return b.String()
}
