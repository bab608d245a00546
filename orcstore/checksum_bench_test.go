package orcstore

import (
	"crypto/sha256"
	"hash/crc32"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/zeebo/xxh3"

	"github.com/ctlake/ctlake/internal/proccpu"
	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// The price of integrity, measured on a real event file: set
// CTLAKE_BENCH_FILE to an ORC file of a store (e.g. one of a 1M-event
// store ingested from `ctlake gen`), then
//
//	CTLAKE_BENCH_FILE=… go test -run '^$' -bench 'Checksum|FileHash' -count 5 ./orcstore
//
// Results are in bench/RESULTS.md ("Integrity").

func benchEventFile(b *testing.B) []arrow.Record {
	p := os.Getenv("CTLAKE_BENCH_FILE")
	if p == "" {
		b.Skip("set CTLAKE_BENCH_FILE to a store's ORC file")
	}
	f, err := orcfile.OpenFile(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var recs []arrow.Record
	err = scanEvents(f, 16<<10, func(rec arrow.Record, _ []int64) error {
		rec.Retain()
		recs = append(recs, rec)
		return nil
	}, func(err error) error { return err })
	if err != nil {
		b.Fatal(err)
	}
	return recs
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func writeBench(w io.Writer, recs []arrow.Record, checksums bool) (*orcfile.Writer, error) {
	opts := FileOptions()
	opts.Checksums = checksums
	ow, err := orcfile.NewWriter(w, EventSchema, opts)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if err := ow.Write(r); err != nil {
			return nil, err
		}
	}
	return ow, ow.Close()
}

// BenchmarkChecksumWrite writes the file's events with and without zstd
// frame checksums.
func BenchmarkChecksumWrite(b *testing.B) {
	recs := benchEventFile(b)
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for _, on := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "checksums"}[on]
		b.Run(name, func(b *testing.B) {
			var out countingWriter
			cpu := proccpu.Used()
			for i := 0; i < b.N; i++ {
				out = countingWriter{}
				if _, err := writeBench(&out, recs, on); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((proccpu.Used()-cpu).Nanoseconds())/float64(b.N)/float64(rows), "cpu-ns/row")
			b.ReportMetric(float64(out.n), "file-bytes")
		})
	}
}

// BenchmarkChecksumRead scans a file written with and without frame
// checksums: every column, and eventTime alone (what count(*) reads).
func BenchmarkChecksumRead(b *testing.B) {
	recs := benchEventFile(b)
	dir := b.TempDir()
	for _, on := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "checksums"}[on]
		p := filepath.Join(dir, name+".orc")
		fh, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := writeBench(fh, recs, on); err != nil {
			b.Fatal(err)
		}
		fh.Close()
		for _, cols := range [][]string{nil, {"eventTime"}} {
			what := "all"
			if cols != nil {
				what = "eventTime"
			}
			b.Run(name+"/"+what, func(b *testing.B) {
				var rows int64
				cpu := proccpu.Used()
				for i := 0; i < b.N; i++ {
					f, err := orcfile.OpenFile(p)
					if err != nil {
						b.Fatal(err)
					}
					if f.Checksummed() != on {
						b.Fatal("checksum marker")
					}
					sc, err := f.Scan(orcfile.ScanOptions{Columns: cols})
					if err != nil {
						b.Fatal(err)
					}
					rows = 0
					for {
						rec, err := sc.Next()
						if err == io.EOF {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
						rows += rec.NumRows()
						rec.Release()
					}
					sc.Close()
					f.Close()
				}
				b.ReportMetric(float64((proccpu.Used()-cpu).Nanoseconds())/float64(b.N)/float64(rows), "cpu-ns/row")
			})
		}
	}
}

// BenchmarkFileHash compares the whole-file checksums considered for the
// manifest over 64 MiB.
func BenchmarkFileHash(b *testing.B) {
	buf := make([]byte, 64<<20)
	rand.New(rand.NewSource(1)).Read(buf)
	b.Run("xxh3", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for i := 0; i < b.N; i++ {
			xxh3.Hash(buf)
		}
	})
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for i := 0; i < b.N; i++ {
			sha256.Sum256(buf)
		}
	})
	b.Run("crc32c", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		t := crc32.MakeTable(crc32.Castagnoli)
		for i := 0; i < b.N; i++ {
			crc32.Checksum(buf, t)
		}
	})
}
