package exec

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// windowInput is random rows: a partition key p (strings, some NULL,
// optionally dictionary-encoded), an order key k (integers with ties and
// NULLs) and a unique id.
func windowInput(rng *rand.Rand, n int, dict bool) []col {
	ps, ks, ids := make([]any, n), make([]any, n), make([]any, n)
	for i := range ps {
		if rng.Intn(20) > 0 {
			ps[i] = fmt.Sprintf("p%d", rng.Intn(300))
		}
		if rng.Intn(10) > 0 {
			ks[i] = int64(rng.Intn(50))
		}
		ids[i] = int64(i)
	}
	return []col{{name: "p", typ: planner.Varchar, vals: ps, dict: dict}, {name: "k", typ: planner.Bigint, vals: ks},
		{name: "id", typ: planner.Bigint, vals: ids}}
}

func windowKeys(t *testing.T, env *Env, cols []col, desc bool) ([]Evaluator, []planner.Type, []SortKey) {
	t.Helper()
	schema := logicalSchema(cols...)
	part, err := Compile(ref(0, "p", planner.Varchar), schema, env)
	if err != nil {
		t.Fatal(err)
	}
	k, err := Compile(ref(1, "k", planner.Bigint), schema, env)
	if err != nil {
		t.Fatal(err)
	}
	return []Evaluator{part}, []planner.Type{planner.Varchar}, []SortKey{{Ev: k, T: planner.Bigint, Desc: desc, NullsFirst: desc}}
}

// TestPartitionTopNMatchesWindow checks the per-partition top-k against
// row_number() over the full window, filtered: the same rows with the same
// numbers, ties included (both keep arrival order among equal keys), over
// batches small enough to make the top-k cut its buffer many times.
func TestPartitionTopNMatchesWindow(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, c := range []struct {
		n      int64
		size   int
		sel    bool
		dict   bool
		desc   bool
		noPart bool
	}{
		{1, 7, false, false, false, false}, {2, 1000, true, true, false, false}, {5, 333, false, true, true, false},
		{100, 64, true, false, false, false}, {3, 500, false, false, false, true}, {1, 9000, false, true, true, false},
	} {
		t.Run(fmt.Sprintf("n=%d/size=%d/sel=%v/dict=%v/desc=%v/nopart=%v", c.n, c.size, c.sel, c.dict, c.desc, c.noPart), func(t *testing.T) {
			cols := windowInput(rng, 20000, c.dict)
			env := &Env{BatchSize: 1000}
			part, partTypes, order := windowKeys(t, env, cols, c.desc)
			if c.noPart {
				part, partTypes = nil, nil
			}
			batches, recs := splitBatches(c.size, c.sel, cols...)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			schema := logicalSchema(cols...)
			top, err := rowsOf(NewPartitionTopN(&source{schema: schema, batches: batches}, part, partTypes, order, c.n, "rn", nil, env))
			if err != nil {
				t.Fatal(err)
			}
			fn := WindowFunc{Name: planner.WinRowNumber, Label: "rn", T: planner.Bigint,
				Frame: planner.WindowFrame{Unit: sql.FrameRange, Start: planner.WindowBound{Kind: sql.UnboundedPreceding}, End: planner.WindowBound{Kind: sql.CurrentRow}}}
			all, err := rowsOf(NewWindow(&source{schema: schema, batches: batches}, part, partTypes, order, []WindowFunc{fn}, nil, env))
			if err != nil {
				t.Fatal(err)
			}
			var want, got []string
			for _, r := range all {
				if r[3].(int64) <= c.n {
					want = append(want, fmt.Sprint(r[2], "#", r[3]))
				}
			}
			for _, r := range top {
				got = append(got, fmt.Sprint(r[2], "#", r[3]))
			}
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(want, " ") != strings.Join(got, " ") {
				t.Fatalf("top-%d kept %d rows, the window %d; first difference in %v vs %v", c.n, len(got), len(want), head10(got), head10(want))
			}
		})
	}
}

func head10(s []string) []string { return s[:min(10, len(s))] }

// TestWindowMemoryLimit: a window over more rows than the limit allows
// fails with an error naming the window's functions.
func TestWindowMemoryLimit(t *testing.T) {
	cols := windowInput(rand.New(rand.NewSource(1)), 50000, false)
	batches, recs := splitBatches(4096, false, cols...)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	schema := logicalSchema(cols...)
	for _, build := range []func(env *Env) Operator{
		func(env *Env) Operator {
			part, partTypes, order := windowKeys(t, env, cols, false)
			fn := WindowFunc{Name: planner.WinRank, Label: "rank()", T: planner.Bigint}
			return NewWindow(&source{schema: schema, batches: batches}, part, partTypes, order, []WindowFunc{fn}, nil, env)
		},
		func(env *Env) Operator {
			part, partTypes, order := windowKeys(t, env, cols, false)
			return NewPartitionTopN(&source{schema: schema, batches: batches}, part, partTypes, order, 1000, "row_number()", []int{2}, env)
		},
	} {
		env := &Env{MemoryLimit: 256 << 10}
		op := build(env)
		_, err := Run(context.Background(), op, nil, env)
		if !errors.Is(err, ErrMemoryLimit) {
			t.Fatalf("%T: got %v, want a memory limit error", op, err)
		}
		if !strings.Contains(err.Error(), "rank()") && !strings.Contains(err.Error(), "partition top-1000 (row_number())") {
			t.Errorf("%T: the error does not name the window: %v", op, err)
		}
		if env.MemoryHeld() != 0 {
			t.Errorf("%T: %d bytes still reported held after Close", op, env.MemoryHeld())
		}
	}
}

// TestConcatColumn joins chunks as the window collects them: dictionaries
// with different dictionaries and NULLs (Arrow's Concatenate mistranslates
// indices after a NULL), sliced plain strings, and a column that is a
// dictionary in one batch and plain in another.
func TestConcatColumn(t *testing.T) {
	d1 := mkArray(col{typ: planner.Varchar, dict: true, vals: []any{"x", nil, "y", "x"}})
	d2 := mkArray(col{typ: planner.Varchar, dict: true, vals: []any{"y", "z", nil, "x", "w"}})
	p1 := mkArray(col{typ: planner.Varchar, vals: []any{"a", nil, "b", "c"}})
	defer releaseAll([]arrow.Array{d1, d2, p1})
	p2 := array.NewSlice(p1, 1, 4)
	defer p2.Release()
	want := []any{"x", nil, "y", "x", "y", "z", nil, "x", "w"}
	for _, c := range []struct {
		chunks []arrow.Array
		want   []any
	}{
		{[]arrow.Array{d1, d2}, want},
		{[]arrow.Array{p1, p2}, []any{"a", nil, "b", "c", nil, "b", "c"}},
		{[]arrow.Array{d1, p2}, []any{"x", nil, "y", "x", nil, "b", "c"}},
	} {
		a, err := concatColumn(memory.DefaultAllocator, arrow.BinaryTypes.String, c.chunks)
		if err != nil {
			t.Fatal(err)
		}
		var got []any
		for i := 0; i < a.Len(); i++ {
			got = append(got, cell(a, i))
		}
		a.Release()
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("got %v, want %v", got, c.want)
		}
	}
}
