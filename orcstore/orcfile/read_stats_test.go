package orcfile

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestReadStripeStatistics compares each stripe's statistics from the metadata
// section with the rows of that stripe in orc-contents' output.
func TestReadStripeStatistics(t *testing.T) {
	dir := readExamplesDir(t)
	name := "TestOrcFile.testStripeLevelStats"
	f, err := OpenFile(filepath.Join(dir, name+".orc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type agg struct {
		n        uint64
		min, max int64
		strMin   string
		strMax   string
	}
	var rows []struct {
		Int1    int64
		String1 string
	}
	sc := readExpectedLines(t, filepath.Join(dir, "expected", name+".jsn.gz"))
	for sc.Scan() {
		var r struct {
			Int1    int64
			String1 string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if uint64(len(rows)) != f.NumRows() {
		t.Fatalf("%d expected rows, file has %d", len(rows), f.NumRows())
	}
	for i, st := range f.Stripes() {
		part := rows[st.FirstRow : st.FirstRow+st.Rows]
		a := agg{min: part[0].Int1, max: part[0].Int1, strMin: part[0].String1, strMax: part[0].String1}
		for _, r := range part {
			a.n++
			a.min, a.max = min(a.min, r.Int1), max(a.max, r.Int1)
			a.strMin, a.strMax = min(a.strMin, r.String1), max(a.strMax, r.String1)
		}
		stats, err := f.StripeStatistics(i)
		if err != nil {
			t.Fatal(err)
		}
		is, ss := stats[1].Int, stats[2].String
		if stats[1].Count != a.n || is == nil || is.Min != a.min || is.Max != a.max {
			t.Errorf("stripe %d int1: %+v %+v, want %+v", i, stats[1], is, a)
		}
		if ss == nil || !ss.HasMinMax || ss.Min != a.strMin || ss.Max != a.strMax || !ss.Trusted {
			t.Errorf("stripe %d string1: %+v, want %q..%q", i, ss, a.strMin, a.strMax)
		}
	}
	if _, err := f.StripeStatistics(len(f.Stripes())); err == nil {
		t.Error("stripe out of range: no error")
	}
}

// TestReadBloomFilters checks that the bloom filter streams decode into one
// filter per row group, with the UTF-8 flavour recognised.
func TestReadBloomFilters(t *testing.T) {
	f, err := OpenFile(filepath.Join(readExamplesDir(t), "over1k_bloom.orc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.ReadStripe(0)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := f.RowIndex(st, 8)
	if err != nil {
		t.Fatal(err)
	}
	bf, utf8, err := f.BloomFilters(st, 8)
	if err != nil || bf == nil {
		t.Fatalf("bloom filters: %v %v", bf, err)
	}
	if utf8 || len(bf.GetBloomFilter()) != len(groups) {
		t.Fatalf("utf8 %v, %d filters for %d row groups", utf8, len(bf.GetBloomFilter()), len(groups))
	}
	for _, b := range bf.GetBloomFilter() {
		if b.GetNumHashFunctions() == 0 || len(b.GetBitset()) == 0 {
			t.Fatalf("empty filter %v", b)
		}
	}
	// Column 10 (_col9, a decimal) has no filter in this file.
	if bf, _, err := f.BloomFilters(st, 10); err != nil || bf != nil {
		t.Fatalf("column 10: %v %v", bf, err)
	}
}
