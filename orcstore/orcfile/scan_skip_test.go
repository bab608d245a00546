package orcfile

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/klauspost/compress/zstd"
)

// TestSparseSkip reads chosen rows with Skip and NextN from a sparse scan
// and checks them against the rows written, for every column type with
// NULLs at every level, for codecs whose chunks say their size (lazy) and
// those that do not (decompressed whole), with dictionaries and without.
// A skip that consumed the wrong number of values from any stream would
// misalign the rows after it.
func TestSparseSkip(t *testing.T) {
	g := wtNewGen(47, 0.2)
	g.noNullDates = true
	rec := g.record(wtAllTypes, 4000)
	defer rec.Release()
	all := wtRows(rec)
	for _, tc := range []struct {
		name string
		comp Compression
		dict float64
	}{
		{"zstd-direct", CompressionZstd, -1},
		{"zstd-dict", CompressionZstd, 0},
		{"snappy-direct", CompressionSnappy, -1},
		{"zlib-direct", CompressionZlib, -1},
		{"none-direct", CompressionNone, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := wtWrite(t, wtAllTypes, WriterOptions{Compression: tc.comp, BlockSize: 1024, RowIndexStride: 500, DictionaryThreshold: tc.dict}, rec)
			f, err := Open(bytes.NewReader(file), int64(len(file)), "sparse.orc")
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(5))
			for trial := 0; trial < 6; trial++ {
				// Runs of wanted rows: [start, start+len) in ascending order.
				var runs [][2]int
				for at := rng.Intn(700); at < len(all); at += 1 + rng.Intn(900) {
					n := 1 + rng.Intn(3)
					if trial == 0 {
						n = 1
					}
					runs = append(runs, [2]int{at, min(at+n, len(all))})
					at += n
				}
				s, err := f.Scan(ScanOptions{PlainStrings: true, Sparse: true})
				if err != nil {
					t.Fatal(err)
				}
				var got, want [][]any
				pos := 0
				for _, r := range runs {
					if err := s.Skip(r[0] - pos); err != nil {
						t.Fatalf("skip to %d: %v", r[0], err)
					}
					for pos = r[0]; pos < r[1]; {
						b, err := s.NextN(r[1] - pos)
						if err != nil {
							t.Fatalf("read at %d: %v", pos, err)
						}
						got = append(got, wtRows(b)...)
						pos += int(b.NumRows())
						b.Release()
					}
					want = append(want, all[r[0]:r[1]]...)
				}
				if len(got) != len(want) {
					t.Fatalf("%d rows, want %d", len(got), len(want))
				}
				wtCompareRows(t, got, want, wtAllTypes)
				if trial == 0 && tc.comp == CompressionZstd && tc.dict < 0 {
					decoded, chunks := sparseChunks(s)
					if chunks == 0 || decoded*2 > chunks {
						t.Errorf("%d of %d lazy chunks decompressed for %d single rows: want at most half", decoded, chunks, len(runs))
					}
				}
				if err := s.Skip(len(all)); !errors.Is(err, io.EOF) {
					t.Errorf("skip past the end: %v, want io.EOF", err)
				}
				s.Close()
			}
		})
	}
}

// sparseChunks counts the lazy streams' decompressed and total chunks.
func sparseChunks(s *Scanner) (decoded, chunks int) {
	for _, rc := range s.all {
		if l := rc.streams[rData].lazy; l != nil {
			decoded += l.decoded
			chunks += len(l.chunks) - 1
		}
	}
	return decoded, chunks
}

// TestZstdFrameContentSize checks the header parse against frames of every
// size class the Go encoder writes (1-, 2-, 4-byte size fields) and
// headers that do not carry a size.
func TestZstdFrameContentSize(t *testing.T) {
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 100, 255, 256, 300, 65791, 65792, 70000, 262144} {
		src := bytes.Repeat([]byte("cloudtrail "), n/11+1)[:n]
		frame := enc.EncodeAll(src, nil)
		got, ok := zstdFrameContentSize(frame)
		if n < 256 && !ok {
			continue // the Go encoder leaves small sizes out
		}
		if !ok || got != n {
			t.Errorf("frame of %d bytes: got %d, %v", n, got, ok)
		}
	}
	for _, b := range [][]byte{
		nil,
		{0x28, 0xB5, 0x2F, 0xFD},                    // magic only
		{0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x50},        // no size, window descriptor
		{0x00, 0x00, 0x00, 0x00, 0x20, 0x05},        // not zstd
		{0x28, 0xB5, 0x2F, 0xFD, 0xC0 | 0x20, 1, 2}, // 8-byte size cut short
	} {
		if n, ok := zstdFrameContentSize(b); ok {
			t.Errorf("header % x: got size %d, want none", b, n)
		}
	}
}

