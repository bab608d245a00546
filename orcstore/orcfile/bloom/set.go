package bloom

import "sync"

// Set is a set of strings tested against many filters: a hash join's build
// keys against the filter of every row group of the probe side's key
// column, to skip the row groups that hold none of them. Testing thousands
// of values per row group with MightContainString would hash each value
// again for every filter and divide k times per value; a Set hashes each
// value once and keeps its bit positions per filter shape (bit count and
// hash count: every row group of a column written with one stride and fpp
// shares one). A value's first four probes are tested together, without
// branches: each is a coin toss in a half-full filter, so testing them
// one by one mispredicted a branch for most values; together they pass
// for one value in sixteen.
//
// It is safe for concurrent use.
type Set struct {
	hashes []uint64

	mu     sync.Mutex
	shapes map[shape]*probes
}

type shape struct {
	bits int32
	k    int
}

// probes are the values' bit positions in filters of one shape: the first
// four of value i at first[4i:4i+4] (repeated when k < 4), probe j ≥ 4 at
// rest[(j-4)*n+i].
type probes struct {
	first, rest []int32
}

// NewSet makes the set of values.
func NewSet(values []string) *Set {
	s := &Set{hashes: make([]uint64, len(values)), shapes: map[shape]*probes{}}
	for i, v := range values {
		s.hashes[i] = Hash64(v)
	}
	return s
}

// Len is the number of values.
func (s *Set) Len() int { return len(s.hashes) }

func (s *Set) positions(sh shape) *probes {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.shapes[sh]; ok {
		return p
	}
	n := len(s.hashes)
	p := &probes{first: make([]int32, 4*n), rest: make([]int32, max(sh.k-4, 0)*n)}
	for i, h := range s.hashes {
		h1, h2 := int32(h), int32(h>>32)
		for j := 0; j < max(sh.k, 4); j++ {
			// as testHash: Java's signed int arithmetic
			c := h1 + int32(min(j, sh.k-1)+1)*h2
			if c < 0 {
				c = ^c
			}
			pos := c % sh.bits
			if j < 4 {
				p.first[4*i+j] = pos
			} else {
				p.rest[(j-4)*n+i] = pos
			}
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
	if f.raw != nil {
		// A filter tested in place (FromUTF8Bitset): value by value.
		for _, h := range s.hashes {
			if f.testHash(h) {
				return true
			}
		}
		return false
	}
	p := s.positions(shape{f.numBits, f.k})
	w, k := f.bits, f.k
	bit := func(pos int32) uint64 { return w[pos>>6] >> (uint(pos) & 63) }
	for i := 0; i < n; i++ {
		q := p.first[4*i : 4*i+4 : 4*i+4]
		if bit(q[0])&bit(q[1])&bit(q[2])&bit(q[3])&1 == 0 {
			continue
		}
		j := 4
		for ; j < k && bit(p.rest[(j-4)*n+i])&1 != 0; j++ {
		}
		if j >= k {
			return true
		}
	}
	return false
}
