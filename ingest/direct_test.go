//go:build linux

package ingest

import (
	"bytes"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDirectReader reads files of awkward sizes through the read-ahead
// reader, opened with O_DIRECT where the file system allows it and
// without it otherwise, in small reads, and compares every byte; closing
// halfway must not hang.
func TestDirectReader(t *testing.T) {
	defer func(d int64) { directMinSize = d }(directMinSize)
	directMinSize = 0
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(7))
	for _, size := range []int{0, 1, directAlign - 1, directBlock, directBlock + 12345, 3*directBlock + directAlign} {
		want := make([]byte, size)
		rng.Read(want)
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		opens := map[string]func() io.ReadCloser{
			"openDirect": func() io.ReadCloser { return openDirect(path) },
			"buffered file": func() io.ReadCloser {
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				return newDirectReader(f)
			},
		}
		for name, open := range opens {
			r := open()
			if r == nil {
				t.Logf("%s: O_DIRECT is not available on %s", name, dir)
				continue
			}
			var got bytes.Buffer
			buf := make([]byte, 7777)
			for {
				n, err := r.Read(buf)
				got.Write(buf[:n])
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s, %d bytes: %v", name, size, err)
				}
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("%s, %d bytes: read %d bytes that differ", name, size, got.Len())
			}
			if n, err := r.Read(buf); n != 0 || err != io.EOF {
				t.Fatalf("%s: read after the end gave %d, %v", name, n, err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			// Close after one small read, with blocks in flight.
			r = open()
			if _, err := r.Read(buf[:10]); err != nil && size > 0 {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestDirectReaderFallsBack: a read O_DIRECT refuses (an unaligned
// offset) turns O_DIRECT off and goes on.
func TestDirectReaderFallsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.json")
	want := bytes.Repeat([]byte("0123456789"), directBlock/5)
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECT, 0)
	if err != nil {
		t.Skipf("O_DIRECT not available here: %v", err)
	}
	if _, err := f.Seek(3, io.SeekStart); err != nil { // unaligned: O_DIRECT reads fail
		t.Fatal(err)
	}
	r := newDirectReader(f)
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want[3:]) {
		t.Fatalf("read %d bytes, want %d", len(got), len(want)-3)
	}
}
