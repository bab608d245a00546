package fn

import (
	"hash/maphash"
	"strings"
)

// strSet is a set of strings that hashes each key once (maphash) and
// keeps the hashes, so that growing never hashes again. count(DISTINCT)
// over long strings (resource ARNs, principals) spent most of its time
// hashing in a map[string]struct{}, which hashes a new key twice (lookup,
// then insert) and again at every growth.
type strSet struct {
	slots []strSlot // open addressing, linear probing; a power of two long
	n     int
}

// strSlot is one entry; h is the key's hash with the low bit set (0: an
// empty slot), the slot found from its other bits.
type strSlot struct {
	h uint64
	s string
}

// strSetSeed is shared: the hashes never leave the process.
var strSetSeed = maphash.MakeSeed()

// strSlotBytes is the memory of a slot, for the aggregates' accounting.
const strSlotBytes = 24

// add inserts k (a copy of it) and reports whether it was new; grew is
// the memory the set took on, its slots and the copy.
func (t *strSet) add(k string) (isNew bool, grew int64) {
	if 4*(t.n+1) > 3*len(t.slots) {
		grew = t.grow()
	}
	h := maphash.String(strSetSeed, k) | 1
	mask := uint64(len(t.slots) - 1)
	for i := (h >> 1) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h == 0 {
			s.h, s.s = h, strings.Clone(k)
			t.n++
			return true, grew + heapBytes(len(k))
		}
		if s.h == h && s.s == k {
			return false, grew
		}
	}
}

// grow doubles the slots (16 at first), placing the entries by their kept
// hashes, and returns the bytes added.
func (t *strSet) grow() int64 {
	old := t.slots
	t.slots = make([]strSlot, max(16, 2*len(old)))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.h == 0 {
			continue
		}
		i := (s.h >> 1) & mask
		for t.slots[i].h != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
	return int64(len(t.slots)-len(old)) * strSlotBytes
}
