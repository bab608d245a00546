package exec

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Ranking functions (row_number, rank, dense_rank, percent_rank,
// cume_dist, ntile) and the value functions (lag, lead, first_value,
// last_value, nth_value) over a winLayout. Results are in layout order.

// ranking computes a ranking function.
func (l *winLayout) ranking(env *Env, f *WindowFunc, args []arrow.Array) (arrow.Array, error) {
	if f.Name == planner.WinPercentRank || f.Name == planner.WinCumeDist {
		l.peers()
		out := make([]float64, l.n)
		for k := range out {
			ps, pe := l.partRange(k)
			size := float64(pe - ps)
			if f.Name == planner.WinCumeDist {
				out[k] = float64(int(l.peerEnd[k])-ps) / size
			} else if pe-ps > 1 {
				out[k] = float64(int(l.peerStart[k])-ps) / (size - 1)
			}
		}
		b := array.NewFloat64Builder(env.mem())
		defer b.Release()
		b.AppendValues(out, nil)
		return b.NewArray(), nil
	}
	out := make([]int64, l.n)
	var valid []bool
	switch f.Name {
	case planner.WinRowNumber:
		for k := range out {
			ps, _ := l.partRange(k)
			out[k] = int64(k - ps + 1)
		}
	case planner.WinRank:
		l.peers()
		for k := range out {
			ps, _ := l.partRange(k)
			out[k] = int64(int(l.peerStart[k]) - ps + 1)
		}
	case planner.WinDenseRank:
		l.peers()
		for k := range out {
			ps, _ := l.partRange(k)
			switch {
			case k == ps:
				out[k] = 1
			case l.peerStart[k] == int32(k):
				out[k] = out[k-1] + 1
			default:
				out[k] = out[k-1]
			}
		}
	case planner.WinNtile:
		buckets, ok := int64s(args[0])
		if !ok {
			return nil, fmt.Errorf("ntile: unexpected argument type %s", args[0].DataType())
		}
		valid = make([]bool, l.n)
		for k := range out {
			r := l.perm[k]
			if !validAt(args[0], int(r)) {
				continue
			}
			nb := buckets[r]
			if nb <= 0 {
				return nil, fmt.Errorf("ntile: the number of buckets must be positive, got %d", nb)
			}
			ps, pe := l.partRange(k)
			rows, i := int64(pe-ps), int64(k-ps)
			per, rem := rows/nb, rows%nb
			if i < (per+1)*rem {
				out[k] = i/(per+1) + 1
			} else {
				out[k] = (i-rem)/per + 1
			}
			valid[k] = true
		}
	}
	return int64Array(env, out, valid), nil
}

func int64Array(env *Env, vals []int64, valid []bool) arrow.Array {
	b := array.NewInt64Builder(env.mem())
	defer b.Release()
	b.AppendValues(vals, valid)
	return b.NewArray()
}

// shift computes lag(x[, offset[, default]]) and lead(…): x of the row
// offset rows before (after) the current one in its partition, else the
// default evaluated on the current row (NULL without one). With IGNORE
// NULLS the offset counts only rows whose x is not NULL.
func (l *winLayout) shift(env *Env, f *WindowFunc, args []arrow.Array) (arrow.Array, error) {
	x := args[0]
	var offs []int64
	if len(args) > 1 {
		var ok bool
		if offs, ok = int64s(args[1]); !ok {
			return nil, fmt.Errorf("%s: unexpected offset type %s", f.Name, args[1].DataType())
		}
	}
	var nn *nonNulls
	if f.IgnoreNulls {
		nn = newNonNulls(l, x)
	}
	lead := f.Name == planner.WinLead
	from := make([]int8, l.n) // 0: x, 1: the default, -1: NULL
	rows := make([]int32, l.n)
	for k := range from {
		r := l.perm[k]
		off := int64(1)
		if offs != nil {
			if !validAt(args[1], int(r)) {
				from[k] = -1
				continue
			}
			if off = offs[r]; off < 0 {
				return nil, fmt.Errorf("%s: the offset must not be negative", f.Name)
			}
		}
		ps, pe := l.partRange(k)
		t := -1
		switch {
		case off == 0:
			t = k
		case nn != nil && lead:
			t = nn.after(k, off, pe)
		case nn != nil:
			t = nn.before(k, off, ps)
		case lead && int64(pe-k) > off:
			t = k + int(off)
		case !lead && int64(k-ps) >= off:
			t = k - int(off)
		}
		switch {
		case t >= 0:
			rows[k] = l.perm[t]
		case len(args) > 2:
			from[k], rows[k] = 1, r
		default:
			from[k] = -1
		}
	}
	srcs := []arrow.Array{x}
	if len(args) > 2 {
		srcs = append(srcs, args[2])
	}
	return gatherFrom(env, f.T, srcs, from, rows)
}

// value computes first_value, last_value and nth_value over each row's
// frame (NULL when the frame is empty or shorter than n).
func (l *winLayout) value(env *Env, f *WindowFunc, args []arrow.Array, fr *frames) (arrow.Array, error) {
	x := args[0]
	var nth []int64
	if f.Name == planner.WinNthValue {
		var ok bool
		if nth, ok = int64s(args[1]); !ok {
			return nil, fmt.Errorf("nth_value: unexpected position type %s", args[1].DataType())
		}
	}
	var nn *nonNulls
	if f.IgnoreNulls {
		nn = newNonNulls(l, x)
	}
	from := make([]int8, l.n)
	rows := make([]int32, l.n)
	for k := range from {
		lo, hi := int(fr.lo[k]), int(fr.hi[k])
		t := -1
		switch f.Name {
		case planner.WinFirstValue:
			if nn != nil {
				t = nn.after(lo-1, 1, hi)
			} else if lo < hi {
				t = lo
			}
		case planner.WinLastValue:
			if nn != nil {
				t = nn.before(hi, 1, lo)
			} else if lo < hi {
				t = hi - 1
			}
		default:
			r := l.perm[k]
			if !validAt(args[1], int(r)) {
				break
			}
			n := nth[r]
			if n <= 0 {
				return nil, fmt.Errorf("nth_value: the position must be at least 1, got %d", n)
			}
			if nn != nil {
				t = nn.after(lo-1, n, hi)
			} else if int64(hi-lo) >= n {
				t = lo + int(n) - 1
			}
		}
		if t >= 0 {
			rows[k] = l.perm[t]
		} else {
			from[k] = -1
		}
	}
	return gatherFrom(env, f.T, []arrow.Array{x}, from, rows)
}

// nonNulls indexes the positions whose value is not NULL, for IGNORE
// NULLS: pos lists them in order, and rank[k] counts those before k.
type nonNulls struct {
	pos  []int32
	rank []int32 // n+1 entries
}

func newNonNulls(l *winLayout, x arrow.Array) *nonNulls {
	nn := &nonNulls{rank: make([]int32, l.n+1)}
	for k := 0; k < l.n; k++ {
		nn.rank[k] = int32(len(nn.pos))
		if validAt(x, int(l.perm[k])) {
			nn.pos = append(nn.pos, int32(k))
		}
	}
	nn.rank[l.n] = int32(len(nn.pos))
	return nn
}

// after returns the position of the off-th non-NULL value after position
// k (off >= 1), or -1 when there is none before limit.
func (nn *nonNulls) after(k int, off int64, limit int) int {
	i := int64(nn.rank[k+1]) + off - 1
	if i >= int64(len(nn.pos)) || int(nn.pos[i]) >= limit {
		return -1
	}
	return int(nn.pos[i])
}

// before returns the position of the off-th non-NULL value before
// position k, or -1 when there is none at or after limit.
func (nn *nonNulls) before(k int, off int64, limit int) int {
	i := int64(nn.rank[k]) - off
	if i < 0 || int(nn.pos[i]) < limit {
		return -1
	}
	return int(nn.pos[i])
}

// gatherFrom builds an array of type t whose k-th value is row rows[k] of
// srcs[from[k]], or NULL where from[k] < 0. Runs of rows from one source
// are appended together; a single source without NULLs is a plain take.
func gatherFrom(env *Env, t planner.Type, srcs []arrow.Array, from []int8, rows []int32) (arrow.Array, error) {
	single := true
	for _, s := range from {
		if s != 0 {
			single = false
			break
		}
	}
	if single {
		a, err := takeOrSlice(env.mem(), srcs[0], rows)
		if err != nil {
			return nil, err
		}
		if d, ok := a.(*array.Dictionary); ok { // results are plain values
			defer d.Release()
			return decodeDict(env.mem(), d)
		}
		return a, nil
	}
	b := array.NewBuilder(env.mem(), t.Arrow())
	defer b.Release()
	b.Reserve(len(from))
	for k := 0; k < len(from); {
		s := from[k]
		j := k + 1
		for j < len(from) && from[j] == s {
			j++
		}
		if s < 0 {
			b.AppendNulls(j - k)
		} else if err := appendRowsTo(b, srcs[s], rows[k:j]); err != nil {
			return nil, err
		}
		k = j
	}
	return b.NewArray(), nil
}
