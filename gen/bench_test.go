package gen

import (
	"context"
	"testing"
)

// BenchmarkNext measures in-memory generation; bytes/s is JSON throughput and
// events/s is reported as a custom metric.
func BenchmarkNext(b *testing.B) {
	g, err := New(Config{Events: int64(b.N) + 1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	var total int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf, err = g.Next(buf[:0])
		if err != nil {
			b.Fatal(err)
		}
		total += int64(len(buf))
	}
	b.StopTimer()
	b.SetBytes(total / int64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkWrite measures Write end to end (generation, gzip, files) for
// 200k events per iteration; bytes/s is JSON throughput. Run it explicitly:
// go test -run XXX -bench BenchmarkWrite ./gen
func BenchmarkWrite(b *testing.B) {
	for _, layout := range []Layout{LayoutS3, LayoutNDJSON} {
		b.Run(string(layout), func(b *testing.B) {
			const events = 200_000
			var json int64
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				s, err := Write(context.Background(), Config{Events: events, Seed: int64(i)}, layout, dir)
				if err != nil {
					b.Fatal(err)
				}
				json = s.JSONBytes
			}
			b.SetBytes(json)
			b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
