package exec

import (
	"cmp"
	"context"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// SortKey is one compiled ORDER BY term.
type SortKey struct {
	Ev         Evaluator
	T          planner.Type
	Desc       bool
	NullsFirst bool
}

// rowComparator compares row i of keys a with row j of keys b by the sort
// keys: NULLs placed per NullsFirst regardless of direction.
func rowComparator(a, b []arrow.Array, specs []SortKey) (func(i, j int) int, error) {
	fs := make([]func(i, j int) int, len(specs))
	for k := range specs {
		ka, kb := a[k], b[k]
		f, err := comparator(ka, kb)
		if err != nil {
			return nil, err
		}
		desc, nf := specs[k].Desc, specs[k].NullsFirst
		nulls := ka.NullN() > 0 || kb.NullN() > 0 || isDict(ka) || isDict(kb)
		fs[k] = func(i, j int) int {
			if nulls {
				an, bn := !validAt(ka, i), !validAt(kb, j)
				if an || bn {
					switch {
					case an && bn:
						return 0
					case an == nf:
						return -1
					default:
						return 1
					}
				}
			}
			c := f(i, j)
			if desc {
				return -c
			}
			return c
		}
	}
	if len(fs) == 1 {
		return fs[0], nil
	}
	return func(i, j int) int {
		for _, f := range fs {
			if c := f(i, j); c != 0 {
				return c
			}
		}
		return 0
	}, nil
}

func isDict(a arrow.Array) bool { _, ok := a.(*array.Dictionary); return ok }

// sortPerm returns the stable sorted order of rec's rows.
func sortPerm(ctx context.Context, rec arrow.Record, keys []SortKey, env *Env) ([]int32, error) {
	n := int(rec.NumRows())
	evs := make([]Evaluator, len(keys))
	types := make([]planner.Type, len(keys))
	for i, k := range keys {
		evs[i], types[i] = k.Ev, k.T
	}
	arrs, err := evalAll(ctx, evs, types, Batch{Rec: rec}, env, false)
	if err != nil {
		return nil, err
	}
	defer releaseAll(arrs)
	perm := identity(n)
	if len(arrs) == 1 {
		if vals, ok := int64s(arrs[0]); ok {
			return sortIntsNulls(ctx, perm, vals, arrs[0], keys[0])
		}
	}
	f, err := rowComparator(arrs, arrs, keys)
	if err != nil {
		return nil, err
	}
	// Ties broken by row number make the unstable (pattern-defeating
	// quick) sort stable, and several times faster than SortStableFunc;
	// fn.SortFunc checks ctx between runs of the sort.
	err = fn.SortFunc(ctx, perm, func(a, b int32) int {
		if c := f(int(a), int(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return perm, err
}

// sortIntsNulls sorts by one integer-like key: NULL rows (in row order)
// before or after the sorted rest.
func sortIntsNulls(ctx context.Context, perm []int32, vals []int64, a arrow.Array, k SortKey) ([]int32, error) {
	if a.NullN() == 0 {
		return perm, sortInts(ctx, perm, vals, k.Desc)
	}
	var nulls, rest []int32
	for _, r := range perm {
		if a.IsNull(int(r)) {
			nulls = append(nulls, r)
		} else {
			rest = append(rest, r)
		}
	}
	if err := sortInts(ctx, rest, vals, k.Desc); err != nil {
		return nil, err
	}
	if k.NullsFirst {
		return append(nulls, rest...), nil
	}
	return append(rest, nulls...), nil
}

// sortInts is the single bigint/timestamp key fast path: sorting (key,
// row) pairs avoids a closure call per comparison.
func sortInts(ctx context.Context, perm []int32, vals []int64, desc bool) error {
	type kv struct {
		k int64
		i int32
	}
	ps := make([]kv, len(perm))
	for i, r := range perm {
		ps[i] = kv{vals[r], r}
	}
	var err error
	if desc {
		err = fn.SortFunc(ctx, ps, func(a, b kv) int {
			if a.k != b.k {
				return cmp.Compare(b.k, a.k)
			}
			return cmp.Compare(a.i, b.i)
		})
	} else {
		err = fn.SortFunc(ctx, ps, func(a, b kv) int {
			if a.k != b.k {
				return cmp.Compare(a.k, b.k)
			}
			return cmp.Compare(a.i, b.i)
		})
	}
	for i, p := range ps {
		perm[i] = p.i
	}
	return err
}

// collector gathers the live rows of many batches into plain builders.
type collector struct {
	schema   *arrow.Schema
	builders []array.Builder
	rows     int
	bytes    int64 // the builders' memory
}

func newCollector(mem memory.Allocator, schema *arrow.Schema) *collector {
	c := &collector{schema: schema}
	for _, f := range schema.Fields() {
		c.builders = append(c.builders, array.NewBuilder(mem, f.Type))
	}
	return c
}

func (c *collector) add(b Batch, rows []int32) error {
	for i, bl := range c.builders {
		if err := appendRowsTo(bl, b.Rec.Column(i), rows); err != nil {
			return err
		}
	}
	c.rows += len(rows)
	c.bytes = 0
	for _, bl := range c.builders {
		c.bytes += builderBytes(bl) // at capacity: builders double
	}
	return nil
}

// record returns the rows collected so far and resets the collector.
func (c *collector) record() arrow.Record {
	cols := make([]arrow.Array, len(c.builders))
	for i, bl := range c.builders {
		cols[i] = bl.NewArray()
	}
	n := c.rows
	c.rows, c.bytes = 0, 0
	return makeRecord(c.schema, cols, n)
}

func (c *collector) release() {
	for _, b := range c.builders {
		b.Release()
	}
	c.builders = nil
}

// takeRecord gathers rows of rec into a new record.
func takeRecord(mem memory.Allocator, rec arrow.Record, rows []int32) (arrow.Record, error) {
	return compact(mem, Batch{Rec: rec, Sel: rows})
}
