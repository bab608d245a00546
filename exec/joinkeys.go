package exec

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// A hash join numbers its build side's keys with the coders GROUP BY uses
// (keycodes.go): each key column's values get dense codes (dictionary
// entries looked up once per dictionary), and the codes of several
// columns are folded pair by pair into one key number. The probe side
// looks its keys up in those same coders without adding to them: a value
// the build side never had is absent, and so is NULL, which never matches.

// absent marks a probe value the build side does not have.
const absent = noCode - 1

// lookupCoder finds the codes the build side gave to a probe column's
// values. It caches the codes of each probe dictionary's entries, as the
// build's coder does.
type lookupCoder struct {
	c     *colCoder
	dicts [dictCacheSize]dictCodes
	next  int
	buf   []byte
	idx   *strIndex // the build's strings, for plain probe strings
}

// strIndex finds the code of a string with one hash and, mostly, one
// probe of an open-addressing table: a probe column of distinct values
// (eventID, an access key) looks every row up, and a miss in a Go map
// costs about three times as much (BenchmarkProbeStrings).
type strIndex struct {
	n      int // strings held
	seed   maphash.Seed
	mask   uint64
	hashes []uint64 // 0: empty; else the string's hash with the low bit set
	strs   []string
	codes  []uint32
	// bits has one bit per quickHash mod len(bits)*64, set for every
	// string: eight bits a string, so most absent values (a probe side
	// mostly without matches) are rejected in a table that fits in L1,
	// without computing their full hash (a probe of 1M eventIDs for an
	// hour's keys spent a third of its filter's time in maphash).
	bits    []uint64
	bitMask uint64
}

// quickHash mixes a string's length and three 8-byte words of it (first,
// middle, last): a few loads and a multiply, however long the string.
// Strings alike in all three collide, which costs them the full hash,
// never a wrong answer.
func quickHash(s string) uint64 {
	n := len(s)
	var a, b, c uint64
	if n >= 8 {
		p := unsafe.Slice(unsafe.StringData(s), n)
		a = binary.LittleEndian.Uint64(p)
		b = binary.LittleEndian.Uint64(p[n-8:])
		c = binary.LittleEndian.Uint64(p[n/2-4:])
	} else {
		for i := 0; i < n; i++ {
			a = a<<8 | uint64(s[i])
		}
	}
	h := (a ^ bits.RotateLeft64(b, 21) ^ bits.RotateLeft64(c, 42) ^ uint64(n)) * 0x9e3779b97f4a7c15
	return h ^ h>>32
}

func newStrIndex(m map[string]uint32) *strIndex {
	n := uint64(16)
	for n < 2*uint64(len(m)) {
		n *= 2
	}
	nb := uint64(512)
	for nb < 8*uint64(len(m)) {
		nb *= 2
	}
	x := &strIndex{n: len(m), seed: maphash.MakeSeed(), mask: n - 1, hashes: make([]uint64, n), strs: make([]string, n), codes: make([]uint32, n),
		bits: make([]uint64, nb/64), bitMask: nb - 1}
	for s, code := range m {
		h := maphash.String(x.seed, s) | 1
		b := quickHash(s) & x.bitMask
		x.bits[b>>6] |= 1 << (b & 63)
		i := h & x.mask
		for x.hashes[i] != 0 {
			i = (i + 1) & x.mask
		}
		x.hashes[i], x.strs[i], x.codes[i] = h, s, code
	}
	return x
}

func (x *strIndex) find(s string) uint32 {
	if b := quickHash(s) & x.bitMask; x.bits[b>>6]&(1<<(b&63)) == 0 {
		return absent
	}
	h := maphash.String(x.seed, s) | 1
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		switch x.hashes[i] {
		case 0:
			return absent
		case h:
			if x.strs[i] == s {
				return x.codes[i]
			}
		}
	}
}

func (x *strIndex) bytes() int64 { return int64(len(x.hashes))*(8+16+4) + int64(len(x.bits))*8 }

func (l *lookupCoder) release() {
	for i := range l.dicts {
		if l.dicts[i].data != nil {
			l.dicts[i].data.Release()
			l.dicts[i] = dictCodes{}
		}
	}
}

func (l *lookupCoder) str(s string) uint32 {
	if code, ok := l.c.strs[s]; ok {
		return code
	}
	return absent
}

func (l *lookupCoder) int(v int64) uint32 {
	if code, ok := l.c.ints[v]; ok {
		return code
	}
	return absent
}

