package bloom

import "sync"

// Set is a set of strings tested against many filters: a hash join's build
// keys against the filter of every row group of the probe side's key
// column, to skip the row groups that hold none of them. Testing thousands
// of values per row group with MightContainString would hash each value
// again for every filter and divide k times per value; a Set hashes each
// value once and keeps its bit positions per filter shape (bit count and
// hash count: every row group of a column written with one stride and fpp
// shares one), laid out probe-major so that the first probe of every value
// — the one that rules most of them out — is one sequential array.
//
// It is safe for concurrent use.
type Set struct {
	hashes []uint64

	mu     sync.Mutex
	shapes map[shape][]int32
}

type shape struct {
	bits int32
	k    int
}

// NewSet makes the set of values.
func NewSet(values []string) *Set {
	s := &Set{hashes: make([]uint64, len(values)), shapes: map[shape][]int32{}}
	for i, v := range values {
		s.hashes[i] = Hash64(v)
	}
	return s
}

// Len is the number of values.
func (s *Set) Len() int { return len(s.hashes) }

// positions are the values' bit positions in filters of shape sh: probe j
// of value i at [j*n+i].
func (s *Set) positions(sh shape) []int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.shapes[sh]; ok {
		return p
	}
	n := len(s.hashes)
	p := make([]int32, sh.k*n)
	for i, h := range s.hashes {
		h1, h2 := int32(h), int32(h>>32)
		for j := 0; j < sh.k; j++ {
			// as testHash: Java's signed int arithmetic
			c := h1 + int32(j+1)*h2
			if c < 0 {
				c = ^c
			}
			p[j*n+i] = c % sh.bits
		}
	}
	s.shapes[sh] = p
	return p
}

// MightContainAny reports whether f may contain any value of the set;
// false means certainly none. An empty set is contained by no filter.
func (s *Set) MightContainAny(f *Filter) bool {
	n := len(s.hashes)
	if n == 0 {
		return false
	}
	p := s.positions(shape{f.numBits, f.k})
	bit := func(pos int32) bool {
		if f.raw != nil {
			return f.raw[pos>>3]&(1<<(uint(pos)&7)) != 0
		}
		return f.bits[pos>>6]&(1<<(uint(pos)&63)) != 0
	}
	first := p[:n]
	for i, pos := range first {
		if !bit(pos) {
			continue
		}
		all := true
		for j := 1; j < f.k; j++ {
			if !bit(p[j*n+i]) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
