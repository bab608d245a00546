package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFixtureBuildsOnceAndCopies: Build runs once however many tests ask;
// each copy is the fixture's content, and changing a copy leaves the
// fixture and other copies as they were.
func TestFixtureBuildsOnceAndCopies(t *testing.T) {
	builds := 0
	f := &Fixture{Pattern: "testenv-test", Build: func(dir string) error {
		builds++
		if err := os.MkdirAll(filepath.Join(dir, "data", "sub"), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "data", "sub", "f.txt"), []byte("hello"), 0o640)
	}}
	defer f.Remove()
	a, b := f.Copy(t, "data"), f.Copy(t, "data")
	if builds != 1 {
		t.Fatalf("built %d times", builds)
	}
	if filepath.Base(a) != "data" || a == b {
		t.Fatalf("copies %s and %s", a, b)
	}
	if err := os.WriteFile(filepath.Join(a, "sub", "f.txt"), []byte("changed"), 0o640); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(f.Dir(t), "data", "sub", "f.txt"), filepath.Join(b, "sub", "f.txt")} {
		got, err := os.ReadFile(p)
		if err != nil || string(got) != "hello" {
			t.Fatalf("%s: %q, %v", p, got, err)
		}
	}
	info, err := os.Stat(filepath.Join(b, "sub", "f.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o640 {
		t.Fatalf("copy's mode %v, want 0640", info.Mode())
	}
	dir := f.Dir(t)
	f.Remove()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("after Remove: %v", err)
	}
}
