package exec

import (
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// keyFilter is a hash join's dynamic filter: it keeps the rows of a probe
// scan's batch whose key column (a top-level column or a struct field of
// one) holds a value the build side has. The scan's workers call it
// concurrently: it only reads the build's coder (a Go map read by several
// goroutines, or a strIndex).
type keyFilter struct {
	path []string
	strs *strIndex        // string keys
	ints map[int64]uint32 // integer, timestamp and boolean keys
	// seen and kept count rows while the filter decides whether it pays:
	// one that keeps most rows (a semi join on a common value) only costs
	// the workers time, so after filterTrial rows it turns itself off when
	// it kept more than filterKeep of them. The join matches exactly
	// either way.
	seen, kept atomic.Int64
	off        atomic.Bool

	keysOnce sync.Once
	keys     []string
}

const (
	filterTrial = 1 << 16
	filterKeep  = 0.75
)

func newKeyFilter(c *colCoder, idx *strIndex, path string) *keyFilter {
	f := &keyFilter{path: strings.Split(path, "."), ints: c.ints}
	if len(c.strs) > 0 || len(c.ints) == 0 {
		f.strs = idx
	}
	return f
}

// column finds the key column in rec and whether each row's parents are
// valid (nil: all are).
func (f *keyFilter) column(rec arrow.Record) (arrow.Array, []arrow.Array) {
	idx := rec.Schema().FieldIndices(f.path[0])
	if len(idx) == 0 {
		return nil, nil
	}
	a := rec.Column(idx[0])
	var parents []arrow.Array
	for _, name := range f.path[1:] {
		st, ok := a.(*array.Struct)
		if !ok {
			return nil, nil
		}
		k, ok := st.DataType().(*arrow.StructType).FieldIdx(name)
		if !ok {
			return nil, nil
		}
		parents = append(parents, st)
		a = st.Field(k)
	}
	return a, parents
}

// StringKeys implements orcstore.KeySet: the build side's string keys, so
// that the scan skips the row groups whose bloom filters hold none of them.
// Select keeps exactly the rows whose key is one of these.
func (f *keyFilter) StringKeys(limit int) (string, []string, bool) {
	if f.strs == nil || f.strs.n > limit {
		return "", nil, false
	}
	f.keysOnce.Do(func() {
		f.keys = make([]string, 0, f.strs.n)
		for i, h := range f.strs.hashes {
			if h != 0 {
				f.keys = append(f.keys, f.strs.strs[i])
			}
		}
	})
	return strings.Join(f.path, "."), f.keys, true
}

// Select implements orcstore.RowFilter.
func (f *keyFilter) Select(rec arrow.Record, sel []int32) []int32 {
	if f.off.Load() {
		return nil
	}
	out := f.selectRows(rec, sel)
	if out == nil {
		return nil
	}
	in := int64(len(sel))
	if sel == nil {
		in = rec.NumRows()
	}
	if seen := f.seen.Add(in); seen-in < filterTrial {
		if kept := f.kept.Add(int64(len(out))); seen >= filterTrial && float64(kept) > filterKeep*float64(seen) {
			f.off.Store(true)
		}
	}
	return out
}

func (f *keyFilter) selectRows(rec arrow.Record, sel []int32) []int32 {
	a, parents := f.column(rec)
	if a == nil { // not where it was planned: keep everything
		return nil
	}
	n := int(rec.NumRows())
	if x, ok := a.(*array.String); ok && len(parents) == 0 && x.NullN() == 0 {
		return f.plainStrings(x, sel, n)
	}
	valid := func(i int) bool {
		for _, p := range parents {
			if p.IsNull(i) {
				return false
			}
		}
		return validAt(a, i)
	}
	var has func(i int) bool
	switch x := a.(type) {
	case *array.String:
		has = func(i int) bool { return f.strs.find(x.Value(i)) != absent }
	case *array.Dictionary:
		dict, ok := x.Dictionary().(*array.String)
		if !ok {
			return nil
		}
		memo := make([]uint8, dict.Len()) // 0 unknown, 1 in, 2 out
		has = func(i int) bool {
			k := x.GetValueIndex(i)
			if memo[k] == 0 {
				memo[k] = 2
				if f.strs.find(dict.Value(k)) != absent {
					memo[k] = 1
				}
			}
			return memo[k] == 1
		}
	case *array.Boolean:
		has = func(i int) bool { _, ok := f.ints[int64(b2i(x.Value(i)))]; return ok }
	default:
		vals, ok := int64s(a)
		if !ok {
			return nil
		}
		has = func(i int) bool { _, ok := f.ints[vals[i]]; return ok }
	}
	out := make([]int32, 0, 64)
	if sel == nil {
		for i := 0; i < n; i++ {
			if valid(i) && has(i) {
				out = append(out, int32(i))
			}
		}
		return out
	}
	for _, i := range sel {
		if valid(int(i)) && has(int(i)) {
			out = append(out, i)
		}
	}
	return out
}

// plainStrings is Select's loop for a top-level string column without
// NULLs (eventID, an access key): the offsets are read directly, with no
// call per row but the index's.
func (f *keyFilter) plainStrings(x *array.String, sel []int32, n int) []int32 {
	offs, data := x.ValueOffsets(), x.ValueBytes()
	base := offs[0]
	at := func(i int) string {
		lo, hi := offs[i]-base, offs[i+1]-base
		if lo == hi {
			return ""
		}
		return unsafe.String(&data[lo], hi-lo)
	}
	out := make([]int32, 0, 64)
	if sel == nil {
		for i := 0; i < n; i++ {
			if f.strs.find(at(i)) != absent {
				out = append(out, int32(i))
			}
		}
		return out
	}
	for _, i := range sel {
		if f.strs.find(at(int(i))) != absent {
			out = append(out, i)
		}
	}
	return out
}
