package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/internal/proccpu"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/orcstore/orcfile"
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
	c0 := proccpu.Used()
	sum, err := Ingest(context.Background(), Config{Store: s}, inputs)
	cpu := (proccpu.Used() - c0).Seconds()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Snapshot()
	secs := sum.Elapsed.Seconds()
	t.Logf("%s: %d inputs, %d events in %.2fs (%.2f CPU-s): %.0f events/s, %.0f events/CPU-s, %.1f MB/s read; %d files, %d bytes on disk = %.2fx the %d input bytes",
		filepath.Base(dir), len(inputs), sum.Events, secs, cpu, float64(sum.Events)/secs, float64(sum.Events)/cpu, float64(sum.BytesRead)/secs/1e6,
		len(m.Files), m.Bytes(), float64(m.Bytes())/float64(inBytes), inBytes)
}

// TestStoreColumnShare reports, for the store folder named by
// $CTLAKE_BENCH_STORE (stores/<id> of a data directory), the bytes of its
// ORC files, the bytes of the eventJson column's streams (from the stripe
// footers) and, given $CTLAKE_BENCH_INPUT, both against the input size: the
// store's size without eventJson is the total minus that column.
func TestStoreColumnShare(t *testing.T) {
	dir := os.Getenv("CTLAKE_BENCH_STORE")
	if dir == "" {
		t.Skip("set CTLAKE_BENCH_STORE to a store folder (DATA/stores/<id>)")
	}
	var total, jsonBytes, streams int64
	err := filepath.WalkDir(filepath.Join(dir, "data"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".orc" {
			return err
		}
		f, err := orcfile.OpenFile(p)
		if err != nil {
			return err
		}
		defer f.Close()
		total += f.Size()
		col, ok := f.Root().Find("eventJson")
		if !ok {
			return fmt.Errorf("%s: no eventJson column", p)
		}
		for i := range f.Stripes() {
			st, err := f.ReadStripe(i)
			if err != nil {
				return err
			}
			for _, s := range st.Streams {
				streams += int64(s.Length)
				if s.Column == col.ID {
					jsonBytes += int64(s.Length)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var in int64
	if src := os.Getenv("CTLAKE_BENCH_INPUT"); src != "" {
		filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.Contains(p, "CloudTrail-Digest") {
				if st, err := d.Info(); err == nil {
					in += st.Size()
				}
			}
			return nil
		})
	}
	t.Logf("ORC files %d bytes (streams %d); eventJson streams %d bytes = %.1f%%; without eventJson %d bytes",
		total, streams, jsonBytes, 100*float64(jsonBytes)/float64(total), total-jsonBytes)
	if in > 0 {
		t.Logf("input %d bytes: with eventJson %.2fx, without %.2fx", in, float64(total)/float64(in), float64(total-jsonBytes)/float64(in))
	}
}
