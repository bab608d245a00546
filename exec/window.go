package exec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// WindowFunc is one compiled function of a Window.
type WindowFunc struct {
	Name        string // a planner.Win* name, or the aggregate's catalog name
	Label       string // the call as SQL, for errors
	P           int    // its position in the query
	Args        []Evaluator
	ArgTypes    []planner.Type
	T           planner.Type
	IgnoreNulls bool
	Frame       planner.WindowFrame // kinds and unit; the offsets are Start and End
	Start, End  Evaluator           // frame offsets (nil for bounds without one)
	StartType   planner.Type
	EndType     planner.Type
	StartPos    int // the offsets' positions in the query, for errors
	EndPos      int
	NewAcc      func() fn.Accumulator // aggregates
}

// Window computes window functions that share one PARTITION BY and ORDER
// BY. It collects its input (a pipeline breaker, like Sort), numbers the
// partitions by hashing their keys, orders rows by partition with a
// counting sort and then each partition by the ORDER BY keys (one sort per
// Window, however many functions it computes), and evaluates every
// function over that layout, a column at a time. Its output is the input's
// rows in that order, followed by one column per function.
type Window struct {
	in        Operator
	part      []Evaluator
	partTypes []planner.Type
	order     []SortKey
	funcs     []WindowFunc
	keep      []int // input columns passed through (nil: all)
	schema    *arrow.Schema
	env       *Env
	name      string // for memory limit errors
	out       arrow.Record
	prev      arrow.Record
	off       int
	done      bool
}

// NewWindow builds a Window whose output is the input columns listed in
// keep (all when nil), then the functions.
func NewWindow(in Operator, part []Evaluator, partTypes []planner.Type, order []SortKey, funcs []WindowFunc, keep []int, env *Env) *Window {
	fields := keptFields(in.Schema(), keep)
	labels := make([]string, len(funcs))
	for i, f := range funcs {
		fields = append(fields, arrow.Field{Name: f.Label, Type: f.T.Arrow(), Nullable: true})
		labels[i] = f.Label
	}
	return &Window{in: in, part: part, partTypes: partTypes, order: order, funcs: funcs, keep: keep, env: env,
		schema: arrow.NewSchema(fields, nil), name: "window (" + strings.Join(labels, ", ") + ")"}
}

func (w *Window) Schema() *arrow.Schema { return w.schema }

func (w *Window) Next(ctx context.Context) (Batch, error) {
	if !w.done {
		w.done = true
		if err := w.consume(ctx); err != nil {
			return Batch{}, err
		}
	}
	var b Batch
	w.prev, b, w.off = nextSlice(w.out, w.prev, w.off, w.env.batchSize())
	return b, nil
}

func (w *Window) Close() error {
	w.env.checkMemory(w, w.name, 0)
	releaseRecs(&w.out, &w.prev)
	return w.in.Close()
}

func (w *Window) consume(ctx context.Context) error {
	rec, err := collectAll(ctx, w.in, w.env, w, w.name)
	if err != nil {
		return err
	}
	defer rec.Release()
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	held := recordBytes(rec)
	lay, err := newWinLayout(ctx, rec, w.part, w.partTypes, w.order, w.env)
	if err != nil {
		return err
	}
	defer lay.release()
	// The collected rows, the layout, and the output copy being built.
	held += lay.bytes()
	if err := w.env.checkMemory(w, w.name, 2*held); err != nil {
		return err
	}
	cols := make([]arrow.Array, 0, int(rec.NumCols())+len(w.funcs))
	defer func() { releaseAll(cols) }()
	for i := range w.funcs {
		a, err := w.compute(ctx, rec, lay, &w.funcs[i])
		if err != nil {
			return funcErr(&w.funcs[i], err)
		}
		cols = append(cols, a)
		held += arrayDataBytes(a.Data())
		if err := w.env.checkMemory(w, w.name, 2*held); err != nil {
			return err
		}
	}
	results := cols
	cols = make([]arrow.Array, 0, int(rec.NumCols())+len(results))
	for _, c := range keptArrays(rec, w.keep) {
		t, err := take(w.env.mem(), c, lay.perm)
		if err != nil {
			releaseAll(results)
			return err
		}
		cols = append(cols, t)
	}
	cols = append(cols, results...)
	w.out = makeRecord(w.schema, cols, n)
	cols = nil
	return w.env.checkMemory(w, w.name, recordBytes(w.out))
}

