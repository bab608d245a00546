package fn

import (
	"math"
	"sort"
	"strings"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// histogram(x) → map(x, bigint) and map_agg(k, v) → map(k, v) over scalar
// types. NULL keys are skipped, as in Trino. histogram's keys come out
// sorted (Trino leaves the order unspecified; sorted is reproducible);
// map_agg keeps the first value seen for a key, and sorts its keys too.

// hkey is a hashable form of a non-NULL scalar value.
type hkey struct {
	i int64
	s string
}

func keyOf(x planner.Value, t planner.Type) hkey {
	switch t.Kind {
	case planner.KindVarchar, planner.KindJSON, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix, planner.KindUUID:
		return hkey{s: x.Str}
	case planner.KindDouble:
		f := x.Float
		if f == 0 {
			f = 0
		}
		return hkey{i: int64(math.Float64bits(f))}
	case planner.KindBoolean:
		return hkey{i: b2i(x.Bool)}
	}
	return hkey{i: x.Int}
}

func valueOfKey(k hkey, t planner.Type) planner.Value {
	switch t.Kind {
	case planner.KindVarchar, planner.KindJSON, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix, planner.KindUUID:
		return v(k.s)
	case planner.KindDouble:
		return vf(math.Float64frombits(uint64(k.i)))
	case planner.KindBoolean:
		return vb(k.i != 0)
	}
	return vi(k.i)
}

// appendValue appends a scalar planner.Value to a builder of type t.
func appendValue(b array.Builder, x planner.Value, t planner.Type) {
	o := newValOut(memory.DefaultAllocator, t, 1)
	o.set(0, x)
	a := o.finish()
	appendFrom(b, a, 0)
	a.Release()
}

type histogramAcc struct {
	t      planner.Type
	counts []map[hkey]int64
	bytes  int64 // the maps and their cloned keys
	text   int64 // key bytes, for ResultBytes
	n      int64 // entries
}

func (a *histogramAcc) Grow(n int) { a.counts = grow(a.counts, n) }

func (a *histogramAcc) Update(groups []uint32, args []arrow.Array) error {
	get := arrGetter(args[0], a.t)
	for i, g := range groups {
		x := get(i)
		if x.Null {
			continue
		}
		m := a.counts[g]
		if m == nil {
			m = map[hkey]int64{}
			a.counts[g] = m
			a.bytes += mapHeader
		}
		k := keyOf(x, a.t)
		if _, ok := m[k]; !ok {
			k.s = strings.Clone(k.s)
			a.bytes += mapEntryBytes(int64(unsafe.Sizeof(k))+8) + heapBytes(len(k.s))
			a.text += int64(len(k.s))
			a.n++
		}
		m[k]++
	}
	return nil
}

func (a *histogramAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	mb := array.NewMapBuilder(mem, a.t.Arrow(), arrow.PrimitiveTypes.Int64, false)
	defer mb.Release()
	kb, ib := mb.KeyBuilder(), mb.ItemBuilder().(*array.Int64Builder)
	reserveEntries(mb, int(a.n), a.text, 0)
	for _, m := range a.counts {
		if m == nil {
			mb.AppendNull()
			continue
		}
		mb.Append(true)
		keys := make([]hkey, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(x, y int) bool {
			return compareValues(valueOfKey(keys[x], a.t), valueOfKey(keys[y], a.t), a.t) < 0
		})
		for _, k := range keys {
			appendValue(kb, valueOfKey(k, a.t), a.t)
			ib.Append(m[k])
		}
	}
	return mb.NewArray(), nil
}

func (a *histogramAcc) Bytes() int64 { return int64(cap(a.counts))*8 + a.bytes }

// ResultBytes: the map array copies keys and counts, and sorting a
// group's keys takes a slice of them meanwhile.
func (a *histogramAcc) ResultBytes() int64 {
	return a.text + a.n*(8+8+4+int64(unsafe.Sizeof(hkey{}))) + int64(len(a.counts))*4 + arrayObject
}

type mapAggAcc struct {
	kt, vt  planner.Type
	seen    []map[hkey]struct{}
	keys    [][]planner.Value
	vals    [][]planner.Value
	bytes   int64 // the maps, the value slices' backing arrays, cloned strings
	text    int64 // key and value bytes, for ResultBytes
	keyText int64
	n       int64 // entries
}

func (a *mapAggAcc) Grow(n int) {
	a.seen, a.keys, a.vals = grow(a.seen, n), grow(a.keys, n), grow(a.vals, n)
}

func (a *mapAggAcc) Update(groups []uint32, args []arrow.Array) error {
	kg, vg := arrGetter(args[0], a.kt), arrGetter(args[1], a.vt)
	for i, g := range groups {
		k := kg(i)
		if k.Null {
			continue
		}
		m := a.seen[g]
		if m == nil {
			m = map[hkey]struct{}{}
			a.seen[g] = m
			a.bytes += mapHeader
		}
		hk := keyOf(k, a.kt)
		if _, dup := m[hk]; dup {
			continue
		}
		hk.s = strings.Clone(hk.s)
		m[hk] = struct{}{}
		k.Str = hk.s
		val := vg(i)
		val.Str = strings.Clone(val.Str)
		kc, vc := cap(a.keys[g]), cap(a.vals[g])
		a.keys[g] = append(a.keys[g], k)
		a.vals[g] = append(a.vals[g], val)
		a.bytes += capDelta(kc, cap(a.keys[g]), valueSize) + capDelta(vc, cap(a.vals[g]), valueSize) +
			mapEntryBytes(int64(unsafe.Sizeof(hk))) + heapBytes(len(k.Str)) + heapBytes(len(val.Str))
		a.text += int64(len(k.Str) + len(val.Str))
		a.keyText += int64(len(k.Str))
		a.n++
	}
	return nil
}

func (a *mapAggAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	mb := array.NewMapBuilder(mem, a.kt.Arrow(), a.vt.Arrow(), false)
	defer mb.Release()
	reserveEntries(mb, int(a.n), a.keyText, a.text-a.keyText)
	for g, ks := range a.keys {
		if a.seen[g] == nil {
			mb.AppendNull()
			continue
		}
		mb.Append(true)
		// Sorted by key, as histogram: rows reach the accumulator in scan
		// order, which parallel scan workers do not fix.
		order := make([]int, len(ks))
		for j := range order {
			order[j] = j
		}
		sort.SliceStable(order, func(x, y int) bool { return compareValues(ks[order[x]], ks[order[y]], a.kt) < 0 })
		for _, j := range order {
			appendValue(mb.KeyBuilder(), ks[j], a.kt)
			appendValue(mb.ItemBuilder(), a.vals[g][j], a.vt)
		}
	}
	return mb.NewArray(), nil
}

func (a *mapAggAcc) Bytes() int64 {
	return int64(cap(a.seen))*8 + int64(cap(a.keys)+cap(a.vals))*sliceHeader + a.bytes
}

// ResultBytes: the map array copies keys and values, and sorting a
// group's keys takes an index slice meanwhile.
func (a *mapAggAcc) ResultBytes() int64 {
	return a.text + a.n*(8+8+8+8) + int64(len(a.seen))*4 + arrayObject
}

func (c *Catalog) addMapAggs() {
	c.agg("histogram", "(T)", func(args []planner.Type, distinct bool) *Aggregate {
		t, ok := one(args)
		if !ok || !isScalarKind(t) || t.Kind == planner.KindUnknown {
			return nil
		}
		return &Aggregate{Ps: ts(t), Ret: planner.MapOf(t, tI), New: func() Accumulator { return &histogramAcc{t: t} }}
	})
	c.agg("map_agg", "(K, V)", func(args []planner.Type, distinct bool) *Aggregate {
		if len(args) != 2 || !isScalarKind(args[0]) || !isScalarKind(args[1]) || args[0].Kind == planner.KindUnknown {
			return nil
		}
		kt, vt := args[0], args[1]
		if vt.Kind == planner.KindUnknown {
			vt = tV
		}
		return &Aggregate{Ps: ts(kt, vt), Ret: planner.MapOf(kt, vt), New: func() Accumulator { return &mapAggAcc{kt: kt, vt: vt} }}
	})
}

// reserveEntries sizes a map builder for n entries with the given key and
// value text (string builders), so the result holds no doubling slack.
func reserveEntries(mb *array.MapBuilder, n int, keyText, valText int64) {
	mb.KeyBuilder().Reserve(n)
	mb.ItemBuilder().Reserve(n)
	if sb, ok := mb.KeyBuilder().(*array.StringBuilder); ok {
		sb.ReserveData(int(keyText))
	}
	if sb, ok := mb.ItemBuilder().(*array.StringBuilder); ok {
		sb.ReserveData(int(valText))
	}
}
