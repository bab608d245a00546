package exec

import (
	"math"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// Group keys are numbered in two steps. A colCoder gives each distinct
// value of one key column a dense code (NULL included), and a pairCoder
// numbers pairs of codes, so the key of several columns is folded pair by
// pair: ((c1, c2), c3)… Per row that is an array lookup for a
// dictionary-encoded column (each stripe's dictionary entry is looked up
// once, then its code is cached per dictionary) and an array lookup in a
// dense pair table, where hashing the keys' byte encoding per row used to
// take half of a GROUP BY eventSource, eventName.

// noCode marks a dictionary entry not looked up yet.
const noCode = ^uint32(0)

// dictCacheSize is how many dictionaries a colCoder keeps the codes of.
// Parallel scan workers interleave batches of a few stripes at a time.
const dictCacheSize = 8

// colCoder assigns dense codes to the values of one key column, in the
// order rows first use them: with a single key column the codes are the
// group IDs, so a dictionary entry no row uses must not take a code.
type colCoder struct {
	n     uint32
	null  uint32 // NULL's code, noCode until seen
	strs  map[string]uint32
	ints  map[int64]uint32 // integers, timestamps, dates, booleans, double bits
	enc   map[string]uint32
	dicts [dictCacheSize]dictCodes
	next  int // round-robin eviction
	bytes int64
	buf   []byte
	fresh []int32 // rows that took a new code in the last codes call
	// the last integer coded, for runs
	lastInt  int64
	lastCode uint32
	hasLast  bool
}

// dictCodes are the codes of one dictionary's entries.
type dictCodes struct {
	data  arrow.ArrayData // retained, so its address is not reused
	codes []uint32
}

func newColCoder() *colCoder {
	return &colCoder{null: noCode, strs: map[string]uint32{}, ints: map[int64]uint32{}, enc: map[string]uint32{}}
}

func (c *colCoder) release() {
	for i := range c.dicts {
		if c.dicts[i].data != nil {
			c.dicts[i].data.Release()
			c.dicts[i] = dictCodes{}
		}
	}
}

// add numbers a new value; size is the bytes of its map key: a string
// key's text (cloned), or 8 for an integer.
func (c *colCoder) add(row int, size int) uint32 {
	code := c.n
	c.n++
	c.bytes += mapEntryCost(size)
	c.fresh = append(c.fresh, int32(row))
	return code
}

func (c *colCoder) nullCode(row int) uint32 {
	if c.null == noCode {
		c.null = c.add(row, 0)
	}
	return c.null
}

func (c *colCoder) str(row int, s string) uint32 {
	code, ok := c.strs[s]
	if !ok {
		code = c.add(row, len(s))
		c.strs[strings.Clone(s)] = code // s points into the batch
	}
	return code
}

func (c *colCoder) int(row int, v int64) uint32 {
	// Runs of one value are common (date_trunc of time-ordered events):
	// the last value's code skips the map.
	if c.hasLast && v == c.lastInt {
		return c.lastCode
	}
	code, ok := c.ints[v]
	if !ok {
		code = c.add(row, 8)
		c.ints[v] = code
	}
	c.lastInt, c.lastCode, c.hasLast = v, code, true
	return code
}

// codes fills out with the code of each row of a; c.fresh lists the rows
// that took new codes. Equal SQL values get equal codes whether a string
// column arrives plain or dictionary-encoded.
func (c *colCoder) codes(a arrow.Array, out []uint32) error {
	c.fresh = c.fresh[:0]
	if a.DataType().ID() == arrow.NULL {
		for i := range out {
			out[i] = c.nullCode(i)
		}
		return nil
	}
	nulls := a.NullN() > 0
	switch a := a.(type) {
	case *array.Dictionary:
		if dict, ok := a.Dictionary().(*array.String); ok {
			c.dictionary(a, dict, out)
			return nil
		}
	case *array.String:
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = c.nullCode(i)
				continue
			}
			out[i] = c.str(i, a.Value(i))
		}
		return nil
	case *array.Binary:
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = c.nullCode(i)
				continue
			}
			out[i] = c.str(i, bytesView(a.Value(i)))
		}
		return nil
	case *array.Float64:
		vals := a.Float64Values()
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = c.nullCode(i)
				continue
			}
			out[i] = c.int(i, int64(math.Float64bits(normFloat(vals[i]))))
		}
		return nil
	case *array.Boolean:
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = c.nullCode(i)
				continue
			}
			out[i] = c.int(i, int64(b2i(a.Value(i))))
		}
		return nil
	}
	if vals, ok := int64s(a); ok {
		for i := range out {
			if nulls && a.IsNull(i) {
				out[i] = c.nullCode(i)
				continue
			}
			out[i] = c.int(i, vals[i])
		}
		return nil
	}
	// Maps, arrays, rows and anything else: by canonical encoding.
	val, err := valueEncoder(a)
	if err != nil {
		return err
	}
	for i := range out {
		if !validAt(a, i) {
			out[i] = c.nullCode(i)
			continue
		}
		c.buf = val(c.buf[:0], i)
		code, ok := c.enc[string(c.buf)]
		if !ok {
			code = c.add(i, len(c.buf))
			c.enc[string(c.buf)] = code
		}
		out[i] = code
	}
	return nil
}

