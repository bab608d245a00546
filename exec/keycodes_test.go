package exec

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// keyCell is one key value of the naive oracle; null marks SQL NULL.
type keyCell struct {
	s    string
	null bool
}

// stringKeyArray builds vals as plain strings or as a dictionary array
// whose dictionary holds the values in a shuffled order plus unused entries
// and a NULL entry that some rows point to (dictionary NULLs and index
// NULLs must both read as NULL).
func stringKeyArray(rng *rand.Rand, vals []keyCell, dict bool) arrow.Array {
	if !dict {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		defer b.Release()
		for _, v := range vals {
			if v.null {
				b.AppendNull()
			} else {
				b.Append(v.s)
			}
		}
		return b.NewArray()
	}
	var entries []string
	pos := map[string]int{}
	for _, v := range vals {
		if _, ok := pos[v.s]; !v.null && !ok {
			pos[v.s] = -1
			entries = append(entries, v.s)
		}
	}
	entries = append(entries, fmt.Sprintf("unused-%d", rng.Intn(5)))
	rng.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
	db := array.NewStringBuilder(memory.DefaultAllocator)
	defer db.Release()
	for i, e := range entries {
		pos[e] = i
		db.Append(e)
	}
	nullEntry := len(entries)
	db.AppendNull()
	dv := db.NewArray()
	defer dv.Release()
	ib := array.NewInt32Builder(memory.DefaultAllocator)
	defer ib.Release()
	for _, v := range vals {
		switch {
		case v.null && rng.Intn(2) == 0:
			ib.AppendNull()
		case v.null:
			ib.Append(int32(nullEntry))
		default:
			ib.Append(int32(pos[v.s]))
		}
	}
	ix := ib.NewArray()
	defer ix.Release()
	return array.NewDictionaryArray(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, ix, dv)
}

func intKeyArray(vals []keyCell) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	for _, v := range vals {
		if v.null {
			b.AppendNull()
		} else {
			var x int64
			fmt.Sscan(v.s, &x)
			b.Append(x)
		}
	}
	return b.NewArray()
}

// TestGrouperMatchesNaive assigns groups over batches whose string keys
// arrive plain or dictionary-encoded (each batch its own dictionary, some
// reused across batches as a stripe's are), with NULLs, and checks the IDs
// against a naive first-occurrence numbering of the key tuples, the fresh
// rows, and the kept key values. High cardinalities push the pair table
// past its dense limit onto the map.
func TestGrouperMatchesNaive(t *testing.T) {
	cases := []struct {
		name  string
		cols  []string // "s": string, "i": bigint
		card  int      // distinct values per column
		batch int
	}{
		{"one string", []string{"s"}, 20, 500},
		{"one bigint", []string{"i"}, 20, 500},
		{"two strings", []string{"s", "s"}, 30, 700},
		{"string bigint string", []string{"s", "i", "s"}, 8, 600},
		{"two strings past dense", []string{"s", "s"}, 1500, 4000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(len(tc.name))))
			types := make([]arrow.DataType, len(tc.cols))
			for k, c := range tc.cols {
				types[k] = arrow.BinaryTypes.String
				if c == "i" {
					types[k] = arrow.PrimitiveTypes.Int64
				}
			}
			g := newGrouper(memory.DefaultAllocator, types, true)
			defer g.release()
			naive := map[string]uint32{}
			var order []string // tuple text per group
			var prevDict []arrow.Array
			for batch := 0; batch < 8; batch++ {
				n := tc.batch
				cells := make([][]keyCell, len(tc.cols))
				for k := range tc.cols {
					cells[k] = make([]keyCell, n)
					for i := range cells[k] {
						if rng.Intn(10) == 0 {
							cells[k][i] = keyCell{null: true}
						} else {
							cells[k][i] = keyCell{s: fmt.Sprint(rng.Intn(tc.card) - tc.card/2)}
						}
					}
				}
				keys := make([]arrow.Array, len(tc.cols))
				for k, c := range tc.cols {
					switch {
					case c == "i":
						keys[k] = intKeyArray(cells[k])
					case batch%3 == 2 && prevDict != nil:
						// Same dictionary as the batch before, new indices.
						d := prevDict[k].(*array.Dictionary)
						ib := array.NewInt32Builder(memory.DefaultAllocator)
						for i := 0; i < n; i++ {
							j := rng.Intn(d.Len())
							if d.IsNull(j) {
								ib.AppendNull()
								cells[k][i] = keyCell{null: true}
							} else {
								ib.Append(int32(d.GetValueIndex(j)))
								v := d.Dictionary().(*array.String)
								if v.IsNull(d.GetValueIndex(j)) {
									cells[k][i] = keyCell{null: true}
								} else {
									cells[k][i] = keyCell{s: v.Value(d.GetValueIndex(j))}
								}
							}
						}
						ix := ib.NewArray()
						keys[k] = array.NewDictionaryArray(d.DataType(), ix, d.Dictionary())
						ix.Release()
						ib.Release()
					default:
						keys[k] = stringKeyArray(rng, cells[k], batch%3 != 0)
					}
				}
				ids, fresh, err := g.assign(keys, n)
				if err != nil {
					t.Fatal(err)
				}
				var wantFresh []int32
				for i := 0; i < n; i++ {
					tuple := ""
					for k := range tc.cols {
						if cells[k][i].null {
							tuple += "\x00NULL|"
						} else {
							tuple += cells[k][i].s + "|"
						}
					}
					id, ok := naive[tuple]
					if !ok {
						id = uint32(len(naive))
						naive[tuple] = id
						order = append(order, tuple)
						wantFresh = append(wantFresh, int32(i))
					}
					if ids[i] != id {
						t.Fatalf("batch %d row %d %q: group %d, want %d", batch, i, tuple, ids[i], id)
					}
				}
				if fmt.Sprint(fresh) != fmt.Sprint(wantFresh) {
					t.Fatalf("batch %d: fresh rows %v, want %v", batch, fresh, wantFresh)
				}
				if g.n != uint32(len(naive)) {
					t.Fatalf("batch %d: %d groups, want %d", batch, g.n, len(naive))
				}
				for _, a := range prevDict {
					if a != nil {
						a.Release()
					}
				}
				prevDict = keys
			}
			for _, a := range prevDict {
				a.Release()
			}
			// The kept keys spell each group's tuple.
			kept := make([]arrow.Array, len(g.builders))
			for k, b := range g.builders {
				kept[k] = b.NewArray()
				defer kept[k].Release()
			}
			for gid, tuple := range order {
				got := ""
				for k := range kept {
					if kept[k].IsNull(gid) {
						got += "\x00NULL|"
					} else {
						got += fmt.Sprint(cell(kept[k], gid)) + "|"
					}
				}
				if got != tuple {
					t.Fatalf("group %d keeps %q, want %q", gid, got, tuple)
				}
			}
			if tc.card >= 1500 && !g.pairs[0].noDense {
				t.Fatalf("pair table stayed dense at %d x %d codes", g.cols[0].n, g.cols[1].n)
			}
		})
	}
}

