package fn

import (
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Maps and arrays. Compound values never arrive as constants (the planner
// has no compound literals), except a NULL literal, which gives NULL.

// appendFrom appends row i of a to b (same Arrow type, or a dictionary of
// it), recursively for lists, maps and structs. It is the one generic
// gather of this package. A type mismatch appends NULL rather than
// panicking.
func appendFrom(b array.Builder, a arrow.Array, i int) {
	if a.IsNull(i) {
		b.AppendNull()
		return
	}
	if d, ok := a.(*array.Dictionary); ok {
		appendFrom(b, d.Dictionary(), d.GetValueIndex(i))
		return
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		if x, ok := a.(*array.Boolean); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.Int64Builder:
		if x, ok := a.(*array.Int64); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.Int32Builder:
		if x, ok := a.(*array.Int32); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.Float64Builder:
		if x, ok := a.(*array.Float64); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.StringBuilder:
		if x, ok := a.(*array.String); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.TimestampBuilder:
		if x, ok := a.(*array.Timestamp); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.Date32Builder:
		if x, ok := a.(*array.Date32); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.BinaryBuilder:
		if x, ok := a.(*array.Binary); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.MonthIntervalBuilder:
		if x, ok := a.(*array.MonthInterval); ok {
			b.Append(x.Value(i))
			return
		}
	case *array.MapBuilder:
		if m, ok := a.(*array.Map); ok {
			s, e := m.ValueOffsets(i)
			b.Append(true)
			kb, ib := b.KeyBuilder(), b.ItemBuilder()
			for j := int(s); j < int(e); j++ {
				appendFrom(kb, m.Keys(), j)
				appendFrom(ib, m.Items(), j)
			}
			return
		}
	case *array.ListBuilder:
		if l, ok := a.(*array.List); ok {
			s, e := l.ValueOffsets(i)
			b.Append(true)
			vb := b.ValueBuilder()
			for j := int(s); j < int(e); j++ {
				appendFrom(vb, l.ListValues(), j)
			}
			return
		}
	case *array.StructBuilder:
		if st, ok := a.(*array.Struct); ok && st.NumField() == b.NumField() {
			b.Append(true)
			for f := 0; f < st.NumField(); f++ {
				appendFrom(b.FieldBuilder(f), st.Field(f), i)
			}
			return
		}
	}
	b.AppendNull()
}

// isScalarKind reports types held in planner.Value.
func isScalarKind(t planner.Type) bool {
	switch t.Kind {
	case planner.KindArray, planner.KindMap, planner.KindRow:
		return false
	}
	return true
}

// sameValue compares two non-NULL scalar values of type t for equality.
func sameValue(a, b planner.Value, t planner.Type) bool {
	switch t.Kind {
	case planner.KindBoolean:
		return a.Bool == b.Bool
	case planner.KindDouble:
		return a.Float == b.Float
	case planner.KindVarchar, planner.KindJSON, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix, planner.KindUUID:
		return a.Str == b.Str
	}
	return a.Int == b.Int
}

func allNullKernel(t planner.Type) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		b := array.NewBuilder(ctx.Mem, t.Arrow())
		defer b.Release()
		b.AppendNulls(n)
		return b.NewArray(), nil
	}
}

