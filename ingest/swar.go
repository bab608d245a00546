package ingest

import (
	"encoding/binary"
	"math/bits"
)

// Byte searches eight bytes at a time ("SWAR"). String bodies are most of
// an event's bytes, and both the framer and the validator must find the
// first byte in them that ends or escapes the string; a byte loop or two
// bytes.IndexByte calls per string measured slower on CloudTrail's many
// short strings.

const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
	swarQ  = swarLo * '"'
	swarBS = swarLo * '\\'
)

// zeroBytes has the high bit set in the lowest zero byte of x (higher
// bits may be false positives, so only the lowest set bit is meaningful).
func zeroBytes(x uint64) uint64 { return (x - swarLo) & ^x & swarHi }

// quoteOrBackslash returns the index of the first '"' or '\\' in b, or
// len(b).
func quoteOrBackslash(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := zeroBytes(x^swarQ) | zeroBytes(x^swarBS); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if b[i] == '"' || b[i] == '\\' {
			return i
		}
	}
	return i
}

// strSpecial returns the index of the first byte of b that a JSON string
// body cannot hold as is ('"', '\\', a control character) or that starts a
// multi-byte UTF-8 sequence, or len(b).
func strSpecial(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		// (x - 0x20 per byte) & ^x & hi flags bytes below 0x20 (exact for
		// the lowest one); x & hi flags bytes >= 0x80.
		if m := zeroBytes(x^swarQ) | zeroBytes(x^swarBS) | (x-swarLo*0x20)&^x&swarHi | x&swarHi; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return i
		}
	}
	return i
}
