package fn

import (
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// minMaxAcc is min or max over a scalar orderable type. Strings are
// cloned when stored, since input buffers belong to the caller.
type minMaxAcc struct {
	t      planner.Type
	max    bool
	i      []int64
	f      []float64
	s      []string
	has    []bool
	sBytes int64 // heap held by the strings in s
	sLen   int64 // their length
}

// setStr stores a clone of x as group g's string.
func (a *minMaxAcc) setStr(g uint32, x string) {
	a.sBytes += heapBytes(len(x)) - heapBytes(len(a.s[g]))
	a.sLen += int64(len(x) - len(a.s[g]))
	a.s[g] = strings.Clone(x)
}

func (a *minMaxAcc) Grow(n int) {
	a.has = grow(a.has, n)
	switch a.t.Kind {
	case planner.KindDouble:
		a.f = grow(a.f, n)
	case planner.KindVarchar, planner.KindJSON, planner.KindUUID, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix:
		a.s = grow(a.s, n)
	default:
		a.i = grow(a.i, n)
	}
}

func (a *minMaxAcc) Update(groups []uint32, args []arrow.Array) error {
	v := Vec{Arr: args[0]}
	switch a.t.Kind {
	case planner.KindDouble:
		r := floatsOf(v)
		for i, g := range groups {
			if r.null(i) {
				continue
			}
			x := r.at(i)
			// Trino's max ranks NaN below every number and min above
			// every number: a number always replaces a NaN.
			cur := a.f[g]
			if !a.has[g] || (cur != cur && x == x) || (a.max && x > cur) || (!a.max && x < cur) {
				a.f[g], a.has[g] = x, true
			}
		}
	case planner.KindVarchar, planner.KindJSON, planner.KindUUID, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix:
		r := strsOf(v)
		for i, g := range groups {
			if r.null(i) {
				continue
			}
			x := r.at(i)
			if !a.has[g] || (a.max && x > a.s[g]) || (!a.max && x < a.s[g]) {
				a.setStr(g, x)
				a.has[g] = true
			}
		}
	case planner.KindBoolean:
		r := boolsOf(v)
		for i, g := range groups {
			if r.null(i) {
				continue
			}
			x := b2i(r.at(i))
			if !a.has[g] || (a.max && x > a.i[g]) || (!a.max && x < a.i[g]) {
				a.i[g], a.has[g] = x, true
			}
		}
	default:
		r := intsOf(v)
		if r.isConst {
			return nil
		}
		for i, g := range groups {
			if r.null(i) {
				continue
			}
			x := r.at(i)
			if !a.has[g] || (a.max && x > a.i[g]) || (!a.max && x < a.i[g]) {
				a.i[g], a.has[g] = x, true
			}
		}
	}
	return nil
}

func (a *minMaxAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newValOut(mem, a.t, len(a.has))
	if out.s != nil {
		out.s = newStrOut(mem, len(a.has), int(a.sLen)) // sized: no doubling slack
	}
	for g, ok := range a.has {
		switch {
		case !ok:
			out.set(g, vnull)
		case a.t.Kind == planner.KindDouble:
			out.set(g, vf(a.f[g]))
		case a.s != nil:
			out.set(g, v(a.s[g]))
		case a.t.Kind == planner.KindBoolean:
			out.set(g, vb(a.i[g] != 0))
		default:
			out.set(g, vi(a.i[g]))
		}
	}
	return out.finish(), nil
}

// ResultBytes: the result copies the kept strings.
func (a *minMaxAcc) ResultBytes() int64 { return a.sLen + int64(len(a.s))*4 }

func (a *minMaxAcc) Bytes() int64 {
	return int64(cap(a.has)) + int64(cap(a.i)+cap(a.f))*8 + int64(cap(a.s))*stringHeader + a.sBytes
}

// valueStore keeps one value of any type per group (min_by's x, arbitrary).
// Chosen rows are copied into chunks this store owns (Go-managed memory),
// so no input batch is retained; chunks are compacted when most of their
// rows are no longer referenced.
type valueStore struct {
	dt      arrow.DataType
	chunks  []arrow.Array
	rows    int     // rows in chunks
	ref     []int64 // chunk<<32 | row, or -1
	pending array.Builder
	pendN   int
	held    int64 // the chunks' memory
}

func (s *valueStore) grow(n int) {
	old := len(s.ref)
	s.ref = grow(s.ref, n)
	for i := old; i < len(s.ref); i++ {
		s.ref[i] = -1
	}
}

// put makes row of a the value of group g.
func (s *valueStore) put(g uint32, a arrow.Array, row int) {
	if s.pending == nil {
		s.pending = array.NewBuilder(memory.DefaultAllocator, s.dt)
	}
	appendFrom(s.pending, a, row)
	s.ref[g] = int64(len(s.chunks))<<32 | int64(s.pendN)
	s.pendN++
}

// flush ends an Update: pending rows become a chunk; compaction when the
// chunks hold far more rows than there are groups.
func (s *valueStore) flush() {
	if s.pendN == 0 {
		return
	}
	c := s.pending.NewArray()
	s.chunks = append(s.chunks, c)
	s.held += arrayBytes(c)
	s.rows += s.pendN
	s.pendN = 0
	if len(s.chunks) > 16 && s.rows > 2*len(s.ref)+1024 {
		all := s.result(memory.DefaultAllocator)
		s.chunks = []arrow.Array{all}
		s.held = arrayBytes(all)
		s.rows = all.Len()
		for g := range s.ref {
			s.ref[g] = int64(g)
		}
	}
}

func (s *valueStore) result(mem memory.Allocator) arrow.Array {
	b := array.NewBuilder(mem, s.dt)
	defer b.Release()
	b.Reserve(len(s.ref))
	for _, r := range s.ref {
		if r < 0 {
			b.AppendNull()
			continue
		}
		appendFrom(b, s.chunks[r>>32], int(r&0xffffffff))
	}
	return b.NewArray()
}

// resultBytes estimates the copy result makes: one row per group, at the
// chunks' average row size (chunks also hold rows no group keeps).
func (s *valueStore) resultBytes() int64 {
	if s.rows == 0 {
		return 0
	}
	return s.held * int64(min(len(s.ref), s.rows)) / int64(s.rows)
}

func (s *valueStore) bytes() int64 {
	return int64(cap(s.ref))*8 + int64(cap(s.chunks))*16 + s.held
}

// byAcc is min_by(x, y) / max_by(x, y): x of the row with the least
// (greatest) non-NULL y; ties keep the first seen.
type byAcc struct {
	keys minMaxAcc
	vals valueStore
}

func (a *byAcc) Grow(n int) { a.keys.Grow(n); a.vals.grow(n) }
func (a *byAcc) Update(groups []uint32, args []arrow.Array) error {
	// Find per row whether it improves its group's key, using a scratch
	// copy of the key accumulator's logic via planner.Values.
	key := arrGetter(args[1], a.keys.t)
	for i, g := range groups {
		k := key(i)
		if k.Null {
			continue
		}
		if a.keys.has[g] && !a.better(k, g) {
			continue
		}
		a.keys.store(g, k)
		a.vals.put(g, args[0], i)
	}
	a.vals.flush()
	return nil
}

func (a *byAcc) better(k planner.Value, g uint32) bool {
	var cur planner.Value
	switch a.keys.t.Kind {
	case planner.KindDouble:
		cur = vf(a.keys.f[g])
	case planner.KindVarchar, planner.KindJSON, planner.KindUUID, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix:
		cur = v(a.keys.s[g])
	default:
		cur = vi(a.keys.i[g])
	}
	c := compareValues(k, cur, a.keys.t)
	if a.keys.max {
		return c > 0
	}
	return c < 0
}

func (m *minMaxAcc) store(g uint32, k planner.Value) {
	m.has[g] = true
	switch m.t.Kind {
	case planner.KindDouble:
		m.f[g] = k.Float
	case planner.KindVarchar, planner.KindJSON, planner.KindUUID, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix:
		m.setStr(g, k.Str)
	case planner.KindBoolean:
		m.i[g] = b2i(k.Bool)
	default:
		m.i[g] = k.Int
	}
}

func (a *byAcc) Result(mem memory.Allocator) (arrow.Array, error) { return a.vals.result(mem), nil }
func (a *byAcc) Bytes() int64                                     { return a.keys.Bytes() + a.vals.bytes() }

// ResultBytes: the result copies the kept values.
func (a *byAcc) ResultBytes() int64 { return a.vals.resultBytes() }

// arbitraryAcc keeps the first non-NULL value per group.
type arbitraryAcc struct{ vals valueStore }

func (a *arbitraryAcc) Grow(n int) { a.vals.grow(n) }
func (a *arbitraryAcc) Update(groups []uint32, args []arrow.Array) error {
	for i, g := range groups {
		if a.vals.ref[g] < 0 && !args[0].IsNull(i) {
			a.vals.put(g, args[0], i)
		}
	}
	a.vals.flush()
	return nil
}
func (a *arbitraryAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	return a.vals.result(mem), nil
}
func (a *arbitraryAcc) Bytes() int64 { return a.vals.bytes() }

// ResultBytes: the result copies the kept values.
func (a *arbitraryAcc) ResultBytes() int64 { return a.vals.resultBytes() }

// arrayAggAcc is array_agg(x): every value, NULLs included, in input order;
// a group with no rows gives NULL. Each batch's rows are copied into a chunk
// sized exactly (no builder slack), and refs point at them.
type arrayAggAcc struct {
	dt     arrow.DataType
	chunks []arrow.Array
	refs   [][]int64
	held   int64 // chunks and refs' backing arrays
	data   int64 // the chunks' payload: the size of the result's values
}

func (a *arrayAggAcc) Grow(n int) { a.refs = grow(a.refs, n) }
func (a *arrayAggAcc) Update(groups []uint32, args []arrow.Array) error {
	b := array.NewBuilder(memory.DefaultAllocator, a.dt)
	defer b.Release()
	b.Reserve(len(groups))
	reserveData(b, args[0])
	c := int64(len(a.chunks)) << 32
	for i, g := range groups {
		appendFrom(b, args[0], i)
		before := cap(a.refs[g])
		a.refs[g] = append(a.refs[g], c|int64(i))
		a.held += capDelta(before, cap(a.refs[g]), 8)
	}
	chunk := b.NewArray()
	a.chunks = append(a.chunks, chunk)
	a.held += arrayBytes(chunk)
	a.data += payloadBytes(chunk)
	return nil
}
func (a *arrayAggAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	lb := array.NewListBuilder(mem, a.dt)
	defer lb.Release()
	lb.Reserve(len(a.refs))
	vb := lb.ValueBuilder()
	// Size the values exactly: the copy is as large as the state.
	n, text := 0, 0
	for _, refs := range a.refs {
		n += len(refs)
	}
	for _, c := range a.chunks {
		if s, ok := c.(*array.String); ok && s.Len() > 0 {
			offs := s.ValueOffsets()
			text += int(offs[len(offs)-1] - offs[0])
		}
	}
	vb.Reserve(n)
	if sb, ok := vb.(*array.StringBuilder); ok {
		sb.ReserveData(text)
	}
	for _, refs := range a.refs {
		if len(refs) == 0 {
			lb.AppendNull()
			continue
		}
		lb.Append(true)
		for _, r := range refs {
			appendFrom(vb, a.chunks[r>>32], int(r&0xffffffff))
		}
	}
	return lb.NewArray(), nil
}
func (a *arrayAggAcc) Bytes() int64 {
	return a.held + int64(cap(a.refs))*sliceHeader + int64(cap(a.chunks))*16
}

// ResultBytes: the list copies every value.
func (a *arrayAggAcc) ResultBytes() int64 { return a.data + int64(len(a.refs))*4 + arrayObject }

func (c *Catalog) addMinMax() {
	for _, name := range []string{"min", "max"} {
		isMax := name == "max"
		c.agg(name, "(T) with T orderable", func(args []planner.Type, distinct bool) *Aggregate {
			t, ok := one(args)
			if !ok || !isScalarKind(t) || !t.Orderable() {
				return nil
			}
			if t.Kind == planner.KindUnknown {
				t = tV
			}
			return &Aggregate{Ps: ts(t), Ret: t, New: withDistinct(distinct, t, func() Accumulator { return &minMaxAcc{t: t, max: isMax} })}
		})
	}
	for _, name := range []string{"min_by", "max_by"} {
		isMax := name == "max_by"
		c.agg(name, "(X, Y) with Y orderable", func(args []planner.Type, distinct bool) *Aggregate {
			if len(args) != 2 || !isScalarKind(args[1]) || !args[1].Orderable() {
				return nil
			}
			x, y := args[0], args[1]
			if x.Kind == planner.KindUnknown {
				x = tV
			}
			return &Aggregate{Ps: ts(x, y), Ret: x, New: func() Accumulator {
				return &byAcc{keys: minMaxAcc{t: y, max: isMax}, vals: valueStore{dt: x.Arrow()}}
			}}
		})
	}
	c.agg("arbitrary,any_value", "(T)", func(args []planner.Type, distinct bool) *Aggregate {
		t, ok := one(args)
		if !ok {
			return nil
		}
		return &Aggregate{Ps: ts(t), Ret: t, New: func() Accumulator { return &arbitraryAcc{vals: valueStore{dt: t.Arrow()}} }}
	})
	c.agg("array_agg", "(T)", func(args []planner.Type, distinct bool) *Aggregate {
		t, ok := one(args)
		if !ok {
			return nil
		}
		if t.Kind == planner.KindUnknown {
			t = tV
		}
		return &Aggregate{Ps: ts(t), Ret: planner.ArrayOf(t), New: withDistinct(distinct, t, func() Accumulator { return &arrayAggAcc{dt: t.Arrow()} })}
	})
}
