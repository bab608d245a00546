package orcfile

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// TestWriteRoundTripScritchley writes random data of every type (NULLs at
// every level, empty and NULL lists and maps) and reads it back with
// scritchley/orc's Cursor, an independent decoder. It reads only NONE,
// ZLIB and SNAPPY; ZSTD and LZ4 are checked against the C++ tools in
// write_cpp_test.go.
func TestWriteRoundTripScritchley(t *testing.T) {
	type tc struct {
		rows  []int // rows per record
		comp  Compression
		none  bool
		opts  WriterOptions
		nulls float64
	}
	cases := map[string]tc{
		"1 row":          {rows: []int{1}, comp: CompressionZlib, nulls: 0.2},
		"9999 rows":      {rows: []int{9999}, comp: CompressionSnappy, nulls: 0.2},
		"10000 rows":     {rows: []int{10000}, none: true, nulls: 0.2},
		"10001 rows":     {rows: []int{3000, 7000, 1}, comp: CompressionZlib, nulls: 0.1},
		"no nulls":       {rows: []int{2500}, comp: CompressionSnappy},
		"mostly nulls":   {rows: []int{2500}, comp: CompressionSnappy, nulls: 0.9},
		"small stripes":  {rows: []int{20000}, comp: CompressionZlib, nulls: 0.2, opts: WriterOptions{StripeSize: 100 << 10}},
		"small blocks":   {rows: []int{5000}, comp: CompressionZlib, nulls: 0.2, opts: WriterOptions{BlockSize: 1000, RowIndexStride: 333}},
		"no dictionary":  {rows: []int{3000}, comp: CompressionSnappy, nulls: 0.2, opts: WriterOptions{DictionaryThreshold: -1}},
		"always dict":    {rows: []int{3000}, none: true, nulls: 0.2, opts: WriterOptions{DictionaryThreshold: 1}},
		"no index":       {rows: []int{3000}, comp: CompressionZlib, nulls: 0.2, opts: WriterOptions{RowIndexStride: -1}},
		"zero rows":      {rows: nil, comp: CompressionZlib},
		"empty records":  {rows: []int{0, 0}, comp: CompressionZlib},
		"stride 1":       {rows: []int{50}, none: true, nulls: 0.3, opts: WriterOptions{RowIndexStride: 1}},
		"tiny stripes":   {rows: []int{300}, comp: CompressionSnappy, nulls: 0.3, opts: WriterOptions{StripeSize: 1}},
		"zlib big block": {rows: []int{4000}, comp: CompressionZlib, nulls: 0.05, opts: WriterOptions{BlockSize: 4 << 20}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			g := wtNewGen(int64(len(name)), c.nulls)
			g.noNullDates = true
			var recs []arrow.Record
			for _, n := range c.rows {
				recs = append(recs, g.record(wtAllTypes, n))
			}
			opts := c.opts
			opts.Compression, opts.Uncompressed = c.comp, c.none
			file := wtWrite(t, wtAllTypes, opts, recs...)
			got := wtReadScritchley(t, file, wtAllTypes)
			want := wtRows(recs...)
			wtScritchleyBlind(got, want)
			wtCompareRows(t, got, want, wtAllTypes)
		})
	}
}

// TestWriteLong writes 1,000,000 rows; opt in with CTLAKE_LONG_TESTS=1.
func TestWriteLong(t *testing.T) {
	if os.Getenv("CTLAKE_LONG_TESTS") == "" {
		t.Skip("set CTLAKE_LONG_TESTS=1")
	}
	g := wtNewGen(7, 0.1)
	g.noNullDates = true
	var recs []arrow.Record
	for i := 0; i < 100; i++ {
		recs = append(recs, g.record(wtAllTypes, 10000))
	}
	file := wtWrite(t, wtAllTypes, WriterOptions{Compression: CompressionSnappy, StripeSize: 16 << 20}, recs...)
	got := wtReadScritchley(t, file, wtAllTypes)
	want := wtRows(recs...)
	wtScritchleyBlind(got, want)
	wtCompareRows(t, got, want, wtAllTypes)
	fmt.Println("1M-row file:", len(file), "bytes")
}

// wtScritchleyBlind hides column "lm" (list<map<string,date>>) from the
// scritchley comparison: its map reader pre-reads the next key, so an
// empty map inside a list at the end of a stripe comes back NULL. The C++
// cross-check covers that column.
func wtScritchleyBlind(got, want [][]any) {
	i := wtAllTypes.FieldIndices("lm")[0]
	for _, rows := range [][][]any{got, want} {
		for _, r := range rows {
			if i < len(r) {
				r[i] = nil
			}
		}
	}
}

