package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Unnest expands each input row's arrays and maps into rows (UNNEST joined
// laterally): the input's columns repeated, then the elements. Several
// arguments are zipped: as many rows as the longest, the shorter padded
// with NULLs; NULL counts as empty. An input row with no elements yields
// nothing, or with outer (LEFT JOIN … ON true) one row of NULL elements.
// It streams: each output batch covers consecutive input rows and holds
// about a batch's worth of rows (more only when one row's arrays alone are
// longer).
type Unnest struct {
	in         Operator
	args       []Evaluator
	argTypes   []planner.Type
	expand     []bool
	ordinality bool
	outer      bool
	pass       []int          // input columns repeated (nil: all)
	outTypes   []planner.Type // the element columns' types
	schema     *arrow.Schema
	env        *Env

	cur    Batch         // the input batch being expanded (nil Rec: none)
	live   []int32       // its live rows
	vals   []arrow.Array // the arguments over its live rows
	counts []int         // output rows per live row
	next   int           // the next live row to expand
	prev   arrow.Record
}

// NewUnnest builds the operator; pass lists the input columns repeated in
// the output (nil: all), names and outTypes describe the element columns
// that follow them.
func NewUnnest(in Operator, args []Evaluator, argTypes []planner.Type, expand []bool, ordinality, outer bool, pass []int, names []string, outTypes []planner.Type, env *Env) *Unnest {
	fields := keptFields(in.Schema(), pass)
	for i, t := range outTypes {
		fields = append(fields, arrow.Field{Name: names[i], Type: t.Arrow(), Nullable: true})
	}
	return &Unnest{in: in, args: args, argTypes: argTypes, expand: expand, ordinality: ordinality, outer: outer, pass: pass,
		outTypes: outTypes, schema: arrow.NewSchema(fields, nil), env: env}
}

func (u *Unnest) Schema() *arrow.Schema { return u.schema }

func (u *Unnest) Next(ctx context.Context) (Batch, error) {
	releaseRecs(&u.prev)
	for {
		if u.cur.Rec == nil || u.next >= len(u.live) {
			if err := u.pull(ctx); err != nil || u.cur.Rec == nil {
				return Batch{}, err
			}
		}
		// Live rows [from, u.next) make about one output batch.
		from, rows := u.next, 0
		for u.next < len(u.live) && (rows == 0 || rows+u.counts[u.next] <= u.env.batchSize()) {
			rows += u.counts[u.next]
			u.next++
		}
		if rows == 0 {
			continue
		}
		rec, err := u.build(from, u.next, rows)
		if err != nil {
			return Batch{}, err
		}
		u.prev = rec
		return Batch{Rec: rec}, nil
	}
}

// pull reads the next input batch and counts each live row's elements.
func (u *Unnest) pull(ctx context.Context) error {
	releaseAll(u.vals)
	u.vals, u.cur = nil, Batch{}
	b, err := u.in.Next(ctx)
	if err != nil || b.Rec == nil {
		return err
	}
	if u.vals, err = evalAll(ctx, u.args, u.argTypes, b, u.env, true); err != nil {
		return err
	}
	u.cur, u.live, u.next = b, liveRows(b), 0
	u.counts = u.counts[:0]
	for i := range u.live {
		n := 0
		for _, a := range u.vals {
			lo, hi := elemRange(a, i)
			n = max(n, hi-lo)
		}
		if n == 0 && u.outer {
			n = 1
		}
		u.counts = append(u.counts, n)
	}
	return nil
}

// elemRange is where row i's elements sit in its list's or map's child
// arrays (empty for NULL).
func elemRange(a arrow.Array, i int) (int, int) {
	if a.IsNull(i) {
		return 0, 0
	}
	switch a := a.(type) {
	case *array.List:
		lo, hi := a.ValueOffsets(i)
		return int(lo), int(hi)
	case *array.Map:
		lo, hi := a.ValueOffsets(i)
		return int(lo), int(hi)
	}
	return 0, 0
}

// build makes the output for live rows [from, to), rows in all.
func (u *Unnest) build(from, to, rows int) (arrow.Record, error) {
	rep := make([]int32, 0, rows) // input row of each output row
	ord := make([]int64, 0, rows)
	ordOK := make([]bool, 0, rows)
	for i := from; i < to; i++ {
		for j := 0; j < u.counts[i]; j++ {
			rep = append(rep, u.live[i])
			ord = append(ord, int64(j+1))
			ordOK = append(ordOK, !u.outer || u.hasElement(i, j))
		}
	}
	var cols []arrow.Array
	fail := func(err error) (arrow.Record, error) {
		releaseAll(cols)
		return nil, err
	}
	for _, c := range keptArrays(u.cur.Rec, u.pass) {
		t, err := take(u.env.mem(), c, rep)
		if err != nil {
			return fail(err)
		}
		cols = append(cols, t)
	}
	out := 0 // the next element column
	for k, a := range u.vals {
		// Each output row's element position in the child arrays, or -1.
		from8 := make([]int8, 0, rows)
		at := make([]int32, 0, rows)
		for i := from; i < to; i++ {
			lo, hi := elemRange(a, i)
			for j := 0; j < u.counts[i]; j++ {
				if lo+j < hi {
					from8, at = append(from8, 0), append(at, int32(lo+j))
				} else {
					from8, at = append(from8, -1), append(at, 0)
				}
			}
		}
		children, err := u.children(a, k)
		if err != nil {
			return fail(err)
		}
		for c, child := range children {
			g, err := gatherFrom(u.env, u.outTypes[out], []arrow.Array{child}, from8, at)
			if err != nil {
				releaseAll(children[c:])
				return fail(err)
			}
			child.Release()
			cols = append(cols, g)
			out++
		}
	}
	if u.ordinality {
		cols = append(cols, int64Array(u.env, ord, ordOK))
	}
	return makeRecord(u.schema, cols, rows), nil
}

// hasElement reports whether live row i has an element j in any argument.
func (u *Unnest) hasElement(i, j int) bool {
	for _, a := range u.vals {
		if lo, hi := elemRange(a, i); lo+j < hi {
			return true
		}
	}
	return false
}

// children are the arrays argument k's element columns come from: a
// list's values (or, expanded, each field of its rows, NULL where the row
// is), a map's keys and values. Each is a new reference.
func (u *Unnest) children(a arrow.Array, k int) ([]arrow.Array, error) {
	switch a := a.(type) {
	case *array.Map:
		keys, items := a.Keys(), a.Items()
		keys.Retain()
		items.Retain()
		return []arrow.Array{keys, items}, nil
	case *array.List:
		v := a.ListValues()
		if st, ok := v.(*array.Struct); ok && u.expand[k] {
			out := make([]arrow.Array, st.NumField())
			for f := range out {
				out[f] = withParentNulls(st.Field(f), st)
			}
			return out, nil
		}
		v.Retain()
		return []arrow.Array{v}, nil
	}
	return nil, fmt.Errorf("UNNEST of %s", a.DataType()) // the binder admits only arrays and maps
}

func (u *Unnest) Close() error {
	releaseAll(u.vals)
	u.vals = nil
	releaseRecs(&u.prev)
	return u.in.Close()
}
