package fn

import (
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Set functions over arrays of scalars: array_distinct, array_union,
// array_intersect, array_except and arrays_overlap. Each hashes the
// elements of a row once, so a row of n elements costs O(n) (array_distinct
// compared every element with every kept one: 117,000 elements took 52 s).
//
// Elements compare as Trino's IS DISTINCT FROM / IDENTICAL do: NULL
// matches NULL, NaN matches NaN, -0.0 matches 0.0. Results keep the order
// of first occurrence: array_union the first array then the second,
// array_intersect the larger array (the first when sizes tie), as Trino.

// elemKeys reads the elements of a list's values array as hash keys.
type elemKeys struct {
	nulls
	str  bool
	s    strs
	keyI func(j int) int64
}

func newElemKeys(vals arrow.Array, t planner.Type) elemKeys {
	v := Vec{Arr: vals}
	k := elemKeys{nulls: arrNulls(vals)}
	switch t.Kind {
	case planner.KindVarchar, planner.KindJSON:
		k.str, k.s = true, strsOf(v)
		k.nulls = k.s.nulls
	case planner.KindDouble:
		r := floatsOf(v)
		k.keyI = func(j int) int64 {
			f := r.at(j)
			switch {
			case f != f:
				return 0x7ff8000000000001 // one NaN, whatever its payload
			case f == 0:
				return 0 // -0.0 is 0.0
			}
			return int64(math.Float64bits(f))
		}
	case planner.KindBoolean:
		r := boolsOf(v)
		k.keyI = func(j int) int64 { return b2i(r.at(j)) }
	case planner.KindUnknown:
		k.nulls = nulls{isConst: true, cnull: true}
	default:
		r := intsOf(v)
		if r.v32 != nil {
			k.keyI = func(j int) int64 { return int64(r.v32[j]) }
		} else {
			k.keyI = func(j int) int64 { return r.v[j] }
		}
	}
	return k
}

// elemSet is a set of element keys, reused from row to row. Integer-like
// keys go into an open-addressing table with Fibonacci hashing: one slot
// array, so a probe of a large table costs one cache miss; strings go into
// a Go map.
type elemSet struct {
	keys   []int64 // emptySlot marks a free slot
	shift  uint
	hasMin bool // emptySlot itself is in the set
	strs   map[string]struct{}
	null   bool
}

const emptySlot = math.MinInt64

// reset empties the set for up to n elements. Only the part of the table
// a row needs is cleared, so a large row does not slow the small rows
// after it.
func (s *elemSet) reset(n int, str bool) {
	s.null, s.hasMin = false, false
	if str {
		s.strs = make(map[string]struct{}, n)
		return
	}
	size, shift := 8, uint(61)
	for size < 2*n {
		size, shift = size*2, shift-1
	}
	if cap(s.keys) < size {
		s.keys = make([]int64, size)
	}
	s.keys = s.keys[:size]
	for i := range s.keys {
		s.keys[i] = emptySlot
	}
	s.shift = shift
}

// insert adds x and reports whether it was new.
func (s *elemSet) insert(x int64) bool {
	if x == emptySlot {
		was := s.hasMin
		s.hasMin = true
		return !was
	}
	mask := len(s.keys) - 1
	for h := int((uint64(x) * 0x9E3779B97F4A7C15) >> s.shift); ; h = (h + 1) & mask {
		switch s.keys[h] {
		case x:
			return false
		case emptySlot:
			s.keys[h] = x
			return true
		}
	}
}

func (s *elemSet) contains(x int64) bool {
	if x == emptySlot {
		return s.hasMin
	}
	mask := len(s.keys) - 1
	for h := int((uint64(x) * 0x9E3779B97F4A7C15) >> s.shift); ; h = (h + 1) & mask {
		switch s.keys[h] {
		case x:
			return true
		case emptySlot:
			return false
		}
	}
}

// add inserts element j of k and reports whether it was new. Strings are
// not cloned: the set lives only while the input arrays do.
func (s *elemSet) add(k *elemKeys, j int) bool {
	if k.null(j) {
		if s.null {
			return false
		}
		s.null = true
		return true
	}
	if k.str {
		x := k.s.at(j)
		if _, ok := s.strs[x]; ok {
			return false
		}
		s.strs[x] = struct{}{}
		return true
	}
	return s.insert(k.keyI(j))
}

func (s *elemSet) has(k *elemKeys, j int) bool {
	if k.null(j) {
		return s.null
	}
	if k.str {
		_, ok := s.strs[k.s.at(j)]
		return ok
	}
	return s.contains(k.keyI(j))
}

// setArgs are the list arguments of one call, viewed for hashing.
type setArgs struct {
	lists []*array.List
	keys  []elemKeys
}

// listsOf returns the list arguments, or ok=false when one is a NULL
// constant (every row is then NULL).
func listsOf(args []Vec, et planner.Type) (setArgs, bool) {
	var sa setArgs
	for _, a := range args {
		l, ok := listArg(a)
		if !ok {
			return sa, false
		}
		sa.lists = append(sa.lists, l)
		sa.keys = append(sa.keys, newElemKeys(l.ListValues(), et))
	}
	return sa, true
}

// ref is one picked element: argument a, element j of its values.
type ref struct{ a, j int }

// setToArray builds a kernel returning array(T): pick appends the elements
// of row i (ranges rs of each argument) to out.
func setToArray(at planner.Type, pick func(ctx *Context, sa *setArgs, set *elemSet, rs [][2]int, out []ref) ([]ref, error)) Kernel {
	et := *at.Elem
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		lb := array.NewListBuilder(ctx.Mem, et.Arrow())
		defer lb.Release()
		sa, ok := listsOf(args, et)
		if !ok {
			lb.AppendNulls(n)
			return lb.NewArray(), nil
		}
		vb := lb.ValueBuilder()
		var set elemSet
		var out []ref
		rs := make([][2]int, len(sa.lists))
	rows:
		for i := 0; i < n; i++ {
			for k, l := range sa.lists {
				if l.IsNull(i) {
					lb.AppendNull()
					continue rows
				}
				s, e := l.ValueOffsets(i)
				rs[k] = [2]int{int(s), int(e)}
			}
			size := 0
			for _, r := range rs {
				size += r[1] - r[0]
			}
			set.reset(size, sa.keys[0].str)
			var err error
			if out, err = pick(ctx, &sa, &set, rs, out[:0]); err != nil {
				return nil, err
			}
			lb.Append(true)
			for _, r := range out {
				appendFrom(vb, sa.lists[r.a].ListValues(), r.j)
			}
			if err := ctx.Poll(1 + len(out)); err != nil {
				return nil, err
			}
		}
		return lb.NewArray(), nil
	}
}

