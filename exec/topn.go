package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"

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
}

// NewTopN keeps the first n rows of in by keys.
func NewTopN(in Operator, keys []SortKey, n int64, env *Env) *TopN {
	return &TopN{in: in, keys: keys, n: n, env: env}
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

// beatThreshold returns b's live rows that sort strictly before the
// threshold row (all of them while there is no threshold).
func (t *TopN) beatThreshold(ctx context.Context, b Batch) ([]int32, error) {
	live := liveRows(b)
	if t.threshold == nil {
		return live, nil
	}
	keys, err := evalAll(ctx, evaluators(t.keys), keyTypes(t.keys), b, t.env, false)
	if err != nil {
		return nil, err
	}
	defer releaseAll(keys)
	f, err := rowComparator(keys, t.threshold, t.keys)
	if err != nil {
		return nil, err
	}
	out := make([]int32, 0, len(live))
	for i, r := range live {
		if f(i, 0) < 0 {
			out = append(out, r)
		}
	}
	return out, nil
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
