package fn

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Casts between compound types of the same shape convert element by
// element: array(T) → array(U), map(K, V) → map(K2, V2), row(…) → row(…)
// by field position (Trino's rule; the target's names win). The children
// are converted whole with the element cast's kernel, and the parent's
// offsets and validity are reused. ARRAY[] (array(unknown)) and MAP() cast
// to any array or map this way.

func nestedCast(from, to planner.Type, try bool) (Kernel, bool, error) {
	if from.Kind != to.Kind {
		return nil, false, nil
	}
	var parts []Kernel
	var kinds [][2]planner.Type
	switch from.Kind {
	case planner.KindArray:
		kinds = [][2]planner.Type{{*from.Elem, *to.Elem}}
	case planner.KindMap:
		kinds = [][2]planner.Type{{*from.Key, *to.Key}, {*from.Value, *to.Value}}
	case planner.KindRow:
		if len(from.Fields) != len(to.Fields) {
			return nil, false, nil
		}
		for i := range from.Fields {
			kinds = append(kinds, [2]planner.Type{from.Fields[i].Type, to.Fields[i].Type})
		}
	default:
		return nil, false, nil
	}
	for _, k := range kinds {
		ck, err := CastKernel(k[0], k[1], try)
		if err != nil {
			return nil, true, err
		}
		parts = append(parts, ck)
	}
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		if args[0].IsConst {
			return allNullKernel(to)(ctx, args, n)
		}
		d := args[0].Arr.Data()
		var kids []arrow.ArrayData
		defer func() {
			for _, k := range kids {
				k.Release()
			}
		}()
		conv := func(k int, child arrow.ArrayData) error {
			c := array.MakeFromData(child)
			defer c.Release()
			out, err := parts[k](ctx, []Vec{{Arr: c}}, c.Len())
			if err != nil {
				return err
			}
			defer out.Release()
			od := out.Data()
			od.Retain()
			kids = append(kids, od)
			return nil
		}
		dt := to.Arrow()
		switch from.Kind {
		case planner.KindArray:
			if err := conv(0, d.Children()[0]); err != nil {
				return nil, err
			}
		case planner.KindMap:
			e := d.Children()[0]
			for k := 0; k < 2; k++ {
				if err := conv(k, e.Children()[k]); err != nil {
					return nil, err
				}
			}
			ed := array.NewData(dt.(*arrow.MapType).Elem(), e.Len(), e.Buffers(), kids, e.NullN(), e.Offset())
			for _, k := range kids {
				k.Release()
			}
			kids = []arrow.ArrayData{ed}
		case planner.KindRow:
			for k := range to.Fields {
				if err := conv(k, d.Children()[k]); err != nil {
					return nil, err
				}
			}
		}
		nd := array.NewData(dt, d.Len(), d.Buffers(), kids, d.NullN(), d.Offset())
		defer nd.Release()
		return array.MakeFromData(nd), nil
	}, true, nil
}
