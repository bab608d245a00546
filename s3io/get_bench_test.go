package s3io

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/ctlake/ctlake/internal/proccpu"
	"github.com/ctlake/ctlake/internal/s3fake"
)

// BenchmarkGet measures the client's own cost of one small GET (CloudTrail
// delivers tens of thousands of objects of a few KB): the server is a bare
// net/http handler (in this process: cpu-µs/op counts its CPU too) on a loopback port answering every GET with the same
// 8 KB body, so that what the benchmark shows is the SDK's middleware,
// signing, the HTTP transport and our reader, not a fake S3's work.
func BenchmarkGet(b *testing.B) {
	for _, sdk := range []bool{true, false} {
		b.Run(map[bool]string{true: "sdk", false: "fast"}[sdk], func(b *testing.B) { benchmarkGet(b, sdk) })
	}
}

func benchmarkGet(b *testing.B, sdk bool) {
	body := make([]byte, 8<<10)
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("ETag", `"0123456789abcdef0123456789abcdef"`)
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("Content-Type", "application/octet-stream")
		w.Write(body)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	s3fake.SetCredentials(b, "AKIDBENCH", "bench", "us-east-1")
	ctx := context.Background()
	c, err := Connect(ctx, "bench", Options{Endpoint: "http://" + ln.Addr().String(), PathStyle: true, SDKGets: sdk})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	if sdk != (c.fast == nil) {
		b.Fatalf("SDKGets %v, fast path %v", sdk, c.fast != nil)
	}
	b.ResetTimer()
	cpu0 := proccpu.Used()
	defer func() {
		if cpu := proccpu.Used() - cpu0; cpu > 0 {
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		}
	}()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			data, err := c.ReadAll(ctx, "AWSLogs/123456789012/CloudTrail/us-east-1/2026/12/07/x.json.gz", "0123456789abcdef0123456789abcdef", int64(len(body)))
			if err != nil || len(data) != len(body) {
				b.Fatal(len(data), err)
			}
		}
	})
}
