package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// Grouping sets and aggregate filters of HashAggregate.
//
// With grouping sets (GROUP BY ROLLUP/CUBE/GROUPING SETS) one grouper
// keys every group by (set index, keys…): each batch is assigned once per
// set, the keys outside the set replaced by NULL arrays, and the
// aggregates are fed once per set from arguments evaluated once per batch.
//
// A filtered aggregate (FILTER (WHERE …)) evaluates its arguments on the
// rows its filter selects and gets their group ids only.

// GroupingSets makes h aggregate its input once per set of key indexes;
// its output gains a bigint column after the keys holding each row's set
// index (planner.GroupIDName).
func (h *HashAggregate) GroupingSets(sets [][]int) *HashAggregate {
	h.sets = sets
	fs := h.schema.Fields()
	k := len(h.keys)
	out := append(append(append([]arrow.Field(nil), fs[:k]...),
		arrow.Field{Name: planner.GroupIDName, Type: arrow.PrimitiveTypes.Int64, Nullable: true}), fs[k:]...)
	h.schema = arrow.NewSchema(out, nil)
	return h
}

// aggInputs are one batch's arguments of every aggregate: args[i] has a
// value per row the aggregate sees; pos[i], for a filtered aggregate,
// lists those rows' positions among the batch's live rows.
type aggInputs struct {
	args [][]arrow.Array
	pos  [][]int32
	sub  []uint32 // scratch for ids
}

func (in *aggInputs) release() {
	for _, a := range in.args {
		releaseAll(a)
	}
}

// ids returns the group ids of aggregate i's rows, given every live row's.
func (in *aggInputs) ids(i int, all []uint32) []uint32 {
	p := in.pos[i]
	if p == nil {
		return all
	}
	in.sub = in.sub[:0]
	for _, k := range p {
		in.sub = append(in.sub, all[k])
	}
	return in.sub
}

// aggInputs evaluates every aggregate's arguments (and filter) on b.
func (h *HashAggregate) aggInputs(ctx context.Context, b Batch, plain []bool) (*aggInputs, error) {
	in := &aggInputs{args: make([][]arrow.Array, len(h.aggs)), pos: make([][]int32, len(h.aggs))}
	for i, a := range h.aggs {
		sb := b
		if a.Filter != nil {
			rows, err := a.Filter.Select(ctx, b)
			if err != nil {
				in.release()
				return nil, err
			}
			in.pos[i] = livePositions(b, rows)
			sb = Batch{Rec: b.Rec, Sel: rows}
			if rows == nil {
				sb.Sel = []int32{}
			}
		}
		args, err := evalAll(ctx, a.Args, a.Types, sb, h.env, plain[i])
		if err != nil {
			in.release()
			return nil, err
		}
		in.args[i] = args
	}
	return in, nil
}

// livePositions maps rows (ascending row indexes of b.Rec, a subset of the
// live rows) to their positions among b's live rows.
func livePositions(b Batch, rows []int32) []int32 {
	out := make([]int32, len(rows))
	if b.Sel == nil {
		copy(out, rows)
		return out
	}
	k := 0
	for p, r := range b.Sel {
		if k < len(rows) && rows[k] == r {
			out[k] = int32(p)
			k++
		}
	}
	return out[:k]
}

// setKeyCache keeps the NULL and set-index arrays of the last batch size.
type setKeyCache struct {
	n     int
	nulls []arrow.Array // per key
	ids   []arrow.Array // per set
}

func (c *setKeyCache) release() {
	releaseAll(c.nulls)
	releaseAll(c.ids)
	c.nulls, c.ids, c.n = nil, nil, 0
}

func (h *HashAggregate) setArrays(n int) error {
	c := &h.setKeys
	if c.n == n && c.nulls != nil {
		return nil
	}
	c.release()
	mem := h.env.mem()
	for _, t := range h.keyTypes {
		a, err := constArray(mem, t, planner.Value{Null: true}, n)
		if err != nil {
			return err
		}
		c.nulls = append(c.nulls, a)
	}
	for s := range h.sets {
		a, err := constArray(mem, planner.Bigint, planner.Value{Int: int64(s)}, n)
		if err != nil {
			return err
		}
		c.ids = append(c.ids, a)
	}
	c.n = n
	return nil
}

// updateSets assigns and aggregates one batch once per grouping set.
func (h *HashAggregate) updateSets(ctx context.Context, b Batch, in *aggInputs) error {
	n := b.Len()
	keys, err := evalAll(ctx, h.keys, h.keyTypes, b, h.env, false)
	if err != nil {
		return err
	}
	defer releaseAll(keys)
	if err := h.setArrays(n); err != nil {
		return err
	}
	cols := make([]arrow.Array, len(keys)+1)
	for s, set := range h.sets {
		cols[0] = h.setKeys.ids[s]
		copy(cols[1:], h.setKeys.nulls)
		for _, k := range set {
			cols[1+k] = keys[k]
		}
		ids, _, err := h.g.assign(cols, n)
		if err != nil {
			return err
		}
		if err := h.update(ids, in, int(h.g.n)); err != nil {
			return err
		}
	}
	return nil
}

// emptySets makes sure every grouping set without keys has its group, so
// that it yields a row (count 0) even when no input row arrived, as a
// global aggregation does.
func (h *HashAggregate) emptySets() error {
	defer h.setKeys.release()
	if err := h.setArrays(1); err != nil {
		return err
	}
	cols := make([]arrow.Array, len(h.keyTypes)+1)
	for s, set := range h.sets {
		if len(set) > 0 {
			continue
		}
		cols[0] = h.setKeys.ids[s]
		copy(cols[1:], h.setKeys.nulls)
		if _, _, err := h.g.assign(cols, 1); err != nil {
			return err
		}
	}
	return nil
}
