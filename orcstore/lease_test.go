package orcstore

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ctlake/ctlake/internal/proccpu"
)

// countScan reads every row of snapshot m and returns how many there were.
func countScan(t *testing.T, s *Store, m *Manifest) (int64, error) {
	t.Helper()
	sc, err := s.Scan(context.Background(), m, ScanSpec{Columns: []string{"eventID", "eventJson"}}, ScanOptions{Workers: 2})
	if err != nil {
		return 0, err
	}
	defer sc.Close()
	var n int64
	for {
		b, err := sc.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n += int64(b.len())
		b.Rec.Release()
	}
}

// TestSnapshotOutlivesCompaction: a snapshot taken before a compaction
// reads its own files after the compaction committed (which replaced and
// would have deleted them), and they go once the snapshot is released.
func TestSnapshotOutlivesCompaction(t *testing.T) {
	s, all, now := compactFixture(t)
	old, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	before := dataFiles(t, s)
	res, err := s.Compact(context.Background(), CompactOptions{Now: func() time.Time { return now }, NoRetention: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.KeptForReaders == 0 {
		t.Fatalf("compaction with a live snapshot kept no file for it: %+v", res)
	}
	n, err := countScan(t, s, old)
	if err != nil || n != int64(len(all)) {
		t.Fatalf("old snapshot after compaction: %d rows, %v; want %d", n, err, len(all))
	}
	for _, f := range old.Files {
		if _, err := os.Stat(s.FilePath(f.Path)); err != nil {
			t.Fatalf("a file of the live snapshot is gone: %v", err)
		}
	}
	old.Release()
	old.Release() // twice is fine
	// The next writer deletes what no reader holds any more.
	tx, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	tx.Close()
	after := dataFiles(t, s)
	if len(after) != 4 || len(before) != 8 {
		t.Fatalf("files before %d, after release and a writer %d (want 8, 4): %v", len(before), len(after), after)
	}
	if m, _ := s.ReadManifest(); len(m.Retired) != 7 {
		t.Fatalf("retired entries %d, want 7 until the next commit", len(m.Retired))
	}
	if got := readTestEvents(t, s); len(got) != len(all) {
		t.Fatalf("%d events after, want %d", len(got), len(all))
	}
}

// TestLeaseOfDeadReaderIsStale: a lease whose reader holds no lock (it was
// killed) does not keep files; one that is held does, at its version.
func TestLeaseOfDeadReaderIsStale(t *testing.T) {
	s, _, _ := compactFixture(t)
	dir := filepath.Join(s.Dir, readersDir)
	os.MkdirAll(dir, 0o755)
	dead := filepath.Join(dir, "dead"+leaseSuffix)
	os.WriteFile(dead, []byte("version 0 pid 1\n"), 0o644)
	rd, err := s.liveReaders()
	if err != nil || rd.n != 0 {
		t.Fatalf("readers %+v, %v; want none", rd, err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Fatal("stale lease not removed")
	}
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	rd, err = s.liveReaders()
	if err != nil || rd.n != 1 || rd.oldest != m.Version {
		t.Fatalf("readers %+v, %v; want one at version %d", rd, err, m.Version)
	}
	if rd.mayDelete(m.Version+1) || !rd.mayDelete(m.Version) {
		t.Fatalf("a file retired after version %d must wait, one retired at it need not", m.Version)
	}
}

// BenchmarkSnapshot is what a query pays for its snapshot: reading and
// checking the manifest, with the reader lease (Snapshot) and without it
// (ReadManifest).
func BenchmarkSnapshot(b *testing.B) {
	c, _ := OpenCatalog(b.TempDir())
	s, _ := c.Create("bench", CreateOptions{})
	tx, _ := s.Begin()
	for i := 0; i < 300; i++ {
		rel, f, _ := tx.NewFile("2024-05-01")
		f.Close()
		day := time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)
		tx.AddFile(FileEntry{Path: rel, Date: "2024-05-01", Rows: 1, MinTime: day, MaxTime: day, Checksum: "0123456789abcdef", TailChecksum: "0123456789abcdef"})
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	tx.Close()
	b.Run("lease", func(b *testing.B) {
		cpu := proccpu.Used()
		for i := 0; i < b.N; i++ {
			m, err := s.Snapshot()
			if err != nil {
				b.Fatal(err)
			}
			m.Release()
		}
		b.ReportMetric(float64((proccpu.Used()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	})
	b.Run("no-lease", func(b *testing.B) {
		cpu := proccpu.Used()
		for i := 0; i < b.N; i++ {
			if _, err := s.ReadManifest(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((proccpu.Used()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	})
	b.Run("unmarshal-only", func(b *testing.B) {
		raw, _ := os.ReadFile(filepath.Join(s.Dir, manifestName))
		cpu := proccpu.Used()
		for i := 0; i < b.N; i++ {
			var m Manifest
			if err := json.Unmarshal(raw, &m); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((proccpu.Used()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	})
}
