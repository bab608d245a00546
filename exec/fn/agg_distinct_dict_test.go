package fn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// dictWithNullEntry builds a dictionary array over vals (nil: NULL) whose
// dictionary also holds unused entries and a NULL entry; half the NULL rows
// point at that entry, half have a NULL index.
func dictWithNullEntry(rng *rand.Rand, vals []*string) arrow.Array {
	db := array.NewStringBuilder(memory.DefaultAllocator)
	defer db.Release()
	pos := map[string]int{}
	add := func(s string) {
		if _, ok := pos[s]; !ok {
			pos[s] = db.Len()
			db.Append(s)
		}
	}
	add("unused")
	for _, v := range vals {
		if v != nil {
			add(*v)
		}
	}
	nullAt := db.Len()
	db.AppendNull()
	dv := db.NewArray()
	defer dv.Release()
	ib := array.NewInt32Builder(memory.DefaultAllocator)
	defer ib.Release()
	for _, v := range vals {
		switch {
		case v != nil:
			ib.Append(int32(pos[*v]))
		case rng.IntN(2) == 0:
			ib.Append(int32(nullAt))
		default:
			ib.AppendNull()
		}
	}
	ix := ib.NewArray()
	defer ix.Release()
	return array.NewDictionaryArray(dictStr, ix, dv)
}

// TestDistinctOnDictionaries feeds count(DISTINCT x) dictionary-encoded batches (as the hash aggregate
// now passes them, undecoded), plain batches of the same values, and
// batches sharing one dictionary, over several groups; results must equal
// a naive per-group set.
func TestDistinctOnDictionaries(t *testing.T) {
	const groups = 5
	acc, ok := testCatalog.ResolveAggregate("count", []planner.Type{tV}, true)
	if ok != nil {
		t.Fatal(ok)
	}
	arr, err := testCatalog.ResolveAggregate("array_agg", []planner.Type{tV}, true)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	count, list := acc.New(), arr.New()
	list.Grow(groups)
	if d, ok := count.(DictionaryInput); !ok || !d.TakesDictionaries() {
		t.Fatal("count(DISTINCT varchar) does not take dictionaries")
	}
	count.Grow(groups)
	want := make([]map[string]bool, groups)
	hasNull := make([]bool, groups)
	for g := range want {
		want[g] = map[string]bool{}
	}
	for batch := 0; batch < 12; batch++ {
		n := 1 + rng.IntN(400)
		vals := make([]*string, n)
		gs := make([]uint32, n)
		for i := range vals {
			gs[i] = uint32(rng.IntN(groups))
			if rng.IntN(6) > 0 {
				s := fmt.Sprintf("10.0.%d.%d", batch%3, rng.IntN(25))
				vals[i] = &s
				want[gs[i]][s] = true
			} else {
				hasNull[gs[i]] = true
			}
		}
		var a arrow.Array
		if batch%4 == 3 {
			b := array.NewStringBuilder(memory.DefaultAllocator)
			for _, v := range vals {
				if v == nil {
					b.AppendNull()
				} else {
					b.Append(*v)
				}
			}
			a = b.NewArray()
			b.Release()
		} else {
			a = dictWithNullEntry(rng, vals)
		}
		if err := count.Update(gs, []arrow.Array{a}); err != nil {
			t.Fatal(err)
		}
		if err := list.Update(gs, []arrow.Array{a}); err != nil {
			t.Fatal(err)
		}
		a.Release()
	}
	res, err := count.Result(memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	lists, err := list.Result(memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer lists.Release()
	l := lists.(*array.List)
	elems := l.ListValues()
	for g := 0; g < groups; g++ {
		if got := res.(*array.Int64).Value(g); got != int64(len(want[g])) {
			t.Errorf("group %d: count(DISTINCT) = %d, want %d", g, got, len(want[g]))
		}
		// array_agg(DISTINCT) keeps each value once and NULL once.
		s, e := l.ValueOffsets(g)
		nulls, seen := 0, map[string]bool{}
		for j := s; j < e; j++ {
			if elems.IsNull(int(j)) {
				nulls++
				continue
			}
			v := elems.(*array.String).Value(int(j))
			if seen[v] || !want[g][v] {
				t.Errorf("group %d: array_agg(DISTINCT) holds %q twice or wrongly", g, v)
			}
			seen[v] = true
		}
		if len(seen) != len(want[g]) || (nulls == 1) != hasNull[g] || nulls > 1 {
			t.Errorf("group %d: array_agg(DISTINCT) has %d values and %d NULLs, want %d and %v", g, len(seen), nulls, len(want[g]), hasNull[g])
		}
	}
}

// BenchmarkCountDistinctDictionary: count(DISTINCT x) over 1M rows of 80
// distinct strings in batches of 8192, one group, dictionary-encoded (as
// the hash aggregate passes them now) or plain (as it used to decode them).
func BenchmarkCountDistinctDictionary(b *testing.B) {
	for _, dict := range []bool{true, false} {
		b.Run(fmt.Sprintf("dict=%v", dict), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			vals := make([]*string, 8192)
			for i := range vals {
				s := fmt.Sprintf("203.0.113.%d", rng.IntN(80))
				vals[i] = &s
			}
			a := dictWithNullEntry(rng, vals)
			defer a.Release()
			if !dict {
				plain := decodeDict(a)
				a = plain
			}
			groups := make([]uint32, 8192)
			agg, err := testCatalog.ResolveAggregate("count", []planner.Type{tV}, true)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				acc := agg.New()
				acc.Grow(1)
				for n := 0; n < 1<<20; n += 8192 {
					if err := acc.Update(groups, []arrow.Array{a}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(1<<20)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