// TestSparseCorruptSize makes a chunk's header claim a size it does not
// decompress to: reading a value in it must fail, naming the chunk.
func TestSparseCorruptSize(t *testing.T) {
	enc, _ := zstd.NewWriter(nil)
	src := bytes.Repeat([]byte("x"), 600)
	frame := enc.EncodeAll(src, nil)
	// A 600-byte frame holds its size in two bytes (minus 256), after the
	// window descriptor unless single-segment. Claim 10 bytes more.
	fhd := frame[4]
	if fhd>>6 != 1 || fhd&3 != 0 {
		t.Fatalf("encoder wrote header descriptor %#x; want a 2-byte size and no dictionary", fhd)
	}
	at := 5
	if fhd&0x20 == 0 {
		at++
	}
	frame[at] += 10
	chunk := []byte{byte(len(frame) << 1), byte(len(frame) >> 7), byte(len(frame) >> 15)}
	chunk = append(chunk, frame...)
	var fetched int64
	l, ok, err := newLazyStream(CompressionZstd, false, bytes.NewReader(chunk), 0, len(chunk), 0, 1024, &fetched)
	if err != nil || !ok {
		t.Fatalf("newLazyStream: %v, %v", ok, err)
	}
	if l.size != 610 {
		t.Fatalf("size %d, want the patched 610", l.size)
	}
	if err := l.copyAt(make([]byte, 5), 0); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
}

// TestSparseSkipExamples skips through Apache ORC's example files (Java
// writers: unions, decimals, Hive 0.11 decimals, RLE v1, zlib and snappy,
// several stripes) and compares each row read after a skip with the same
// row of a plain scan.
func TestSparseSkipExamples(t *testing.T) {
	dir := readExamplesDir(t)
	for _, name := range []string{"TestOrcFile.testUnionAndTimestamp.orc", "decimal.orc", "orc-file-11-format.orc",
		"TestOrcFile.test1.orc", "TestOrcFile.testSeek.orc", "TestOrcFile.testSnappy.orc", "demo-12-zlib.orc", "over1k_bloom.orc"} {
		t.Run(name, func(t *testing.T) {
			f, err := OpenFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			all := sparseRowStrings(t, f, nil)
			if len(all) == 0 {
				t.Fatal("no rows")
			}
			step := max(len(all)/40, 2)
			var picks []int
			for r := step / 2; r < len(all); r += step {
				picks = append(picks, r)
			}
			got := sparseRowStrings(t, f, picks)
			for i, r := range picks {
				if got[i] != all[r] {
					t.Fatalf("row %d after skipping:\ngot  %s\nwant %s", r, got[i], all[r])
				}
			}
		})
	}
}

// sparseRowStrings renders rows as text: all of them (picks nil), or the
// picked ones by Skip and NextN(1) on a sparse scan.
func sparseRowStrings(t *testing.T, f *File, picks []int) []string {
	t.Helper()
	s, err := f.Scan(ScanOptions{PlainStrings: true, Sparse: picks != nil})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []string
	add := func(rec arrow.Record) {
		for i := 0; i < int(rec.NumRows()); i++ {
			var b strings.Builder
			for c := 0; c < int(rec.NumCols()); c++ {
				b.WriteString(rec.Column(c).ValueStr(i))
				b.WriteByte('|')
			}
			out = append(out, b.String())
		}
		rec.Release()
	}
	if picks == nil {
		for {
			rec, err := s.Next()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			add(rec)
		}
	}
	pos := 0
	for _, r := range picks {
		if err := s.Skip(r - pos); err != nil {
			t.Fatalf("skip to row %d: %v", r, err)
		}
		rec, err := s.NextN(1)
		if err != nil {
			t.Fatalf("row %d: %v", r, err)
		}
		add(rec)
		pos = r + 1
	}
	return out
}
