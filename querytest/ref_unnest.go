package querytest

import (
	"fmt"

	"github.com/ctlake/ctlake/planner"
)

// unnest expands each row's arrays and maps into rows, zipping several
// arguments (the shorter padded with NULLs); with Outer a row without
// elements yields one row of NULLs.
func (r *Reference) unnest(n *planner.Unnest, in [][]any) ([][]any, error) {
	var out [][]any
	for _, row := range in {
		vals, err := r.evalRow(n.Args, row)
		if err != nil {
			return nil, err
		}
		longest := 0
		for _, v := range vals {
			longest = max(longest, elemCount(v))
		}
		rows := longest
		if rows == 0 && n.Outer {
			rows = 1
		}
		for j := 0; j < rows; j++ {
			o := passed(row, n.Pass)
			for k, v := range vals {
				t := n.Args[k].Type()
				switch x := v.(type) {
				case *MapVal:
					if j < len(x.Keys) {
						o = append(o, x.Keys[j], x.Vals[j])
					} else {
						o = append(o, nil, nil)
					}
				case []any, nil:
					var e any
					if arr, ok := v.([]any); ok && j < len(arr) {
						e = arr[j]
					}
					if t.Kind == planner.KindMap {
						o = append(o, nil, nil)
						continue
					}
					if !n.Expand[k] {
						o = append(o, e)
						continue
					}
					fields, _ := e.(RowVal)
					for f := range t.Elem.Fields {
						var fv any
						if fields != nil {
							fv = fields[f]
						}
						o = append(o, fv)
					}
				default:
					return nil, fmt.Errorf("reference: UNNEST of %T", v)
				}
			}
			if n.Ordinality {
				if j < longest {
					o = append(o, int64(j+1))
				} else {
					o = append(o, nil)
				}
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// elemCount is the number of elements of an array or map value (0 for NULL).
func elemCount(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case *MapVal:
		return len(x.Keys)
	}
	return 0
}

// passed are the row's values the UNNEST repeats (all when pass is nil).
func passed(row []any, pass []int) []any {
	if pass == nil {
		return append([]any(nil), row...)
	}
	out := make([]any, len(pass), len(pass)+2)
	for i, k := range pass {
		out[i] = row[k]
	}
	return out
}
