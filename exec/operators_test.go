package exec

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// splitBatches cuts cols into records of size rows, optionally dictionary
// encoding strings and attaching a selection of every other row.
func splitBatches(size int, withSel bool, cols ...col) ([]Batch, []arrow.Record) {
	n := len(cols[0].vals)
	var bs []Batch
	var recs []arrow.Record
	for off := 0; off < n; off += size {
		end := min(off+size, n)
		part := make([]col, len(cols))
		for i, c := range cols {
			part[i] = c
			part[i].vals = c.vals[off:end]
		}
		rec := mkRecord(part...)
		recs = append(recs, rec)
		var sel []int32
		if withSel {
			for r := 0; r < end-off; r += 2 {
				sel = append(sel, int32(r))
			}
		}
		bs = append(bs, Batch{Rec: rec, Sel: sel})
	}
	return bs, recs
}

// liveVals is what an operator should see: every value, or every other
// value per batch when selections are on.
func liveVals(size int, withSel bool, vals []any) []any {
	if !withSel {
		return vals
	}
	var out []any
	for off := 0; off < len(vals); off += size {
		for r := off; r < min(off+size, len(vals)); r += 2 {
			out = append(out, vals[r])
		}
	}
	return out
}

func TestFilterProject(t *testing.T) {
	xs := []any{int64(1), nil, int64(3), int64(4), nil, int64(6), int64(7), int64(8)}
	ss := []any{"a", "b", nil, "a", "c", "a", "b", nil}
	for _, withSel := range []bool{false, true} {
		for _, dict := range []bool{false, true} {
			cols := []col{{"x", planner.Bigint, false, xs}, {"s", planner.Varchar, dict, ss}}
			bs, recs := splitBatches(3, withSel, cols...)
			src := &source{schema: logicalSchema(cols...), batches: bs}
			x, s := ref(0, "x", planner.Bigint), ref(1, "s", planner.Varchar)
			cond := &planner.Logic{Or: true, Args: []planner.Expr{
				&planner.Compare{Op: planner.OpGt, L: x, R: lit(5)},
				&planner.Compare{Op: planner.OpEq, L: s, R: lit("a")}}}
			sel, err := CompileSelector(cond, src.schema, &Env{})
			if err != nil {
				t.Fatal(err)
			}
			f := NewFilter(src, sel, &Env{})
			ev1, _ := Compile(s, src.schema, &Env{})
			ev2, _ := Compile(&planner.Call{Name: "lower", Fn: lowerFn, Args: []planner.Expr{s}, T: planner.Varchar}, src.schema, &Env{})
			ev3, _ := Compile(lit(7), src.schema, &Env{})
			p := NewProject(f, []Evaluator{ev1, ev2, ev3}, []string{"s", "l", "k"}, []planner.Type{planner.Varchar, planner.Varchar, planner.Bigint}, &Env{})
			rows, err := rowsOf(p)
			if err != nil {
				t.Fatal(err)
			}
			var want [][]any
			lx, ls := liveVals(3, withSel, xs), liveVals(3, withSel, ss)
			for i := range lx {
				gt := lx[i] != nil && lx[i].(int64) > 5
				eq := ls[i] != nil && ls[i].(string) == "a"
				if gt || eq {
					want = append(want, []any{ls[i], ls[i], int64(7)})
				}
			}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("sel=%v dict=%v: got %v want %v", withSel, dict, rows, want)
			}
			if src.closed != 1 {
				t.Errorf("source closed %d times", src.closed)
			}
			for _, r := range recs {
				r.Release()
			}
		}
	}
}

// naiveAgg groups rows by key values with a Go map: count(*), sum(v).
func naiveAgg(keys [][]any, vs []any) map[string][2]any {
	out := map[string][2]any{}
	for i := range vs {
		k := fmt.Sprint(keys[i]...)
		e := out[k]
		if e[0] == nil {
			e[0] = int64(0)
		}
		e[0] = e[0].(int64) + 1
		if vs[i] != nil {
			if e[1] == nil {
				e[1] = int64(0)
			}
			e[1] = e[1].(int64) + vs[i].(int64)
		}
		out[k] = e
	}
	return out
}