// elementAtMap is element_at(map, key) (missing → NULL) or, with strict,
// the subscript m[key] (missing → error).
func elementAtMap(mt planner.Type, strict bool) Kernel {
	kt, vt := *mt.Key, *mt.Value
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		if args[0].IsConst {
			return allNullKernel(vt)(ctx, args, n)
		}
		m, ok := args[0].Arr.(*array.Map)
		if !ok {
			return allNullKernel(vt)(ctx, args, n)
		}
		mn := arrNulls(m)
		keys, items := m.Keys(), m.Items()
		b := array.NewBuilder(ctx.Mem, vt.Arrow())
		defer b.Release()
		b.Reserve(n)
		// Fast path: varchar keys (plain or dictionary-encoded).
		skeys := strsOf(Vec{Arr: keys})
		strKeys := kt.Kind == planner.KindVarchar && skeys.a != nil
		var ks strs
		var kget func(int) planner.Value
		var mkget func(int) planner.Value
		if strKeys {
			ks = strsOf(args[1])
		} else {
			kget = getter(args[1], kt)
			mkget = arrGetter(keys, kt)
		}
		kn := nullsOf(args[1])
		for i := 0; i < n; i++ {
			if mn.null(i) || kn.null(i) {
				b.AppendNull()
				continue
			}
			s, e := m.ValueOffsets(i)
			if err := ctx.Poll(1 + int(e-s)); err != nil {
				return nil, err
			}
			found := -1
			if strKeys {
				k := ks.at(i)
				for j := int(s); j < int(e); j++ {
					if skeys.at(j) == k {
						found = j
						break
					}
				}
			} else {
				k := kget(i)
				for j := int(s); j < int(e); j++ {
					if kv := mkget(j); !kv.Null && sameValue(kv, k, kt) {
						found = j
						break
					}
				}
			}
			if found < 0 {
				if strict {
					return nil, fmt.Errorf("Key not present in map: %s", planner.FormatValue(getter(args[1], kt)(i), kt, false))
				}
				b.AppendNull()
				continue
			}
			appendFrom(b, items, found)
		}
		return b.NewArray(), nil
	}
}

// elementAtArray is element_at(array, i) (1-based, negative from the end,
// 0 an error, out of range NULL) or, with strict, a[i] (out of range an
// error, negative not allowed).
func elementAtArray(at planner.Type, strict bool) Kernel {
	et := *at.Elem
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		if args[0].IsConst {
			return allNullKernel(et)(ctx, args, n)
		}
		l, ok := args[0].Arr.(*array.List)
		if !ok {
			return allNullKernel(et)(ctx, args, n)
		}
		ln := arrNulls(l)
		idx := intsOf(args[1])
		b := array.NewBuilder(ctx.Mem, et.Arrow())
		defer b.Release()
		b.Reserve(n)
		for i := 0; i < n; i++ {
			if ln.null(i) || idx.null(i) {
				b.AppendNull()
				continue
			}
			s, e := l.ValueOffsets(i)
			size := e - s
			k := idx.at(i)
			switch {
			case k == 0:
				return nil, errors.New("SQL array indices start at 1")
			case strict && k < 0:
				return nil, fmt.Errorf("Array subscript is negative: %d", k)
			case strict && k > size:
				return nil, fmt.Errorf("Array subscript must be less than or equal to array length: %d > %d", k, size)
			case k > size || -k > size:
				b.AppendNull()
				continue
			}
			pos := s + k - 1
			if k < 0 {
				pos = e + k
			}
			appendFrom(b, l.ListValues(), int(pos))
		}
		return b.NewArray(), nil
	}
}

func cardinalityKernel(ctx *Context, args []Vec, n int) (arrow.Array, error) {
	out := newFixedOut[int64](ctx.Mem, tI.Arrow(), n)
	if args[0].IsConst {
		for i := 0; i < n; i++ {
			out.setNull(i)
		}
		return out.finish(), nil
	}
	ll, ok := args[0].Arr.(array.ListLike)
	nl := arrNulls(args[0].Arr)
	for i := 0; i < n; i++ {
		if !ok || nl.null(i) {
			out.setNull(i)
			continue
		}
		s, e := ll.ValueOffsets(i)
		out.vals[i] = e - s
	}
	return out.finish(), nil
}

// mapPart is map_keys (keys=true) or map_values.
func mapPart(mt planner.Type, keys bool) Kernel {
	part := *mt.Value
	if keys {
		part = *mt.Key
	}
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		lb := array.NewListBuilder(ctx.Mem, part.Arrow())
		defer lb.Release()
		m, ok := args[0].Arr.(*array.Map)
		if args[0].IsConst || !ok {
			lb.AppendNulls(n)
			return lb.NewArray(), nil
		}
		src := m.Items()
		if keys {
			src = m.Keys()
		}
		vb := lb.ValueBuilder()
		for i := 0; i < n; i++ {
			if m.IsNull(i) {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			s, e := m.ValueOffsets(i)
			if err := ctx.Poll(1 + int(e-s)); err != nil {
				return nil, err
			}
			for j := int(s); j < int(e); j++ {
				appendFrom(vb, src, j)
			}
		}
		return lb.NewArray(), nil
	}
}

