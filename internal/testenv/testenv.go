// Package testenv holds test set-up that several packages' tests share:
// a data directory built once per test binary and copied for each test
// that may change it, and the copy itself.
//
// Only tests import it. It imports nothing of ctlake: what a fixture
// holds is up to its Build function, so any package's tests may use it
// without an import cycle.
package testenv

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Fixture is a folder built once per test binary, by the first test that
// asks for it, and removed by TestMain (Remove). Tests read it through
// Dir, or change a copy of it (Copy).
type Fixture struct {
	// Pattern names the temporary folder (os.MkdirTemp's pattern).
	Pattern string
	// Build fills dir, an empty folder. An error fails every test that
	// asks for the fixture.
	Build func(dir string) error

	once sync.Once
	dir  string
	err  error
}

// Dir returns the built fixture's folder, building it on first use. Tests
// must not change what is in it.
func (f *Fixture) Dir(t testing.TB) string {
	t.Helper()
	f.once.Do(func() {
		f.dir, f.err = os.MkdirTemp("", f.Pattern)
		if f.err == nil {
			f.err = f.Build(f.dir)
		}
	})
	if f.err != nil {
		t.Fatalf("test fixture %s: %v", f.Pattern, f.err)
	}
	return f.dir
}

// Copy returns a fresh copy of the fixture's sub-folder sub, in a
// temporary folder of the test (removed when it ends), named as sub.
func (f *Fixture) Copy(t testing.TB, sub string) string {
	t.Helper()
	src := filepath.Join(f.Dir(t), sub)
	dst := filepath.Join(t.TempDir(), filepath.Base(sub))
	if err := CopyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// Remove deletes the fixture's folder if it was built; TestMain calls it
// after the tests ran.
func (f *Fixture) Remove() {
	if f.dir != "" {
		os.RemoveAll(f.dir)
	}
}

// CopyTree copies the folders and files under src to dst (created as
// needed), keeping the files' permission bits.
func CopyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}
