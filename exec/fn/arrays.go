package fn

import (
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Array functions of the old Lake whitelist over arrays of scalar elements:
// array_max/min, array_join, array_position, array_sort, slice
// (array_distinct and the other set functions are in arrays_set.go). Each kernel walks list offsets and element values directly.

// listKernel calls f for every non-NULL list row with its element range and
// an element getter; f writes the row's result.
type listRowFn func(i int, s, e int, elem func(j int) planner.Value) error

func listArg(v Vec) (*array.List, bool) {
	if v.IsConst {
		return nil, false
	}
	l, ok := v.Arr.(*array.List)
	return l, ok
}

// arrayToArray builds kernels returning array(T) from the element indexes
// f picks (in order) for each row; ok=false gives NULL for the row.
func arrayToArray(at planner.Type, pick func(ctx rowCtx) ([]int, bool, error)) Kernel {
	et := *at.Elem
	return func(kctx *Context, args []Vec, n int) (arrow.Array, error) {
		lb := array.NewListBuilder(kctx.Mem, et.Arrow())
		defer lb.Release()
		l, ok := listArg(args[0])
		if !ok {
			lb.AppendNulls(n)
			return lb.NewArray(), nil
		}
		vals := l.ListValues()
		eget := arrGetter(vals, et)
		gets := make([]func(int) planner.Value, len(args))
		for j := 1; j < len(args); j++ {
			gets[j] = getter(args[j], tI)
		}
		vb := lb.ValueBuilder()
		var idx []int
		for i := 0; i < n; i++ {
			if l.IsNull(i) {
				lb.AppendNull()
				continue
			}
			s, e := l.ValueOffsets(i)
			if err := kctx.Poll(1 + int(e-s)); err != nil {
				return nil, err
			}
			rc := rowCtx{s: int(s), e: int(e), elem: eget, t: et, idx: idx[:0], kctx: kctx}
			for j := 1; j < len(args); j++ {
				rc.args = append(rc.args, gets[j](i))
			}
			picked, ok, err := pick(rc)
			if err != nil {
				return nil, err
			}
			if !ok {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			for _, k := range picked {
				appendFrom(vb, vals, k)
			}
			idx = picked
		}
		return lb.NewArray(), nil
	}
}

type rowCtx struct {
	s, e int
	elem func(j int) planner.Value
	t    planner.Type
	kctx *Context // for Poll and cancellable sorts
	args []planner.Value
	idx  []int
}

// arrayToScalar builds kernels returning a scalar per array row.
func arrayToScalar(at planner.Type, ps []planner.Type, ret planner.Type, f func(rc rowCtx) (planner.Value, error)) Kernel {
	et := *at.Elem
	return func(kctx *Context, args []Vec, n int) (arrow.Array, error) {
		out := newValOut(kctx.Mem, ret, n)
		l, ok := listArg(args[0])
		if !ok {
			for i := 0; i < n; i++ {
				out.set(i, vnull)
			}
			return out.finish(), nil
		}
		eget := arrGetter(l.ListValues(), et)
		gets := make([]func(int) planner.Value, len(args))
		for j := 1; j < len(args); j++ {
			gets[j] = getter(args[j], ps[j])
		}
		rc := rowCtx{elem: eget, t: et, kctx: kctx}
	rows:
		for i := 0; i < n; i++ {
			if ps, pe := l.ValueOffsets(i); kctx.Poll(1+int(pe-ps)) != nil {
				out.finish().Release()
				return nil, kctx.context().Err()
			}
			if l.IsNull(i) {
				out.set(i, vnull)
				continue
			}
			rc.args = rc.args[:0]
			for j := 1; j < len(args); j++ {
				a := gets[j](i)
				if a.Null {
					out.set(i, vnull)
					continue rows
				}
				rc.args = append(rc.args, a)
			}
			s, e := l.ValueOffsets(i)
			rc.s, rc.e = int(s), int(e)
			r, err := f(rc)
			if err != nil {
				out.finish().Release()
				return nil, err
			}
			out.set(i, r)
		}
		return out.result()
	}
}

func arrayExtreme(max bool) func(rc rowCtx) (planner.Value, error) {
	return func(rc rowCtx) (planner.Value, error) {
		best := vnull
		for j := rc.s; j < rc.e; j++ {
			x := rc.elem(j)
			if x.Null {
				return vnull, nil // Trino: any NULL element gives NULL
			}
			if best.Null {
				best = x
				continue
			}
			c := compareValues(x, best, rc.t)
			if (max && c > 0) || (!max && c < 0) {
				best = x
			}
		}
		return best, nil
	}
}

func (c *Catalog) addArrays() {
	scalarArray := func(args []planner.Type, n int) bool {
		return len(args) == n && args[0].Kind == planner.KindArray && isScalarKind(*args[0].Elem)
	}
	c.generic("array_sort", "(array(T))", func(args []planner.Type) *Scalar {
		if !scalarArray(args, 1) || !args[0].Elem.Orderable() {
			return nil
		}
		return &Scalar{Ps: ts(args[0]), Ret: args[0], Kernel: arrayToArray(args[0], func(rc rowCtx) ([]int, bool, error) {
			for j := rc.s; j < rc.e; j++ {
				rc.idx = append(rc.idx, j)
			}
			// NULLs last, as in Trino; ties keep their order.
			err := SortFunc(rc.kctx.context(), rc.idx, func(a, b int) int {
				x, y := rc.elem(a), rc.elem(b)
				switch {
				case x.Null && y.Null:
				case x.Null:
					return 1
				case y.Null:
					return -1
				default:
					if c := compareValues(x, y, rc.t); c != 0 {
						return c
					}
				}
				return a - b
			})
			return rc.idx, true, err
		})}
	})
	c.generic("slice", "(array(T), bigint, bigint)", func(args []planner.Type) *Scalar {
		if len(args) != 3 || args[0].Kind != planner.KindArray {
			return nil
		}
		return &Scalar{Ps: ts(args[0], tI, tI), Ret: args[0], Kernel: arrayToArray(args[0], func(rc rowCtx) ([]int, bool, error) {
			if rc.args[0].Null || rc.args[1].Null {
				return nil, false, nil
			}
			start, length := rc.args[0].Int, rc.args[1].Int
			if start == 0 {
				return nil, false, errors.New("SQL array indices start at 1")
			}
			if length < 0 {
				return nil, false, fmt.Errorf("length must be greater than or equal to 0")
			}
			size := int64(rc.e - rc.s)
			from := start - 1
			if start < 0 {
				from = size + start
				if from < 0 {
					return rc.idx, true, nil // Trino: empty array
				}
			}
			for k := from; k < size && k < from+length; k++ {
				rc.idx = append(rc.idx, rc.s+int(k))
			}
			return rc.idx, true, nil
		})}
	})
	for _, name := range []string{"array_max", "array_min"} {
		isMax := name == "array_max"
		c.generic(name, "(array(T))", func(args []planner.Type) *Scalar {
			if !scalarArray(args, 1) || !args[0].Elem.Orderable() {
				return nil
			}
			return &Scalar{Ps: ts(args[0]), Ret: *args[0].Elem, Kernel: arrayToScalar(args[0], ts(args[0]), *args[0].Elem, arrayExtreme(isMax))}
		})
	}
	c.generic("array_position", "(array(T), T)", func(args []planner.Type) *Scalar {
		if !scalarArray(args, 2) {
			return nil
		}
		et := *args[0].Elem
		ps := ts(args[0], et)
		return &Scalar{Ps: ps, Ret: tI, Kernel: arrayToScalar(args[0], ps, tI, func(rc rowCtx) (planner.Value, error) {
			for j := rc.s; j < rc.e; j++ {
				if x := rc.elem(j); !x.Null && sameValue(x, rc.args[0], et) {
					return vi(int64(j - rc.s + 1)), nil
				}
			}
			return vi(0), nil
		})}
	})
	join := func(args []planner.Type) *Scalar {
		if (len(args) != 2 && len(args) != 3) || args[0].Kind != planner.KindArray || !isScalarKind(*args[0].Elem) {
			return nil
		}
		et := *args[0].Elem
		ps := ts(args[0], tV)
		if len(args) == 3 {
			ps = ts(args[0], tV, tV)
		}
		toText := func(x planner.Value) string {
			if et.Kind == planner.KindVarchar || et.Kind == planner.KindJSON {
				return x.Str
			}
			r, err := scalarCast(et, tV)([]planner.Value{x})
			if err != nil {
				return ""
			}
			return r.Str
		}
		if et.Kind != planner.KindVarchar && et.Kind != planner.KindJSON && scalarCast(et, tV) == nil {
			return nil
		}
		return &Scalar{Ps: ps, Ret: tV, Kernel: arrayToScalar(args[0], ps, tV, func(rc rowCtx) (planner.Value, error) {
			b := cappedBuilder{fn: "array_join"}
			first := true
			for j := rc.s; j < rc.e; j++ {
				x := rc.elem(j)
				var s string
				switch {
				case !x.Null:
					s = toText(x)
				case len(rc.args) == 2:
					s = rc.args[1].Str
				default:
					continue // NULL elements are skipped without a replacement
				}
				if !first {
					b.add(rc.args[0].Str)
				}
				b.add(s)
				first = false
			}
			return v(b.String()), b.err
		})}
	}
	c.generic("array_join", "(array(T), varchar[, varchar])", join)
	c.generic("reverse", "(array(T))", func(args []planner.Type) *Scalar {
		if len(args) != 1 || args[0].Kind != planner.KindArray {
			return nil
		}
		return &Scalar{Ps: ts(args[0]), Ret: args[0], Kernel: arrayToArray(args[0], func(rc rowCtx) ([]int, bool, error) {
			for j := rc.e - 1; j >= rc.s; j-- {
				rc.idx = append(rc.idx, j)
			}
			return rc.idx, true, nil
		})}
	})
	// concat(array, array, ...) and array || array: NULL if any is NULL.
	c.generic("concat", "(array(T), array(T)...)", func(args []planner.Type) *Scalar {
		if len(args) < 2 {
			return nil
		}
		t, ok := commonType(args)
		if !ok || t.Kind != planner.KindArray {
			return nil
		}
		ps := make([]planner.Type, len(args))
		for i := range ps {
			ps[i] = t
		}
		return &Scalar{Ps: ps, Ret: t, Kernel: concatArrays(t)}
	})
}

func concatArrays(t planner.Type) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		lb := array.NewListBuilder(ctx.Mem, t.Elem.Arrow())
		defer lb.Release()
		ls := make([]*array.List, len(args))
		for j, a := range args {
			l, ok := listArg(a)
			if !ok {
				lb.AppendNulls(n)
				return lb.NewArray(), nil
			}
			ls[j] = l
		}
		vb := lb.ValueBuilder()
	rows:
		for i := 0; i < n; i++ {
			for _, l := range ls {
				if l.IsNull(i) {
					lb.AppendNull()
					continue rows
				}
				if s, e := l.ValueOffsets(i); ctx.Poll(1+int(e-s)) != nil {
					return nil, ctx.context().Err()
				}
			}
			total := 0
			for _, l := range ls {
				s, e := l.ValueOffsets(i)
				total += int(e - s)
			}
			if total > maxArrayElements {
				return nil, fmt.Errorf("concat: result of %d elements is too large (an array value may hold at most %d)", total, maxArrayElements)
			}
			lb.Append(true)
			for _, l := range ls {
				s, e := l.ValueOffsets(i)
				for j := int(s); j < int(e); j++ {
					appendFrom(vb, l.ListValues(), j)
				}
			}
		}
		return lb.NewArray(), nil
	}
}
