package bloom

import (
	"fmt"
	"math/rand"
	"testing"
)

// A Set answers exactly what testing each value with MightContainString
// answers, for filters of several shapes, in words and in bytes: it only
// reorders the same probes.
func TestSetMatchesMightContainString(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	word := func() string { return fmt.Sprintf("%016x-%d", rng.Uint64(), rng.Intn(1000)) }
	type probe struct {
		name string
		f    *Filter
	}
	var filters []probe
	for _, shape := range []struct {
		n   int
		fpp float64
	}{{100, 0.3}, {10, 0.05}, {1000, 0.01}, {10000, 0.0001}} {
		for g := 0; g < 6; g++ {
			f, _ := New(shape.n, shape.fpp)
			if shape.fpp == 0.3 && f.k >= 4 {
				t.Fatalf("fpp 0.3 gives %d hash functions; the test wants fewer than 4", f.k)
			}
			for i := 0; i < rng.Intn(shape.n+1); i++ {
				f.AddString(word())
			}
			p := f.Proto()
			raw, err := FromUTF8Bitset(int(p.GetNumHashFunctions()), p.GetUtf8Bitset())
			if err != nil {
				t.Fatal(err)
			}
			filters = append(filters, probe{fmt.Sprint(shape.n, "/", g), f}, probe{fmt.Sprint(shape.n, "/", g, " raw"), raw})
		}
	}
	// Sets: empty, one value, values some of which were added.
	var added []string
	f0, _ := New(100, 0.01)
	for i := 0; i < 50; i++ {
		added = append(added, word())
		f0.AddString(added[i])
	}
	filters = append(filters, probe{"f0", f0})
	sets := [][]string{nil, {"absent"}, added[:1], added[49:]}
	for _, n := range []int{10, 1000, 20000} {
		var vs []string
		for i := 0; i < n; i++ {
			vs = append(vs, word())
		}
		sets = append(sets, vs, append(vs[:n:n], added[rng.Intn(len(added))]))
	}
	for si, vs := range sets {
		s := NewSet(vs)
		for _, p := range filters {
			want := false
			for _, v := range vs {
				if p.f.MightContainString(v) {
					want = true
					break
				}
			}
			if got := s.MightContainAny(p.f); got != want {
				t.Fatalf("set %d (%d values), filter %s: MightContainAny %v, MightContainString of some value %v", si, len(vs), p.name, got, want)
			}
		}
	}
	// One value at a time: every probe counts (a set of many values hides
	// a probe skipped by one of them behind another's answer).
	for i := 0; i < 3000; i++ {
		v := word()
		s := NewSet([]string{v})
		for _, p := range filters {
			if got, want := s.MightContainAny(p.f), p.f.MightContainString(v); got != want {
				t.Fatalf("value %q, filter %s: MightContainAny %v, MightContainString %v", v, p.name, got, want)
			}
		}
	}
	if !NewSet(added).MightContainAny(f0) {
		t.Fatal("a set of added values is ruled out")
	}
}

// BenchmarkSetMightContainAny tests an hour's keys (9,457) against row
// group filters of 10,000 other values (a join probing a store by eventID).
func BenchmarkSetMightContainAny(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	var keys []string
	for i := 0; i < 9457; i++ {
		keys = append(keys, fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()))
	}
	var filters []*Filter
	for g := 0; g < 16; g++ {
		f, _ := New(10000, 0.00001)
		for i := 0; i < 10000; i++ {
			f.AddString(fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()))
		}
		filters = append(filters, f)
	}
	s := NewSet(keys)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.MightContainAny(filters[i%len(filters)])
	}
}
