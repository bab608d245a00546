package exec

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// TestHashJoinRandom runs every join kind, with the left or the right side
// built, with and without a residual condition and a three-valued match
// condition, over random keys (NULLs, duplicates on both sides,
// dictionary-encoded strings, selection vectors, empty sides), in batches
// of 3 rows so that a probe batch's matches span several output chunks,
// and compares with a nested loop written from the definitions.
func TestHashJoinRandom(t *testing.T) {
	kinds := []planner.JoinKind{planner.JoinInner, planner.JoinLeft, planner.JoinRight, planner.JoinFull, planner.JoinSemi, planner.JoinAnti, planner.JoinMark}
	for seed := int64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewSource(seed))
		left := randomSide(rng, "l", rng.Intn(30))
		right := randomSide(rng, "r", rng.Intn(30))
		for _, kind := range kinds {
			for _, buildLeft := range []bool{false, true} {
				for _, cond := range []bool{false, true} {
					for _, markCond := range []bool{false, true} {
						semiLike := kind == planner.JoinSemi || kind == planner.JoinAnti || kind == planner.JoinMark
						if buildLeft && (kind == planner.JoinMark || markCond) || markCond && !semiLike {
							continue
						}
						name := fmt.Sprintf("seed %d %s buildLeft=%v cond=%v markCond=%v", seed, kind, buildLeft, cond, markCond)
						checkJoin(t, name, left, right, kind, buildLeft, cond, markCond)
					}
				}
			}
		}
	}
}

type side struct {
	key, val []any // key: string or nil; val: int64 or nil
	size     int   // batch size
	sel      bool
	dict     bool
}

func randomSide(rng *rand.Rand, prefix string, n int) side {
	s := side{size: 1 + rng.Intn(3), sel: rng.Intn(2) == 0, dict: rng.Intn(2) == 0}
	for i := 0; i < n; i++ {
		var k any = fmt.Sprintf("k%d", rng.Intn(6))
		if rng.Intn(6) == 0 {
			k = nil
		}
		var v any = int64(rng.Intn(10))
		if rng.Intn(8) == 0 {
			v = nil
		}
		s.key, s.val = append(s.key, k), append(s.val, v)
	}
	return s
}

// live is what the join sees of a side: every row, or every other row of
// each batch.
func (s side) live() [][]any {
	ks, vs := liveVals(s.size, s.sel, s.key), liveVals(s.size, s.sel, s.val)
	out := make([][]any, len(ks))
	for i := range ks {
		out[i] = []any{ks[i], vs[i]}
	}
	return out
}

func (s side) operator(prefix string) (Operator, func()) {
	cols := []col{{name: prefix + "k", typ: planner.Varchar, dict: s.dict, vals: s.key}, {name: prefix + "v", typ: planner.Bigint, vals: s.val}}
	if len(s.key) == 0 {
		return &source{schema: logicalSchema(cols...)}, func() {}
	}
	bs, recs := splitBatches(s.size, s.sel, cols...)
	return &source{schema: logicalSchema(cols...), batches: bs}, func() {
		for _, r := range recs {
			r.Release()
		}
	}
}