// keptFields are the fields of schema listed in keep (all when nil).
func keptFields(schema *arrow.Schema, keep []int) []arrow.Field {
	if keep == nil {
		return append([]arrow.Field(nil), schema.Fields()...)
	}
	out := make([]arrow.Field, len(keep))
	for i, k := range keep {
		out[i] = schema.Field(k)
	}
	return out
}

// keptArrays are the columns of rec listed in keep (all when nil).
func keptArrays(rec arrow.Record, keep []int) []arrow.Array {
	if keep == nil {
		return rec.Columns()
	}
	out := make([]arrow.Array, len(keep))
	for i, k := range keep {
		out[i] = rec.Column(k)
	}
	return out
}

// funcErr positions an error of a window function at its call, unless it
// is the query's (cancellation, the memory limit) or already positioned.
func funcErr(f *WindowFunc, err error) error {
	var pe *ExprError
	if ctxErr(err) || errors.Is(err, ErrMemoryLimit) || errors.As(err, &pe) {
		return err
	}
	return &ExprError{Pos: f.P, Expr: f.Label, Err: err}
}

func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// compute evaluates one function into an array in the layout's order.
func (w *Window) compute(ctx context.Context, rec arrow.Record, lay *winLayout, f *WindowFunc) (arrow.Array, error) {
	args, err := evalAll(ctx, f.Args, f.ArgTypes, Batch{Rec: rec}, w.env, true)
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)
	switch f.Name {
	case planner.WinRowNumber, planner.WinRank, planner.WinDenseRank, planner.WinPercentRank, planner.WinCumeDist, planner.WinNtile:
		return lay.ranking(w.env, f, args)
	case planner.WinLag, planner.WinLead:
		return lay.shift(w.env, f, args)
	}
	var fr *frames
	if f.NewAcc == nil || !f.Frame.WholePartition(len(w.order) > 0) {
		if fr, err = lay.frames(ctx, rec, f, w.env); err != nil {
			return nil, err
		}
	}
	switch f.Name {
	case planner.WinFirstValue, planner.WinLastValue, planner.WinNthValue:
		return lay.value(w.env, f, args, fr)
	}
	if f.NewAcc == nil {
		return nil, fmt.Errorf("window function %s has no implementation", f.Name)
	}
	return lay.aggregate(ctx, w.env, f, args, fr)
}

// winLayout is the order every function of a Window is computed in:
// positions 0..n-1 hold the collected rows perm[0..n-1], partition by
// partition, each in ORDER BY order.
type winLayout struct {
	n      int
	perm   []int32 // position → row of the collected record
	bounds []int32 // partition p holds positions bounds[p]..bounds[p+1]-1
	partOf []int32 // position → partition
	keys   []arrow.Array
	order  []SortKey
	cmp    func(i, j int) int // compares rows by ORDER BY (nil without one)
	// peers: position → first position of its peer group, and one past its
	// last (computed on first use).
	peerStart, peerEnd []int32
}

func (l *winLayout) release() { releaseAll(l.keys) }

func (l *winLayout) bytes() int64 {
	return int64(cap(l.perm)+cap(l.bounds)+cap(l.partOf)+cap(l.peerStart)+cap(l.peerEnd)) * 4
}

// newWinLayout partitions and orders rec's rows.
func newWinLayout(ctx context.Context, rec arrow.Record, part []Evaluator, partTypes []planner.Type, order []SortKey, env *Env) (*winLayout, error) {
	n := int(rec.NumRows())
	l := &winLayout{n: n, order: order}
	b := Batch{Rec: rec}
	// Partition numbers, then a counting sort by them (stable).
	ids := make([]uint32, n)
	groups := 1
	if len(part) > 0 {
		keys, err := evalAll(ctx, part, partTypes, b, env, false)
		if err != nil {
			return nil, err
		}
		dts := make([]arrow.DataType, len(partTypes))
		for i, t := range partTypes {
			dts[i] = t.Arrow()
		}
		g := newGrouper(env.mem(), dts, false)
		got, _, err := g.assign(keys, n)
		releaseAll(keys)
		if err != nil {
			g.release()
			return nil, err
		}
		copy(ids, got)
		groups = int(g.n)
		g.release()
	}
	l.bounds = make([]int32, groups+1)
	for _, id := range ids {
		l.bounds[id+1]++
	}
	for g := 1; g <= groups; g++ {
		l.bounds[g] += l.bounds[g-1]
	}
	l.perm = make([]int32, n)
	l.partOf = make([]int32, n)
	next := append([]int32(nil), l.bounds[:groups]...)
	for row, id := range ids {
		k := next[id]
		next[id]++
		l.perm[k] = int32(row)
		l.partOf[k] = int32(id)
	}
	if len(order) == 0 {
		return l, nil
	}
	evs := make([]Evaluator, len(order))
	types := make([]planner.Type, len(order))
	for i, k := range order {
		evs[i], types[i] = k.Ev, k.T
	}
	var err error
	if l.keys, err = evalAll(ctx, evs, types, b, env, false); err != nil {
		return nil, err
	}
	if l.cmp, err = rowComparator(l.keys, l.keys, order); err != nil {
		l.release()
		return nil, err
	}
	if err := l.sortPartitions(ctx); err != nil {
		l.release()
		return nil, err
	}
	return l, nil
}