// TestWriteSlicedRecords writes records that are slices of a larger one
// (non-zero Arrow offsets at every level) and expects the whole back.
func TestWriteSlicedRecords(t *testing.T) {
	g := wtNewGen(21, 0.25)
	g.noNullDates = true
	rec := g.record(wtAllTypes, 5000)
	var parts []arrow.Record
	for _, b := range [][2]int64{{0, 1234}, {1234, 1235}, {1235, 1235}, {1235, 4001}, {4001, 5000}} {
		parts = append(parts, rec.NewSlice(b[0], b[1]))
	}
	file := wtWrite(t, wtAllTypes, WriterOptions{Compression: CompressionSnappy, RowIndexStride: 1000}, parts...)
	got := wtReadScritchley(t, file, wtAllTypes)
	want := wtRows(rec)
	wtScritchleyBlind(got, want)
	wtCompareRows(t, got, want, wtAllTypes)
	wtCheckAllStats(t, file, wtAllTypes, wtRows(rec))
	wtCheckPositions(t, file, wtAllTypes, wtRows(rec))
}

// TestWriteRuns writes rows of two records in a shuffled run order with
// WriteRuns and checks, with scritchley's independent reader, that the
// file holds exactly those rows in that order, with statistics and row
// index positions that match them. Ranges cross segment and row group
// boundaries, are empty, and repeat rows.
// Null rates of 2% and 97% give whole bitmap bytes of all-valid and
// all-NULL rows, which the writer takes a byte at a time.
func TestWriteRuns(t *testing.T) {
	for _, nullProb := range []float64{0.25, 0.02, 0.97} {
		t.Run(fmt.Sprint(nullProb), func(t *testing.T) { testWriteRuns(t, nullProb) })
	}
}

func testWriteRuns(t *testing.T, nullProb float64) {
	g := wtNewGen(22, nullProb)
	g.noNullDates = true
	a := g.record(wtAllTypes, 3000)
	// b is a slice (its arrays start at an offset), as a record cut from
	// a larger one would be.
	bFull := g.record(wtAllTypes, 2600)
	b := bFull.NewSlice(100, 2600)
	type piece struct {
		rec    arrow.Record
		ranges [][2]int
	}
	pieces := []piece{
		{b, [][2]int{{2000, 2500}, {0, 0}, {10, 11}}},
		{a, [][2]int{{1500, 3000}, {0, 1500}}},
		{b, [][2]int{{11, 2000}, {0, 10}, {5, 9}}},
		{a, [][2]int{{2999, 3000}}},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, wtAllTypes, WriterOptions{Compression: CompressionSnappy, RowIndexStride: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var runs []Run
	for _, p := range pieces {
		for _, r := range p.ranges {
			runs = append(runs, Run{p.rec, r[0], r[1]})
		}
	}
	// Single rows alternating between the records, as ingest's merged
	// chunks give, then the pieces above in two calls.
	for i := 0; i < 1200; i++ {
		rec := []arrow.Record{a, b}[i%2]
		runs = append([]Run{{rec, i, i + 1}}, runs...)
	}
	for _, part := range [][]Run{runs[:700], runs[700:]} {
		if err := w.WriteRuns(part); err != nil {
			t.Fatalf("WriteRuns: %v", err)
		}
	}
	// wantRows is computed afresh for each check: wtScritchleyBlind blanks
	// the columns scritchley cannot read in the rows it is given.
	wantRows := func() [][]any {
		var want [][]any
		rows := map[arrow.Record][][]any{a: wtRows(a), b: wtRows(b)}
		for _, r := range runs {
			want = append(want, rows[r.Rec][r.Lo:r.Hi]...)
		}
		return want
	}
	if err := w.WriteRuns([]Run{{a, 2990, 3001}}); err == nil {
		t.Fatal("a range past the record's end was accepted")
	}
	// The rejected call must not have written anything.
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	got, want := wtReadScritchley(t, file, wtAllTypes), wantRows()
	if len(got) != len(want) {
		t.Fatalf("%d rows read, want %d", len(got), len(want))
	}
	wtScritchleyBlind(got, want)
	wtCompareRows(t, got, want, wtAllTypes)
	wtCheckAllStats(t, file, wtAllTypes, wantRows())
	wtCheckPositions(t, file, wtAllTypes, wantRows())
}
