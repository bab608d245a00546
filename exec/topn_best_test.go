package exec

import (
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// TestBestPositions checks the top-N's per-batch preselection against a
// stable sort written out by hand (two int64 keys with NULLs and many ties,
// every direction and NULL placement, n below, at and above the count).
func TestBestPositions(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for trial := 0; trial < 200; trial++ {
		rows := 1 + rng.Intn(300)
		vals := [2][]int64{make([]int64, rows), make([]int64, rows)}
		null := [2][]bool{make([]bool, rows), make([]bool, rows)}
		var keys []arrow.Array
		for k := 0; k < 2; k++ {
			b := array.NewInt64Builder(memory.DefaultAllocator)
			for i := 0; i < rows; i++ {
				if rng.Intn(8) == 0 {
					null[k][i] = true
					b.AppendNull()
					continue
				}
				vals[k][i] = rng.Int63n(5)
				b.Append(vals[k][i])
			}
			keys = append(keys, b.NewArray())
			b.Release()
		}
		specs := []SortKey{
			{T: planner.Bigint, Desc: rng.Intn(2) == 0, NullsFirst: rng.Intn(2) == 0},
			{T: planner.Bigint, Desc: rng.Intn(2) == 0, NullsFirst: rng.Intn(2) == 0},
		}
		// The candidate positions: a random ascending subset.
		var pos []int
		for i := 0; i < rows; i++ {
			if rng.Intn(4) != 0 {
				pos = append(pos, i)
			}
		}
		n := 1 + rng.Intn(rows+5)
		cmp := func(a, b int) int {
			for k, s := range specs {
				an, bn := null[k][a], null[k][b]
				switch {
				case an && bn:
					continue
				case an != bn:
					if an == s.NullsFirst {
						return -1
					}
					return 1
				}
				if vals[k][a] != vals[k][b] {
					c := 1
					if vals[k][a] < vals[k][b] {
						c = -1
					}
					if s.Desc {
						c = -c
					}
					return c
				}
			}
			return 0
		}
		want := append([]int(nil), pos...)
		sort.SliceStable(want, func(i, j int) bool { return cmp(want[i], want[j]) < 0 })
		want = want[:min(n, len(want))]
		sort.Ints(want)
		got, err := bestPositions(keys, specs, append([]int(nil), pos...), n)
		releaseAll(keys)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			want = []int{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d (n=%d, specs %s): got %v, want %v", trial, n, fmt.Sprint(specs[0].Desc, specs[0].NullsFirst, specs[1].Desc, specs[1].NullsFirst), got, want)
		}
	}
}
