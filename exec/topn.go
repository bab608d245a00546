package exec

import (
	"context"
	"sort"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// TopN is ORDER BY ... LIMIT n in bounded memory. Candidate rows collect in
// a buffer; when it holds max(2n, 4096) rows it is sorted and cut to n,
// and the n-th row becomes a threshold that later rows must beat (strictly:
// on ties the earlier row wins, as a stable sort would have it).
type TopN struct {
	in   Operator
	keys []SortKey
	n    int64
	env  *Env

	buf       *collector
	kept      arrow.Record // rows kept at the last cut, sorted
	threshold []arrow.Array
	out       arrow.Record
	prev      arrow.Record
	off       int
	done      bool
	bound     *orcstore.TimeBound // top-N pruning: the scan's bound (nil: none)
}

// NewTopN keeps the first n rows of in by keys.
func NewTopN(in Operator, keys []SortKey, n int64, env *Env) *TopN {
	return &TopN{in: in, keys: keys, n: n, env: env}
}

// NewTopNPruning is NewTopN that also offers its n-th row's first key, an
// eventTime, to bound (see orcstore.TimeBound) whenever it tightens.
func NewTopNPruning(in Operator, keys []SortKey, n int64, env *Env, bound *orcstore.TimeBound) *TopN {
	return &TopN{in: in, keys: keys, n: n, env: env, bound: bound}
}

func (t *TopN) Schema() *arrow.Schema { return t.in.Schema() }

func (t *TopN) Next(ctx context.Context) (Batch, error) {
	if !t.done {
		t.done = true
		if err := t.consume(ctx); err != nil {
			return Batch{}, err
		}
	}
	var b Batch
	t.prev, b, t.off = nextSlice(t.out, t.prev, t.off, t.env.batchSize())
	return b, nil
}

func (t *TopN) consume(ctx context.Context) error {
	if t.n <= 0 {
		return nil
	}
	t.buf = newCollector(t.env.mem(), t.in.Schema())
	defer t.buf.release()
	limit := int(max(2*t.n, 4096))
	if t.bound != nil {
		// A scan prunes by the bound: refresh it after every n candidate
		// rows (each cut then handles at least n new rows, so its sort
		// still costs O(log n) per row).
		limit = int(t.n)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := t.in.Next(ctx)
		if err != nil {
			return err
		}
		if b.Rec == nil {
			break
		}
		rows, err := t.beatThreshold(ctx, b)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		if err := t.buf.add(b, rows); err != nil {
			return err
		}
		if t.buf.rows >= limit {
			if err := t.cut(ctx); err != nil {
				return err
			}
		}
		if err := t.env.checkMemory(t, "top-N", t.buf.bytes+t.keptBytes()); err != nil {
			return err
		}
	}
	if err := t.cut(ctx); err != nil {
		return err
	}
	t.out, t.kept = t.kept, nil
	releaseAll(t.threshold)
	return nil
}

func (t *TopN) keptBytes() int64 {
	if t.kept == nil {
		return 0
	}
	return liveBytes(Batch{Rec: t.kept})
}

// beatThreshold returns the rows of b that may still reach the top n: its
// live rows that sort strictly before the threshold row (all of them while
// there is none), and of those at most the n best, so that a wide batch is
// not copied whole into the buffer only to be cut (SELECT * over a new
// store's first batch).
func (t *TopN) beatThreshold(ctx context.Context, b Batch) ([]int32, error) {
	live := liveRows(b)
	if t.threshold == nil && int64(len(live)) <= t.n {
		return live, nil
	}
	keys, err := evalAll(ctx, evaluators(t.keys), keyTypes(t.keys), b, t.env, false)
	if err != nil {
		return nil, err
	}
	defer releaseAll(keys)
	pos := make([]int, 0, len(live)) // positions in live (and keys)
	if t.threshold == nil {
		for i := range live {
			pos = append(pos, i)
		}
	} else {
		f, err := rowComparator(keys, t.threshold, t.keys)
		if err != nil {
			return nil, err
		}
		for i := range live {
			if f(i, 0) < 0 {
				pos = append(pos, i)
			}
		}
	}
	if int64(len(pos)) > t.n {
		if pos, err = bestPositions(keys, t.keys, pos, int(t.n)); err != nil {
			return nil, err
		}
	}
	out := make([]int32, len(pos))
	for k, p := range pos {
		out[k] = live[p]
	}
	return out, nil
}

// bestPositions returns the n positions of pos whose key rows sort first,
// ties going to the earlier position (as a stable sort would), in
// ascending position order. It keeps a max-heap of the n best so far, so a
// batch costs about one comparison per row once the heap is warm.
func bestPositions(keys []arrow.Array, specs []SortKey, pos []int, n int) ([]int, error) {
	f, err := rowComparator(keys, keys, specs)
	if err != nil {
		return nil, err
	}
	// worse reports whether position a ranks after b.
	worse := func(a, b int) bool {
		if c := f(a, b); c != 0 {
			return c > 0
		}
		return a > b
	}
	h := make([]int, 0, n) // max-heap: the worst kept position on top
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			if r := l + 1; r < len(h) && worse(h[r], h[l]) {
				l = r
			}
			if !worse(h[l], h[i]) {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for _, p := range pos {
		switch {
		case len(h) < n:
			h = append(h, p)
			for i := len(h) - 1; i > 0; {
				parent := (i - 1) / 2
				if !worse(h[i], h[parent]) {
					break
				}
				h[i], h[parent] = h[parent], h[i]
				i = parent
			}
		case worse(h[0], p):
			h[0] = p
			down(0)
		}
	}
	sort.Ints(h)
	return h, nil
}

// cut sorts the kept rows plus the buffer (kept first: they arrived
// earlier, so ties keep input order) and keeps the first n.
func (t *TopN) cut(ctx context.Context) error {
	rec := t.buf.record()
	if t.kept != nil {
		c := newCollector(t.env.mem(), t.in.Schema())
		err := c.add(Batch{Rec: t.kept}, identity(int(t.kept.NumRows())))
		if err == nil {
			err = c.add(Batch{Rec: rec}, identity(int(rec.NumRows())))
		}
		rec.Release()
		rec = c.record()
		c.release()
		t.kept.Release()
		t.kept = nil
		if err != nil {
			rec.Release()
			return err
		}
	}
	defer rec.Release()
	if rec.NumRows() == 0 {
		return nil
	}
	perm, err := sortPerm(ctx, rec, t.keys, t.env)
	if err != nil {
		return err
	}
	if int64(len(perm)) > t.n {
		perm = perm[:t.n]
	}
	if t.kept, err = takeRecord(t.env.mem(), rec, perm); err != nil {
		return err
	}
	releaseAll(t.threshold)
	t.threshold = nil
	if int64(len(perm)) == t.n {
		last := t.kept.NewSlice(t.kept.NumRows()-1, t.kept.NumRows())
		defer last.Release()
		t.threshold, err = evalAll(ctx, evaluators(t.keys), keyTypes(t.keys), Batch{Rec: last}, t.env, false)
		if err == nil {
			t.publishBound()
		}
	}
	return err
}

func evaluators(keys []SortKey) []Evaluator {
	out := make([]Evaluator, len(keys))
	for i, k := range keys {
		out[i] = k.Ev
	}
	return out
}

func keyTypes(keys []SortKey) []planner.Type {
	out := make([]planner.Type, len(keys))
	for i, k := range keys {
		out[i] = k.T
	}
	return out
}

func (t *TopN) Close() error {
	t.env.checkMemory(t, "top-N", 0)
	releaseAll(t.threshold)
	t.threshold = nil
	releaseRecs(&t.kept, &t.out, &t.prev)
	return t.in.Close()
}
