package sql

// over prints what follows a window function call's arguments.
func (f *formatter) over(e *FuncCall) {
	if e.Over == nil {
		return
	}
	if e.IgnoreNulls {
		f.w(" IGNORE NULLS")
	}
	f.w(" OVER ")
	f.windowSpec(e.Over)
}

// windowSpec prints OVER's window: a name, or a parenthesised spec.
func (f *formatter) windowSpec(s *WindowSpec) {
	if !s.Parens && s.Ref != nil {
		f.w(quoteIdent(s.Ref.Name, s.Ref.Quoted))
		return
	}
	f.w("(")
	sep := ""
	if s.Ref != nil {
		f.w(quoteIdent(s.Ref.Name, s.Ref.Quoted))
		sep = " "
	}
	if len(s.PartitionBy) > 0 {
		f.w(sep, "PARTITION BY ")
		f.exprs(s.PartitionBy)
		sep = " "
	}
	if len(s.OrderBy) > 0 {
		f.orderItems(sep+"ORDER BY ", s.OrderBy)
		sep = " "
	}
	if fr := s.Frame; fr != nil {
		f.w(sep, fr.Unit, " ")
		if fr.End != nil {
			f.w("BETWEEN ")
			f.bound(fr.Start)
			f.w(" AND ")
			f.bound(fr.End)
		} else {
			f.bound(fr.Start)
		}
	}
	f.w(")")
}

func (f *formatter) bound(b *FrameBound) {
	if b.Offset != nil {
		f.expr(b.Offset, 0)
		f.w(" ")
	}
	f.w(b.Kind.String())
}

// windowDefs prints a SELECT's WINDOW clause.
func (f *formatter) windowDefs(defs []*WindowDef) {
	for i, d := range defs {
		if i == 0 {
			f.w(" WINDOW ")
		} else {
			f.w(", ")
		}
		f.w(quoteIdent(d.Name.Name, d.Name.Quoted), " AS ")
		spec := *d.Spec
		spec.Parens = true
		f.windowSpec(&spec)
	}
}
