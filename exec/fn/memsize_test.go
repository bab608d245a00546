package fn

import (
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// TestAccumulatorBytesMatchHeap runs each aggregate that holds
// variable-size state over generated batches and compares what its Bytes
// (plus ResultBytes, the copy Result makes) reports with what the Go heap
// grew by: the memory limit must see the real size (array_agg(eventJson)
// used to report a third of it). The reported size must be at least 80%
// of the measured growth and at most twice it.
func TestAccumulatorBytesMatchHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over about 100 MB of state")
	}
	rng := rand.New(rand.NewSource(1))
	const rows, batch = 3 * 8192, 8192
	event := func(i int) string { // a CloudTrail-sized JSON text, 600-1600 bytes
		return fmt.Sprintf(`{"eventID":"%08d","pad":"%s"}`, i, strings.Repeat("x", 600+rng.Intn(1000)))
	}
	vt := func(f func(i int) planner.Value, t planner.Type) func(i int) arrow.Array {
		return func(start int) arrow.Array {
			o := newValOut(memory.DefaultAllocator, t, batch)
			for i := 0; i < batch; i++ {
				o.set(i, f(start+i))
			}
			return o.finish()
		}
	}
	str := func(f func(i int) string) func(i int) arrow.Array {
		return vt(func(i int) planner.Value { return planner.Value{Str: f(i)} }, tV)
	}
	num := func(f func(i int) int64) func(i int) arrow.Array {
		return vt(func(i int) planner.Value { return planner.Value{Int: f(i)} }, tI)
	}
	key := func(i int) string { return fmt.Sprintf("key-%d-%s", i, strings.Repeat("k", rng.Intn(40))) }
	cases := []struct {
		name   string
		types  []planner.Type
		args   []func(i int) arrow.Array
		groups int
	}{
		{"array_agg", ts(tV), []func(int) arrow.Array{str(event)}, 1},
		{"array_agg", ts(tV), []func(int) arrow.Array{str(event)}, 5000},
		{"array_agg", ts(tI), []func(int) arrow.Array{num(func(i int) int64 { return int64(i) })}, 1},
		{"map_agg", ts(tV, tV), []func(int) arrow.Array{str(key), str(event)}, 1},
		{"map_agg", ts(tV, tI), []func(int) arrow.Array{str(key), num(func(i int) int64 { return int64(i) })}, 100},
		{"histogram", ts(tV), []func(int) arrow.Array{str(key)}, 1},
		{"histogram", ts(tV), []func(int) arrow.Array{str(key)}, 3000},
		{"count distinct", ts(tV), []func(int) arrow.Array{str(key)}, 1},
		{"count distinct", ts(tI), []func(int) arrow.Array{num(func(i int) int64 { return int64(i) * 7 })}, 1},
		{"count distinct", ts(tV), []func(int) arrow.Array{str(key)}, 2000},
		{"array_agg distinct", ts(tV), []func(int) arrow.Array{str(event)}, 1},
		{"approx_distinct", ts(tV), []func(int) arrow.Array{str(key)}, 20000},
		{"approx_percentile", ts(tI, tD), []func(int) arrow.Array{num(func(i int) int64 { return int64(i) }), vt(func(int) planner.Value { return planner.Value{Float: 0.5} }, tD)}, 1},
		{"max", ts(tV), []func(int) arrow.Array{str(event)}, 20000},
		{"max_by", ts(tV, tI), []func(int) arrow.Array{str(event), num(func(i int) int64 { return int64(i) })}, 20000},
		{"arbitrary", ts(tV), []func(int) arrow.Array{str(event)}, 20000},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%d groups", c.name, c.groups), func(t *testing.T) {
			name, distinct := c.name, false
			if n, ok := strings.CutSuffix(name, " distinct"); ok {
				name, distinct = n, true
			}
			if n, ok := strings.CutPrefix(name, "count "); ok && n == "distinct" {
				name, distinct = "count", true
			}
			agg, err := testCatalog.ResolveAggregate(name, c.types, distinct)
			if err != nil {
				t.Fatal(err)
			}
			// Inputs first, kept alive past the measurement.
			var inputs [][]arrow.Array
			var ids [][]uint32
			for start := 0; start < rows; start += batch {
				var in []arrow.Array
				for _, a := range c.args {
					in = append(in, a(start))
				}
				g := make([]uint32, batch)
				for i := range g {
					g[i] = uint32((start + i) % c.groups)
				}
				inputs, ids = append(inputs, in), append(ids, g)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			acc := agg.New()
			acc.Grow(c.groups)
			for k := range inputs {
				if err := acc.Update(ids[k], inputs[k]); err != nil {
					t.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			state := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			reported := acc.Bytes()
			// The result copy, measured the same way.
			runtime.GC()
			runtime.ReadMemStats(&before)
			res, err := acc.Result(memory.DefaultAllocator)
			if err != nil {
				t.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			result := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			var reportedResult int64
			if r, ok := acc.(ResultSizer); ok {
				reportedResult = r.ResultBytes()
			}
			t.Logf("state: heap %d KB, Bytes %d KB; result: heap %d KB, ResultBytes %d KB", state>>10, reported>>10, result>>10, reportedResult>>10)
			if state > 1<<20 && (reported < state*8/10 || reported > 2*state) {
				t.Errorf("Bytes() = %d KB for a state of %d KB on the heap", reported>>10, state>>10)
			}
			if result > 1<<20 && (reportedResult < result*8/10 || reportedResult > 2*result) {
				t.Errorf("ResultBytes() = %d KB for a result of %d KB on the heap", reportedResult>>10, result>>10)
			}
			res.Release()
			runtime.KeepAlive(acc)
			runtime.KeepAlive(inputs)
		})
	}
}
