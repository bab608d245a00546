package ingest

import (
	"bytes"
	"testing"
)

func naiveIndex(b []byte, special func(byte) bool) int {
	for i, c := range b {
		if special(c) {
			return i
		}
	}
	return len(b)
}

func FuzzSWAR(f *testing.F) {
	f.Add([]byte(`abcdefgh"ijk`))
	f.Add([]byte("abc\x1fdefghijklmnop\\"))
	f.Add([]byte("\xff\x00\x7f\x80 !\"#$"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := quoteOrBackslash(b), naiveIndex(b, func(c byte) bool { return c == '"' || c == '\\' }); got != want {
			t.Fatalf("quoteOrBackslash(%q) = %d, want %d", b, got, want)
		}
		if got, want := strSpecial(b), naiveIndex(b, func(c byte) bool { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80 }); got != want {
			t.Fatalf("strSpecial(%q) = %d, want %d", b, got, want)
		}
	})
}

func TestSWARAllBytes(t *testing.T) {
	// Every byte value at every position of a 16-byte run of 'a'.
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 16; pos++ {
			b := bytes.Repeat([]byte("a"), 16)
			b[pos] = byte(c)
			wantQ, wantS := 16, 16
			if c == '"' || c == '\\' {
				wantQ = pos
			}
			if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
				wantS = pos
			}
			if got := quoteOrBackslash(b); got != wantQ {
				t.Fatalf("quoteOrBackslash byte %#x at %d = %d", c, pos, got)
			}
			if got := strSpecial(b); got != wantS {
				t.Fatalf("strSpecial byte %#x at %d = %d", c, pos, got)
			}
		}
	}
}
