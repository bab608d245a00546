package orcfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// mcSchema is a lookup-shaped file: a unique id with bloom filters, a
// low-cardinality name and a number.
var mcSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// mcFile writes rows rows with ids "<prefix>-<i>" in several stripes of
// row groups of 500, with bloom filters on id, compressed with the default
// codec.
func mcFile(t testing.TB, prefix string, rows int) []byte {
	return mcFileOpts(t, prefix, rows, WriterOptions{})
}

func mcFileOpts(t testing.TB, prefix string, rows int, opts WriterOptions) []byte {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, mcSchema)
	defer b.Release()
	for i := 0; i < rows; i++ {
		b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("%s-%06d", prefix, i))
		b.Field(1).(*array.StringBuilder).Append([]string{"Get", "Put", "List"}[i%3])
		b.Field(2).(*array.Int64Builder).Append(int64(i))
	}
	rec := b.NewRecord()
	defer rec.Release()
	opts.RowIndexStride, opts.StripeSize = 500, 32<<10
	opts.BloomFilterColumns, opts.BloomFilterFPP = []string{"id"}, 0.001
	return wtWrite(t, mcSchema, opts, rec)
}

// mcMeta is everything the cache serves for a file, decoded.
type mcMeta struct {
	stripes []*Stripe
	index   [][][]RowGroup // [stripe][col]
	blooms  [][][]byte     // [stripe][col] marshalled BloomFilterIndex
	utf8    [][]bool
	sets    [][]int // [stripe][col] filters in BloomFilterSet
	stats   [][]Statistics
}

func mcRead(t *testing.T, f *File) mcMeta {
	t.Helper()
	var m mcMeta
	for i := range f.Stripes() {
		s, err := f.ReadStripe(i)
		if err != nil {
			t.Fatal(err)
		}
		m.stripes = append(m.stripes, s)
		st, err := f.StripeStatistics(i)
		if err != nil {
			t.Fatal(err)
		}
		m.stats = append(m.stats, st)
		var idx [][]RowGroup
		var bl [][]byte
		var u8 []bool
		var sets []int
		for c := range f.Columns() {
			g, err := f.RowIndex(s, c)
			if err != nil {
				t.Fatal(err)
			}
			idx = append(idx, g)
			b, utf8, err := f.BloomFilters(s, c)
			if err != nil {
				t.Fatal(err)
			}
			var raw []byte
			if b != nil {
				if raw, err = orcproto.Marshal(b); err != nil {
					t.Fatal(err)
				}
			}
			bl, u8 = append(bl, raw), append(u8, utf8)
			set, _, err := f.BloomFilterSet(s, c)
			if err != nil {
				t.Fatal(err)
			}
			sets = append(sets, len(set))
		}
		m.index, m.blooms, m.utf8, m.sets = append(m.index, idx), append(m.blooms, bl), append(m.utf8, u8), append(m.sets, sets)
	}
	return m
}

func mcEqual(t *testing.T, what string, got, want mcMeta) {
	t.Helper()
	if len(got.stripes) != len(want.stripes) {
		t.Fatalf("%s: %d stripes, want %d", what, len(got.stripes), len(want.stripes))
	}
	for i := range want.stripes {
		g, w := got.stripes[i], want.stripes[i]
		if g.Index != w.Index || g.Info != w.Info || !reflect.DeepEqual(g.Streams, w.Streams) ||
			g.WriterTimezone != w.WriterTimezone || !reflect.DeepEqual(g.Footer, w.Footer) {
			t.Errorf("%s: stripe %d differs", what, i)
		}
	}
	if !reflect.DeepEqual(got.stats, want.stats) {
		t.Errorf("%s: stripe statistics differ", what)
	}
	if !reflect.DeepEqual(got.index, want.index) {
		t.Errorf("%s: row indexes differ", what)
	}
	if !reflect.DeepEqual(got.blooms, want.blooms) || !reflect.DeepEqual(got.utf8, want.utf8) {
		t.Errorf("%s: bloom filters differ", what)
	}
	if !reflect.DeepEqual(got.sets, want.sets) {
		t.Errorf("%s: bloom filter sets differ: %v, want %v", what, got.sets, want.sets)
	}
}

