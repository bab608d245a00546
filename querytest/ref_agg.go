package querytest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// OneOf is a reference answer that allows any of several values: arbitrary()
// and min_by/max_by with tied keys may pick any of them.
type OneOf []any

// Approx is approx_distinct's reference answer: the exact count, which the
// engine's estimate must be within Trino's error bound of.
type Approx int64

type group struct {
	keys []any
	rows [][]any // argument values of each aggregate, per row: rows[agg][row] is []any
}

// aggregate groups rows by the group expressions (NULLs form one group)
// and computes each aggregate from the group's rows. With grouping sets it
// does so once per set, the other group columns NULL, and adds the set's
// index after the groups. A FILTER drops rows from its aggregate; an ORDER
// BY sorts the group's rows for it (stably) first.
func (r *Reference) aggregate(n *planner.Aggregate, in [][]any) ([][]any, error) {
	gtypes := make([]planner.Type, len(n.Groups))
	all := make([]int, len(n.Groups))
	for i, g := range n.Groups {
		gtypes[i], all[i] = g.Type(), i
	}
	sets := n.Sets
	if sets == nil {
		sets = [][]int{all}
	}
	keyRows := make([][]any, len(in))
	for i, row := range in {
		keys, err := r.evalRow(n.Groups, row)
		if err != nil {
			return nil, err
		}
		keyRows[i] = keys
	}
	var out [][]any
	for s, set := range sets {
		index := map[string]int{}
		var groups []*group
		for i, row := range in {
			keys := make([]any, len(n.Groups))
			for _, k := range set {
				keys[k] = keyRows[i][k]
			}
			k := rowKey(keys, gtypes)
			gi, ok := index[k]
			if !ok {
				gi = len(groups)
				index[k] = gi
				groups = append(groups, &group{keys: keys, rows: make([][]any, len(n.Aggs))})
			}
			g := groups[gi]
			for ai, a := range n.Aggs {
				if a.Filter != nil {
					v, err := r.evalExpr(a.Filter, row)
					if err != nil {
						return nil, err
					}
					if v != true {
						continue
					}
				}
				args, err := r.evalRow(a.Args, row)
				if err != nil {
					return nil, err
				}
				for _, k := range a.OrderBy {
					v, err := r.evalExpr(k.Expr, row)
					if err != nil {
						return nil, err
					}
					args = append(args, v)
				}
				g.rows[ai] = append(g.rows[ai], args)
			}
		}
		if len(groups) == 0 && len(set) == 0 {
			groups = append(groups, &group{keys: make([]any, len(n.Groups)), rows: make([][]any, len(n.Aggs))})
		}
		for _, g := range groups {
			row := append([]any(nil), g.keys...)
			if n.Sets != nil {
				row = append(row, int64(s))
			}
			for ai, a := range n.Aggs {
				args := orderRows(g.rows[ai], a)
				if a.Distinct {
					args = distinctArgs(args, a.Args)
				}
				v, err := r.aggValue(a, args)
				if err != nil {
					return nil, err
				}
				row = append(row, v)
			}
			out = append(out, row)
		}
	}
	return out, nil
}