// containsKernel is contains(array, x): NULL when x is NULL, or when there
// is no match and the array holds a NULL (Trino's three-valued rule).
func containsKernel(at planner.Type) Kernel {
	et := *at.Elem
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		out := newBoolOut(ctx.Mem, n)
		l, ok := args[0].Arr.(*array.List)
		if args[0].IsConst || !ok {
			for i := 0; i < n; i++ {
				out.setNull(i)
			}
			return out.finish(), nil
		}
		eget := arrGetter(l.ListValues(), et)
		x := getter(args[1], et)
		for i := 0; i < n; i++ {
			xv := x(i)
			if l.IsNull(i) || xv.Null {
				out.setNull(i)
				continue
			}
			s, e := l.ValueOffsets(i)
			if err := ctx.Poll(1 + int(e-s)); err != nil {
				out.finish().Release()
				return nil, err
			}
			found, sawNull := false, false
			for j := int(s); j < int(e) && !found; j++ {
				ev := eget(j)
				if ev.Null {
					sawNull = true
				} else if sameValue(ev, xv, et) {
					found = true
				}
			}
			if !found && sawNull {
				out.setNull(i)
				continue
			}
			out.set(i, found)
		}
		return out.finish(), nil
	}
}

func (c *Catalog) addCollections() {
	c.generic("element_at", "(map(K,V), K) or (array(T), bigint)", func(args []planner.Type) *Scalar {
		if len(args) != 2 {
			return nil
		}
		switch args[0].Kind {
		case planner.KindMap:
			return &Scalar{Ps: ts(args[0], *args[0].Key), Ret: *args[0].Value, Kernel: elementAtMap(args[0], false)}
		case planner.KindArray:
			return &Scalar{Ps: ts(args[0], tI), Ret: *args[0].Elem, Kernel: elementAtArray(args[0], false)}
		}
		return nil
	})
	c.generic("subscript", "(map(K,V), K) or (array(T), bigint)", func(args []planner.Type) *Scalar {
		if len(args) != 2 {
			return nil
		}
		switch args[0].Kind {
		case planner.KindMap:
			return &Scalar{Ps: ts(args[0], *args[0].Key), Ret: *args[0].Value, Kernel: elementAtMap(args[0], true)}
		case planner.KindArray:
			return &Scalar{Ps: ts(args[0], tI), Ret: *args[0].Elem, Kernel: elementAtArray(args[0], true)}
		}
		return nil
	})
	c.generic("cardinality", "(map(K,V)) or (array(T))", func(args []planner.Type) *Scalar {
		if len(args) != 1 || (args[0].Kind != planner.KindMap && args[0].Kind != planner.KindArray) {
			return nil
		}
		return &Scalar{Ps: ts(args[0]), Ret: tI, Kernel: cardinalityKernel}
	})
	c.generic("map_keys", "(map(K,V))", func(args []planner.Type) *Scalar {
		if len(args) != 1 || args[0].Kind != planner.KindMap {
			return nil
		}
		return &Scalar{Ps: ts(args[0]), Ret: planner.ArrayOf(*args[0].Key), Kernel: mapPart(args[0], true)}
	})
	c.generic("map_values", "(map(K,V))", func(args []planner.Type) *Scalar {
		if len(args) != 1 || args[0].Kind != planner.KindMap {
			return nil
		}
		return &Scalar{Ps: ts(args[0]), Ret: planner.ArrayOf(*args[0].Value), Kernel: mapPart(args[0], false)}
	})
	c.generic("contains", "(array(T), T)", func(args []planner.Type) *Scalar {
		if len(args) != 2 || args[0].Kind != planner.KindArray || !isScalarKind(*args[0].Elem) {
			return nil
		}
		return &Scalar{Ps: ts(args[0], *args[0].Elem), Ret: tB, Kernel: containsKernel(args[0])}
	})
}
