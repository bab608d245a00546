package querytest

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ctlake/ctlake/planner"
)

// refAggMore computes listagg, approx_percentile and approx_most_frequent
// from their definitions (exact answers, which Trino's approximations must
// contain).
func refAggMore(a planner.AggCall, rows []any) (any, error) {
	col := func(i int) []any {
		out := make([]any, len(rows))
		for k, r := range rows {
			out[k] = r.([]any)[i]
		}
		return out
	}
	first := func(vs []any) any {
		for _, v := range vs {
			if v != nil {
				return v
			}
		}
		return nil
	}
	switch a.Name {
	case "listagg":
		var parts []string
		for _, v := range col(0) {
			if v != nil {
				parts = append(parts, v.(string))
			}
		}
		if parts == nil {
			return nil, nil
		}
		sep, _ := first(col(1)).(string)
		s := strings.Join(parts, sep)
		if len(s) > 1<<20 {
			return nil, fmt.Errorf("reference: listagg overflow is not modelled")
		}
		return s, nil
	case "approx_percentile":
		t := a.Args[0].Type()
		xs := col(0)
		ws := make([]int64, len(xs))
		for i := range ws {
			ws[i] = 1
		}
		if len(a.Args) == 3 {
			for i, w := range col(1) {
				if w == nil {
					xs[i] = nil
				} else {
					ws[i] = w.(int64)
				}
			}
		}
		type item struct {
			v any
			w int64
		}
		var items []item
		var total int64
		for i, x := range xs {
			if x != nil {
				items = append(items, item{x, ws[i]})
				total += ws[i]
			}
		}
		p := first(col(len(a.Args) - 1))
		ps, isArray := p.([]any)
		if !isArray && p != nil {
			ps = []any{p}
		}
		for _, q := range ps {
			if f, ok := q.(float64); !ok || f < 0 || f > 1 {
				return nil, fmt.Errorf("Percentile must be between 0 and 1")
			}
		}
		if len(items) == 0 || p == nil {
			return nil, nil
		}
		sort.SliceStable(items, func(i, j int) bool { return Compare(items[i].v, items[j].v, t) < 0 })
		pick := func(p float64) any {
			rank := int64(math.Round(p * float64(total-1)))
			for _, it := range items {
				if rank < it.w {
					return it.v
				}
				rank -= it.w
			}
			return items[len(items)-1].v
		}
		if ps, ok := p.([]any); ok {
			out := []any{}
			for _, q := range ps {
				out = append(out, pick(q.(float64)))
			}
			return out, nil
		}
		return pick(p.(float64)), nil
	case "approx_most_frequent":
		t := a.Args[1].Type()
		counts := map[string]int64{}
		vals := map[string]any{}
		for _, v := range col(1) {
			if v != nil {
				k := Key(v, t)
				counts[k]++
				vals[k] = v
			}
		}
		if len(counts) == 0 {
			return nil, nil
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if counts[keys[i]] != counts[keys[j]] {
				return counts[keys[i]] > counts[keys[j]]
			}
			return Compare(vals[keys[i]], vals[keys[j]], t) < 0
		})
		if b, ok := first(col(0)).(int64); ok && int64(len(keys)) > b {
			keys = keys[:b]
		}
		m := &MapVal{}
		for _, k := range keys {
			m.Keys, m.Vals = append(m.Keys, vals[k]), append(m.Vals, counts[k])
		}
		return m, nil
	}
	return nil, fmt.Errorf("reference: unsupported aggregate %s", a.Name)
}