func checkJoin(t *testing.T, name string, l, r side, kind planner.JoinKind, buildLeft, withCond, withMark bool) {
	t.Helper()
	lop, lrel := l.operator("l")
	defer lrel()
	rop, rrel := r.operator("r")
	defer rrel()
	env := &Env{BatchSize: 3}
	both := arrow.NewSchema(append(lop.Schema().Fields(), rop.Schema().Fields()...), nil)
	lk, err := Compile(ref(0, "lk", planner.Varchar), lop.Schema(), env)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := Compile(ref(0, "rk", planner.Varchar), rop.Schema(), env)
	if err != nil {
		t.Fatal(err)
	}
	spec := HashJoinSpec{Kind: kind, BuildLeft: buildLeft, LeftKeys: []Evaluator{lk}, RightKeys: []Evaluator{rk},
		KeyTypes: []planner.Type{planner.Varchar}, Name: "test join"}
	// Residual: l.v <= r.v (NULL when either is NULL); match: l.v = r.v.
	lv, rv := ref(1, "lv", planner.Bigint), ref(3, "rv", planner.Bigint)
	if withCond {
		if spec.Cond, err = CompileSelector(&planner.Compare{Op: planner.OpLe, L: lv, R: rv}, both, env); err != nil {
			t.Fatal(err)
		}
	}
	if withMark {
		if spec.MarkCond, err = Compile(&planner.Compare{Op: planner.OpEq, L: lv, R: rv}, both, env); err != nil {
			t.Fatal(err)
		}
	}
	cols := []planner.Column{{Name: "lk", T: planner.Varchar}, {Name: "lv", T: planner.Bigint}}
	switch kind {
	case planner.JoinMark:
		cols = append(cols, planner.Column{Name: "m", T: planner.Boolean})
	case planner.JoinSemi, planner.JoinAnti:
	default:
		cols = append(cols, planner.Column{Name: "rk", T: planner.Varchar}, planner.Column{Name: "rv", T: planner.Bigint})
	}
	for _, c := range cols {
		spec.Names, spec.Types = append(spec.Names, c.Name), append(spec.Types, c.T)
	}
	j := NewHashJoin(lop, rop, spec, env)
	res, err := Run(context.Background(), j, nil, env)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer res.Release()
	var got []string
	for _, rec := range res.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = cell(rec.Column(c), i)
			}
			got = append(got, fmt.Sprint(row))
		}
	}
	want := naiveJoin(l.live(), r.live(), kind, withCond, withMark)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s\nleft %v\nright %v\ngot:\n%s\nwant:\n%s", name, l.live(), r.live(), strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// naiveJoin is the join from its definition. A pair matches when the keys
// are equal and not NULL and the residual l.v <= r.v is TRUE; a semi,
// anti or mark join's state is TRUE if a matching pair has l.v = r.v TRUE
// (every matching pair without the match condition), NULL if one has it
// NULL, else FALSE.
func naiveJoin(l, r [][]any, kind planner.JoinKind, withCond, withMark bool) []string {
	le := func(a, b any) any {
		if a == nil || b == nil {
			return nil
		}
		return a.(int64) <= b.(int64)
	}
	match := func(x, y []any) bool {
		return x[0] != nil && y[0] != nil && x[0] == y[0] && (!withCond || le(x[1], y[1]) == true)
	}
	var out []string
	rhit := make([]bool, len(r))
	for _, x := range l {
		var state any = false
		hit := false
		for k, y := range r {
			if !match(x, y) {
				continue
			}
			hit, rhit[k] = true, true
			switch {
			case kind == planner.JoinInner || kind == planner.JoinLeft || kind == planner.JoinRight || kind == planner.JoinFull:
				out = append(out, fmt.Sprint([]any{x[0], x[1], y[0], y[1]}))
			case !withMark:
				state = true
			case x[1] != nil && y[1] != nil && x[1] == y[1]:
				state = true
			case state == false && (x[1] == nil || y[1] == nil):
				state = nil
			}
		}
		switch kind {
		case planner.JoinLeft, planner.JoinFull:
			if !hit {
				out = append(out, fmt.Sprint([]any{x[0], x[1], nil, nil}))
			}
		case planner.JoinSemi:
			if state == true {
				out = append(out, fmt.Sprint([]any{x[0], x[1]}))
			}
		case planner.JoinAnti:
			if state == false {
				out = append(out, fmt.Sprint([]any{x[0], x[1]}))
			}
		case planner.JoinMark:
			out = append(out, fmt.Sprint([]any{x[0], x[1], state}))
		}
	}
	if kind == planner.JoinRight || kind == planner.JoinFull {
		for k, y := range r {
			if !rhit[k] {
				out = append(out, fmt.Sprint([]any{nil, nil, y[0], y[1]}))
			}
		}
	}
	return out
}

