package exec

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// AggSpec is one aggregate of a HashAggregate: a fresh accumulator and its
// compiled arguments.
type AggSpec struct {
	New   func() fn.Accumulator
	Args  []Evaluator
	Types []planner.Type // argument types (the overload's parameters)
	Name  string         // the call as written, e.g. array_agg(eventJson), for errors
	// Filter, when set, limits the rows the aggregate sees (FILTER
	// (WHERE …)); Args are then evaluated on those rows only.
	Filter Selector
	// Pos places the aggregate's errors (a bad percentile, a listagg
	// overflow) at its call in the query, when Name is set.
	Pos int
}

// HashAggregate groups its input by key expressions and feeds each batch to
// the accumulators with per-row group IDs. With no keys it is a global
// aggregation and yields exactly one row, even over no input.
type HashAggregate struct {
	in       Operator
	keys     []Evaluator
	keyTypes []planner.Type
	aggs     []AggSpec
	accs     []fn.Accumulator
	schema   *arrow.Schema
	env      *Env
	g        *grouper
	out      arrow.Record
	prev     arrow.Record // slice handed out last
	off      int
	done     bool
	groups   int
	// sets are the grouping sets (nil: one grouping by every key); see
	// GroupingSets.
	sets    [][]int
	setKeys setKeyCache
}

// NewHashAggregate builds the operator; names are its output column names
// (keys then aggregates) and ret the aggregates' result types.
func NewHashAggregate(in Operator, keys []Evaluator, keyTypes []planner.Type, aggs []AggSpec, names []string, ret []planner.Type, env *Env) *HashAggregate {
	var types []arrow.DataType
	for _, t := range keyTypes {
		types = append(types, t.Arrow())
	}
	for _, t := range ret {
		types = append(types, t.Arrow())
	}
	return &HashAggregate{in: in, keys: keys, keyTypes: keyTypes, aggs: aggs, schema: schemaOf(names, types), env: env}
}

func (h *HashAggregate) Schema() *arrow.Schema { return h.schema }

// Extra reports the number of groups for EXPLAIN ANALYZE.
func (h *HashAggregate) Extra() map[string]string {
	return map[string]string{"groups": fmt.Sprint(h.groups)}
}

func (h *HashAggregate) Next(ctx context.Context) (Batch, error) {
	if !h.done {
		if err := h.consume(ctx); err != nil {
			return Batch{}, err
		}
		h.done = true
	}
	var b Batch
	h.prev, b, h.off = nextSlice(h.out, h.prev, h.off, h.env.batchSize())
	return b, nil
}

