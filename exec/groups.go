package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// grouper maps rows to dense group IDs by their key columns, a batch at a
// time. One integer-like or string key uses a typed map (a dictionary key
// looks up each entry once per batch, on first use by a row); anything else
// (several keys, maps, rows, arrays, doubles) hashes the keys' canonical
// encoding. NULL keys form their own group. It keeps each group's key values
// in builders, filled per batch with the rows that opened new groups.
type grouper struct {
	builders []array.Builder // nil: keys not kept (DISTINCT)
	ints     map[int64]uint32
	strs     map[string]uint32
	nullID   int64 // single-key NULL group, -1 until seen
	n        uint32
	bytes    int64
	encBuf   []byte
}

func newGrouper(mem memory.Allocator, types []arrow.DataType, keep bool) *grouper {
	g := &grouper{ints: map[int64]uint32{}, strs: map[string]uint32{}, nullID: -1}
	if keep {
		for _, t := range types {
			g.builders = append(g.builders, array.NewBuilder(mem, t))
		}
	}
	return g
}

func (g *grouper) release() {
	for _, b := range g.builders {
		b.Release()
	}
	g.builders = nil
}

// assign returns the group of each of n rows of keys (dense arrays) and the
// rows that opened new groups, ascending.
func (g *grouper) assign(keys []arrow.Array, n int) ([]uint32, []int32, error) {
	ids := make([]uint32, n)
	var fresh []int32
	var err error
	switch {
	case len(keys) == 1:
		fresh, err = g.assignOne(keys[0], ids)
	default:
		fresh, err = g.assignEncoded(keys, ids)
	}
	if err != nil {
		return nil, nil, err
	}
	if len(fresh) > 0 {
		for k, b := range g.builders {
			if err := appendRowsTo(b, keys[k], fresh); err != nil {
				return nil, nil, err
			}
		}
	}
	return ids, fresh, nil
}

func (g *grouper) newGroup(row int, size int) uint32 {
	id := g.n
	g.n++
	g.bytes += int64(size) + 64 // key bytes, map entry, builder slot
	_ = row
	return id
}

func (g *grouper) nullGroup(i int, ids []uint32, fresh []int32) []int32 {
	if g.nullID < 0 {
		g.nullID = int64(g.newGroup(i, 0))
		fresh = append(fresh, int32(i))
	}
	ids[i] = uint32(g.nullID)
	return fresh
}

func (g *grouper) assignOne(a arrow.Array, ids []uint32) ([]int32, error) {
	var fresh []int32
	if vals, ok := int64s(a); ok {
		for i := range ids {
			if a.IsNull(i) {
				fresh = g.nullGroup(i, ids, fresh)
				continue
			}
			id, ok := g.ints[vals[i]]
			if !ok {
				id = g.newGroup(i, 8)
				g.ints[vals[i]] = id
				fresh = append(fresh, int32(i))
			}
			ids[i] = id
		}
		return fresh, nil
	}
	switch a := a.(type) {
	case *array.String:
		for i := range ids {
			if a.IsNull(i) {
				fresh = g.nullGroup(i, ids, fresh)
				continue
			}
			s := a.Value(i)
			id, ok := g.strs[s]
			if !ok {
				id = g.newGroup(i, len(s))
				g.strs[string([]byte(s))] = id // copy: s points into the batch
				fresh = append(fresh, int32(i))
			}
			ids[i] = id
		}
		return fresh, nil
	case *array.Dictionary:
		dict, ok := a.Dictionary().(*array.String)
		if !ok {
			break
		}
		// Per batch, each dictionary entry is looked up once, when a row
		// first uses it (unused entries must not open groups).
		tbl := make([]int64, dict.Len())
		for k := range tbl {
			tbl[k] = -1
		}
		idx := dictIndexes(a)
		for i := range ids {
			if a.IsNull(i) || dict.IsNull(int(idx[i])) {
				fresh = g.nullGroup(i, ids, fresh)
				continue
			}
			k := idx[i]
			if tbl[k] < 0 {
				s := dict.Value(int(k))
				id, ok := g.strs[s]
				if !ok {
					id = g.newGroup(i, len(s))
					g.strs[string([]byte(s))] = id
					fresh = append(fresh, int32(i))
				}
				tbl[k] = int64(id)
			}
			ids[i] = uint32(tbl[k])
		}
		return fresh, nil
	}
	return g.assignEncoded([]arrow.Array{a}, ids)
}

func (g *grouper) assignEncoded(keys []arrow.Array, ids []uint32) ([]int32, error) {
	encs := make([]keyEncoder, len(keys))
	for k, a := range keys {
		e, err := newKeyEncoder(a)
		if err != nil {
			return nil, err
		}
		encs[k] = e
	}
	var fresh []int32
	buf := g.encBuf
	for i := range ids {
		buf = buf[:0]
		for _, e := range encs {
			buf = e(buf, i)
		}
		id, ok := g.strs[string(buf)]
		if !ok {
			id = g.newGroup(i, len(buf))
			g.strs[string(buf)] = id
			fresh = append(fresh, int32(i))
		}
		ids[i] = id
	}
	g.encBuf = buf
	return fresh, nil
}
