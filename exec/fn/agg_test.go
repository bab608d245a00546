package fn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// aggData is a random input: per row a group and one value per column.
type aggData struct {
	groups []uint32
	cols   map[string][]planner.Value
	types  map[string]planner.Type
	ngroup int // groups used are < ngroup-1; the last group stays empty
}

func randomAggData(rng *rand.Rand, n, ngroup int) *aggData {
	d := &aggData{cols: map[string][]planner.Value{}, ngroup: ngroup, types: map[string]planner.Type{
		"i": tI, "f": tD, "s": tV, "t": tTS, "b": tB,
	}}
	words := []string{"GetObject", "PutObject", "AssumeRole", "ListBuckets", "", "é"}
	for r := 0; r < n; r++ {
		d.groups = append(d.groups, uint32(rng.IntN(ngroup-1)))
		null := func() bool { return rng.IntN(10) == 0 }
		mk := func(v planner.Value) planner.Value {
			if null() {
				return planner.Value{Null: true}
			}
			return v
		}
		d.cols["i"] = append(d.cols["i"], mk(vi(int64(rng.IntN(101)-50))))
		d.cols["f"] = append(d.cols["f"], mk(vf(float64(rng.IntN(21))/4-2)))
		d.cols["s"] = append(d.cols["s"], mk(v(words[rng.IntN(len(words))])))
		d.cols["t"] = append(d.cols["t"], mk(vi(int64(rng.IntN(1000))*nsPerHour)))
		d.cols["b"] = append(d.cols["b"], mk(vb(rng.IntN(3) == 0)))
	}
	return d
}

