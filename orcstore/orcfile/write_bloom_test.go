package orcfile

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// wtFakeBloom records what the writer adds, so the plumbing (one filter
// per row group, non-null values only, stream placement, encoding flag)
// is tested independently of the hash.
type wtFakeBloom struct{ vals []string }

func (f *wtFakeBloom) AddString(s string) { f.vals = append(f.vals, s) }
func (f *wtFakeBloom) Proto() *orcproto.BloomFilter {
	k := uint32(len(f.vals))
	return &orcproto.BloomFilter{NumHashFunctions: &k, Utf8Bitset: []byte(strings.Join(f.vals, "\x00"))}
}

func TestWriteBloomFilterPlumbing(t *testing.T) {
	saved := wNewBloomFilter
	defer func() { wNewBloomFilter = saved }()
	wNewBloomFilter = func(n int, fpp float64) (wBloom, error) {
		if n != 700 || fpp != 0.05 {
			t.Errorf("bloom sized for %d entries at %v, want 700 at 0.05", n, fpp)
		}
		return &wtFakeBloom{}, nil
	}
	g := wtNewGen(5, 0.2)
	rec := g.record(wtAllTypes, 3000)
	opts := WriterOptions{RowIndexStride: 700, BloomFilterFPP: 0.05, StripeSize: 150 << 10,
		BloomFilterColumns: []string{"str", "ST.inner.x"}}
	file := wtWrite(t, wtAllTypes, opts, rec)
	tl := wtCheckAllStats(t, file, wtAllTypes, wtRows(rec))
	root, _, _ := ColumnsFromArrow(wtAllTypes)
	rows := wtRows(rec)
	first := 0
	for si, st := range tl.stripes {
		n := int(st.info.GetNumberOfRows())
		part := rows[first : first+n]
		first += n
		for _, c := range root.Columns() {
			want := c.Path == "Str" || c.Path == "st.inner.x"
			bi := st.blooms[c.ID]
			if got := st.footer.Columns[c.ID].GetBloomEncoding() == 1; got != want {
				t.Errorf("stripe %d column %q: bloomEncoding set %v, want %v", si, c.Path, got, want)
			}
			if (bi != nil) != want {
				t.Fatalf("stripe %d column %q: bloom stream %v, want %v", si, c.Path, bi != nil, want)
			}
			if !want {
				continue
			}
			// The bloom stream follows the column's ROW_INDEX.
			for i, s := range st.footer.Streams {
				if int(s.GetColumn()) == c.ID && s.GetKind() == orcproto.Stream_BLOOM_FILTER_UTF8 {
					prev := st.footer.Streams[i-1]
					if int(prev.GetColumn()) != c.ID || prev.GetKind() != orcproto.Stream_ROW_INDEX {
						t.Errorf("bloom stream of column %d follows %v of column %d", c.ID, prev.GetKind(), prev.GetColumn())
					}
				}
			}
			groups := (n + 699) / 700
			if len(bi.BloomFilter) != groups {
				t.Fatalf("stripe %d column %q: %d filters, want %d", si, c.Path, len(bi.BloomFilter), groups)
			}
			for gi := 0; gi < groups; gi++ {
				var wantVals []string
				for _, v := range wtCollect(root, part[gi*700:min(n, (gi+1)*700)])[c.ID] {
					if v != nil {
						wantVals = append(wantVals, v.(string))
					}
				}
				// A value equal to the one before it in the row group is
				// not added again (a bloom filter is a set).
				wantVals = slices.Compact(wantVals)
				bf := bi.BloomFilter[gi]
				var got []string
				if len(bf.Utf8Bitset) > 0 || bf.GetNumHashFunctions() > 0 {
					got = strings.Split(string(bf.Utf8Bitset), "\x00")
				}
				if !slices.Equal(got, wantVals) {
					t.Fatalf("stripe %d row group %d column %q: filter got %d values, want %d", si, gi, c.Path, len(got), len(wantVals))
				}
			}
		}
	}
}