// orderRows sorts an aggregate's argument tuples by its ORDER BY keys
// (appended to each tuple) and cuts the keys off.
func orderRows(rows []any, a planner.AggCall) []any {
	if len(a.OrderBy) == 0 {
		return rows
	}
	nargs := len(a.Args)
	sorted := append([]any(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool {
		x, y := sorted[i].([]any), sorted[j].([]any)
		for k, key := range a.OrderBy {
			if c := compareKey(x[nargs+k], y[nargs+k], key); c != 0 {
				return c < 0
			}
		}
		return false
	})
	for i, row := range sorted {
		sorted[i] = row.([]any)[:nargs]
	}
	return sorted
}

func distinctArgs(rows []any, exprs []planner.Expr) []any {
	types := make([]planner.Type, len(exprs))
	for i, e := range exprs {
		types[i] = e.Type()
	}
	seen := map[string]bool{}
	var out []any
	for _, r := range rows {
		k := rowKey(r.([]any), types)
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

// aggValue computes one aggregate over the argument tuples of a group.
func (r *Reference) aggValue(a planner.AggCall, rows []any) (any, error) {
	arg := func(i int) []any {
		var out []any
		for _, row := range rows {
			out = append(out, row.([]any)[i])
		}
		return out
	}
	nonNull := func(vs []any) []any {
		var out []any
		for _, v := range vs {
			if v != nil {
				out = append(out, v)
			}
		}
		return out
	}
	var t0 planner.Type
	if len(a.Args) > 0 {
		t0 = a.Args[0].Type()
	}
	name := strings.ToLower(a.Fn.Name())
	switch name {
	case "count":
		if len(a.Args) == 0 {
			return int64(len(rows)), nil
		}
		return int64(len(nonNull(arg(0)))), nil
	case "count_if":
		n := int64(0)
		for _, v := range arg(0) {
			if v == true {
				n++
			}
		}
		return n, nil
	case "sum":
		vs := nonNull(arg(0))
		if len(vs) == 0 {
			return nil, nil
		}
		if a.T.Kind == planner.KindDouble {
			s := 0.0
			for _, v := range vs {
				s += toFloat(v)
			}
			return s, nil
		}
		s := int64(0)
		for _, v := range vs {
			x := v.(int64)
			if (x > 0 && s > 1<<63-1-x) || (x < 0 && s < -1<<63-x) {
				return nil, fmt.Errorf("bigint addition overflow")
			}
			s += x
		}
		return s, nil
	case "avg":
		vs := nonNull(arg(0))
		if len(vs) == 0 {
			return nil, nil
		}
		if k := a.T.Kind; k == planner.KindInterval || k == planner.KindIntervalYM {
			var s int64
			for _, v := range vs {
				s += v.(int64)
			}
			return s / int64(len(vs)), nil
		}
		s := 0.0
		for _, v := range vs {
			s += toFloat(v)
		}
		return s / float64(len(vs)), nil
	case "min", "max":
		vs := nonNull(arg(0))
		if len(vs) == 0 {
			return nil, nil
		}
		// Trino's min ranks NaN above every number and max below every
		// number, so neither picks NaN over a number.
		best := vs[0]
		for _, v := range vs[1:] {
			c := Compare(v, best, t0)
			if isNaN(v) != isNaN(best) {
				c = 1
				if isNaN(best) {
					c = -1
				}
				if name == "max" {
					c = -c
				}
			}
			if name == "min" && c < 0 || name == "max" && c > 0 {
				best = v
			}
		}
		return best, nil
	case "min_by", "max_by":
		xs, ys := arg(0), arg(1)
		yt := a.Args[1].Type()
		var best any
		var cands OneOf
		for i, y := range ys {
			if y == nil {
				continue
			}
			c := 0
			if best != nil {
				c = Compare(y, best, yt)
				if name == "min_by" {
					c = -c
				}
			}
			switch {
			case best == nil || c > 0:
				best, cands = y, OneOf{xs[i]}
			case c == 0:
				cands = append(cands, xs[i])
			}
		}
		switch len(cands) {
		case 0:
			return nil, nil
		case 1:
			return cands[0], nil
		}
		return cands, nil
	case "arbitrary", "any_value":
		vs := nonNull(arg(0))
		switch len(vs) {
		case 0:
			return nil, nil
		case 1:
			return vs[0], nil
		}
		return OneOf(vs), nil
	case "approx_distinct":
		return Approx(len(distinctArgs(rows, a.Args[:1])) - boolInt(hasNullArg(rows))), nil
	case "listagg", "approx_percentile", "approx_most_frequent":
		return refAggMore(a, rows)
	case "array_agg":
		out := arg(0)
		if out == nil {
			return nil, nil
		}
		return out, nil
	}
	return r.accumulate(a, rows)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func hasNullArg(rows []any) bool {
	for _, r := range rows {
		if r.([]any)[0] == nil {
			return true
		}
	}
	return false
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// accumulate runs fn's accumulator for aggregates the reference does not
// implement itself (histogram, map_agg, stddev, ...).
func (r *Reference) accumulate(a planner.AggCall, rows []any) (any, error) {
	f, ok := a.Fn.(*fn.Aggregate)
	if !ok {
		return nil, fmt.Errorf("reference: aggregate %s is not an fn.Aggregate", a.Name)
	}
	acc := f.New()
	acc.Grow(1)
	for _, row := range rows {
		args := make([]arrow.Array, len(f.Ps))
		for i, v := range row.([]any) {
			args[i] = ToArrow(v, f.Ps[i])
		}
		if err := acc.Update([]uint32{0}, args); err != nil {
			return nil, err
		}
		for _, x := range args {
			x.Release()
		}
	}
	res, err := acc.Result(memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	defer res.Release()
	return FromArrow(res, 0, a.T), nil
}