// codes fills out with the build code of each row of a, or absent.
func (l *lookupCoder) codes(a arrow.Array, out []uint32) error {
	if a.DataType().ID() == arrow.NULL {
		for i := range out {
			out[i] = absent
		}
		return nil
	}
	nulls := a.NullN() > 0
	switch a := a.(type) {
	case *array.Dictionary:
		if dict, ok := a.Dictionary().(*array.String); ok {
			l.dictionary(a, dict, out)
			return nil
		}
	case *array.String:
		if l.idx == nil {
			l.idx = newStrIndex(l.c.strs)
		}
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = absent
				continue
			}
			out[i] = l.idx.find(a.Value(i))
		}
		return nil
	case *array.Float64:
		vals := a.Float64Values()
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = absent
				continue
			}
			out[i] = l.int(int64(math.Float64bits(normFloat(vals[i]))))
		}
		return nil
	case *array.Boolean:
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = absent
				continue
			}
			out[i] = l.int(int64(b2i(a.Value(i))))
		}
		return nil
	}
	if vals, ok := int64s(a); ok {
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = absent
				continue
			}
			out[i] = l.int(vals[i])
		}
		return nil
	}
	val, err := valueEncoder(a)
	if err != nil {
		return err
	}
	for i := range out {
		if !validAt(a, i) {
			out[i] = absent
			continue
		}
		l.buf = val(l.buf[:0], i)
		if code, ok := l.c.enc[string(l.buf)]; ok {
			out[i] = code
		} else {
			out[i] = absent
		}
	}
	return nil
}

// dictionary looks each entry of a probe dictionary up once.
func (l *lookupCoder) dictionary(a *array.Dictionary, dict *array.String, out []uint32) {
	tbl := l.dictTable(dict)
	idx := dictIndexes(a)
	for i, k := range idx[:len(out)] {
		if a.IsNull(i) {
			out[i] = absent
			continue
		}
		t := tbl[k]
		if t == noCode {
			t = absent
			if dict.IsValid(int(k)) {
				t = l.str(dict.Value(int(k)))
			}
			tbl[k] = t
		}
		out[i] = t
	}
}

func (l *lookupCoder) dictTable(dict *array.String) []uint32 {
	codes, _ := dictCache(&l.dicts, &l.next, dict)
	return codes
}

// find returns the number a pairCoder gave to the pair (a, b), without
// adding it.
func (p *pairCoder) find(a, b uint32) (uint32, bool) {
	if p.dense != nil && a < p.aCap && b < 1<<p.shift {
		if v := p.dense[a<<p.shift|b]; v != 0 {
			return v - 1, true
		}
	}
	id, ok := p.m[uint64(a)<<32|uint64(b)]
	return id, ok
}

// probeKeys numbers probe rows' keys with the build side's coders: out[i]
// is the build's key number of row i, or absent.
type probeKeys struct {
	g       *grouper
	cols    []*lookupCoder
	scratch []uint32
}

func newProbeKeys(g *grouper, nkeys int) *probeKeys {
	p := &probeKeys{g: g}
	for len(g.cols) < nkeys {
		g.cols = append(g.cols, newColCoder())
	}
	for len(g.pairs) < nkeys-1 {
		g.pairs = append(g.pairs, newPairCoder())
	}
	for k := 0; k < nkeys; k++ {
		p.cols = append(p.cols, &lookupCoder{c: g.cols[k]})
	}
	return p
}

func (p *probeKeys) release() {
	for _, c := range p.cols {
		c.release()
	}
}

func (p *probeKeys) lookup(keys []arrow.Array, out []uint32) error {
	if err := p.cols[0].codes(keys[0], out); err != nil {
		return err
	}
	if len(keys) == 1 {
		return nil
	}
	if cap(p.scratch) < len(out) {
		p.scratch = make([]uint32, len(out))
	}
	codes := p.scratch[:len(out)]
	for k := 1; k < len(keys); k++ {
		if err := p.cols[k].codes(keys[k], codes); err != nil {
			return err
		}
		pc := p.g.pairs[k-1]
		for i, a := range out {
			if a == absent || codes[i] == absent {
				out[i] = absent
				continue
			}
			id, ok := pc.find(a, codes[i])
			if !ok {
				out[i] = absent
				continue
			}
			out[i] = id
		}
	}
	return nil
}

// anyNull reports, per row, whether any key is NULL.
func anyNull(keys []arrow.Array, n int, out []bool) []bool {
	out = out[:0]
	for i := 0; i < n; i++ {
		out = append(out, false)
	}
	for _, k := range keys {
		if k.DataType().ID() == arrow.NULL {
			for i := range out {
				out[i] = true
			}
			continue
		}
		if k.NullN() == 0 {
			if d, ok := k.(*array.Dictionary); !ok || d.Dictionary().NullN() == 0 {
				continue
			}
		}
		for i := range out {
			if !validAt(k, i) {
				out[i] = true
			}
		}
	}
	return out
}
