package orcfile

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLazyOpenChecksTheVersion opens a file whose tail is cached (so the
// file itself is opened on first read), replaces it before that read, and
// expects the read to fail rather than decode the new bytes with the old
// file's cached layout. A File opened after the rewrite reads the new file.
func TestLazyOpenChecksTheVersion(t *testing.T) {
	a, b := mcFile(t, "a", 6000), mcFile(t, "bb", 4500)
	path := filepath.Join(t.TempDir(), "l.orc")
	t0 := time.Now().Add(-time.Hour)
	mcWriteFile(t, path, a, t0)
	f, err := OpenFile(path) // parses the tail: now cached
	if err != nil {
		t.Fatal(err)
	}
	f.Close()

	f, err = OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.r.(*lazyFile); !ok {
		t.Fatalf("second open of an unchanged file reads through %T, want a lazily opened file", f.r)
	}
	wantA, err := mcLookup(path, "a-004321")
	if err != nil || len(wantA) != 1 || wantA[0] != 4321 {
		t.Fatalf("lookup through a lazily opened file: %v, %v", wantA, err)
	}
	mcWriteFile(t, path, b, t0.Add(time.Second))
	_, err = f.ReadStripe(len(f.Stripes()) - 1)
	if err == nil {
		// The footer may be cached; the data is not.
		s, err2 := f.Scan(ScanOptions{Columns: []string{"n"}})
		if err2 != nil {
			t.Fatal(err2)
		}
		_, err = s.Next()
		s.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "changed since it was opened") {
		t.Errorf("reading a file replaced after OpenFile: error %v, want one saying it changed", err)
	}
	f.Close()

	got, err := mcLookup(path, "bb-004321")
	if err != nil || len(got) != 1 || got[0] != 4321 {
		t.Errorf("lookup in the new file: %v, %v", got, err)
	}
}
