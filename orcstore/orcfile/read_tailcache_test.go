package orcfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestReadTailCacheFollowsRewrites opens a file twice (the second open is
// served from the tail cache), then replaces it under the same name with a
// different ORC file: the next open must see the new file's tail, not the
// cached one.
func TestReadTailCacheFollowsRewrites(t *testing.T) {
	dir := readExamplesDir(t)
	a, err := os.ReadFile(filepath.Join(dir, "TestOrcFile.test1.orc"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "TestOrcFile.testSeek.orc"))
	if err != nil {
		t.Fatal(err)
	}
	rowsOf := func(data []byte) uint64 {
		f, err := Open(bytes.NewReader(data), int64(len(data)), "x")
		if err != nil {
			t.Fatal(err)
		}
		return f.NumRows()
	}
	wantA, wantB := rowsOf(a), rowsOf(b)
	if wantA == wantB {
		t.Fatalf("test files have the same row count %d", wantA)
	}
	path := filepath.Join(t.TempDir(), "x.orc")
	open := func() (uint64, int) {
		f, err := OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Name() != path {
			t.Fatalf("name %q, want %q", f.Name(), path)
		}
		return f.NumRows(), len(f.Stripes())
	}
	if err := os.WriteFile(path, a, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if n, _ := open(); n != wantA {
			t.Fatalf("open %d: %d rows, want %d", i, n, wantA)
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// Same size would not happen for these files; also move the mtime.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if n, stripes := open(); n != wantB || stripes < 2 {
		t.Fatalf("after rewrite: %d rows in %d stripes, want %d rows (testSeek has several stripes)", n, stripes, wantB)
	}
	// Reading data through a cached tail works (the reader is the new
	// file handle, not the first one's).
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := f.Scan(ScanOptions{Stripes: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec, err := s.Next()
	if err != nil {
		t.Fatal(err)
	}
	rec.Release()
}