// runAgg feeds the data in random-sized batches and returns the result.
func runAgg(t *testing.T, rng *rand.Rand, d *aggData, name string, distinct bool, cols ...string) (arrow.Array, error) {
	t.Helper()
	types := make([]planner.Type, len(cols))
	for i, c := range cols {
		types[i] = d.types[c]
	}
	a, err := testCatalog.ResolveAggregate(name, types, distinct)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	acc := a.New()
	seen := 0
	for start := 0; start < len(d.groups); {
		end := min(len(d.groups), start+1+rng.IntN(700))
		g := d.groups[start:end]
		for _, x := range g {
			if int(x)+1 > seen {
				seen = int(x) + 1
				acc.Grow(seen)
			}
		}
		arrs := make([]arrow.Array, len(cols))
		for i, c := range cols {
			out := newValOut(memory.DefaultAllocator, types[i], end-start)
			for r := start; r < end; r++ {
				out.set(r-start, d.cols[c][r])
			}
			arrs[i] = out.finish()
		}
		if err := acc.Update(g, arrs); err != nil {
			return nil, err
		}
		for _, x := range arrs {
			x.Release()
		}
		start = end
	}
	acc.Grow(d.ngroup)
	if acc.Bytes() <= 0 {
		t.Errorf("%s: Bytes() = %d", name, acc.Bytes())
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	res, err := acc.Result(mem)
	if err != nil {
		return nil, err
	}
	if res.Len() != d.ngroup {
		t.Fatalf("%s: %d results for %d groups", name, res.Len(), d.ngroup)
	}
	if !arrow.TypeEqual(res.DataType(), a.Ret.Arrow()) {
		t.Fatalf("%s: result type %v, declared %v", name, res.DataType(), a.Ret.Arrow())
	}
	return res, nil
}

// perGroup lists the values of column c for each group.
func (d *aggData) perGroup(c string) [][]planner.Value {
	out := make([][]planner.Value, d.ngroup)
	for r, g := range d.groups {
		out[g] = append(out[g], d.cols[c][r])
	}
	return out
}

func nonNull(vs []planner.Value) []planner.Value {
	var out []planner.Value
	for _, x := range vs {
		if !x.Null {
			out = append(out, x)
		}
	}
	return out
}

func distinctVals(vs []planner.Value) []planner.Value {
	var out []planner.Value
	for _, x := range vs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestAggregatesAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	d := randomAggData(rng, 6000, 41)
	type check struct {
		name     string
		distinct bool
		cols     []string
		want     func(g int) planner.Value // naive, per group
		retT     planner.Type
	}
	null := planner.Value{Null: true}
	count := func(c string, distinct bool) func(int) planner.Value {
		return func(g int) planner.Value {
			vs := nonNull(d.perGroup(c)[g])
			if distinct {
				vs = distinctVals(vs)
			}
			return vi(int64(len(vs)))
		}
	}
	sumI := func(distinct bool) func(int) planner.Value {
		return func(g int) planner.Value {
			vs := nonNull(d.perGroup("i")[g])
			if distinct {
				vs = distinctVals(vs)
			}
			if len(vs) == 0 {
				return null
			}
			s := int64(0)
			for _, x := range vs {
				s += x.Int
			}
			return vi(s)
		}
	}
	avgF := func(g int) planner.Value {
		vs := nonNull(d.perGroup("f")[g])
		if len(vs) == 0 {
			return null
		}
		s := 0.0
		for _, x := range vs {
			s += x.Float
		}
		return vf(s / float64(len(vs)))
	}
	extreme := func(c string, t planner.Type, max bool) func(int) planner.Value {
		return func(g int) planner.Value {
			vs := nonNull(d.perGroup(c)[g])
			if len(vs) == 0 {
				return null
			}
			best := vs[0]
			for _, x := range vs[1:] {
				if cmp := compareValues(x, best, t); (max && cmp > 0) || (!max && cmp < 0) {
					best = x
				}
			}
			return best
		}
	}
	by := func(max bool) func(int) planner.Value {
		return func(g int) planner.Value {
			// x = s, y = t; ties keep the first row.
			var best, bestY planner.Value
			found := false
			for r, gr := range d.groups {
				if int(gr) != g || d.cols["t"][r].Null {
					continue
				}
				y := d.cols["t"][r]
				if !found || (max && y.Int > bestY.Int) || (!max && y.Int < bestY.Int) {
					best, bestY, found = d.cols["s"][r], y, true
				}
			}
			if !found {
				return null
			}
			return best
		}
	}
	countIf := func(g int) planner.Value {
		n := 0
		for _, x := range d.perGroup("b")[g] {
			if !x.Null && x.Bool {
				n++
			}
		}
		return vi(int64(n))
	}
	boolAgg := func(and bool) func(int) planner.Value {
		return func(g int) planner.Value {
			vs := nonNull(d.perGroup("b")[g])
			if len(vs) == 0 {
				return null
			}
			r := and
			for _, x := range vs {
				if and {
					r = r && x.Bool
				} else {
					r = r || x.Bool
				}
			}
			return vb(r)
		}
	}
	// Two-pass textbook variance, independent of the accumulator's Welford.
	stat := func(sample, sqrt bool) func(int) planner.Value {
		return func(g int) planner.Value {
			vs := nonNull(d.perGroup("f")[g])
			n := float64(len(vs))
			if sample {
				n--
			}
			if n <= 0 {
				return null
			}
			mean := 0.0
			for _, x := range vs {
				mean += x.Float
			}
			mean /= float64(len(vs))
			ss := 0.0
			for _, x := range vs {
				ss += (x.Float - mean) * (x.Float - mean)
			}
			r := ss / n
			if sqrt {
				r = math.Sqrt(r)
			}
			return vf(r)
		}
	}
	checks := []check{
		{name: "count", want: func(g int) planner.Value { return vi(int64(len(d.perGroup("i")[g]))) }, retT: tI},
		{name: "count", cols: []string{"s"}, want: count("s", false), retT: tI},
		{name: "count", distinct: true, cols: []string{"s"}, want: count("s", true), retT: tI},
		{name: "count", distinct: true, cols: []string{"i"}, want: count("i", true), retT: tI},
		{name: "count", distinct: true, cols: []string{"f"}, want: count("f", true), retT: tI},
		{name: "approx_distinct", cols: []string{"i"}, want: count("i", true), retT: tI}, // small groups are exact
		{name: "approx_distinct", cols: []string{"s"}, want: count("s", true), retT: tI},
		{name: "count_if", cols: []string{"b"}, want: countIf, retT: tI},
		{name: "sum", cols: []string{"i"}, want: sumI(false), retT: tI},
		{name: "sum", distinct: true, cols: []string{"i"}, want: sumI(true), retT: tI},
		{name: "avg", cols: []string{"f"}, want: avgF, retT: tD},
		{name: "avg", cols: []string{"i"}, want: func(g int) planner.Value {
			r := sumI(false)(g)
			if r.Null {
				return r
			}
			return vf(float64(r.Int) / float64(len(nonNull(d.perGroup("i")[g]))))
		}, retT: tD},
		{name: "sum", cols: []string{"f"}, want: func(g int) planner.Value {
			vs := nonNull(d.perGroup("f")[g])
			if len(vs) == 0 {
				return null
			}
			s := 0.0
			for _, x := range vs {
				s += x.Float
			}
			return vf(s)
		}, retT: tD},
		{name: "min", cols: []string{"s"}, want: extreme("s", tV, false), retT: tV},
		{name: "max", cols: []string{"s"}, want: extreme("s", tV, true), retT: tV},
		{name: "min", cols: []string{"t"}, want: extreme("t", tTS, false), retT: tTS},
		{name: "max", cols: []string{"f"}, want: extreme("f", tD, true), retT: tD},
		{name: "max", cols: []string{"b"}, want: extreme("b", tB, true), retT: tB},
		{name: "min_by", cols: []string{"s", "t"}, want: by(false), retT: tV},
		{name: "max_by", cols: []string{"s", "t"}, want: by(true), retT: tV},
		{name: "bool_and", cols: []string{"b"}, want: boolAgg(true), retT: tB},
		{name: "stddev", cols: []string{"f"}, want: stat(true, true), retT: tD},
		{name: "var_pop", cols: []string{"f"}, want: stat(false, false), retT: tD},
		{name: "bool_or", cols: []string{"b"}, want: boolAgg(false), retT: tB},
	}
	for _, c := range checks {
		label := fmt.Sprintf("%s(%v%s)", c.name, map[bool]string{true: "DISTINCT ", false: ""}[c.distinct], c.cols)
		res, err := runAgg(t, rng, d, c.name, c.distinct, c.cols...)
		if err != nil {
			t.Errorf("%s: %v", label, err)
			continue
		}
		get := arrGetter(res, c.retT)
		for g := 0; g < d.ngroup; g++ {
			got, want := get(g), c.want(g)
			if !sameResult(got, want, c.retT) {
				t.Errorf("%s group %d = %+v, want %+v", label, g, got, want)
				break
			}
		}
		res.Release()
	}

	// histogram counts non-NULL values per key, keys sorted.
	res, err := runAgg(t, rng, d, "histogram", false, "s")
	if err != nil {
		t.Fatal(err)
	}
	for g := 0; g < d.ngroup; g++ {
		counts := map[string]int{}
		for _, x := range nonNull(d.perGroup("s")[g]) {
			counts[x.Str]++
		}
		var keys []string
		for k := range counts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf(`{"key":%q,"value":%d}`, k, counts[k])
		}
		want := "[" + strings.Join(parts, ",") + "]"
		if len(d.perGroup("s")[g]) == 0 {
			want = "NULL"
		} else if len(keys) == 0 {
			want = "NULL" // only NULL values: the group has no map
		}
		if got := arrString(res, g); got != want {
			t.Errorf("histogram group %d = %s, want %s", g, got, want)
			break
		}
	}

	// map_agg keeps the first value per non-NULL key, keys sorted.
	res, err = runAgg(t, rng, d, "map_agg", false, "s", "i")
	if err != nil {
		t.Fatal(err)
	}
	for g := 0; g < d.ngroup; g++ {
		var parts []string
		seen := map[string]bool{}
		any := false
		for r, gr := range d.groups {
			if int(gr) != g || d.cols["s"][r].Null {
				continue
			}
			any = true
			k := d.cols["s"][r].Str
			if seen[k] {
				continue
			}
			seen[k] = true
			val := "null"
			if x := d.cols["i"][r]; !x.Null {
				val = fmt.Sprint(x.Int)
			}
			parts = append(parts, k+"\x00"+fmt.Sprintf(`{"key":%q,"value":%s}`, k, val))
		}
		want := "NULL"
		if any {
			sort.Strings(parts) // by key, then drop the key prefix
			for i, p := range parts {
				parts[i] = p[strings.IndexByte(p, 0)+1:]
			}
			want = "[" + strings.Join(parts, ",") + "]"
		}
		if got := arrString(res, g); got != want {
			t.Errorf("map_agg group %d = %s, want %s", g, got, want)
			break
		}
	}

	// arbitrary returns one of the group's non-NULL values.
	res, err = runAgg(t, rng, d, "arbitrary", false, "s")
	if err != nil {
		t.Fatal(err)
	}
	get := arrGetter(res, tV)
	for g := 0; g < d.ngroup; g++ {
		got, vs := get(g), nonNull(d.perGroup("s")[g])
		if (len(vs) == 0) != got.Null || (!got.Null && !slices.Contains(vs, planner.Value{Str: got.Str})) {
			t.Errorf("arbitrary group %d = %+v, not one of the group's values", g, got)
		}
	}

	// array_agg keeps NULLs and input order; an empty group gives NULL.
	res, err = runAgg(t, rng, d, "array_agg", false, "i")
	if err != nil {
		t.Fatal(err)
	}
	for g := 0; g < d.ngroup; g++ {
		vs := d.perGroup("i")[g]
		want := "NULL"
		if len(vs) > 0 {
			parts := make([]string, len(vs))
			for i, x := range vs {
				if x.Null {
					parts[i] = "null"
				} else {
					parts[i] = fmt.Sprint(x.Int)
				}
			}
			want = "[" + strings.Join(parts, ",") + "]"
		}
		if got := arrString(res, g); got != want {
			t.Errorf("array_agg group %d = %s, want %s", g, got, want)
			break
		}
	}
}

