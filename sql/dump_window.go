package sql

import "fmt"

// window dumps a call's window, or a WINDOW clause entry's.
func (d *dumper) window(depth int, head string, s *WindowSpec) {
	if s.Ref != nil {
		head += " ref=" + d.ident(*s.Ref)
	}
	d.line(depth, "%s", head)
	d.list(depth+1, "partition-by", s.PartitionBy)
	d.order(depth+1, s.OrderBy)
	if f := s.Frame; f != nil {
		d.line(depth+1, "frame@%d %s", f.Pos, f.Unit)
		for _, b := range []*FrameBound{f.Start, f.End} {
			if b == nil {
				continue
			}
			d.line(depth+2, "bound@%d %s", b.Pos, b.Kind)
			if b.Offset != nil {
				d.node(b.Offset, depth+3)
			}
		}
	}
}

// over dumps a call's window, if it has one.
func (d *dumper) over(depth int, n *FuncCall) {
	if n.Over == nil {
		return
	}
	head := fmt.Sprintf("over@%d", n.Over.Pos)
	if n.IgnoreNulls {
		head += " ignore-nulls"
	}
	d.window(depth, head, n.Over)
}

func (d *dumper) windowDefs(depth int, defs []*WindowDef) {
	for _, w := range defs {
		d.window(depth, "window@"+fmt.Sprint(w.Pos)+" "+d.ident(w.Name), w.Spec)
	}
}
