package exec

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// TestOperatorBytesMatchHeap compares what the grouper (GROUP BY and
// DISTINCT keys) and the sort's collector report holding with what the Go
// heap grew by: at least 80% of it, at most twice.
func TestOperatorBytesMatchHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over tens of MB of state")
	}
	const rows = 200_000
	strs := make([]any, rows)
	ints := make([]any, rows)
	for i := range strs {
		strs[i] = fmt.Sprintf("arn:aws:iam::1234567890:user/%d-%s", i, strings.Repeat("u", i%50))
		ints[i] = int64(i * 7)
	}
	cols := []col{{"s", planner.Varchar, false, strs}, {"x", planner.Bigint, false, ints}}
	bs, recs := splitBatches(8192, false, cols...)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	measure := func(name string, run func() int64) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		reported := run()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		t.Logf("%s: heap %d KB, reported %d KB", name, heap>>10, reported>>10)
		if reported < heap*8/10 || reported > 2*heap {
			t.Errorf("%s: reported %d KB for %d KB on the heap", name, reported>>10, heap>>10)
		}
	}
	var keep []any
	for _, keys := range [][]int{{0}, {1}, {0, 1}} {
		measure(fmt.Sprintf("grouper on columns %v", keys), func() int64 {
			var types []arrow.DataType
			for _, k := range keys {
				types = append(types, bs[0].Rec.Column(k).DataType())
			}
			g := newGrouper(memory.DefaultAllocator, types, true)
			for _, b := range bs {
				var arrs []arrow.Array
				for _, k := range keys {
					arrs = append(arrs, b.Rec.Column(k))
				}
				if _, _, err := g.assign(arrs, b.Len()); err != nil {
					t.Fatal(err)
				}
			}
			keep = append(keep, g)
			return g.size()
		})
	}
	measure("sort collector", func() int64 {
		c := newCollector(memory.DefaultAllocator, bs[0].Rec.Schema())
		for _, b := range bs {
			if err := c.add(b, liveRows(b)); err != nil {
				t.Fatal(err)
			}
		}
		keep = append(keep, c)
		return c.bytes
	})
	runtime.KeepAlive(keep)
}
