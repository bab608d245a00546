package fn

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Value constructors: ARRAY[…] (array_constructor, the binder's name for
// it), MAP(keys, values) and ROW(…).

func (c *Catalog) addConstructors() {
	c.generic("array_constructor", "(T...)", func(args []planner.Type) *Scalar {
		t, ok := commonType(args)
		if !ok {
			return nil
		}
		ps := make([]planner.Type, len(args))
		for i := range ps {
			ps[i] = t
		}
		return &Scalar{Ps: ps, Ret: planner.ArrayOf(t), Kernel: arrayCtorKernel(t)}
	})
	c.generic("map", "() or (array(K), array(V))", func(args []planner.Type) *Scalar {
		switch {
		case len(args) == 0:
			t := planner.MapOf(tU, tU)
			return &Scalar{Ret: t, Kernel: emptyMapKernel(t)}
		case len(args) == 2 && args[0].Kind == planner.KindArray && args[1].Kind == planner.KindArray:
			k, v := *args[0].Elem, *args[1].Elem
			if k.Kind == planner.KindUnknown && v.Kind == planner.KindUnknown {
				return nil
			}
			if !isScalarKind(k) {
				return nil
			}
			return &Scalar{Ps: args, Ret: planner.MapOf(k, v), Kernel: mapKernel(k, v)}
		}
		return nil
	})
	c.generic("row", "(T1, T2, ...)", func(args []planner.Type) *Scalar {
		if len(args) == 0 {
			return nil
		}
		fs := make([]planner.Field, len(args))
		for i, a := range args {
			fs[i] = planner.Field{Name: "field" + strconv.Itoa(i), Type: a}
		}
		return &Scalar{Ps: args, Ret: planner.RowOf(fs...), Kernel: rowCtorKernel(planner.RowOf(fs...))}
	})
}

// appendArg appends row i of a kernel argument (constant or array) to b.
func appendArg(b array.Builder, v Vec, t planner.Type, i int) {
	if v.IsConst {
		if v.Const.Null || !isScalarKind(t) {
			b.AppendNull()
			return
		}
		appendValue(b, v.Const, t)
		return
	}
	appendFrom(b, v.Arr, i)
}

func arrayCtorKernel(t planner.Type) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		lb := array.NewListBuilder(ctx.Mem, t.Arrow())
		defer lb.Release()
		vb := lb.ValueBuilder()
		for i := 0; i < n; i++ {
			lb.Append(true)
			for _, a := range args {
				appendArg(vb, a, t, i)
			}
		}
		return lb.NewArray(), nil
	}
}

func emptyMapKernel(t planner.Type) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		mb := array.NewMapBuilderWithType(ctx.Mem, t.Arrow().(*arrow.MapType))
		defer mb.Release()
		for i := 0; i < n; i++ {
			mb.Append(true)
		}
		return mb.NewArray(), nil
	}
}

// mapKernel pairs the keys and values arrays of each row: both must have
// the same length, keys must be non-NULL and distinct (Trino's errors).
func mapKernel(k, v planner.Type) Kernel {
	mt := planner.MapOf(k, v)
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		mb := array.NewMapBuilderWithType(ctx.Mem, mt.Arrow().(*arrow.MapType))
		defer mb.Release()
		kl, ok1 := listArg(args[0])
		vl, ok2 := listArg(args[1])
		if !ok1 || !ok2 {
			mb.AppendNulls(n)
			return mb.NewArray(), nil
		}
		kget := arrGetter(kl.ListValues(), k)
		kb, ib := mb.KeyBuilder(), mb.ItemBuilder()
		var seen []planner.Value
		for i := 0; i < n; i++ {
			if kl.IsNull(i) || vl.IsNull(i) {
				mb.AppendNull()
				continue
			}
			ks, ke := kl.ValueOffsets(i)
			vs, ve := vl.ValueOffsets(i)
			if ke-ks != ve-vs {
				return nil, fmt.Errorf("Key and value arrays must be the same length")
			}
			seen = seen[:0]
			for j := ks; j < ke; j++ {
				key := kget(int(j))
				if key.Null {
					return nil, fmt.Errorf("map key cannot be null")
				}
				for _, s := range seen {
					if sameValue(s, key, k) {
						return nil, fmt.Errorf("Duplicate map keys (%s) are not allowed", planner.FormatValue(key, k, false))
					}
				}
				seen = append(seen, key)
			}
			mb.Append(true)
			for j := int64(0); j < ke-ks; j++ {
				appendFrom(kb, kl.ListValues(), int(ks+j))
				appendFrom(ib, vl.ListValues(), int(vs+j))
			}
		}
		return mb.NewArray(), nil
	}
}

func rowCtorKernel(t planner.Type) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		sb := array.NewStructBuilder(ctx.Mem, t.Arrow().(*arrow.StructType))
		defer sb.Release()
		for i := 0; i < n; i++ {
			sb.Append(true)
			for f, a := range args {
				appendArg(sb.FieldBuilder(f), a, t.Fields[f].Type, i)
			}
		}
		return sb.NewArray(), nil
	}
}
