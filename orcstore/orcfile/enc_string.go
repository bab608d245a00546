package orcfile

import (
	"bytes"
	"hash/maphash"
	"slices"
	"unsafe"

	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// encString buffers one string column for a stripe. It starts in dictionary
// mode, as Apache ORC does: distinct values go into an arena with an
// open-addressing hash table (no per-string allocation) and each value
// becomes a 4-byte id. The encoding is chosen when the stripe ends
// (DICTIONARY_V2 when distinct/non-null ≤ threshold), with an early switch
// to DIRECT_V2 after the first row group for mostly-distinct columns.
//
// Memory per stripe: the distinct bytes plus 4 bytes per value in dictionary
// mode; the bytes plus the encoded lengths in direct mode.
type encString struct {
	threshold float64
	dict      bool // dictionary mode (ids) rather than direct (data + lengths)
	checked   bool // the early check after the first row group is done

	seed  maphash.Seed
	arena []byte
	offs  []uint32 // entry i is arena[offs[i]:offs[i+1]]
	table []int32  // open addressing, -1 empty; len is a power of two
	ids   []uint32
	last  int32 // id of the last value added, -1 if none

	data    []byte    // direct mode
	chunked *wChunker // direct mode from the start: DATA compressed as it fills (write_chunked.go), data unused
	lengths *encIntRLE
	directN int // values written in direct mode this stripe

	// Set by finish for dictionary mode.
	dictData, dictLen, idData []byte
}

func encNewString() *encString {
	s := &encString{seed: maphash.MakeSeed(), lengths: encNewIntRLE(false), threshold: 0.8}
	s.reset()
	return s
}

func (s *encString) reset() {
	s.dict = s.threshold > 0
	s.checked = false
	s.arena = s.arena[:0]
	s.offs = append(s.offs[:0], 0)
	if len(s.table) > 1<<16 || len(s.table) == 0 {
		s.table = make([]int32, 1024)
	}
	for i := range s.table {
		s.table[i] = -1
	}
	s.ids = s.ids[:0]
	s.last = -1
	s.data = s.data[:0]
	if s.chunked != nil {
		s.chunked.reset()
	}
	s.lengths.reset()
	s.directN = 0
	s.dictData, s.dictLen, s.idData = nil, nil, nil
}

func (s *encString) size() int {
	if s.dict {
		return len(s.arena) + 4*len(s.ids) + 4*len(s.table)
	}
	return s.dataLen() + len(s.lengths.out) + 8*len(s.lengths.pending)
}

// dataLen is the length of the direct DATA stream so far, uncompressed.
func (s *encString) dataLen() int {
	if s.chunked != nil {
		return s.chunked.n
	}
	return len(s.data)
}

// appendDirect adds v to the direct streams.
func (s *encString) appendDirect(v string) {
	if s.chunked != nil {
		s.chunked.append(v)
	} else {
		s.data = encAppend(s.data, v)
	}
	s.lengths.append1(int64(len(v)))
	s.directN++
}

// add appends v; it reports whether v repeats the previous value added
// since the last resetLast, which the caller's per-row-group statistics and
// bloom filter already hold.
func (s *encString) add(v string) (repeat bool) {
	if !s.dict {
		s.appendDirect(v)
		return false
	}
	// A value equal to the previous one skips the hash: low-cardinality
	// columns (account, region, event type, TLS version) repeat from row
	// to row even in time order, and hashing was most of add's cost.
	if l := s.last; l >= 0 && string(s.arena[s.offs[l]:s.offs[l+1]]) == v {
		s.ids = append(s.ids, uint32(l))
		return true
	}
	mask := uint64(len(s.table) - 1)
	h := maphash.String(s.seed, v)
	for i := h & mask; ; i = (i + 1) & mask {
		id := s.table[i]
		if id < 0 {
			id = int32(len(s.offs) - 1)
			s.arena = encAppend(s.arena, v)
			s.offs = append(s.offs, uint32(len(s.arena)))
			s.table[i] = id
			s.ids = append(s.ids, uint32(id))
			s.last = id
			if 2*len(s.offs) > len(s.table) {
				s.grow()
			}
			return false
		}
		if string(s.arena[s.offs[id]:s.offs[id+1]]) == v {
			s.ids = append(s.ids, uint32(id))
			s.last = id
			return false
		}
	}
}

// resetLast forgets the previous value (at a row group's end: the next
// row group's statistics must see its first value).
func (s *encString) resetLast() { s.last = -1 }

func (s *encString) grow() {
	t := make([]int32, 2*len(s.table))
	for i := range t {
		t[i] = -1
	}
	mask := uint64(len(t) - 1)
	for id := 0; id < len(s.offs)-1; id++ {
		h := maphash.Bytes(s.seed, s.arena[s.offs[id]:s.offs[id+1]])
		i := h & mask
		for t[i] >= 0 {
			i = (i + 1) & mask
		}
		t[i] = int32(id)
	}
	s.table = t
}

func (s *encString) distinct() int { return len(s.offs) - 1 }

func (s *encString) worthDictionary() bool {
	n := len(s.ids)
	return n > 0 && float64(s.distinct()) <= s.threshold*float64(n)
}

func (s *encString) entry(id uint32) []byte { return s.arena[s.offs[id]:s.offs[id+1]] }

// toDirect replays the buffered values into the direct streams, filling in
// the DATA/LENGTH positions of the row groups opened so far.
func (s *encString) toDirect(entries []wEntry) {
	s.dict = false
	ids := s.ids
	ei := 0
	for k := 0; k <= len(ids); k++ {
		for ei < len(entries) && entries[ei].valIdx == k {
			e := &entries[ei]
			o, n := s.lengths.position()
			e.data[0] = wPos{kind: orcproto.Stream_DATA, off: s.dataLen()}
			e.data[1] = wPos{kind: orcproto.Stream_LENGTH, off: o, x: [2]int{n}, nx: 1}
			e.ndata = 2
			ei++
		}
		if k == len(ids) {
			break
		}
		b := s.entry(ids[k])
		s.appendDirect(unsafe.String(unsafe.SliceData(b), len(b)))
	}
	s.ids = s.ids[:0]
	s.arena = s.arena[:0]
	s.offs = s.offs[:1]
	s.last = -1
}

// finish chooses the stripe's encoding, encodes the dictionary streams if
// chosen, and completes the row-index positions.
func (s *encString) finish(entries []wEntry) *orcproto.ColumnEncoding {
	if s.dict && !s.worthDictionary() {
		s.toDirect(entries)
	}
	if !s.dict {
		s.lengths.flush()
		return &orcproto.ColumnEncoding{Kind: orcproto.ColumnEncoding_DIRECT_V2.Enum()}
	}
	// Sort the dictionary bytewise (Go string order is unsigned bytewise,
	// like Java's Text comparison) and renumber the ids.
	n := s.distinct()
	order := make([]uint32, n)
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		x, y := s.entry(a), s.entry(b)
		return encCompareBytes(x, y)
	})
	rank := make([]int64, n)
	lens := encNewIntRLE(false)
	dictData := make([]byte, 0, len(s.arena))
	for r, id := range order {
		rank[id] = int64(r)
		b := s.entry(id)
		dictData = append(dictData, b...)
		lens.append1(int64(len(b)))
	}
	lens.flush()
	data := encNewIntRLE(false)
	ei := 0
	for k := 0; k <= len(s.ids); k++ {
		for ei < len(entries) && entries[ei].valIdx == k {
			o, m := data.position()
			entries[ei].data[0] = wPos{kind: orcproto.Stream_DATA, off: o, x: [2]int{m}, nx: 1}
			entries[ei].ndata = 1
			ei++
		}
		if k < len(s.ids) {
			data.append1(rank[s.ids[k]])
		}
	}
	data.flush()
	s.idData, s.dictData, s.dictLen = data.out, dictData, lens.out
	return &orcproto.ColumnEncoding{Kind: orcproto.ColumnEncoding_DICTIONARY_V2.Enum(), DictionarySize: wU32(uint32(n))}
}