func TestSumOverflow(t *testing.T) {
	d := &aggData{groups: []uint32{0, 0}, ngroup: 1, types: map[string]planner.Type{"i": tI},
		cols: map[string][]planner.Value{"i": {vi(math.MaxInt64), vi(1)}}}
	if _, err := runAgg(t, rand.New(rand.NewPCG(1, 1)), d, "sum", false, "i"); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("sum overflow: %v", err)
	}
}

// approx_distinct on a large group stays within a few standard errors
// (2.3%) of the truth.
func TestApproxDistinctLarge(t *testing.T) {
	for _, n := range []int{5000, 100000} {
		a := newHLLAcc(tV)
		a.Grow(1)
		out := newValOut(memory.DefaultAllocator, tV, n)
		for i := 0; i < n; i++ {
			out.set(i, v(fmt.Sprintf("arn:aws:iam::123456789012:user/u%d", i)))
		}
		arr := out.finish()
		if err := a.Update(make([]uint32, n), []arrow.Array{arr}); err != nil {
			t.Fatal(err)
		}
		res, _ := a.Result(memory.DefaultAllocator)
		got := arrGetter(res, tI)(0).Int
		if rel := math.Abs(float64(got)-float64(n)) / float64(n); rel > 3*0.023 {
			t.Errorf("approx_distinct of %d values = %d (error %.1f%%)", n, got, 100*rel)
		}
	}
}

