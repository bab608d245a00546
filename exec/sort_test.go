package exec

import (
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/ctlake/ctlake/planner"
)

// refCompare orders two Go values of one column with NULL placement and
// direction, independently of the operator's comparator.
func refCompare(a, b any, desc, nullsFirst bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if nullsFirst {
			return -1
		}
		return 1
	case b == nil:
		if nullsFirst {
			return 1
		}
		return -1
	}
	var c int
	switch x := a.(type) {
	case int64:
		y := b.(int64)
		c = map[bool]int{true: -1, false: 0}[x < y] + map[bool]int{true: 1, false: 0}[x > y]
	case string:
		y := b.(string)
		c = map[bool]int{true: -1, false: 0}[x < y] + map[bool]int{true: 1, false: 0}[x > y]
	case bool:
		y := b.(bool)
		c = map[bool]int{true: -1, false: 0}[!x && y] + map[bool]int{true: 1, false: 0}[x && !y]
	}
	if desc {
		c = -c
	}
	return c
}

func TestSortAndTopN(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	n := 5000
	ts := make([]any, n)
	ss := make([]any, n)
	bs := make([]any, n)
	id := make([]any, n)
	for i := 0; i < n; i++ {
		if rng.Intn(10) != 0 {
			ts[i] = int64(1700000000000000000 + int64(rng.Intn(500))*1e9)
		}
		if rng.Intn(8) != 0 {
			ss[i] = fmt.Sprintf("user%02d", rng.Intn(30))
		}
		if rng.Intn(6) != 0 {
			bs[i] = rng.Intn(2) == 0
		}
		id[i] = int64(i)
	}
	type key struct {
		col              int
		desc, nullsFirst bool
	}
	keysets := [][]key{
		{{0, false, false}},
		{{0, true, false}},
		{{0, true, true}},
		{{1, false, true}, {0, true, false}},
		{{2, true, false}, {1, false, false}},
	}
	for ki, ks := range keysets {
		for _, dict := range []bool{false, true} {
			for _, withSel := range []bool{false, true} {
				cols := []col{{"t", planner.Timestamp, false, ts}, {"s", planner.Varchar, dict, ss}, {"b", planner.Boolean, false, bs}, {"id", planner.Bigint, false, id}}
				// Reference: stable sort of the live rows.
				live := make([][]any, 0, n)
				lv := make([][]any, len(cols))
				for c := range cols {
					lv[c] = liveVals(700, withSel, cols[c].vals)
				}
				for i := range lv[0] {
					row := make([]any, len(cols))
					for c := range cols {
						row[c] = lv[c][i]
					}
					live = append(live, row)
				}
				want := append([][]any(nil), live...)
				sort.SliceStable(want, func(i, j int) bool {
					for _, k := range ks {
						if c := refCompare(want[i][k.col], want[j][k.col], k.desc, k.nullsFirst); c != 0 {
							return c < 0
						}
					}
					return false
				})
				for _, limit := range []int64{-1, 0, 1, 7, 100, 3000, 100000} {
					batches, recs := splitBatches(700, withSel, cols...)
					src := &source{schema: logicalSchema(cols...), batches: batches}
					var sk []SortKey
					for _, k := range ks {
						ev, err := Compile(ref(k.col, cols[k.col].name, cols[k.col].typ), src.schema, &Env{})
						if err != nil {
							t.Fatal(err)
						}
						sk = append(sk, SortKey{Ev: ev, T: cols[k.col].typ, Desc: k.desc, NullsFirst: k.nullsFirst})
					}
					var op Operator
					w := want
					if limit < 0 {
						op = NewSort(src, sk, &Env{BatchSize: 1000})
					} else {
						op = NewTopN(src, sk, limit, &Env{BatchSize: 1000})
						w = want[:min(int(limit), len(want))]
					}
					got, err := rowsOf(op)
					if err != nil {
						t.Fatal(err)
					}
					if len(w) == 0 {
						w = nil
					}
					if !reflect.DeepEqual(got, w) {
						t.Errorf("keys #%d dict=%v sel=%v limit=%d: order differs (%d rows, want %d)", ki, dict, withSel, limit, len(got), len(w))
					}
					for _, r := range recs {
						r.Release()
					}
				}
			}
		}
	}
}