func (h *HashAggregate) consume(ctx context.Context) error {
	mem := h.env.mem()
	keyArrow := make([]arrow.DataType, len(h.keyTypes))
	for i, t := range h.keyTypes {
		keyArrow[i] = t.Arrow()
	}
	if h.sets != nil {
		keyArrow = append([]arrow.DataType{arrow.PrimitiveTypes.Int64}, keyArrow...)
	}
	h.g = newGrouper(mem, keyArrow, true)
	h.accs = make([]fn.Accumulator, len(h.aggs))
	plain := make([]bool, len(h.aggs)) // decode dictionary arguments first
	for i, a := range h.aggs {
		h.accs[i] = a.New()
		d, ok := h.accs[i].(fn.DictionaryInput)
		plain[i] = !ok || !d.TakesDictionaries()
	}
	ngroups := 0
	var zeros []uint32
	if len(h.keys) == 0 && h.sets == nil {
		ngroups = 1
		for _, acc := range h.accs {
			acc.Grow(1)
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := h.in.Next(ctx)
		if err != nil {
			return err
		}
		if b.Rec == nil {
			break
		}
		n := b.Len()
		in, err := h.aggInputs(ctx, b, plain)
		if err != nil {
			return err
		}
		switch {
		case h.sets != nil:
			err = h.updateSets(ctx, b, in)
			ngroups = int(h.g.n)
		case len(h.keys) == 0:
			if cap(zeros) < n {
				zeros = make([]uint32, n) // one group: every row is group 0
			}
			err = h.update(zeros[:n], in, ngroups)
		default:
			var keys []arrow.Array
			if keys, err = evalAll(ctx, h.keys, h.keyTypes, b, h.env, false); err != nil {
				break
			}
			var ids []uint32
			ids, _, err = h.g.assign(keys, n)
			releaseAll(keys)
			if err == nil {
				ngroups = int(h.g.n)
				err = h.update(ids, in, ngroups)
			}
		}
		in.release()
		if err != nil {
			return err
		}
		used := h.g.size()
		for _, acc := range h.accs {
			// The state, and the copy Result will make of it
			// (array_agg's list coexists with its chunks).
			used += acc.Bytes()
			if r, ok := acc.(fn.ResultSizer); ok {
				used += r.ResultBytes()
			}
		}
		if err := h.env.checkMemory(h, h.opName(), used); err != nil {
			return err
		}
	}
	if h.sets != nil {
		if err := h.emptySets(); err != nil {
			return err
		}
		ngroups = int(h.g.n)
		for _, acc := range h.accs {
			acc.Grow(ngroups)
		}
	}
	h.groups = ngroups
	if err := h.finish(ngroups); err != nil {
		return err
	}
	// The state is garbage now; the output is what stays.
	h.accs = nil
	return h.env.checkMemory(h, h.opName(), recordBytes(h.out))
}

// opName names the operator in memory limit errors, with the aggregates
// that hold variable-size state, since they are the usual reason.
func (h *HashAggregate) opName() string {
	var names []string
	for i, acc := range h.accs {
		if _, ok := acc.(fn.ResultSizer); ok && h.aggs[i].Name != "" {
			names = append(names, h.aggs[i].Name)
		}
	}
	if len(names) == 0 {
		return "hash aggregation"
	}
	return "hash aggregation (" + strings.Join(names, ", ") + ")"
}

// update feeds every aggregate the batch's rows with group ids (one per
// live row; a filtered aggregate gets its rows' ids).
func (h *HashAggregate) update(ids []uint32, in *aggInputs, ngroups int) error {
	for i, acc := range h.accs {
		acc.Grow(ngroups)
		if err := acc.Update(in.ids(i, ids), in.args[i]); err != nil {
			return h.aggErr(i, err)
		}
	}
	return nil
}

func (h *HashAggregate) finish(ngroups int) error {
	cols := make([]arrow.Array, 0, len(h.keys)+len(h.accs)+1)
	for _, b := range h.g.builders {
		cols = append(cols, b.NewArray())
	}
	if h.sets != nil && len(cols) > 0 { // keys after the set index: groupid moves behind them
		cols = append(cols[1:], cols[0])
	}
	h.g.release()
	for i, acc := range h.accs {
		a, err := acc.Result(h.env.mem())
		if err != nil {
			releaseAll(cols)
			return h.aggErr(i, err)
		}
		if a.Len() != ngroups {
			a.Release()
			releaseAll(cols)
			return fmt.Errorf("internal error: aggregate returned %d values for %d groups", a.Len(), ngroups)
		}
		cols = append(cols, a)
	}
	h.out = makeRecord(h.schema, cols, ngroups)
	return nil
}

// evalAll evaluates expressions over b into arrays of b.Len() rows;
// constants are broadcast and, with plain, dictionaries decoded.
func evalAll(ctx context.Context, evs []Evaluator, types []planner.Type, b Batch, env *Env, plain bool) ([]arrow.Array, error) {
	out := make([]arrow.Array, 0, len(evs))
	for i, e := range evs {
		v, err := e.Eval(ctx, b)
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		if !v.IsConst && !plain {
			out = append(out, v.Arr)
			continue
		}
		a, err := materialize(env.mem(), v, types[i], b.Len())
		v.Release()
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func releaseAll(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}

func (h *HashAggregate) Close() error {
	h.env.checkMemory(h, "hash aggregation", 0)
	if h.g != nil {
		h.g.release()
	}
	h.setKeys.release()
	releaseRecs(&h.out, &h.prev)
	return h.in.Close()
}
