package bloom

import "math/bits"

// seed is the seed ORC's Murmur3.hash64 uses.
const seed = 104729

const (
	c1 = 0x87c37b91114253d5
	c2 = 0x4cf5ad432745937f
	n1 = 0x52dce729
)

// Hash64 is Apache ORC's (Hive's) Murmur3 64-bit variant: the 128-bit
// algorithm's mixing on one 64-bit lane, seed 104729. It is not the first
// half of standard Murmur3 x64-128, so a generic Murmur3 library would give
// filters no other reader could use.
func Hash64(s string) uint64 {
	h := uint64(seed)
	n := len(s)
	i := 0
	for ; i+8 <= n; i += 8 {
		k := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		k *= c1
		k = bits.RotateLeft64(k, 31)
		k *= c2
		h ^= k
		h = bits.RotateLeft64(h, 27)*5 + n1
	}
	if tail := n - i; tail > 0 {
		var k uint64
		for j := tail - 1; j >= 0; j-- {
			k = k<<8 | uint64(s[i+j])
		}
		k *= c1
		k = bits.RotateLeft64(k, 31)
		k *= c2
		h ^= k
	}
	h ^= uint64(n)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