// TestKeyFilter checks the dynamic filter on plain, dictionary and NULL
// keys, and that it turns itself off when it keeps most rows.
func TestKeyFilter(t *testing.T) {
	c := newColCoder()
	for i, s := range []string{"a", "b"} {
		c.str(i, s)
	}
	f := newKeyFilter(c, newStrIndex(c.strs), "k")
	for _, dict := range []bool{false, true} {
		rec := mkRecord(col{name: "k", typ: planner.Varchar, dict: dict, vals: []any{"a", "x", nil, "b", "a", "y"}})
		got := f.Select(rec, nil)
		if fmt.Sprint(got) != "[0 3 4]" {
			t.Errorf("dict=%v: kept %v, want [0 3 4]", dict, got)
		}
		if got := f.Select(rec, []int32{1, 3, 5}); fmt.Sprint(got) != "[3]" {
			t.Errorf("dict=%v: kept %v of [1 3 5], want [3]", dict, got)
		}
		rec.Release()
	}
	// A filter that keeps every row stops filtering after its trial.
	g := newKeyFilter(c, newStrIndex(c.strs), "k")
	b := array.NewStringBuilder(memory.DefaultAllocator)
	for i := 0; i < filterTrial; i++ {
		b.Append("a")
	}
	arr := b.NewArray()
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "k", Type: arr.DataType()}}, nil), []arrow.Array{arr}, int64(arr.Len()))
	if got := g.Select(rec, nil); len(got) != filterTrial {
		t.Fatalf("kept %d of %d", len(got), filterTrial)
	}
	if got := g.Select(rec, nil); got != nil {
		t.Errorf("after a trial that kept everything the filter still selects (%d rows)", len(got))
	}
	var _ orcstore.RowFilter = g
	rec.Release()
	arr.Release()
	b.Release()
}

// TestStrIndexQuickHashCollisions: strings alike in the bytes quickHash
// reads (first, middle and last eight, and length) share its bit, so the
// index must still tell them apart by the full hash and the bytes; short
// strings, the empty string and random absent strings are looked up too.
// The key filter offers exactly the build's strings to the scan's bloom
// filters.
func TestStrIndexQuickHashCollisions(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	// 30 bytes: quickHash reads 0-7, 11-18 and 22-29; bytes 8-10 and
	// 19-21 vary without changing it.
	alike := func(v int) string {
		return fmt.Sprintf("aaaaaaaa%03dbbbbbbbb%03dcccccccc", v%1000, v/1000)
	}
	if quickHash(alike(1)) != quickHash(alike(2002)) {
		t.Fatal("the alike strings differ in quickHash: the test no longer collides")
	}
	c := newColCoder()
	in := map[string]bool{}
	row := 0
	add := func(s string) {
		c.str(row, s)
		row++
		in[s] = true
	}
	for v := 0; v < 3000; v += 2 {
		add(alike(v))
	}
	for _, s := range []string{"", "x", "short", "exactly8"} {
		add(s)
	}
	for i := 0; i < 500; i++ {
		add(fmt.Sprintf("%x", rng.Uint64()))
	}
	idx := newStrIndex(c.strs)
	probe := []string{"", "x", "y", "shor", "exactly8", "exactly9", "exactly8 "}
	for v := 0; v < 3000; v++ {
		probe = append(probe, alike(v))
	}
	for i := 0; i < 2000; i++ {
		probe = append(probe, fmt.Sprintf("%x", rng.Uint64()))
	}
	for s := range in {
		probe = append(probe, s)
	}
	for _, s := range probe {
		code := idx.find(s)
		if in[s] != (code != absent) {
			t.Fatalf("find(%q) = %d, in the build: %v", s, code, in[s])
		}
		if in[s] && code != c.strs[s] {
			t.Fatalf("find(%q) = %d, coded %d", s, code, c.strs[s])
		}
	}
	col, keys, ok := newKeyFilter(c, idx, "userIdentity.arn").StringKeys(1 << 20)
	sort.Strings(keys)
	var want []string
	for s := range in {
		want = append(want, s)
	}
	sort.Strings(want)
	if !ok || col != "userIdentity.arn" || !reflect.DeepEqual(keys, want) {
		t.Fatalf("StringKeys: %q, %d keys (ok %v), want the %d build strings", col, len(keys), ok, len(want))
	}
	if _, keys, ok := newKeyFilter(c, idx, "k").StringKeys(len(want) - 1); ok {
		t.Fatalf("StringKeys under a limit below the %d keys gave %d", len(want), len(keys))
	}
}
