package orcfile

import (
	"os"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// BenchmarkZstdOptions compresses a sample of real event text (the file
// named by CTLAKE_ZSTD_SAMPLE, e.g. an NDJSON export: its bytes are what
// the eventJson stream holds, most of a stripe) the way the writer does —
// one EncodeAll per compression block — under the encoder settings worth
// weighing, and reports the compressed size beside the speed:
//
//	CTLAKE_ZSTD_SAMPLE=/work/data/perf/slice150k.ndjson nice go test \
//	    -run XXX -bench ZstdOptions -benchtime 3x ./orcstore/orcfile
//
// Measured on the 245 MB slice (bench/RESULTS.md, issue 16): the fastest
// level is the writer's; SpeedDefault costs ~1.6x the CPU for 2% less;
// 1 MiB blocks save ~15% of the CPU and 12% of the size but make a point
// lookup decompress 4x more of eventJson.
func BenchmarkZstdOptions(b *testing.B) {
	path := os.Getenv("CTLAKE_ZSTD_SAMPLE")
	if path == "" {
		b.Skip("set CTLAKE_ZSTD_SAMPLE to a file of event text")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if len(src) > 256<<20 {
		src = src[:256<<20]
	}
	base := []zstd.EOption{zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(true), zstd.WithLowerEncoderMem(true)}
	with := func(o ...zstd.EOption) []zstd.EOption { return append(append([]zstd.EOption{}, base...), o...) }
	for _, c := range []struct {
		name  string
		opts  []zstd.EOption
		block int
	}{
		{"fastest-256KiB", with(zstd.WithEncoderLevel(zstd.SpeedFastest)), DefaultBlockSize},
		{"fastest-noCRC-256KiB", with(zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(false)), DefaultBlockSize},
		{"fastest-noEntropy-256KiB", with(zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithNoEntropyCompression(true)), DefaultBlockSize},
		{"default-256KiB", with(zstd.WithEncoderLevel(zstd.SpeedDefault)), DefaultBlockSize},
		{"fastest-1MiB", with(zstd.WithEncoderLevel(zstd.SpeedFastest)), 1 << 20},
		{"fastest-4MiB", with(zstd.WithEncoderLevel(zstd.SpeedFastest)), 4 << 20},
	} {
		b.Run(c.name, func(b *testing.B) {
			enc, err := zstd.NewWriter(nil, c.opts...)
			if err != nil {
				b.Fatal(err)
			}
			dst := make([]byte, 0, len(src))
			b.SetBytes(int64(len(src)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				dst = dst[:0]
				for off := 0; off < len(src); off += c.block {
					dst = enc.EncodeAll(src[off:min(off+c.block, len(src))], dst)
				}
			}
			b.ReportMetric(100*float64(len(dst))/float64(len(src)), "%size")
		})
	}
}
