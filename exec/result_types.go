package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// Inside the engine intervals are int64 nanoseconds / int32 months and IP
// addresses 16 bytes; results leave it typed for what they mean, so that
// every front-end and export prints and stores them correctly: interval
// day to second as Arrow duration[ns], interval year to month as
// month_interval (both zero-copy, same layout), ipaddress and ipprefix as
// their text.

// ResultArrow is the Arrow type a result column of type t carries.
func ResultArrow(t planner.Type) arrow.DataType {
	switch t.Kind {
	case planner.KindInterval:
		return arrow.FixedWidthTypes.Duration_ns
	case planner.KindIntervalYM:
		return arrow.FixedWidthTypes.MonthInterval
	case planner.KindIPAddress, planner.KindIPPrefix:
		return arrow.BinaryTypes.String
	case planner.KindArray:
		return arrow.ListOf(ResultArrow(*t.Elem))
	case planner.KindMap:
		return arrow.MapOf(ResultArrow(*t.Key), ResultArrow(*t.Value))
	case planner.KindRow:
		fs := make([]arrow.Field, len(t.Fields))
		for i, f := range t.Fields {
			fs[i] = arrow.Field{Name: f.Name, Type: ResultArrow(f.Type), Nullable: true}
		}
		return arrow.StructOf(fs...)
	}
	return t.Arrow()
}

// needsResultType reports whether t contains a type ResultArrow changes.
func needsResultType(t planner.Type) bool {
	switch t.Kind {
	case planner.KindInterval, planner.KindIntervalYM, planner.KindIPAddress, planner.KindIPPrefix:
		return true
	case planner.KindArray:
		return needsResultType(*t.Elem)
	case planner.KindMap:
		return needsResultType(*t.Key) || needsResultType(*t.Value)
	case planner.KindRow:
		for _, f := range t.Fields {
			if needsResultType(f.Type) {
				return true
			}
		}
	}
	return false
}

// resultTypesOp retypes the root operator's output per ResultArrow; it
// sits inside the root's instrumentation (BuildContext), so EXPLAIN
// ANALYZE sees the same tree. A batch it returns is valid until the next
// call.
type resultTypesOp struct {
	in     Operator
	types  []planner.Type
	schema *arrow.Schema
	env    *Env
	prev   arrow.Record
}

// withResultTypes wraps the root of a built plan when its columns need
// retyping (intervals, IP addresses).
func withResultTypes(op Operator, cols []planner.Column, env *Env) {
	root, ok := op.(*instrumented)
	if !ok {
		return
	}
	need := false
	types := make([]planner.Type, len(cols))
	for i, c := range cols {
		types[i] = c.T
		need = need || needsResultType(c.T)
	}
	in := root.op.Schema()
	if !need || in.NumFields() != len(cols) {
		return
	}
	fs := in.Fields()
	for i := range fs {
		fs[i].Type = ResultArrow(types[i])
	}
	root.op = &resultTypesOp{in: root.op, types: types, schema: arrow.NewSchema(fs, nil), env: env}
}

func (o *resultTypesOp) Schema() *arrow.Schema { return o.schema }

func (o *resultTypesOp) Next(ctx context.Context) (Batch, error) {
	releaseRecs(&o.prev)
	b, err := o.in.Next(ctx)
	if err != nil || b.Rec == nil {
		return b, err
	}
	cols := make([]arrow.Array, b.Rec.NumCols())
	for i := range cols {
		d := resultData(o.env.mem(), b.Rec.Column(i).Data(), o.types[i])
		cols[i] = array.MakeFromData(d)
		d.Release()
	}
	o.prev = makeRecord(o.schema, cols, int(b.Rec.NumRows()))
	return Batch{Rec: o.prev, Sel: b.Sel}, nil
}

func (o *resultTypesOp) Close() error {
	releaseRecs(&o.prev)
	return o.in.Close()
}

// resultData returns d retyped (and IP values rendered as text).
func resultData(mem memory.Allocator, d arrow.ArrayData, t planner.Type) arrow.ArrayData {
	if !needsResultType(t) {
		d.Retain()
		return d
	}
	switch t.Kind {
	case planner.KindInterval, planner.KindIntervalYM:
		return array.NewData(ResultArrow(t), d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
	case planner.KindIPAddress, planner.KindIPPrefix:
		bin := array.NewBinaryData(d)
		defer bin.Release()
		b := array.NewStringBuilder(mem)
		defer b.Release()
		for i := 0; i < bin.Len(); i++ {
			switch {
			case bin.IsNull(i):
				b.AppendNull()
			case t.Kind == planner.KindIPAddress:
				b.Append(planner.FormatIP(string(bin.Value(i))))
			default:
				b.Append(planner.FormatPrefix(string(bin.Value(i))))
			}
		}
		a := b.NewArray()
		defer a.Release()
		out := a.Data()
		out.Retain()
		return out
	}
	var kids []arrow.ArrayData
	switch t.Kind {
	case planner.KindArray:
		kids = []arrow.ArrayData{resultData(mem, d.Children()[0], *t.Elem)}
	case planner.KindMap:
		entries := d.Children()[0]
		kt, vt := *t.Key, *t.Value
		k, v := resultData(mem, entries.Children()[0], kt), resultData(mem, entries.Children()[1], vt)
		mt := ResultArrow(t).(*arrow.MapType)
		e := array.NewData(mt.Elem(), entries.Len(), entries.Buffers(), []arrow.ArrayData{k, v}, entries.NullN(), entries.Offset())
		k.Release()
		v.Release()
		kids = []arrow.ArrayData{e}
	case planner.KindRow:
		for i, f := range t.Fields {
			kids = append(kids, resultData(mem, d.Children()[i], f.Type))
		}
	}
	out := array.NewData(ResultArrow(t), d.Len(), d.Buffers(), kids, d.NullN(), d.Offset())
	for _, k := range kids {
		k.Release()
	}
	return out
}