// addNew appends to out the elements of argument a in range r not yet in
// set (adding them), polling the context as it goes.
func addNew(ctx *Context, sa *setArgs, set *elemSet, a int, r [2]int, out []ref) ([]ref, error) {
	k := &sa.keys[a]
	for j := r[0]; j < r[1]; j++ {
		if set.add(k, j) {
			out = append(out, ref{a, j})
		}
		if err := ctx.Poll(1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fill adds the elements of argument a in range r to set.
func fill(ctx *Context, sa *setArgs, set *elemSet, a int, r [2]int) error {
	k := &sa.keys[a]
	for j := r[0]; j < r[1]; j++ {
		set.add(k, j)
		if err := ctx.Poll(1); err != nil {
			return err
		}
	}
	return nil
}

func arrayDistinct(ctx *Context, sa *setArgs, set *elemSet, rs [][2]int, out []ref) ([]ref, error) {
	return addNew(ctx, sa, set, 0, rs[0], out)
}

func arrayUnion(ctx *Context, sa *setArgs, set *elemSet, rs [][2]int, out []ref) ([]ref, error) {
	out, err := addNew(ctx, sa, set, 0, rs[0], out)
	if err != nil {
		return nil, err
	}
	return addNew(ctx, sa, set, 1, rs[1], out)
}

// arrayExcept: distinct elements of the first array not in the second.
func arrayExcept(ctx *Context, sa *setArgs, set *elemSet, rs [][2]int, out []ref) ([]ref, error) {
	if err := fill(ctx, sa, set, 1, rs[1]); err != nil {
		return nil, err
	}
	return addNew(ctx, sa, set, 0, rs[0], out)
}

// arrayIntersect: distinct elements of the larger array found in the
// smaller one.
func arrayIntersect(ctx *Context, sa *setArgs, set *elemSet, rs [][2]int, out []ref) ([]ref, error) {
	big, small := 0, 1
	if rs[0][1]-rs[0][0] < rs[1][1]-rs[1][0] {
		big, small = 1, 0
	}
	if err := fill(ctx, sa, set, small, rs[small]); err != nil {
		return nil, err
	}
	var seen elemSet
	seen.reset(rs[small][1]-rs[small][0], k0str(sa))
	k := &sa.keys[big]
	for j := rs[big][0]; j < rs[big][1]; j++ {
		if set.has(k, j) && seen.add(k, j) {
			out = append(out, ref{big, j})
		}
		if err := ctx.Poll(1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func k0str(sa *setArgs) bool { return sa.keys[0].str }

// arraysOverlapKernel is arrays_overlap(x, y): true when they share a
// non-NULL element; otherwise NULL when either holds a NULL, else false.
func arraysOverlapKernel(at planner.Type) Kernel {
	et := *at.Elem
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		out := newBoolOut(ctx.Mem, n)
		sa, ok := listsOf(args, et)
		var set elemSet
		for i := 0; i < n; i++ {
			if !ok || sa.lists[0].IsNull(i) || sa.lists[1].IsNull(i) {
				out.setNull(i)
				continue
			}
			s0, e0 := sa.lists[0].ValueOffsets(i)
			s1, e1 := sa.lists[1].ValueOffsets(i)
			if s0 == e0 || s1 == e1 {
				out.set(i, false) // an empty array overlaps nothing, NULLs or not
				continue
			}
			big, small := [2]int{int(s0), int(e0)}, [2]int{int(s1), int(e1)}
			bi, si := 0, 1
			if e0-s0 < e1-s1 {
				big, small, bi, si = small, big, 1, 0
			}
			set.reset(small[1]-small[0], sa.keys[0].str)
			if err := fill(ctx, &sa, &set, si, small); err != nil {
				return nil, err
			}
			found, sawNull := false, set.null
			k := &sa.keys[bi]
			for j := big[0]; j < big[1] && !found; j++ {
				if k.null(j) {
					sawNull = true
				} else if set.has(k, j) {
					found = true
				}
				if err := ctx.Poll(1); err != nil {
					return nil, err
				}
			}
			switch {
			case found:
				out.set(i, true)
			case sawNull:
				out.setNull(i)
			default:
				out.set(i, false)
			}
		}
		return out.finish(), nil
	}
}

func (c *Catalog) addArraySets() {
	one := func(f func(*Context, *setArgs, *elemSet, [][2]int, []ref) ([]ref, error)) func(args []planner.Type) *Scalar {
		return func(args []planner.Type) *Scalar {
			if len(args) != 1 || args[0].Kind != planner.KindArray || !isScalarKind(*args[0].Elem) {
				return nil
			}
			return &Scalar{Ps: ts(args[0]), Ret: args[0], Kernel: setToArray(args[0], f)}
		}
	}
	// two binds (array(T), array(T)) with T the arguments' common type.
	two := func(ret func(t planner.Type) planner.Type, kernel func(t planner.Type) Kernel) func(args []planner.Type) *Scalar {
		return func(args []planner.Type) *Scalar {
			if len(args) != 2 {
				return nil
			}
			t, ok := commonType(args)
			if !ok || t.Kind != planner.KindArray || !isScalarKind(*t.Elem) {
				return nil
			}
			return &Scalar{Ps: ts(t, t), Ret: ret(t), Kernel: kernel(t)}
		}
	}
	same := func(t planner.Type) planner.Type { return t }
	setOf := func(f func(*Context, *setArgs, *elemSet, [][2]int, []ref) ([]ref, error)) func(t planner.Type) Kernel {
		return func(t planner.Type) Kernel { return setToArray(t, f) }
	}
	c.generic("array_distinct", "(array(T))", one(arrayDistinct))
	c.generic("array_union", "(array(T), array(T))", two(same, setOf(arrayUnion)))
	c.generic("array_intersect", "(array(T), array(T))", two(same, setOf(arrayIntersect)))
	c.generic("array_except", "(array(T), array(T))", two(same, setOf(arrayExcept)))
	c.generic("arrays_overlap", "(array(T), array(T))", two(func(planner.Type) planner.Type { return tB }, arraysOverlapKernel))
}