// min_by with ever-smaller keys stores a new row on every update; the
// store compacts its chunks and must still return the right value.
func TestMinByCompaction(t *testing.T) {
	a, err := testCatalog.ResolveAggregate("min_by", []planner.Type{tV, tI}, false)
	if err != nil {
		t.Fatal(err)
	}
	acc := a.New()
	acc.Grow(2)
	key := int64(1 << 40)
	for u := 0; u < 40; u++ {
		xs := newValOut(memory.DefaultAllocator, tV, 100)
		ks := newValOut(memory.DefaultAllocator, tI, 100)
		groups := make([]uint32, 100)
		for i := 0; i < 100; i++ {
			key--
			xs.set(i, v(fmt.Sprintf("x%d", key)))
			ks.set(i, vi(key))
			groups[i] = uint32(i % 2)
		}
		xa, ka := xs.finish(), ks.finish()
		if err := acc.Update(groups, []arrow.Array{xa, ka}); err != nil {
			t.Fatal(err)
		}
		xa.Release()
		ka.Release()
	}
	res, _ := acc.Result(memory.DefaultAllocator)
	// The last two keys written were key+1 (group 0) and key (group 1).
	if g0, g1 := arrString(res, 0), arrString(res, 1); g0 != fmt.Sprintf("x%d", key+1) || g1 != fmt.Sprintf("x%d", key) {
		t.Errorf("min_by = %s, %s; want x%d, x%d", g0, g1, key+1, key)
	}
	if bs := acc.(*byAcc).vals; len(bs.chunks) > 17 {
		t.Errorf("value store kept %d chunks; compaction did not run", len(bs.chunks))
	}
}

func TestApproxPercentile(t *testing.T) {
	// 101 values 0..100 in one group: the p-th percentile is 100*p.
	for _, c := range []struct {
		p    float64
		want int64
	}{{0, 0}, {0.5, 50}, {0.9, 90}, {0.99, 99}, {1, 100}} {
		a, _ := testCatalog.ResolveAggregate("approx_percentile", []planner.Type{tI, tD}, false)
		acc := a.New()
		acc.Grow(1)
		xs := newValOut(memory.DefaultAllocator, tI, 101)
		ps := newValOut(memory.DefaultAllocator, tD, 101)
		for i := 0; i < 101; i++ {
			xs.set(i, vi(int64((i*37)%101))) // a permutation of 0..100
			ps.set(i, vf(c.p))
		}
		if err := acc.Update(make([]uint32, 101), []arrow.Array{xs.finish(), ps.finish()}); err != nil {
			t.Fatal(err)
		}
		res, _ := acc.Result(memory.DefaultAllocator)
		if got := arrGetter(res, tI)(0).Int; got != c.want {
			t.Errorf("approx_percentile(0..100, %v) = %d, want %d", c.p, got, c.want)
		}
	}
	a, _ := testCatalog.ResolveAggregate("approx_percentile", []planner.Type{tD, tD}, false)
	acc := a.New()
	acc.Grow(1)
	xs, ps := newValOut(memory.DefaultAllocator, tD, 1), newValOut(memory.DefaultAllocator, tD, 1)
	xs.set(0, vf(1))
	ps.set(0, vf(1.5))
	if err := acc.Update([]uint32{0}, []arrow.Array{xs.finish(), ps.finish()}); err == nil {
		t.Error("approx_percentile with p = 1.5 did not fail")
	}
}