func TestWriteErrors(t *testing.T) {
	saved := wNewBloomFilter
	defer func() { wNewBloomFilter = saved }()
	wNewBloomFilter = func(int, float64) (wBloom, error) { return &wtFakeBloom{}, nil }
	bad := arrow.NewSchema([]arrow.Field{{Name: "outer", Type: arrow.StructOf(
		arrow.Field{Name: "dur", Type: arrow.FixedWidthTypes.Duration_s})}}, nil)
	if _, err := NewWriter(&bytes.Buffer{}, bad, WriterOptions{}); err == nil || !strings.Contains(err.Error(), "outer.dur") {
		t.Errorf("unsupported type: %v, want an error naming outer.dur", err)
	}
	for _, c := range []struct {
		opts WriterOptions
		want string
	}{
		{WriterOptions{BloomFilterColumns: []string{"nope"}}, `"nope"`},
		{WriterOptions{BloomFilterColumns: []string{"i64"}}, `"i64"`},
		{WriterOptions{BloomFilterColumns: []string{"Str"}, RowIndexStride: -1}, "row index"},
		{WriterOptions{BloomFilterFPP: 1.5}, "fpp"},
		{WriterOptions{BlockSize: -1}, "block size"},
		{WriterOptions{Compression: Compression(42)}, "compression"},
	} {
		if _, err := NewWriter(&bytes.Buffer{}, wtAllTypes, c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one mentioning %s", c.opts, err, c.want)
		}
	}
	wNewBloomFilter = nil
	if _, err := NewWriter(&bytes.Buffer{}, wtAllTypes, WriterOptions{BloomFilterColumns: []string{"Str"}}); err == nil {
		t.Error("bloom filters without an implementation: no error")
	}

	w, err := NewWriter(&bytes.Buffer{}, wtAllTypes, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	other := arrow.NewSchema(append(slices.Clone(wtAllTypes.Fields()[:3]),
		arrow.Field{Name: "i32", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), nil)
	g := wtNewGen(1, 0)
	if err := w.Write(g.record(other, 3)); err == nil {
		t.Error("schema with fewer columns: no error")
	}
	mism := arrow.NewSchema(slices.Clone(wtAllTypes.Fields()), nil)
	fs := mism.Fields()
	fs[3].Type = arrow.PrimitiveTypes.Int64
	if err := w.Write(g.record(arrow.NewSchema(fs, nil), 3)); err == nil || !strings.Contains(err.Error(), `"i32"`) {
		t.Errorf("type mismatch: %v, want an error naming i32", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(g.record(wtAllTypes, 1)); err == nil {
		t.Error("Write after Close: no error")
	}
}

// TestWriteStripeCuts checks stripe boundaries: no empty stripes, a 0-row
// file has none, and every stripe but the last holds at least the target.
func TestWriteStripeCuts(t *testing.T) {
	g := wtNewGen(9, 0.1)
	empty := wtReadTail(t, wtWrite(t, wtAllTypes, WriterOptions{}))
	if len(empty.stripes) != 0 || empty.footer.GetNumberOfRows() != 0 || len(empty.meta.StripeStats) != 0 {
		t.Errorf("empty file: %d stripes, %d rows", len(empty.stripes), empty.footer.GetNumberOfRows())
	}
	var recs []arrow.Record
	for i := 0; i < 7; i++ {
		recs = append(recs, g.record(wtAllTypes, 1500))
	}
	meta := map[string][]byte{"ctlake.b": []byte("2"), "ctlake.a": {0, 1}}
	tl := wtReadTail(t, wtWrite(t, wtAllTypes, WriterOptions{StripeSize: 256 << 10, Metadata: meta}, recs...))
	if items := tl.footer.Metadata; len(items) != 2 || items[0].GetName() != "ctlake.a" || !bytes.Equal(items[0].Value, []byte{0, 1}) || string(items[1].Value) != "2" {
		t.Errorf("user metadata %v", items)
	}
	if len(tl.stripes) < 3 {
		t.Fatalf("%d stripes, want several", len(tl.stripes))
	}
	total := uint64(0)
	for i, s := range tl.stripes {
		if s.info.GetNumberOfRows() == 0 {
			t.Errorf("stripe %d is empty", i)
		}
		if i > 0 && s.info.GetOffset() != tl.stripes[i-1].info.GetOffset()+tl.stripes[i-1].info.GetIndexLength()+tl.stripes[i-1].info.GetDataLength()+tl.stripes[i-1].info.GetFooterLength() {
			t.Errorf("stripe %d does not follow stripe %d", i, i-1)
		}
		if s.footer.GetWriterTimezone() != "UTC" {
			t.Errorf("stripe %d writer timezone %q", i, s.footer.GetWriterTimezone())
		}
		total += s.info.GetNumberOfRows()
	}
	if total != 7*1500 || tl.footer.GetNumberOfRows() != total {
		t.Errorf("stripes hold %d rows, footer says %d, want %d", total, tl.footer.GetNumberOfRows(), 7*1500)
	}
	if v := tl.ps.GetVersion(); len(v) != 2 || v[0] != 0 || v[1] != 12 {
		t.Errorf("version %v", v)
	}
	if tl.footer.GetHeaderLength() != 3 {
		t.Errorf("headerLength %d", tl.footer.GetHeaderLength())
	}
}

// TestWriteRepeatAcrossRowGroups: a row group whose first value repeats the
// last value of the row group before must still count it in its own
// statistics (here it is the row group's maximum) and bloom filter.
func TestWriteRepeatAcrossRowGroups(t *testing.T) {
	saved := wNewBloomFilter
	defer func() { wNewBloomFilter = saved }()
	var filters []*wtFakeBloom
	wNewBloomFilter = func(int, float64) (wBloom, error) {
		f := &wtFakeBloom{}
		filters = append(filters, f)
		return f, nil
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues([]string{"m", "m", "m", "z", "z", "a", "b", "c"}, nil)
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecord(schema, []arrow.Array{col}, 8)
	defer rec.Release()
	file := wtWrite(t, schema, WriterOptions{RowIndexStride: 4, BloomFilterColumns: []string{"s"}}, rec)
	wtCheckAllStats(t, file, schema, wtRows(rec))
	if len(filters) != 2 || !slices.Contains(filters[1].vals, "z") {
		var got [][]string
		for _, f := range filters {
			got = append(got, f.vals)
		}
		t.Fatalf("bloom filter values per row group: %q; the second must hold \"z\"", got)
	}
}
