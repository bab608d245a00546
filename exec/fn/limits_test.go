package fn

import (
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// TestOutputLimits: functions whose result size an argument drives refuse
// results past maxValueBytes before allocating them (lpad('x', 2e9, 'y')
// used to allocate 3.8 GB).
func TestOutputLimits(t *testing.T) {
	mb := strings.Repeat("a", 1<<20)
	refs := strings.Repeat("$1", 40)
	small := []fcase{
		{name: "lpad", args: args(S("x"), I(2_000_000_000), S("y")), err: "lpad: result of 1.9 GiB is too large (a string value may hold at most 64 MiB)"},
		{name: "rpad", args: args(S("x"), I(2_000_000_000), S("yz")), err: "rpad: result of 1.9 GiB is too large"},
		{name: "lpad", args: args(S(""), I(maxValueBytes/2+1), S("é")), err: "lpad: result of 64.0 MiB is too large"},
		{name: "lpad", args: args(S("x"), I(1<<31), S("y")), err: "Target length must be in the range [0..2147483647]"},
		{name: "replace", args: args(S(mb), S("a"), S(strings.Repeat("b", 100))), err: "replace: result of 100 MiB is too large"},
		{name: "replace", args: args(S(mb), S(""), S(strings.Repeat("b", 100))), err: "replace: result of 101.0 MiB is too large"},
		{name: "regexp_replace", args: args(S(mb), S(""), S(strings.Repeat("b", 100))), err: "regexp_replace: result of"},
		{name: "regexp_replace", args: args(S(strings.Repeat("ab", 1<<20)), S("(a)"), S(refs)), err: "regexp_replace: result of"},
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, c := range small {
		if _, err := call(t, c.name, c.args...); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: got %.200v, want %q", c.name, err, c.err)
		}
	}
	runtime.ReadMemStats(&after)
	// Inputs of 1-2 MB, each built three ways by call; the refused results
	// (up to 1.9 GB) are never allocated.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 128<<20 {
		t.Errorf("the refusals allocated %d MB", alloc>>20)
	}
	// Concatenations check as they grow (one row, constant arguments).
	big := planner.Value{Str: strings.Repeat("a", 33<<20)}
	for _, c := range []struct {
		name  string
		types []planner.Type
		args  []planner.Value
		err   string
	}{
		{"concat", ts(tV, tV), []planner.Value{big, big}, "concat: result of 66 MiB is too large"},
		{"concat_ws", ts(tV, tV, tV), []planner.Value{{Str: ","}, big, big}, "concat_ws: result of 66.0 MiB is too large"},
	} {
		s, err := testCatalog.ResolveScalar(c.name, c.types)
		if err != nil {
			t.Fatal(err)
		}
		vecs := make([]Vec, len(c.args))
		for i, a := range c.args {
			vecs[i] = Vec{IsConst: true, Const: a}
		}
		if _, err := s.Kernel(&Context{Mem: memory.DefaultAllocator}, vecs, 1); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: got %.200v, want %q", c.name, err, c.err)
		}
	}
	// Under the limits results are unchanged.
	runCases(t, []fcase{
		{name: "lpad", args: args(S("abc"), I(5), S("é")), want: S("ééabc")},
		{name: "rpad", args: args(S("abc"), I(7), S("xy")), want: S("abcxyxy")},
		{name: "rpad", args: args(S("abc"), I(2), S("é")), want: S("ab")},
		{name: "replace", args: args(S("abc"), S(""), S("-")), want: S("-a-b-c-")},
		{name: "regexp_replace", args: args(S("a.b.c"), S("[.]"), S("--")), want: S("a--b--c")},
		{name: "regexp_replace", args: args(S("ab"), S("(a)"), S("$1$1")), want: S("aab")},
	})
}

// TestBatchLimit: a string result array stops at maxBatchBytes with an
// error (Arrow's 32-bit offsets would overflow at 2 GiB), without
// allocating past it.
func TestBatchLimit(t *testing.T) {
	o := newStrOut(memory.DefaultAllocator, 3, 0)
	o.appendString("ok")
	o.size = maxBatchBytes - 4 // as if the earlier rows held nearly 1 GiB
	o.appendString("0123456789")
	o.appendNull()
	if _, err := o.result(); err == nil || !strings.Contains(err.Error(), "in one batch of 3 rows is too large (at most 1.0 GiB)") {
		t.Fatalf("got %v", err)
	}
	// array_join checks its value as it grows.
	l := buildStrLists([][]any{{strings.Repeat("x", 40<<20), strings.Repeat("y", 40<<20)}})
	defer l.Release()
	if _, err := runCompound(t, "array_join", l, planner.ArrayOf(tV), S(",")); err == nil || !strings.Contains(err.Error(), "array_join: result of") {
		t.Fatalf("array_join: %v", err)
	}
}