func TestHashAggregateRandom(t *testing.T) {
	// 1M rows (~40 s with the []any reference) only with EXEC_LONG=1.
	n := 30_000
	if os.Getenv("EXEC_LONG") != "" {
		n = 1_000_000
	}
	rng := rand.New(rand.NewSource(7))
	src := make([]any, n)
	acct := make([]any, n)
	flag := make([]any, n)
	v := make([]any, n)
	for i := 0; i < n; i++ {
		if rng.Intn(50) != 0 {
			src[i] = fmt.Sprintf("svc%03d.amazonaws.com", rng.Intn(300))
		}
		if rng.Intn(20) != 0 {
			acct[i] = int64(rng.Intn(40))
		}
		if rng.Intn(10) != 0 {
			flag[i] = rng.Intn(2) == 0
		}
		if rng.Intn(5) != 0 {
			v[i] = int64(rng.Intn(1000) - 500)
		}
	}
	type keyset struct {
		name string
		idx  []int
	}
	for _, ks := range []keyset{{"src", []int{0}}, {"acct", []int{1}}, {"src,flag", []int{0, 2}}, {"acct,flag", []int{1, 2}}, {"none", nil}} {
		for _, dict := range []bool{false, true} {
			for _, withSel := range []bool{false, true} {
				cols := []col{{"src", planner.Varchar, dict, src}, {"acct", planner.Bigint, false, acct}, {"flag", planner.Boolean, false, flag}, {"v", planner.Bigint, false, v}}
				bs, recs := splitBatches(8192, withSel, cols...)
				op := &source{schema: logicalSchema(cols...), batches: bs}
				var keys []Evaluator
				var types []planner.Type
				var names []string
				for _, k := range ks.idx {
					ev, _ := Compile(ref(k, cols[k].name, cols[k].typ), op.schema, &Env{})
					keys, types, names = append(keys, ev), append(types, cols[k].typ), append(names, cols[k].name)
				}
				vEv, _ := Compile(ref(3, "v", planner.Bigint), op.schema, &Env{})
				aggs := []AggSpec{{New: countStar.New}, {New: sumBigint.New, Args: []Evaluator{vEv}, Types: []planner.Type{planner.Bigint}}}
				h := NewHashAggregate(op, keys, types, aggs, append(names, "count", "sum"), []planner.Type{planner.Bigint, planner.Bigint}, &Env{})
				rows, err := rowsOf(h)
				if err != nil {
					t.Fatal(err)
				}
				lv := liveVals(8192, withSel, v)
				lk := make([][]any, len(lv))
				for _, k := range ks.idx {
					kv := liveVals(8192, withSel, cols[k].vals)
					for i := range lk {
						lk[i] = append(lk[i], kv[i])
					}
				}
				want := naiveAgg(lk, lv)
				if len(ks.idx) == 0 && len(want) == 0 {
					want[""] = [2]any{int64(0), nil}
				}
				got := map[string][2]any{}
				for _, r := range rows {
					k := fmt.Sprint(r[:len(ks.idx)]...)
					if _, dup := got[k]; dup {
						t.Errorf("%s: group %s twice", ks.name, k)
					}
					got[k] = [2]any{r[len(ks.idx)], r[len(ks.idx)+1]}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("keys=%s dict=%v sel=%v: %d groups, want %d", ks.name, dict, withSel, len(got), len(want))
				}
				for _, r := range recs {
					r.Release()
				}
			}
		}
	}
}

func TestGlobalAggregateEmptyInput(t *testing.T) {
	op := &source{schema: logicalSchema(col{"v", planner.Bigint, false, nil})}
	vEv, _ := Compile(ref(0, "v", planner.Bigint), op.schema, &Env{})
	h := NewHashAggregate(op, nil, nil, []AggSpec{{New: countStar.New}, {New: sumBigint.New, Args: []Evaluator{vEv}, Types: []planner.Type{planner.Bigint}}},
		[]string{"c", "s"}, []planner.Type{planner.Bigint, planner.Bigint}, &Env{})
	rows, err := rowsOf(h)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]any{{int64(0), nil}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("got %v want %v", rows, want)
	}
}

