package orcfile

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// TestPartialDecompression selects row groups that start after the first
// in a zstd file with small compression blocks, so that every stream is
// decompressed from a chunk in its middle (scan_partial.go), and checks
// the rows against the records written, for every column type and with
// NULLs at every level. A wrong chunk offset fails to decode or yields
// other rows.
func TestPartialDecompression(t *testing.T) {
	g := wtNewGen(31, 0.2)
	g.noNullDates = true
	rec := g.record(wtAllTypes, 4000)
	defer rec.Release()
	file := wtWrite(t, wtAllTypes, WriterOptions{Compression: CompressionZstd, BlockSize: 1024, RowIndexStride: 500}, rec)
	f, err := Open(bytes.NewReader(file), int64(len(file)), "partial.orc")
	if err != nil {
		t.Fatal(err)
	}
	all := wtRows(rec)
	for _, sel := range [][]int{{3, 4, 6}, {7}, {1}, {2, 5}} {
		pick := map[int]bool{}
		var want [][]any
		for _, g := range sel {
			pick[g] = true
		}
		for r := range all {
			if pick[r/500] {
				want = append(want, all[r])
			}
		}
		s, err := f.Scan(ScanOptions{PlainStrings: true, BatchSize: 300,
			RowGroups: func(st *Stripe, idx func(int) ([]RowGroup, error)) ([]bool, error) {
				groups, err := idx(1)
				if err != nil {
					return nil, err
				}
				keep := make([]bool, len(groups))
				for g := range keep {
					keep[g] = pick[g]
				}
				return keep, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		var recs []arrow.Record
		for {
			r, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("groups %v: %v", sel, err)
			}
			recs = append(recs, r)
		}
		got := wtRows(recs...)
		for _, r := range recs {
			r.Release()
		}
		s.Close()
		if len(got) != len(want) {
			t.Fatalf("groups %v: %d rows, want %d", sel, len(got), len(want))
		}
		wtCompareRows(t, got, want, wtAllTypes)
	}
}
