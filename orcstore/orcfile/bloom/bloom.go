// Package bloom implements ORC's bloom filters: the bit layout, the hash and
// the sizing rules of Apache ORC's Java BloomFilter/BloomFilterUtf8, so that
// filters we write are usable by Trino, Hive and Spark, and filters they
// write are usable by us.
//
// A filter answers "might this row group contain value v?" with no false
// negatives. Stores write one per row group for the columns people look up
// by equality (eventID, requestID, accessKeyId, ...), so a point lookup reads
// only the row groups whose filter says "maybe".
package bloom

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// DefaultFPP is the false positive probability stores ask for.
const DefaultFPP = 0.01

// Encoding is the ColumnEncoding.bloomEncoding value of UTF-8 filters
// (Java's BloomFilterIO.Encoding.UTF8_UTC).
const Encoding = 1

// nullHash is the hash Java uses for a NULL value.
const nullHash uint64 = 2862933555777941757

// Filter is a bloom filter over strings.
type Filter struct {
	bits []uint64
	// raw, when set instead of bits, holds the words as serialized
	// (little-endian): bit i of word w is bit i%8 of byte 8w+i/8, so a
	// filter read from a file is tested in place, without conversion.
	raw     []byte
	numBits int32
	k       int
}

// FromUTF8Bitset makes a read-only filter over a serialized utf8bitset
// (little-endian 64-bit words) without copying it: b must stay unchanged
// while the filter is used. Adding to such a filter panics.
func FromUTF8Bitset(k int, b []byte) (*Filter, error) {
	if len(b) == 0 || len(b)%8 != 0 || k < 1 || k > 1024 || len(b)/8 > math.MaxInt32/64 {
		return nil, fmt.Errorf("bloom filter of %d bytes and %d hash functions is malformed", len(b), k)
	}
	return &Filter{raw: b, numBits: int32(len(b) * 8), k: k}, nil
}

// New sizes a filter for expected entries at false positive probability fpp,
// with Java's formulas: m = -n·ln(p)/ln(2)², rounded up to the next multiple
// of 64 (Java always adds a word, even when m is already a multiple), and
// k = max(1, round(m/n·ln 2)).
func New(expected int, fpp float64) (*Filter, error) {
	if !(fpp > 0 && fpp < 1) {
		return nil, fmt.Errorf("bloom filter false positive probability %v must be in (0, 1)", fpp)
	}
	n := max(int64(expected), 1)
	nb := int64(float64(-n) * math.Log(fpp) / (math.Ln2 * math.Ln2))
	m := nb + (64 - nb%64)
	if m > math.MaxInt32 {
		return nil, fmt.Errorf("bloom filter of %d bits is too large", m)
	}
	k := max(1, int(math.Round(float64(m)/float64(n)*math.Ln2)))
	return &Filter{bits: make([]uint64, m/64), numBits: int32(m), k: k}, nil
}

// FromProto rebuilds a filter from its serialized form. UTF-8 filters
// (utf8bitset, little-endian words) are preferred; the legacy bitset of
// older writers is accepted too (its hash for ASCII strings is the same).
func FromProto(p *orcproto.BloomFilter) (*Filter, error) {
	var bits []uint64
	if b := p.GetUtf8Bitset(); len(b) > 0 {
		if len(b)%8 != 0 {
			return nil, fmt.Errorf("bloom filter utf8bitset of %d bytes is not whole 64-bit words", len(b))
		}
		bits = make([]uint64, len(b)/8)
		for i := range bits {
			bits[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
	} else {
		bits = append(bits, p.GetBitset()...)
	}
	k := int(p.GetNumHashFunctions())
	if len(bits) == 0 || k < 1 || k > 1024 || len(bits) > math.MaxInt32/64 {
		return nil, fmt.Errorf("bloom filter with %d words and %d hash functions is malformed", len(bits), k)
	}
	return &Filter{bits: bits, numBits: int32(len(bits) * 64), k: k}, nil
}

// Proto serializes the filter the way Java's BloomFilterIO does for
// BloomFilterUtf8: numHashFunctions and utf8bitset.
func (f *Filter) Proto() *orcproto.BloomFilter {
	if f.raw != nil {
		k := uint32(f.k)
		return &orcproto.BloomFilter{NumHashFunctions: &k, Utf8Bitset: append([]byte(nil), f.raw...)}
	}
	b := make([]byte, 8*len(f.bits))
	for i, w := range f.bits {
		binary.LittleEndian.PutUint64(b[8*i:], w)
	}
	k := uint32(f.k)
	return &orcproto.BloomFilter{NumHashFunctions: &k, Utf8Bitset: b}
}

// NumBits and NumHashFunctions describe the filter's size.
func (f *Filter) NumBits() int          { return int(f.numBits) }
func (f *Filter) NumHashFunctions() int { return f.k }

// Reset clears every bit, so a writer can reuse one filter per row group.
func (f *Filter) Reset() { clear(f.bits) }

// AddString adds the UTF-8 bytes of s.
func (f *Filter) AddString(s string) { f.addHash(Hash64(s)) }

// AddNull records a NULL value, as Java does.
func (f *Filter) AddNull() { f.addHash(nullHash) }

// MightContainString reports whether s may have been added; false means
// certainly not.
func (f *Filter) MightContainString(s string) bool { return f.testHash(Hash64(s)) }

// MightContainNull reports whether a NULL may have been added.
func (f *Filter) MightContainNull() bool { return f.testHash(nullHash) }

// The probe sequence is Kirsch–Mitzenmacher double hashing over the two
// 32-bit halves, in Java's signed int arithmetic.
func (f *Filter) addHash(h uint64) {
	h1, h2 := int32(h), int32(h>>32)
	for i := int32(1); i <= int32(f.k); i++ {
		c := h1 + i*h2
		if c < 0 {
			c = ^c
		}
		pos := c % f.numBits
		f.bits[pos>>6] |= 1 << (uint(pos) & 63)
	}
}

func (f *Filter) testHash(h uint64) bool {
	h1, h2 := int32(h), int32(h>>32)
	for i := int32(1); i <= int32(f.k); i++ {
		c := h1 + i*h2
		if c < 0 {
			c = ^c
		}
		pos := c % f.numBits
		if f.raw != nil {
			if f.raw[pos>>3]&(1<<(uint(pos)&7)) == 0 {
				return false
			}
			continue
		}
		if f.bits[pos>>6]&(1<<(uint(pos)&63)) == 0 {
			return false
		}
	}
	return true
}
