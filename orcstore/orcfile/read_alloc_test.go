package orcfile

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"
)

// TestReadReleasesMemory scans files of every type with a checked
// allocator: once the records are released and the scanner closed, every
// buffer must be back (dictionaries are shared between batches, so this
// catches both leaks and double releases).
func TestReadReleasesMemory(t *testing.T) {
	dir := readExamplesDir(t)
	for _, name := range []string{"TestOrcFile.test1", "TestOrcFile.testUnionAndTimestamp", "over1k_bloom", "decimal", "TestOrcFile.testSeek"} {
		for _, plain := range []bool{false, true} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			f, err := OpenFile(filepath.Join(dir, name+".orc"))
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Scan(ScanOptions{Allocator: mem, BatchSize: 500, PlainStrings: plain})
			if err != nil {
				t.Fatal(err)
			}
			for {
				rec, err := s.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				rec.Release()
			}
			s.Close()
			f.Close()
			mem.AssertSize(t, 0)
		}
	}
}
