package orcstore

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// setFilter is a join's dynamic filter in miniature: it keeps the rows
// whose eventID is in keys, and offers them to the scan's bloom filters.
type setFilter struct {
	keys []string
	set  map[string]bool
}

func newSetFilter(keys []string) *setFilter {
	f := &setFilter{keys: keys, set: map[string]bool{}}
	for _, k := range keys {
		f.set[k] = true
	}
	return f
}

func (f *setFilter) Select(rec arrow.Record, sel []int32) []int32 {
	col := rec.Column(rec.Schema().FieldIndices("eventID")[0]).(*array.String)
	out := []int32{}
	for i := 0; i < col.Len(); i++ {
		if f.set[col.Value(i)] && (sel == nil || contains(sel, int32(i))) {
			out = append(out, int32(i))
		}
	}
	return out
}

func contains(s []int32, v int32) bool {
	i := sort.Search(len(s), func(k int) bool { return s[k] >= v })
	return i < len(s) && s[i] == v
}

func (f *setFilter) StringKeys(limit int) (string, []string, bool) {
	return "eventID", f.keys, len(f.keys) <= limit
}

// scanDynamic scans eventID with f as the published dynamic filter.
func scanDynamic(t *testing.T, s *Store, f RowFilter) ([]string, ScanStats) {
	t.Helper()
	d := &DynamicFilter{}
	d.Set(f)
	ids, st := scanIDsWith(t, s, ScanSpec{}, ScanOptions{Dynamic: d})
	if ids == nil {
		ids = []string{}
	}
	return ids, st
}

// bloomFalsePositive finds a string in no file whose bloom filter of some
// row group of file path nonetheless answers "maybe": a key that collides
// with that row group's values.
func bloomFalsePositive(t *testing.T, path string, rng *rand.Rand) string {
	t.Helper()
	f, err := orcfile.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, _ := f.Root().Find("eventID")
	st, err := f.ReadStripe(0)
	if err != nil {
		t.Fatal(err)
	}
	set, utf8, err := f.BloomFilterSet(st, c.ID)
	if err != nil || !utf8 || len(set) == 0 {
		t.Fatalf("no UTF-8 eventID bloom filters in %s: %v", path, err)
	}
	for i := 0; i < 5_000_000; i++ {
		k := fmt.Sprintf("collide-%x", rng.Uint64())
		if set[0].MightContainString(k) {
			return k
		}
	}
	t.Fatal("no bloom filter collision found")
	return ""
}

// A join's build keys prune the probe scan's row groups through the
// eventID bloom filters, and the scan still returns every row whose key is
// one of them: keys of one row group, keys in no file, keys that collide
// with a row group's filter, no keys, and more keys than bloom filters are
// tested with.
func TestDynamicFilterBloomPruning(t *testing.T) {
	s, all := metaFixture(t)
	ids := make([]string, len(all))
	for i, ev := range all {
		ids[i] = ev.ID
	}
	sort.Strings(ids)
	_, whole := scanIDs(t, s, ScanSpec{})
	groups := whole.RowGroupsRead
	if groups < 6 {
		t.Fatalf("fixture has %d row groups", groups)
	}
	files, _ := filepath.Glob(filepath.Join(s.Dir, "data", "*", "*.orc"))
	if len(files) == 0 {
		t.Fatal("no data files")
	}
	sort.Slice(files, func(i, j int) bool { return fileSize(files[i]) > fileSize(files[j]) })
	rng := rand.New(rand.NewSource(11))
	absent := func(n int) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, fmt.Sprintf("absent-%x", rng.Uint64()))
		}
		return out
	}
	// Keys of one row group: metaFixture's second file (23,000 events)
	// holds all[500:23500], sorted by time as written, so all[500:700]
	// lie in its first row group.
	var present []string
	for _, ev := range all[500:700] {
		if rng.Intn(4) == 0 {
			present = append(present, ev.ID)
		}
	}
	collide := bloomFalsePositive(t, files[0], rng)
	many := append(absent(maxBloomKeys), present...)
	for _, tc := range []struct {
		name     string
		keys     []string
		minSkip  int // row groups the bloom filters must rule out at least
		noPruneK bool
	}{
		{"one row group's keys", present, groups - 2, false},
		{"present and absent keys", append(absent(50), present...), groups - 3, false},
		{"absent keys only", absent(50), groups - 2, false},
		{"a key colliding in a bloom filter", append([]string{collide}, absent(10)...), groups - 2, false},
		{"no keys", nil, groups, false},
		{"too many keys to test", many, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, st := scanDynamic(t, s, newSetFilter(tc.keys))
			keys := map[string]bool{}
			for _, k := range tc.keys {
				keys[k] = true
			}
			want := []string{}
			for _, id := range ids {
				if keys[id] {
					want = append(want, id)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("scan returned %d rows, want %d (the store's rows with those keys)", len(got), len(want))
			}
			if tc.noPruneK {
				if st.RowGroupsDynSkipped != 0 {
					t.Fatalf("%d keys: %d row groups skipped by bloom filters, want none tested", len(tc.keys), st.RowGroupsDynSkipped)
				}
				return
			}
			if st.RowGroupsDynSkipped < tc.minSkip {
				t.Fatalf("bloom filters skipped %d of %d row groups, want at least %d", st.RowGroupsDynSkipped, groups, tc.minSkip)
			}
			if st.RowGroupsSkipped < st.RowGroupsDynSkipped || st.RowGroupsRead+st.RowGroupsSkipped != groups {
				t.Fatalf("row groups: %d read + %d skipped (%d by bloom filters), want %d in all", st.RowGroupsRead, st.RowGroupsSkipped, st.RowGroupsDynSkipped, groups)
			}
			if tc.name == "a key colliding in a bloom filter" && st.RowGroupsRead == 0 {
				t.Fatal("the row group whose filter holds the colliding key was skipped")
			}
		})
	}
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}
