package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// joinTable is a hash join's build side: its rows gathered into one dense
// record of plain arrays, each row's key number (joinkeys.go), and the rows
// of each key number in one array (rows[starts[k]:starts[k+1]]), so a
// probe row's matches are one slice.
type joinTable struct {
	rec     arrow.Record
	g       *grouper
	keyOf   []uint32 // per build row: its key number, or absent (a NULL key)
	starts  []int32
	rows    []int32
	hasNull bool // some build row has a NULL key
	// bytes is what the table holds, as the memory limit counts it;
	// payload is its rows' and index's size alone, which EXPLAIN ANALYZE
	// prints (it does not depend on the order batches arrived in).
	bytes, payload int64
}

// buildTable reads all of in, then numbers its rows' keys. check is called
// with the bytes held as the table grows (the query's memory budget). The
// keys are coded over the gathered, plain record (not batch by batch), so
// the table and its size do not depend on the order the scan's workers
// delivered batches in.
func buildTable(ctx context.Context, in Operator, keys []Evaluator, types []planner.Type, env *Env, check func(int64) error) (*joinTable, error) {
	t := &joinTable{g: newGrouper(env.mem(), nil, false)}
	c := newCollector(env.mem(), plainSchema(in.Schema()))
	defer c.release()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b.Rec == nil {
			break
		}
		if err := c.add(b, liveRows(b)); err != nil {
			return nil, err
		}
		if err := check(c.bytes); err != nil {
			return nil, err
		}
	}
	t.rec = c.record()
	n := int(t.rec.NumRows())
	t.keyOf = make([]uint32, 0, n)
	size := env.batchSize()
	var nulls []bool
	for lo := 0; lo < n; lo += size {
		if len(keys) == 0 {
			for i := lo; i < min(n, lo+size); i++ {
				t.keyOf = append(t.keyOf, 0)
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		part := t.rec.NewSlice(int64(lo), int64(min(n, lo+size)))
		m := int(part.NumRows())
		ks, err := evalAll(ctx, keys, types, Batch{Rec: part}, env, false)
		part.Release()
		if err != nil {
			return nil, err
		}
		ids, _, err := t.g.assign(ks, m)
		if err == nil {
			nulls = anyNull(ks, m, nulls)
			for i, id := range ids {
				if nulls[i] {
					id, t.hasNull = absent, true
				}
				t.keyOf = append(t.keyOf, id)
			}
		}
		releaseAll(ks)
		if err != nil {
			return nil, err
		}
		if err := check(recordBytes(t.rec) + t.g.size() + int64(cap(t.keyOf))*4); err != nil {
			return nil, err
		}
	}
	t.index()
	index := int64(cap(t.keyOf)+cap(t.starts)+cap(t.rows)) * 4
	t.bytes = recordBytes(t.rec) + t.g.size() + index
	for _, c := range t.rec.Columns() {
		t.payload += arrayBytes(c.Data())
	}
	t.payload += index
	return t, check(t.bytes)
}

// index lays the rows out by key number.
func (t *joinTable) index() {
	keys := int(t.g.n)
	if len(t.keyOf) > 0 && keys == 0 {
		keys = 1 // no key columns: every row has key 0
	}
	t.starts = make([]int32, keys+1)
	for _, k := range t.keyOf {
		if k != absent {
			t.starts[k+1]++
		}
	}
	for k := 1; k <= keys; k++ {
		t.starts[k] += t.starts[k-1]
	}
	t.rows = make([]int32, t.starts[keys])
	next := append([]int32(nil), t.starts[:keys]...)
	for r, k := range t.keyOf {
		if k != absent {
			t.rows[next[k]] = int32(r)
			next[k]++
		}
	}
}

// matches are the build rows with key number k.
func (t *joinTable) matches(k uint32) []int32 {
	if k == absent || int(k)+1 >= len(t.starts) {
		return nil
	}
	return t.rows[t.starts[k]:t.starts[k+1]]
}

func (t *joinTable) len() int { return len(t.keyOf) }

func (t *joinTable) release() {
	if t.rec != nil {
		t.rec.Release()
		t.rec = nil
	}
	t.g.release()
}

// plainSchema is s with every dictionary replaced by its value type.
func plainSchema(s *arrow.Schema) *arrow.Schema {
	fs := s.Fields()
	for i := range fs {
		fs[i].Type = plainType(fs[i].Type)
	}
	return arrow.NewSchema(fs, nil)
}
