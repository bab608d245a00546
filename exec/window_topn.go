package exec

import (
	"cmp"
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// PartitionTopN keeps the first n rows of each partition by its ORDER BY
// keys and numbers them 1..n: row_number() OVER (PARTITION BY … ORDER BY
// …) filtered to small numbers, without sorting every row. Candidate rows
// collect in a buffer, each with its partition number; when the buffer
// outgrows what was kept it is cut: sorted by (partition, keys, arrival)
// and cut to n rows per partition. After a cut, a partition that holds n
// rows has a threshold, its n-th row, which a later row must beat
// strictly to become a candidate (on ties the earlier row wins, as the
// Window's stable sort would have it). Memory is bounded by the kept rows
// (n per partition) and one buffer of at most as many again.
type PartitionTopN struct {
	in        Operator
	part      []Evaluator
	partTypes []planner.Type
	order     []SortKey
	n         int64
	keep      []int
	schema    *arrow.Schema
	env       *Env
	name      string

	g        *grouper
	cand     *collector
	gids     []uint32      // partition of each candidate row, kept rows first
	kept     int           // candidates [0, kept) are the rows of the last cut
	keptRec  arrow.Record  // those rows, in (partition, keys) order
	keptKeys []arrow.Array // their ORDER BY keys
	thresh   []int32       // partition → row of keptRec to beat (-1: none)
	ranks    []int64       // rank of each kept row within its partition
	out      arrow.Record
	prev     arrow.Record
	off      int
	done     bool
}

// NewPartitionTopN builds the operator; its output is the input columns
// listed in keep (all when nil), then the row number, named label.
func NewPartitionTopN(in Operator, part []Evaluator, partTypes []planner.Type, order []SortKey, n int64, label string, keep []int, env *Env) *PartitionTopN {
	fields := append(keptFields(in.Schema(), keep), arrow.Field{Name: label, Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	return &PartitionTopN{in: in, part: part, partTypes: partTypes, order: order, n: n, keep: keep, env: env,
		schema: arrow.NewSchema(fields, nil), name: fmt.Sprintf("partition top-%d (%s)", n, label)}
}

func (t *PartitionTopN) Schema() *arrow.Schema { return t.schema }

// Extra reports the partitions seen for EXPLAIN ANALYZE.
func (t *PartitionTopN) Extra() map[string]string {
	if t.g == nil {
		return nil
	}
	return map[string]string{"partitions": fmt.Sprint(t.g.n)}
}

func (t *PartitionTopN) Next(ctx context.Context) (Batch, error) {
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

func (t *PartitionTopN) Close() error {
	t.env.checkMemory(t, t.name, 0)
	t.release()
	releaseRecs(&t.out, &t.prev)
	return t.in.Close()
}

func (t *PartitionTopN) release() {
	if t.g != nil {
		t.g.release()
		t.g = nil
	}
	if t.cand != nil {
		t.cand.release()
		t.cand = nil
	}
	releaseRecs(&t.keptRec)
	releaseAll(t.keptKeys)
	t.keptKeys = nil
}

func (t *PartitionTopN) consume(ctx context.Context) error {
	if t.n <= 0 {
		return nil
	}
	dts := make([]arrow.DataType, len(t.partTypes))
	for i, pt := range t.partTypes {
		dts[i] = pt.Arrow()
	}
	t.g = newGrouper(t.env.mem(), dts, false)
	t.cand = newCollector(t.env.mem(), t.in.Schema())
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
		if err := t.add(ctx, b); err != nil {
			return err
		}
		if t.cand.rows >= max(4096, 2*t.kept) {
			if err := t.cut(ctx, false); err != nil {
				return err
			}
		}
		if err := t.env.checkMemory(t, t.name, t.cand.bytes+recordBytes(t.keptRec)+t.g.size()); err != nil {
			return err
		}
	}
	if err := t.cut(ctx, true); err != nil {
		return err
	}
	// The kept rows, numbered.
	rec := t.keptRec
	cols := append([]arrow.Array(nil), keptArrays(rec, t.keep)...)
	for _, c := range cols {
		c.Retain()
	}
	cols = append(cols, int64Array(t.env, t.ranks, nil))
	t.out = makeRecord(t.schema, cols, int(rec.NumRows()))
	t.release()
	return t.env.checkMemory(t, t.name, recordBytes(t.out))
}

// add appends the rows of b that may reach their partition's first n.
func (t *PartitionTopN) add(ctx context.Context, b Batch) error {
	n := b.Len()
	ids := make([]uint32, n)
	if len(t.part) > 0 {
		keys, err := evalAll(ctx, t.part, t.partTypes, b, t.env, false)
		if err != nil {
			return err
		}
		got, _, err := t.g.assign(keys, n)
		releaseAll(keys)
		if err != nil {
			return err
		}
		copy(ids, got)
	} else {
		t.g.n = 1
	}
	var beats func(i, j int) bool
	if t.keptKeys != nil && len(t.order) > 0 {
		keys, err := evalAll(ctx, evaluators(t.order), keyTypes(t.order), b, t.env, false)
		if err != nil {
			return err
		}
		defer releaseAll(keys)
		f, err := rowComparator(keys, t.keptKeys, t.order)
		if err != nil {
			return err
		}
		beats = func(i, j int) bool { return f(i, j) < 0 }
	}
	live := liveRows(b)
	var rows []int32
	for i, r := range live {
		g := ids[i]
		th := int32(-1)
		if int(g) < len(t.thresh) {
			th = t.thresh[g]
		}
		// Without ORDER BY the first n rows to arrive are kept.
		if th >= 0 && (beats == nil || !beats(i, int(th))) {
			continue
		}
		rows = append(rows, r)
		t.gids = append(t.gids, g)
	}
	if len(rows) == 0 {
		return nil
	}
	return t.cand.add(b, rows)
}

// cut keeps the first n candidates of each partition and sets the
// thresholds; unless final, the kept rows start the next buffer.
func (t *PartitionTopN) cut(ctx context.Context, final bool) error {
	rec := t.cand.record()
	defer rec.Release()
	rows := int(rec.NumRows())
	var keys []arrow.Array
	var f func(i, j int) int
	if len(t.order) > 0 && rows > 0 {
		var err error
		if keys, err = evalAll(ctx, evaluators(t.order), keyTypes(t.order), Batch{Rec: rec}, t.env, false); err != nil {
			return err
		}
		defer releaseAll(keys)
		if f, err = rowComparator(keys, keys, t.order); err != nil {
			return err
		}
	}
	perm := identity(rows)
	gids := t.gids
	err := fn.SortFunc(ctx, perm, func(a, b int32) int {
		if c := cmp.Compare(gids[a], gids[b]); c != 0 {
			return c
		}
		if f != nil {
			if c := f(int(a), int(b)); c != 0 {
				return c
			}
		}
		return cmp.Compare(a, b)
	})
	if err != nil {
		return err
	}
	var keep []int32
	var newGids []uint32
	t.ranks = t.ranks[:0]
	t.thresh = make([]int32, t.g.n)
	for i := range t.thresh {
		t.thresh[i] = -1
	}
	for i := 0; i < len(perm); {
		g := gids[perm[i]]
		j := i
		for j < len(perm) && gids[perm[j]] == g {
			if int64(j-i) < t.n {
				keep = append(keep, perm[j])
				newGids = append(newGids, g)
				t.ranks = append(t.ranks, int64(j-i+1))
				if int64(j-i+1) == t.n {
					t.thresh[g] = int32(len(keep) - 1)
				}
			}
			j++
		}
		i = j
	}
	kept, err := takeRecord(t.env.mem(), rec, keep)
	if err != nil {
		return err
	}
	releaseRecs(&t.keptRec)
	releaseAll(t.keptKeys)
	t.keptKeys = nil
	t.keptRec = kept
	if len(t.order) > 0 && kept.NumRows() > 0 {
		if t.keptKeys, err = evalAll(ctx, evaluators(t.order), keyTypes(t.order), Batch{Rec: kept}, t.env, false); err != nil {
			return err
		}
	}
	// The kept rows start the next buffer.
	t.cand.release()
	t.cand = newCollector(t.env.mem(), t.in.Schema())
	t.gids, t.kept = newGids, len(keep)
	if len(keep) > 0 && !final {
		if err := t.cand.add(Batch{Rec: kept}, liveRows(Batch{Rec: kept})); err != nil {
			return err
		}
	}
	return nil
}
