package querytest

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// The reference's window functions: rows are grouped into partitions by
// their keys' identity, each partition sorted stably by the ORDER BY keys,
// and every function computed row by row from its definition, with frames
// found by scanning the partition. Quadratic, and clear.

// winPart is one sorted partition: its rows and their ORDER BY keys.
type winPart struct {
	rows [][]any
	keys [][]any
}

// window evaluates a Window node: each partition's rows in order, with the
// functions' values appended.
func (r *Reference) window(n *planner.Window, in [][]any) ([][]any, error) {
	parts, err := r.partitions(n.Partition, n.Order, in)
	if err != nil {
		return nil, err
	}
	var out [][]any
	for _, p := range parts {
		vals := make([][]any, len(n.Funcs))
		for fi := range n.Funcs {
			if vals[fi], err = r.windowFunc(&n.Funcs[fi], n.Order, p); err != nil {
				return nil, err
			}
		}
		for i, row := range p.rows {
			o := keepValues(row, n.Keep)
			for fi := range n.Funcs {
				o = append(o, vals[fi][i])
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// partitionTopN is row_number() over the window, keeping rows numbered up
// to N.
func (r *Reference) partitionTopN(n *planner.PartitionTopN, in [][]any) ([][]any, error) {
	parts, err := r.partitions(n.Partition, n.Order, in)
	if err != nil {
		return nil, err
	}
	var out [][]any
	for _, p := range parts {
		for i, row := range p.rows {
			if int64(i) < n.N {
				out = append(out, append(keepValues(row, n.Keep), int64(i+1)))
			}
		}
	}
	return out, nil
}

// keepValues copies the values of row listed in keep (all when nil).
func keepValues(row []any, keep []int) []any {
	if keep == nil {
		return append([]any(nil), row...)
	}
	out := make([]any, 0, len(keep))
	for _, k := range keep {
		out = append(out, row[k])
	}
	return out
}

func (r *Reference) partitions(part []planner.Expr, order []planner.SortKey, in [][]any) ([]*winPart, error) {
	ptypes := make([]planner.Type, len(part))
	for i, e := range part {
		ptypes[i] = e.Type()
	}
	okeys := make([]planner.Expr, len(order))
	for i, k := range order {
		okeys[i] = k.Expr
	}
	index := map[string]int{}
	var parts []*winPart
	for _, row := range in {
		pk, err := r.evalRow(part, row)
		if err != nil {
			return nil, err
		}
		ok, err := r.evalRow(okeys, row)
		if err != nil {
			return nil, err
		}
		k := rowKey(pk, ptypes)
		i, seen := index[k]
		if !seen {
			i = len(parts)
			index[k] = i
			parts = append(parts, &winPart{})
		}
		parts[i].rows = append(parts[i].rows, row)
		parts[i].keys = append(parts[i].keys, ok)
	}
	for _, p := range parts {
		idx := make([]int, len(p.rows))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return compareKeys(p.keys[idx[a]], p.keys[idx[b]], order) < 0 })
		rows, keys := make([][]any, len(idx)), make([][]any, len(idx))
		for i, j := range idx {
			rows[i], keys[i] = p.rows[j], p.keys[j]
		}
		p.rows, p.keys = rows, keys
	}
	return parts, nil
}

// compareKeys orders two ORDER BY key tuples: NULLs first or last as each
// key says, whatever its direction.
func compareKeys(x, y []any, keys []planner.SortKey) int {
	for j, k := range keys {
		a, b := x[j], y[j]
		var c int
		switch {
		case a == nil && b == nil:
		case a == nil:
			c = 1
			if k.NullsFirst {
				c = -1
			}
		case b == nil:
			c = -1
			if k.NullsFirst {
				c = 1
			}
		default:
			c = Compare(a, b, k.Expr.Type())
			if k.Desc {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// windowFunc computes one function for every row of a partition.
func (r *Reference) windowFunc(f *planner.WindowFunc, order []planner.SortKey, p *winPart) ([]any, error) {
	m := len(p.rows)
	peer := func(i, j int) bool { return compareKeys(p.keys[i], p.keys[j], order) == 0 }
	// Peer group bounds by scanning from the row.
	group := func(i int) (int, int) {
		lo, hi := i, i+1
		for lo > 0 && peer(lo-1, i) {
			lo--
		}
		for hi < m && peer(hi, i) {
			hi++
		}
		return lo, hi
	}
	out := make([]any, m)
	args := make([][]any, m)
	for i, row := range p.rows {
		a, err := r.evalRow(f.Args, row)
		if err != nil {
			return nil, err
		}
		args[i] = a
	}
	for i := 0; i < m; i++ {
		switch f.Name {
		case planner.WinRowNumber:
			out[i] = int64(i + 1)
		case planner.WinRank:
			lo, _ := group(i)
			out[i] = int64(lo + 1)
		case planner.WinDenseRank:
			d := int64(1)
			for j := 1; j <= i; j++ {
				if !peer(j-1, j) {
					d++
				}
			}
			out[i] = d
		case planner.WinPercentRank:
			lo, _ := group(i)
			out[i] = 0.0
			if m > 1 {
				out[i] = float64(lo) / float64(m-1)
			}
		case planner.WinCumeDist:
			_, hi := group(i)
			out[i] = float64(hi) / float64(m)
		case planner.WinNtile:
			if args[i][0] == nil {
				break
			}
			nb := args[i][0].(int64)
			if nb <= 0 {
				return nil, fmt.Errorf("ntile: the number of buckets must be positive, got %d", nb)
			}
			// Rows are dealt to buckets in order; the first m % nb
			// buckets get one row more.
			size, extra := int64(m)/nb, int64(m)%nb
			b, start := int64(1), int64(0)
			for {
				n := size
				if b <= extra {
					n++
				}
				if int64(i) < start+n {
					break
				}
				start += n
				b++
			}
			out[i] = b
		case planner.WinLag, planner.WinLead:
			v, err := shiftValue(f, args, i)
			if err != nil {
				return nil, err
			}
			out[i] = v
		default:
			lo, hi, err := r.frame(f, order, p, i, group)
			if err != nil {
				return nil, err
			}
			v, err := r.frameValue(f, args, i, lo, hi)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
	}
	return out, nil
}

// shiftValue is lag or lead for row i.
func shiftValue(f *planner.WindowFunc, args [][]any, i int) (any, error) {
	off := int64(1)
	if len(f.Args) > 1 {
		if args[i][1] == nil {
			return nil, nil
		}
		if off = args[i][1].(int64); off < 0 {
			return nil, fmt.Errorf("%s: the offset must not be negative", f.Name)
		}
	}
	if off == 0 {
		return args[i][0], nil
	}
	step := -1
	if f.Name == planner.WinLead {
		step = 1
	}
	seen := int64(0)
	for j := i + step; j >= 0 && j < len(args); j += step {
		if f.IgnoreNulls && args[j][0] == nil {
			continue
		}
		if seen++; seen == off {
			return args[j][0], nil
		}
	}
	if len(f.Args) > 2 {
		return args[i][2], nil
	}
	return nil, nil
}

// frameValue is first_value, last_value, nth_value or an aggregate over
// rows [lo, hi) of the partition.
func (r *Reference) frameValue(f *planner.WindowFunc, args [][]any, i, lo, hi int) (any, error) {
	var in []int
	for j := lo; j < hi; j++ {
		if !f.IgnoreNulls || args[j][0] != nil {
			in = append(in, j)
		}
	}
	switch f.Name {
	case planner.WinFirstValue:
		if len(in) == 0 {
			return nil, nil
		}
		return args[in[0]][0], nil
	case planner.WinLastValue:
		if len(in) == 0 {
			return nil, nil
		}
		return args[in[len(in)-1]][0], nil
	case planner.WinNthValue:
		if args[i][1] == nil {
			return nil, nil
		}
		n := args[i][1].(int64)
		if n <= 0 {
			return nil, fmt.Errorf("nth_value: the position must be at least 1, got %d", n)
		}
		if n > int64(len(in)) {
			return nil, nil
		}
		return args[in[n-1]][0], nil
	}
	rows := make([]any, 0, hi-lo)
	for j := lo; j < hi; j++ {
		rows = append(rows, args[j])
	}
	call := planner.AggCall{Fn: f.Agg, Name: f.Name, Args: f.Args, T: f.T, P: f.P, Label: f.Label}
	return r.aggValue(call, rows)
}

// frame returns row i's frame as positions [lo, hi) of the partition.
func (r *Reference) frame(f *planner.WindowFunc, order []planner.SortKey, p *winPart, i int, group func(int) (int, int)) (int, int, error) {
	m := len(p.rows)
	lo, err := r.bound(f, f.Frame.Start, order, p, i, group, false)
	if err != nil {
		return 0, 0, err
	}
	hi, err := r.bound(f, f.Frame.End, order, p, i, group, true)
	if err != nil {
		return 0, 0, err
	}
	lo, hi = max(0, min(lo, m)), max(0, min(hi, m))
	if hi < lo {
		hi = lo
	}
	return lo, hi, nil
}

// bound is one end of row i's frame: a start position, or one past the
// end position.
func (r *Reference) bound(f *planner.WindowFunc, b planner.WindowBound, order []planner.SortKey, p *winPart, i int, group func(int) (int, int), end bool) (int, error) {
	m := len(p.rows)
	switch b.Kind {
	case sql.UnboundedPreceding:
		return 0, nil
	case sql.UnboundedFollowing:
		return m, nil
	case sql.CurrentRow:
		if f.Frame.Unit == sql.FrameRows {
			if end {
				return i + 1, nil
			}
			return i, nil
		}
		lo, hi := group(i)
		if end {
			return hi, nil
		}
		return lo, nil
	}
	ov, err := r.evalExpr(b.Offset, p.rows[i])
	if err != nil {
		return 0, err
	}
	if ov == nil {
		return 0, fmt.Errorf("a window frame offset must not be NULL")
	}
	if x, ok := ov.(float64); ok && (x < 0 || math.IsNaN(x)) || !ok && ov.(int64) < 0 {
		return 0, fmt.Errorf("a window frame offset must not be negative")
	}
	sign := 1
	if b.Kind == sql.Preceding {
		sign = -1
	}
	switch f.Frame.Unit {
	case sql.FrameRows:
		pos := i + sign*int(min(ov.(int64), int64(m)))
		if end {
			pos++
		}
		return pos, nil
	case sql.FrameGroups:
		// Walk n peer groups away from the row's group.
		lo, hi := group(i)
		for n := ov.(int64); n > 0; n-- {
			if sign < 0 {
				if lo == 0 {
					if end {
						return 0, nil
					}
					break
				}
				lo, hi = group(lo - 1)
			} else {
				if hi == m {
					if !end {
						return m, nil
					}
					break
				}
				lo, hi = group(hi)
			}
		}
		if end {
			return hi, nil
		}
		return lo, nil
	}
	return r.rangeBound(b, order[0], p, i, ov, end, group)
}

// rangeBound scans the partition for a RANGE offset bound: the first
// position, among the rows whose key is not NULL, whose key is not before
// (start) or is after (end) the current key moved by the offset; a row
// with a NULL key gets the NULL rows' bounds.
func (r *Reference) rangeBound(b planner.WindowBound, key planner.SortKey, p *winPart, i int, off any, end bool, group func(int) (int, int)) (int, error) {
	v := p.keys[i][0]
	if v == nil {
		lo, hi := group(i)
		if end {
			return hi, nil
		}
		return lo, nil
	}
	forward := b.Kind == sql.Following
	if key.Desc {
		forward = !forward
	}
	target := shiftKey(v, off, key.Expr.Type(), b.Offset.Type(), forward)
	first, last := -1, -1 // the non-NULL rows
	for j, k := range p.keys {
		if k[0] != nil {
			if first < 0 {
				first = j
			}
			last = j
		}
	}
	for j := first; j <= last; j++ {
		c := compareNum(keyNum(p.keys[j][0], key.Expr.Type()), target)
		if key.Desc {
			c = -c
		}
		if !end && c >= 0 || end && c > 0 {
			return j, nil
		}
	}
	return last + 1, nil
}

// shiftKey moves an ORDER BY key by an offset: numbers add, timestamps and
// dates move by interval (dates as the midnight they start).
func shiftKey(v, off any, kt, ot planner.Type, up bool) any {
	sign := int64(1)
	if !up {
		sign = -1
	}
	v = keyNum(v, kt)
	switch ot.Kind {
	case planner.KindIntervalYM:
		return time.Unix(0, v.(int64)).UTC().AddDate(0, int(sign*off.(int64)), 0).UnixNano()
	case planner.KindDouble:
		return toFloat(v) + float64(sign)*off.(float64)
	}
	if x, ok := v.(float64); ok {
		return x + float64(sign*off.(int64))
	}
	return v.(int64) + sign*off.(int64)
}

// keyNum is a key as a number: dates become their midnight's instant.
func keyNum(v any, kt planner.Type) any {
	if kt.Kind == planner.KindDate {
		return v.(int64) * int64(24*time.Hour)
	}
	return v
}

// compareNum compares two numbers (or instants) that may differ in kind.
func compareNum(a, b any) int {
	x, xi := a.(int64)
	y, yi := b.(int64)
	if xi && yi {
		return cmpInt(x, y)
	}
	fx, fy := toFloat(a), toFloat(b)
	switch {
	case fx < fy:
		return -1
	case fx > fy:
		return 1
	}
	return 0
}