// dictionary codes a dictionary<int32, string> column: each entry is looked
// up (in the string map shared with plain batches) when a row first uses
// it, and remembered for later batches of the same dictionary.
func (c *colCoder) dictionary(a *array.Dictionary, dict *array.String, out []uint32) {
	tbl := c.dictTable(dict)
	idx := dictIndexes(a)
	entry := func(i int, k int32) uint32 {
		if dict.IsNull(int(k)) {
			return c.nullCode(i)
		}
		return c.str(i, dict.Value(int(k)))
	}
	if a.NullN() == 0 {
		for i, k := range idx[:len(out)] {
			t := tbl[k]
			if t == noCode {
				t = entry(i, k)
				tbl[k] = t
			}
			out[i] = t
		}
		return
	}
	for i, k := range idx[:len(out)] {
		if a.IsNull(i) {
			out[i] = c.nullCode(i)
			continue
		}
		t := tbl[k]
		if t == noCode {
			t = entry(i, k)
			tbl[k] = t
		}
		out[i] = t
	}
}

// dictTable returns the cached codes of dict's entries, or a new table.
func (c *colCoder) dictTable(dict *array.String) []uint32 {
	codes, grown := dictCache(&c.dicts, &c.next, dict)
	c.bytes += grown
	return codes
}

// dictCache finds dict's table of codes among a round-robin cache of the
// last dictionaries, or takes a slot for it (every entry noCode); grown is
// the change of the cache's bytes.
func dictCache(dicts *[dictCacheSize]dictCodes, next *int, dict *array.String) (codes []uint32, grown int64) {
	data := dict.Data()
	for i := range dicts {
		if dicts[i].data == data {
			return dicts[i].codes, 0
		}
	}
	slot := &dicts[*next]
	*next = (*next + 1) % len(dicts)
	if slot.data != nil {
		slot.data.Release()
		grown -= int64(cap(slot.codes)) * 4
	}
	data.Retain()
	codes = slot.codes[:0]
	if cap(codes) < dict.Len() {
		codes = make([]uint32, 0, dict.Len())
	}
	grown += int64(cap(codes)) * 4
	codes = codes[:dict.Len()]
	for k := range codes {
		codes[k] = noCode
	}
	*slot = dictCodes{data: data, codes: codes}
	return codes, grown
}

// pairCoder numbers pairs of codes densely, in the order rows first show
// them. While both code spaces are small it caches the numbers in a dense
// table indexed by (a, b), so a repeated pair costs one array lookup.
type pairCoder struct {
	m       map[uint64]uint32
	n       uint32
	dense   []uint32 // number+1 at a<<shift | b; 0: not cached
	aCap    uint32
	shift   uint
	bytes   int64 // map entries
	noDense bool
}

// size is the memory the coder holds.
func (p *pairCoder) size() int64 { return p.bytes + int64(len(p.dense))*4 }

// maxDense bounds the dense table (entries of 4 bytes).
const maxDense = 1 << 20

func newPairCoder() *pairCoder { return &pairCoder{m: map[uint64]uint32{}} }

// fit makes the dense table cover codes below aN and bN, or drops it when
// it would be too large.
func (p *pairCoder) fit(aN, bN uint32) {
	if p.noDense {
		return
	}
	if p.dense != nil && aN <= p.aCap && bN <= 1<<p.shift {
		return
	}
	aCap, shift := max(p.aCap, 16), max(p.shift, 4)
	for aCap < aN {
		aCap *= 2
	}
	for 1<<shift < bN {
		shift++
	}
	if uint64(aCap)<<shift > maxDense {
		p.noDense, p.dense = true, nil
		return
	}
	// Entries repopulate lazily from the map.
	p.aCap, p.shift = aCap, shift
	p.dense = make([]uint32, int(aCap)<<shift)
}

// fold replaces ids[i] by the number of the pair (ids[i], b[i]). aN and bN
// bound the codes in ids and b. Rows whose pair is new are appended to
// fresh when fresh is not nil.
func (p *pairCoder) fold(ids, b []uint32, aN, bN uint32, fresh *[]int32) {
	p.fit(aN, bN)
	if p.dense == nil {
		for i, a := range ids {
			ids[i] = p.lookup(i, a, b[i], fresh)
		}
		return
	}
	dense, shift := p.dense, p.shift
	for i, a := range ids {
		at := a<<shift | b[i]
		if v := dense[at]; v != 0 {
			ids[i] = v - 1
			continue
		}
		id := p.lookup(i, a, b[i], fresh)
		dense[at] = id + 1
		ids[i] = id
	}
}

func (p *pairCoder) lookup(row int, a, b uint32, fresh *[]int32) uint32 {
	key := uint64(a)<<32 | uint64(b)
	id, ok := p.m[key]
	if !ok {
		id = p.n
		p.n++
		p.m[key] = id
		p.bytes += mapEntryCost(8)
		if fresh != nil {
			*fresh = append(*fresh, int32(row))
		}
	}
	return id
}