// TestColCoderNormalisesValues: -0 and 0 share a code, every NaN one code,
// booleans and NULL-typed arrays code consistently.
func TestColCoderNormalisesValues(t *testing.T) {
	c := newColCoder()
	defer c.release()
	fb := array.NewFloat64Builder(memory.DefaultAllocator)
	defer fb.Release()
	negZero := 0.0
	negZero = -negZero
	nan1, nan2 := 0.0, 0.0
	nan1, nan2 = nan1/nan1, -(nan2 / nan2)
	fb.AppendValues([]float64{0, negZero, nan1, nan2, 1.5}, nil)
	fb.AppendNull()
	fa := fb.NewArray()
	defer fa.Release()
	out := make([]uint32, fa.Len())
	if err := c.codes(fa, out); err != nil {
		t.Fatal(err)
	}
	if out[0] != out[1] || out[2] != out[3] || out[0] == out[2] || out[4] == out[0] || out[5] == out[0] || out[5] == out[2] {
		t.Fatalf("codes %v: want 0 = -0, NaN = NaN, all else apart", out)
	}
	if fmt.Sprint(c.fresh) != "[0 2 4 5]" {
		t.Fatalf("fresh %v, want [0 2 4 5]", c.fresh)
	}
	na := array.NewNull(2)
	defer na.Release()
	nout := make([]uint32, 2)
	if err := c.codes(na, nout); err != nil {
		t.Fatal(err)
	}
	if nout[0] != out[5] || nout[1] != out[5] {
		t.Fatalf("NULL-typed rows coded %v, want the NULL code %d", nout, out[5])
	}
}

// BenchmarkGroupTwoDictKeys groups 1M rows on two dictionary-encoded string
// keys (40 x 500 values, stripes of 64k rows sharing a dictionary), the
// shape of GROUP BY eventSource, eventName; plain=true the same strings
// unencoded.
func BenchmarkGroupTwoDictKeys(b *testing.B) {
	for _, plain := range []bool{false, true} {
		b.Run(fmt.Sprintf("plain=%v", plain), func(b *testing.B) {
			rng := rand.New(rand.NewSource(1))
			var batches [][]arrow.Array
			for s := 0; s < benchTotal/(8*8192); s++ {
				cells := [2][]keyCell{}
				for k, card := range []int{40, 500} {
					cells[k] = make([]keyCell, 8*8192)
					for i := range cells[k] {
						cells[k][i] = keyCell{s: fmt.Sprintf("value-%d-%d.amazonaws.com", k, rng.Intn(card))}
					}
				}
				a0, a1 := stringKeyArray(rng, cells[0], !plain), stringKeyArray(rng, cells[1], !plain)
				for off := 0; off < 8*8192; off += 8192 {
					batches = append(batches, []arrow.Array{array.NewSlice(a0, int64(off), int64(off+8192)), array.NewSlice(a1, int64(off), int64(off+8192))})
				}
				a0.Release()
				a1.Release()
			}
			defer func() {
				for _, bt := range batches {
					releaseAll(bt)
				}
			}()
			b.ResetTimer()
			for b.Loop() {
				g := newGrouper(memory.DefaultAllocator, []arrow.DataType{arrow.BinaryTypes.String, arrow.BinaryTypes.String}, true)
				for _, bt := range batches {
					if _, _, err := g.assign(bt, 8192); err != nil {
						b.Fatal(err)
					}
				}
				g.release()
			}
			b.ReportMetric(float64(benchTotal)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