// mcOpenFresh decodes data without the cache (Open has no cache key).
func mcOpenFresh(t *testing.T, data []byte) *File {
	t.Helper()
	f, err := Open(bytes.NewReader(data), int64(len(data)), "fresh")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mcWriteFile(t *testing.T, path string, data []byte, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// TestMetaCacheServesFreshDecode reads a file's metadata three times:
// without the cache, through OpenFile (filling it) and again (served from
// it, as the hit count shows). All three must agree.
func TestMetaCacheServesFreshDecode(t *testing.T) {
	data := mcFile(t, "a", 6000)
	want := mcRead(t, mcOpenFresh(t, data))
	if len(want.stripes) < 2 || want.sets[0][1] == 0 {
		t.Fatalf("test file has %d stripes and %d id filters in stripe 0; want several of each", len(want.stripes), want.sets[0][1])
	}
	path := filepath.Join(t.TempDir(), "a.orc")
	mcWriteFile(t, path, data, time.Now())
	for pass := 0; pass < 2; pass++ {
		f, err := OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		h0, m0, _ := MetaCacheStats()
		got := mcRead(t, f)
		h1, m1, _ := MetaCacheStats()
		f.Close()
		mcEqual(t, fmt.Sprintf("pass %d", pass), got, want)
		if pass == 1 && m1 != m0 {
			t.Errorf("second pass decoded %d pieces again (hits %d)", m1-m0, h1-h0)
		}
		if pass == 1 && h1 == h0 {
			t.Errorf("second pass had no cache hits")
		}
	}
}

// TestMetaCacheFollowsRewrites fills the cache from one file, replaces it
// under the same path with another and expects the new file's metadata:
// once with a file of another size (different ids, row count and stripes)
// and the same mtime, once with a file of the same size (uncompressed, ids
// of the same length) and another mtime.
func TestMetaCacheFollowsRewrites(t *testing.T) {
	raw := WriterOptions{Uncompressed: true}
	a, b, z := mcFileOpts(t, "a", 6000, raw), mcFile(t, "bb", 4500), mcFileOpts(t, "z", 6000, raw)
	if len(a) != len(z) || bytes.Equal(a, z) {
		t.Fatalf("same-size files: %d and %d bytes (equal: %v)", len(a), len(z), bytes.Equal(a, z))
	}
	path := filepath.Join(t.TempDir(), "x.orc")
	t0 := time.Now().Add(-time.Hour)
	mcWriteFile(t, path, a, t0)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mcEqual(t, "before", mcRead(t, f), mcRead(t, mcOpenFresh(t, a)))
	f.Close()
	for _, tc := range []struct {
		name  string
		data  []byte
		mtime time.Time
	}{
		{"other size, same mtime", b, t0},
		{"same size, other mtime", z, t0.Add(time.Second)},
	} {
		mcWriteFile(t, path, tc.data, tc.mtime)
		f, err := OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		mcEqual(t, tc.name, mcRead(t, f), mcRead(t, mcOpenFresh(t, tc.data)))
		f.Close()
	}
}

// TestMetaCacheEvicts bounds the cache below one file's metadata: the bytes
// held stay within the bound, and rereading the first stripe decodes again.
func TestMetaCacheEvicts(t *testing.T) {
	data := mcFile(t, "e", 6000)
	path := filepath.Join(t.TempDir(), "e.orc")
	mcWriteFile(t, path, data, time.Now())
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Measure what the file's metadata takes, then allow a third of it.
	old := SetMetaCacheLimit(0)
	SetMetaCacheLimit(old)
	mcRead(t, f)
	_, _, full := MetaCacheStats()
	if full == 0 {
		t.Fatal("nothing cached")
	}
	limit := full / 3
	defer SetMetaCacheLimit(SetMetaCacheLimit(limit))
	if _, _, n := MetaCacheStats(); n > limit {
		t.Fatalf("after lowering the bound to %d: %d bytes cached", limit, n)
	}
	want := mcRead(t, mcOpenFresh(t, data))
	for pass := 0; pass < 2; pass++ {
		_, m0, _ := MetaCacheStats()
		got := mcRead(t, f)
		_, m1, n := MetaCacheStats()
		mcEqual(t, "bounded", got, want)
		if n > limit {
			t.Errorf("pass %d: %d bytes cached, bound %d", pass, n, limit)
		}
		if m1 == m0 {
			t.Errorf("pass %d: everything was served from a cache a third of the metadata's size", pass)
		}
	}
	// 0 disables caching: nothing is held, reads still work.
	SetMetaCacheLimit(0)
	mcEqual(t, "disabled", mcRead(t, f), want)
	if _, _, n := MetaCacheStats(); n != 0 {
		t.Errorf("disabled cache holds %d bytes", n)
	}
}

// TestMetaCacheConcurrentLookups runs point lookups (bloom filters pick the
// row group, the scan reads it) on several goroutines that share the cache;
// run it with -race.
func TestMetaCacheConcurrentLookups(t *testing.T) {
	data := mcFile(t, "c", 6000)
	path := filepath.Join(t.TempDir(), "c.orc")
	mcWriteFile(t, path, data, time.Now())
	ids := []int{0, 499, 500, 1777, 3001, 5999}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(ids))
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := range ids {
				id := ids[(k+w)%len(ids)]
				got, err := mcLookup(path, fmt.Sprintf("c-%06d", id))
				if err == nil && (len(got) != 1 || got[0] != int64(id)) {
					err = fmt.Errorf("lookup of id %d found n = %v", id, got)
				}
				if err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// mcLookup finds the n values of the rows whose id is id, reading only the
// row groups whose bloom filter may contain it.
func mcLookup(path, id string) ([]int64, error) {
	f, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idCol, _ := f.Root().Find("id")
	s, err := f.Scan(ScanOptions{Columns: []string{"id", "n"}, PlainStrings: true,
		RowGroups: func(st *Stripe, rowIndex func(int) ([]RowGroup, error)) ([]bool, error) {
			if _, err := rowIndex(idCol.ID); err != nil {
				return nil, err
			}
			set, _, err := f.BloomFilterSet(st, idCol.ID)
			if err != nil {
				return nil, err
			}
			keep := make([]bool, len(set))
			for g, bf := range set {
				keep[g] = bf == nil || bf.MightContainString(id)
			}
			return keep, nil
		}})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var out []int64
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		ids := rec.Column(0).(*array.String)
		ns := rec.Column(1).(*array.Int64)
		for i := 0; i < ids.Len(); i++ {
			if ids.Value(i) == id {
				out = append(out, ns.Value(i))
			}
		}
		rec.Release()
	}
}

// BenchmarkReadLookupRepeated looks one id up in a file of 60,000 rows (40
// stripes, bloom filters on id) again and again, as repeated point lookups
// in one process do: only the first decodes footers, row indexes and
// filters; the rest take them from the metadata cache and read one row
// group.
func BenchmarkReadLookupRepeated(b *testing.B) {
	path := filepath.Join(b.TempDir(), "lookup.orc")
	data := mcFile(b, "k", 60000)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	check := func() {
		got, err := mcLookup(path, "k-031337")
		if err != nil || len(got) != 1 || got[0] != 31337 {
			b.Fatalf("lookup: %v, %v", got, err)
		}
	}
	check()
	_, m0, _ := MetaCacheStats()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		check()
	}
	b.StopTimer()
	_, m1, _ := MetaCacheStats()
	b.ReportMetric(float64(m1-m0)/float64(b.N), "decodes/op")
}
