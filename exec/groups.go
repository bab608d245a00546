package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// grouper maps rows to dense group IDs by their key columns, a batch at a
// time: each key column's values are coded (colCoder) and the codes of
// several columns folded pair by pair (pairCoder), see keycodes.go. Group
// IDs follow the order rows first show their key; NULL keys form their own
// group. It keeps each group's key values in builders, filled per batch
// with the rows that opened new groups.
type grouper struct {
	builders []array.Builder // nil: keys not kept (DISTINCT)
	cols     []*colCoder
	pairs    []*pairCoder // pairs[k-1] folds column k into the key of columns < k
	n        uint32
	scratch  []uint32
	ids      []uint32 // assign's result, reused
}

func newGrouper(mem memory.Allocator, types []arrow.DataType, keep bool) *grouper {
	g := &grouper{}
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
	for _, c := range g.cols {
		c.release()
	}
}

// size is the memory the grouper holds: its key builders at capacity, the
// coders' maps and the scratch slices.
func (g *grouper) size() int64 {
	var s int64
	for _, b := range g.builders {
		s += builderBytes(b)
	}
	for _, c := range g.cols {
		s += c.bytes
	}
	for _, p := range g.pairs {
		s += p.size()
	}
	return s + int64(cap(g.scratch)+cap(g.ids))*4
}

// assign returns the group of each of n rows of keys (dense arrays) and the
// rows that opened new groups, ascending. The IDs are valid until the next
// call (accumulators do not keep them).
func (g *grouper) assign(keys []arrow.Array, n int) ([]uint32, []int32, error) {
	for len(g.cols) < len(keys) {
		g.cols = append(g.cols, newColCoder())
	}
	for len(g.pairs) < len(keys)-1 {
		g.pairs = append(g.pairs, newPairCoder())
	}
	if cap(g.ids) < n {
		g.ids = make([]uint32, n)
	}
	ids := g.ids[:n]
	if err := g.cols[0].codes(keys[0], ids); err != nil {
		return nil, nil, err
	}
	var fresh []int32
	if len(keys) == 1 {
		fresh = append(fresh, g.cols[0].fresh...)
		g.n = g.cols[0].n
	} else {
		if cap(g.scratch) < n {
			g.scratch = make([]uint32, n)
		}
		codes := g.scratch[:n]
		aN := g.cols[0].n
		for k := 1; k < len(keys); k++ {
			c := g.cols[k]
			if err := c.codes(keys[k], codes); err != nil {
				return nil, nil, err
			}
			var fr *[]int32
			if k == len(keys)-1 {
				fr = &fresh
			}
			g.pairs[k-1].fold(ids, codes, aN, c.n, fr)
			aN = g.pairs[k-1].n
		}
		g.n = aN
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
