package orcstore

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSourcesCommitWithTheirFiles: source log entries become visible only
// with the commit they were added to, an uncommitted log is removed by the
// next writer, and CompactSources rewrites the log as one file keeping the
// latest entry of each key.
func TestSourcesCommitWithTheirFiles(t *testing.T) {
	s := newSourcesStore(t)
	tx, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.AddSources([]SourceObject{{Key: "s3://b/a", ETag: "1", Size: 10}, {Key: "s3://b/b", ETag: "2", Size: 20}}); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Snapshot(); len(m.Sources) != 0 {
		t.Fatal("sources visible before the commit")
	} else {
		m.Release()
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// Added but never committed: gone when the writer closes.
	if err := tx.AddSources([]SourceObject{{Key: "s3://b/c", Size: 1}}); err != nil {
		t.Fatal(err)
	}
	tx.Close()
	m, _ := s.Snapshot()
	got, err := s.SourceObjects(m)
	if err != nil || len(got) != 2 || got["s3://b/a"].ETag != "1" {
		t.Fatalf("after commit: %v %v", got, err)
	}
	if n := countFiles(t, filepath.Join(s.Dir, "sources")); n != 1 {
		t.Fatalf("%d source log files, want the committed one", n)
	}
	m.Release()

	for i, etag := range []string{"3", "4"} {
		tx, _ := s.Begin()
		tx.AddSources([]SourceObject{{Key: "s3://b/a", ETag: etag, Size: int64(11 + i)}})
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		tx.Close()
	}
	// A reader holding the snapshot before the compaction keeps its logs
	// readable; they go once it releases it and a writer comes by.
	held, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	tx, _ = s.Begin()
	if err := tx.CompactSources(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx.Close()
	if old, err := s.SourceObjects(held); err != nil || old["s3://b/a"].ETag != "4" {
		t.Fatalf("a held snapshot's source log after compaction: %v %v", old, err)
	}
	held.Release()
	tx, _ = s.Begin() // deletes the retired logs no reader holds
	tx.Close()
	m, _ = s.Snapshot()
	defer m.Release()
	if len(m.Sources) != 1 || m.Sources[0].Count != 2 {
		t.Fatalf("compacted log: %+v", m.Sources)
	}
	got, _ = s.SourceObjects(m)
	if got["s3://b/a"].ETag != "4" || got["s3://b/b"].ETag != "2" {
		t.Errorf("compacted log lost the latest entries: %v", got)
	}
	if n := countFiles(t, filepath.Join(s.Dir, "sources")); n != 1 {
		t.Errorf("%d source log files after compaction, want 1", n)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func newSourcesStore(t *testing.T) *Store {
	t.Helper()
	c, err := OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Create("sources-test", CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