func TestGroupByMap(t *testing.T) {
	// Maps with the same entries in a different order are one group.
	b := mapBuilder()
	defer b.Release()
	addMap(b, "k1", "a", "k2", "b")
	addMap(b, "k2", "b", "k1", "a")
	addMap(b, "k1", "a")
	b.AppendNull()
	addMap(b)
	addMap(b, "k1", "a")
	m := b.NewArray()
	rec := recordOf("rp", m)
	m.Release()
	defer rec.Release()
	op := &source{schema: rec.Schema(), batches: []Batch{{Rec: rec}}}
	mt := planner.MapOf(planner.Varchar, planner.Varchar)
	k, _ := Compile(ref(0, "rp", mt), op.schema, &Env{})
	h := NewHashAggregate(op, []Evaluator{k}, []planner.Type{mt}, []AggSpec{{New: countStar.New}}, []string{"rp", "c"}, []planner.Type{planner.Bigint}, &Env{})
	rows, err := rowsOf(h)
	if err != nil {
		t.Fatal(err)
	}
	var counts []int64
	for _, r := range rows {
		counts = append(counts, r[1].(int64))
	}
	if want := []int64{2, 2, 1, 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("group counts %v (rows %v), want %v", counts, rows, want)
	}
}

func TestMemoryLimit(t *testing.T) {
	n := 50_000
	vals := make([]any, n)
	for i := range vals {
		vals[i] = fmt.Sprintf("distinct-value-%d", i)
	}
	cols := []col{{"s", planner.Varchar, false, vals}}
	env := &Env{MemoryLimit: 1 << 20}
	for _, name := range []string{"hash aggregation", "sort", "distinct", "top-N"} {
		bs, recs := splitBatches(4096, false, cols...)
		src := &source{schema: logicalSchema(cols...), batches: bs}
		k, _ := Compile(ref(0, "s", planner.Varchar), src.schema, env)
		var op Operator
		switch name {
		case "hash aggregation":
			op = NewHashAggregate(src, []Evaluator{k}, []planner.Type{planner.Varchar}, nil, []string{"s"}, nil, env)
		case "sort":
			op = NewSort(src, []SortKey{{Ev: k, T: planner.Varchar}}, env)
		case "distinct":
			op = NewDistinct(src, env)
		case "top-N":
			op = NewTopN(src, []SortKey{{Ev: k, T: planner.Varchar}}, 1_000_000, env)
		}
		_, err := Run(context.Background(), op, nil, env)
		if !errors.Is(err, ErrMemoryLimit) {
			t.Fatalf("%s: err %v, want the memory limit", name, err)
		}
		want := "query exceeded the memory limit of 1.0 MiB in " + name + "; raise --memory-limit or narrow the query"
		if err.Error() != want {
			t.Errorf("%s: %q, want %q", name, err, want)
		}
		for _, r := range recs {
			r.Release()
		}
	}
	if got := FormatBytes(2 << 30); got != "2.0 GiB" {
		t.Errorf("FormatBytes(2 GiB) = %q", got)
	}
}

func TestLimitStopsInput(t *testing.T) {
	vals := make([]any, 100)
	for i := range vals {
		vals[i] = int64(i)
	}
	for _, withSel := range []bool{false, true} {
		cols := []col{{"x", planner.Bigint, false, vals}}
		bs, recs := splitBatches(10, withSel, cols...)
		src := &source{schema: logicalSchema(cols...), batches: bs}
		l := NewLimit(src, 12, 0)
		rows, err := rowsOf(l)
		if err != nil {
			t.Fatal(err)
		}
		lv := liveVals(10, withSel, vals)
		if len(rows) != 12 || rows[11][0] != lv[11] {
			t.Errorf("sel=%v: %d rows, last %v", withSel, len(rows), rows[len(rows)-1])
		}
		// 12 rows take 2 batches (10 per batch) or 3 (5 live per batch).
		if wantNexts := map[bool]int{false: 2, true: 3}[withSel]; src.nexts != wantNexts {
			t.Errorf("sel=%v: source Next called %d times, want %d", withSel, src.nexts, wantNexts)
		}
		if src.closed != 1 {
			t.Errorf("source closed %d times, want once", src.closed)
		}
		for _, r := range recs {
			r.Release()
		}
	}
}

