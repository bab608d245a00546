package gen

import (
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
