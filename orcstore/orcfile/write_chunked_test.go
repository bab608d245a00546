package orcfile

import (
	"bytes"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// TestChunkerMatchesCompressStream checks that compressing a stream as it
// fills, from pieces of every size (empty, within a block, across several,
// whole blocks taken in place), gives compressStream's bytes and chunk
// starts for the concatenation.
func TestChunkerMatchesCompressStream(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, c := range []Compression{CompressionZstd, CompressionSnappy, CompressionZlib} {
		for _, checked := range []bool{false, true} {
			if checked && c != CompressionZstd {
				continue
			}
			const block = 1000
			ch := newChunker(c, checked, block)
			for round := 0; round < 3; round++ { // reset keeps working
				ch.reset()
				var all strings.Builder
				for i := 0; i < 200; i++ {
					n := []int{0, 1, 7, 999, 1000, 1001, 2500, 5000}[rng.Intn(8)]
					b := make([]byte, n)
					for j := range b {
						b[j] = "abcdefgh{}\":,"[rng.Intn(13)] // compressible
					}
					if i%17 == 0 {
						rng.Read(b) // not compressible: stored original
					}
					all.Write(b)
					ch.append(string(b))
				}
				got, starts := ch.finish()
				want, wantStarts, err := compressStream(c, checked, nil, []byte(all.String()), block)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) || !slices.Equal(starts, wantStarts) || ch.size() != all.Len() {
					t.Fatalf("%v checked=%v round %d: chunked stream differs (%d bytes, %d chunks; want %d, %d)", c, checked, round, len(got), len(starts), len(want), len(wantStarts))
				}
			}
		}
	}
}

// TestChunkedDirectFileUnchanged writes the same rows, through WriteRuns
// interleaving records (the string views) and through Write (one record),
// with the direct columns compressed as they fill and with them buffered
// for the stripe, and requires the same file bytes, which also read back.
func TestChunkedDirectFileUnchanged(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "json", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "k", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	rng := rand.New(rand.NewSource(2))
	var recs []arrow.Record
	for r := 0; r < 3; r++ {
		rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		for i := 0; i < 3000; i++ {
			id := rb.Field(0).(*array.StringBuilder)
			if r == 1 && i%11 == 0 {
				id.AppendNull() // a column with NULLs takes the row loop
			} else {
				id.Append(strings.Repeat(string(rune('a'+rng.Intn(26))), 1+rng.Intn(40)))
			}
			rb.Field(1).(*array.StringBuilder).Append(strings.Repeat(`{"eventName":"GetObject"},`, rng.Intn(300)))
			rb.Field(2).(*array.StringBuilder).Append([]string{"x", "y"}[i%2])
		}
		recs = append(recs, rb.NewRecord())
		rb.Release()
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var runs []Run
	for lo := 0; lo < 3000; lo += 700 {
		for _, r := range recs {
			runs = append(runs, Run{Rec: r, Lo: lo, Hi: min(lo+700, 3000)})
		}
	}
	base := WriterOptions{BlockSize: 4096, StripeSize: 256 << 10, RowIndexStride: 1000,
		DirectColumns: []string{"id", "json"}, BloomFilterColumns: []string{"id"}}
	write := func(opts WriterOptions, chunked, single bool) []byte {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, schema, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range w.all {
			if c.str != nil && c.str.threshold < 0 {
				if c.str.chunked == nil {
					t.Fatal("direct column without a chunker")
				}
				if !chunked {
					c.str.chunked = nil
				}
			}
		}
		if single {
			for _, r := range recs {
				if err = w.Write(r); err != nil {
					break
				}
			}
		} else {
			err = w.WriteRuns(runs)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	zstd, snappy := base, base
	zstd.Compression, zstd.Checksums = CompressionZstd, true
	snappy.Compression = CompressionSnappy
	for _, opts := range []WriterOptions{zstd, snappy} {
		for _, single := range []bool{false, true} {
			got, want := write(opts, true, single), write(opts, false, single)
			if !bytes.Equal(got, want) {
				t.Fatalf("%v single=%v: file differs when direct columns are compressed as they fill (%d bytes, want %d)", opts.Compression, single, len(got), len(want))
			}
			if single && opts.Compression == CompressionSnappy {
				rows := wtRows(recs...)
				wtCompareRows(t, wtReadScritchley(t, got, schema), rows, schema)
				wtCheckPositions(t, got, schema, rows)
			}
		}
	}
}