// sortPartitions orders each partition's rows by the ORDER BY keys,
// stably (ties keep input order).
func (l *winLayout) sortPartitions(ctx context.Context) error {
	vals, ok := int64s(l.keys[0])
	if ok && l.keys[0].NullN() == 0 {
		return l.sortByInt(ctx, vals)
	}
	for p := 0; p+1 < len(l.bounds); p++ {
		if err := l.sortRun(ctx, l.perm[l.bounds[p]:l.bounds[p+1]]); err != nil {
			return err
		}
	}
	return nil
}

// sortRun sorts rows by the full comparator, ties by row (input order).
func (l *winLayout) sortRun(ctx context.Context, rows []int32) error {
	if len(rows) < 2 {
		return nil
	}
	return fn.SortFunc(ctx, rows, func(a, b int32) int {
		if c := l.cmp(int(a), int(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

// sortByInt is the fast path for a first key that is an integer or an
// instant without NULLs (eventTime): each partition is sorted as (key,
// row) pairs, and only runs of rows equal on that key are sorted again by
// the remaining keys.
func (l *winLayout) sortByInt(ctx context.Context, vals []int64) error {
	type kv struct {
		k int64
		r int32
	}
	desc := l.order[0].Desc
	buf := make([]kv, 0, 64)
	for p := 0; p+1 < len(l.bounds); p++ {
		seg := l.perm[l.bounds[p]:l.bounds[p+1]]
		if len(seg) < 2 {
			continue
		}
		buf = buf[:0]
		for _, r := range seg {
			buf = append(buf, kv{vals[r], r})
		}
		err := fn.SortFunc(ctx, buf, func(a, b kv) int {
			if a.k != b.k {
				if desc {
					return cmp.Compare(b.k, a.k)
				}
				return cmp.Compare(a.k, b.k)
			}
			return cmp.Compare(a.r, b.r)
		})
		if err != nil {
			return err
		}
		for i, x := range buf {
			seg[i] = x.r
		}
		if len(l.keys) == 1 {
			continue
		}
		for i := 0; i < len(buf); {
			j := i + 1
			for j < len(buf) && buf[j].k == buf[i].k {
				j++
			}
			if j-i > 1 {
				if err := l.sortRun(ctx, seg[i:j]); err != nil {
					return err
				}
			}
			i = j
		}
	}
	return nil
}

// peers computes each position's peer group: the rows of its partition
// equal to it by the ORDER BY keys (the whole partition without ORDER BY).
func (l *winLayout) peers() {
	if l.peerStart != nil {
		return
	}
	l.peerStart, l.peerEnd = make([]int32, l.n), make([]int32, l.n)
	for p := 0; p+1 < len(l.bounds); p++ {
		lo, hi := int(l.bounds[p]), int(l.bounds[p+1])
		start := lo
		for k := lo; k < hi; k++ {
			if k > lo && l.cmp != nil && l.cmp(int(l.perm[k-1]), int(l.perm[k])) != 0 {
				for j := start; j < k; j++ {
					l.peerEnd[j] = int32(k)
				}
				start = k
			}
			l.peerStart[k] = int32(start)
		}
		for j := start; j < hi; j++ {
			l.peerEnd[j] = int32(hi)
		}
	}
}

// partRange returns the positions of position k's partition.
func (l *winLayout) partRange(k int) (int, int) {
	p := l.partOf[k]
	return int(l.bounds[p]), int(l.bounds[p+1])
}
