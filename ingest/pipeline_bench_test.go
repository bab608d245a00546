package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ctlake/ctlake/orcstore"
)

// TestIngestThroughput ingests the folder named by $CTLAKE_BENCH_INPUT (e.g.
// the output of `ctlake gen --events 1000000 --layout s3|ndjson`) into a
// fresh store and logs events/s, MB/s and bytes on disk. It is opt-in
// because it takes tens of seconds; profile it with
//
//	CTLAKE_BENCH_INPUT=/tmp/s3 go test -run TestIngestThroughput -v -cpuprofile /tmp/ingest.prof ./ingest
func TestIngestThroughput(t *testing.T) {
	dir := os.Getenv("CTLAKE_BENCH_INPUT")
	if dir == "" {
		t.Skip("set CTLAKE_BENCH_INPUT to a folder of generated events")
	}
	inputs, errs := Discover([]string{dir}, DiscoverOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var inBytes int64
	for _, in := range inputs {
		if st, err := os.Stat(in.Path); err == nil {
			inBytes += st.Size()
		}
	}
	c, err := orcstore.OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Create("bench", orcstore.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c0 := processCPU()
	sum, err := Ingest(context.Background(), Config{Store: s}, inputs)
	cpu := (processCPU() - c0).Seconds()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Snapshot()
	secs := sum.Elapsed.Seconds()
	t.Logf("%s: %d inputs, %d events in %.2fs (%.2f CPU-s): %.0f events/s, %.0f events/CPU-s, %.1f MB/s read; %d files, %d bytes on disk = %.2fx the %d input bytes",
		filepath.Base(dir), len(inputs), sum.Events, secs, cpu, float64(sum.Events)/secs, float64(sum.Events)/cpu, float64(sum.BytesRead)/secs/1e6,
		len(m.Files), m.Bytes(), float64(m.Bytes())/float64(inBytes), inBytes)
}
