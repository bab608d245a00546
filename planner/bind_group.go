package planner

import (
	"github.com/ctlake/ctlake/sql"
)

// maxGroupingSets bounds the sets one GROUP BY may expand to (CUBE of n
// columns gives 2^n): every input row is aggregated once per set.
const maxGroupingSets = 4096

// groupBy binds a block's GROUP BY items: plain expressions (bound by
// bind, which also reads ordinals) and ROLLUP / CUBE / GROUPING SETS. It
// returns the distinct group expressions, their names and, when a grouping
// element was written, the grouping sets as indexes into the groups: the
// cross product of the items' alternatives, as Trino defines it.
//
//	GROUP BY a, ROLLUP (b, c)  =>  groups [a, b, c], sets [[0 1 2] [0 1] [0]]
func (b *binder) groupBy(items []sql.Expr, bind func(sql.Expr) (Expr, string, error)) ([]Expr, []string, [][]int, error) {
	var groups []Expr
	var names []string
	index := map[string]int{}
	add := func(e sql.Expr) (int, error) {
		x, name, err := bind(e)
		if err != nil {
			return 0, err
		}
		k := exprKey(x)
		if i, ok := index[k]; ok {
			return i, nil
		}
		index[k] = len(groups)
		groups, names = append(groups, x), append(names, name)
		return len(groups) - 1, nil
	}
	addList := func(es []sql.Expr) ([]int, error) {
		out := []int{}
		for _, e := range es {
			i, err := add(e)
			if err != nil {
				return nil, err
			}
			out = append(out, i)
		}
		return out, nil
	}
	sets := [][]int{{}}
	grouping := false
	for _, it := range items {
		var choices [][]int
		ge, ok := it.(*sql.GroupingElement)
		if !ok {
			i, err := add(it)
			if err != nil {
				return nil, nil, nil, err
			}
			choices = [][]int{{i}}
		} else {
			grouping = true
			cols := make([][]int, len(ge.Items))
			for k, list := range ge.Items {
				c, err := addList(list)
				if err != nil {
					return nil, nil, nil, err
				}
				cols[k] = c
			}
			switch ge.Kind {
			case sql.GroupRollup:
				for n := len(cols); n >= 0; n-- {
					choices = append(choices, concat(cols[:n]))
				}
			case sql.GroupCube:
				if len(cols) > 12 {
					return nil, nil, nil, b.errorf(ge.Pos, ErrType, "CUBE of %d columns gives too many grouping sets (at most 12 columns)", len(cols))
				}
				for mask := (1 << len(cols)) - 1; mask >= 0; mask-- {
					var pick [][]int
					for k := range cols {
						if mask&(1<<(len(cols)-1-k)) != 0 {
							pick = append(pick, cols[k])
						}
					}
					choices = append(choices, concat(pick))
				}
			default:
				choices = cols
			}
		}
		var next [][]int
		for _, s := range sets {
			for _, c := range choices {
				next = append(next, union(s, c))
			}
		}
		if len(next) > maxGroupingSets {
			return nil, nil, nil, b.errorf(it.Position(), ErrType, "GROUP BY expands to more than %d grouping sets", maxGroupingSets)
		}
		sets = next
	}
	if !grouping {
		sets = nil
	}
	return groups, names, sets, nil
}

func concat(lists [][]int) []int {
	out := []int{}
	for _, l := range lists {
		out = union(out, l)
	}
	return out
}

// union appends the indexes of b missing from a, in order.
func union(a, b []int) []int {
	out := append([]int{}, a...)
	for _, x := range b {
		found := false
		for _, y := range out {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

// groupingValue turns grouping(a, b, …) into an expression over the
// Aggregate's output: per grouping set, a bit per argument, 1 when the
// argument is not grouped in the row's set, the last argument in the
// lowest bit. Without grouping sets every argument is grouped: 0.
func (b *binder) groupingValue(g *groupingCall, agg *Aggregate) (Expr, error) {
	idx := make([]int, len(g.Args))
	for k, a := range g.Args {
		idx[k] = -1
		for i, gr := range agg.Groups {
			if a.String() == gr.String() && a.Type().Equal(gr.Type()) {
				idx[k] = i
				break
			}
		}
		if idx[k] < 0 {
			return nil, b.errorf(a.Pos(), ErrType, "grouping() arguments must be GROUP BY expressions; %s is not one", a.String())
		}
	}
	if len(g.Args) > 62 {
		return nil, b.errorf(g.P, ErrType, "grouping() takes at most 62 arguments")
	}
	if agg.Sets == nil {
		return &Literal{V: Value{Int: 0}, T: Bigint, P: g.P}, nil
	}
	id := &InputRef{Index: len(agg.Groups), Name: GroupIDName, T: Bigint, P: g.P}
	c := &Case{T: Bigint, P: g.P}
	for s, set := range agg.Sets {
		var bits int64
		for k, i := range idx {
			in := false
			for _, j := range set {
				in = in || j == i
			}
			if !in {
				bits |= 1 << (len(idx) - 1 - k)
			}
		}
		c.Whens = append(c.Whens, When{
			Cond:   &Compare{Op: OpEq, L: id, R: &Literal{V: Value{Int: int64(s)}, T: Bigint, P: g.P}, P: g.P},
			Result: &Literal{V: Value{Int: bits}, T: Bigint, P: g.P},
		})
	}
	return c, nil
}