func encCompareBytes(x, y []byte) int { return bytes.Compare(x, y) }

// streams returns the data streams in kind order after finish.
func (s *encString) streams() []wStream {
	if s.dict {
		return []wStream{
			{kind: orcproto.Stream_DATA, data: s.idData},
			{kind: orcproto.Stream_LENGTH, data: s.dictLen},
			{kind: orcproto.Stream_DICTIONARY_DATA, data: s.dictData},
		}
	}
	if s.chunked != nil {
		out, chunks := s.chunked.finish()
		return []wStream{{kind: orcproto.Stream_DATA, data: out, chunks: chunks, packed: true}, {kind: orcproto.Stream_LENGTH, data: s.lengths.out}}
	}
	return []wStream{{kind: orcproto.Stream_DATA, data: s.data}, {kind: orcproto.Stream_LENGTH, data: s.lengths.out}}
}

// encAppend appends v, doubling the capacity when it runs out: a stripe's
// string data reaches tens of MB, where append's 1.25× growth would
// allocate several times the final size.
func encAppend[T string | []byte](dst []byte, v T) []byte {
	if len(dst)+len(v) > cap(dst) {
		nd := make([]byte, len(dst), max(2*cap(dst), len(dst)+len(v), 4096))
		copy(nd, dst)
		dst = nd
	}
	return append(dst, v...)
}