func TestCancel(t *testing.T) {
	vals := make([]any, 100)
	for i := range vals {
		vals[i] = int64(i)
	}
	cols := []col{{"x", planner.Bigint, false, vals}}
	bs, recs := splitBatches(10, false, cols...)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	src := &source{schema: logicalSchema(cols...), batches: bs}
	cancelAfter := &hook{Operator: src, after: 3, fn: cancel}
	_, err := Run(ctx, cancelAfter, nil, &Env{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if src.nexts > 4 {
		t.Errorf("source read %d batches after cancellation at 3", src.nexts)
	}
}

// hook calls fn after a number of Next calls.
type hook struct {
	Operator
	after, n int
	fn       func()
}

func (h *hook) Next(ctx context.Context) (Batch, error) {
	h.n++
	if h.n == h.after {
		h.fn()
	}
	return h.Operator.Next(ctx)
}

func TestDistinctUnionValues(t *testing.T) {
	ss := []any{"a", "b", nil, "a", nil, "c", "b"}
	for _, dict := range []bool{false, true} {
		c1 := []col{{"s", planner.Varchar, dict, ss}}
		c2 := []col{{"s", planner.Varchar, !dict, []any{"c", "d", nil}}}
		b1, r1 := splitBatches(3, false, c1...)
		b2, r2 := splitBatches(3, false, c2...)
		u := NewUnionAll([]Operator{&source{schema: logicalSchema(c1...), batches: b1}, &source{schema: logicalSchema(c2...), batches: b2}})
		rows, err := rowsOf(NewDistinct(u, &Env{}))
		if err != nil {
			t.Fatal(err)
		}
		want := [][]any{{"a"}, {"b"}, {nil}, {"c"}, {"d"}}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("dict=%v: got %v want %v", dict, rows, want)
		}
		for _, r := range append(r1, r2...) {
			r.Release()
		}
	}
	one, _ := Compile(lit(1), nil, &Env{})
	two, _ := Compile(&planner.Case{T: planner.Varchar, Whens: []planner.When{{Cond: lit(false), Result: lit("no")}}, Else: lit("yes")}, nil, &Env{})
	null, _ := Compile(lit(nil), nil, &Env{})
	v := NewValues([][]Evaluator{{one, two}, {null, null}}, []string{"a", "b"}, []planner.Type{planner.Bigint, planner.Varchar}, &Env{})
	rows, err := rowsOf(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]any{{int64(1), "yes"}, {nil, nil}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("values: got %v want %v", rows, want)
	}
}

func TestFold(t *testing.T) {
	f := Folder{Env: &Env{Now: 42}}
	e := &planner.Call{Name: "lower", Fn: lowerFn, Args: []planner.Expr{lit("AbC")}, T: planner.Varchar}
	v, err := f.Fold(e)
	if err != nil || v.Str != "abc" {
		t.Errorf("fold lower('AbC') = %+v, %v", v, err)
	}
	v, err = f.Fold(&planner.Compare{Op: planner.OpLt, L: lit(1), R: lit(2)})
	if err != nil || v.Null || !v.Bool {
		t.Errorf("fold 1 < 2 = %+v, %v", v, err)
	}
	v, err = f.Fold(&planner.Compare{Op: planner.OpLt, L: lit(1), R: lit(nil)})
	if err != nil || !v.Null {
		t.Errorf("fold 1 < NULL = %+v, %v", v, err)
	}
	_, err = f.Fold(&planner.Cast{X: lit("x"), To: planner.Bigint, P: 17})
	var pe *ExprError
	if !errors.As(err, &pe) || pe.Pos != 17 {
		t.Errorf("CAST('x' AS bigint): %v, want an error at position 17", err)
	}
	v, err = f.Fold(&planner.Cast{X: lit("x"), To: planner.Bigint, Try: true})
	if err != nil || !v.Null {
		t.Errorf("TRY_CAST('x' AS bigint) = %+v, %v; want NULL", v, err)
	}
	v, err = f.Fold(&planner.Cast{X: lit("12"), To: planner.Bigint})
	if err != nil || v.Int != 12 {
		t.Errorf("CAST('12' AS bigint) = %+v, %v", v, err)
	}
}
