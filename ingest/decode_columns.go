package ingest

import (
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Column accumulators. Arrow Go's generic builders cost about a third of
// an event's decoding time (a reserve check, a resize and a memset per
// value); these append to plain Go slices and hand them to Arrow as buffers
// when a record is cut, which measured about 1.4x faster per event. Each
// finish hands Arrow an exact-size copy and keeps its own slices, emptied,
// for the next batch: the pipeline reuses Builders, so steady-state batches
// neither regrow their slices (growth was 12% of ingest's CPU, most of it
// page faults on fresh memory) nor hold spare capacity in stored records.
// Large string data (eventJson) is the exception: its buffer is handed over
// uncopied and recycled (strCol.finish, decode_recycle.go).

// bitmap is an Arrow validity (or boolean value) bitmap, LSB first.
type bitmap struct {
	b []byte
	n int
}

func (m *bitmap) append(v bool) {
	if m.n&7 == 0 {
		m.b = append(m.b, 0)
	}
	if v {
		m.b[m.n>>3] |= 1 << (m.n & 7)
	}
	m.n++
}

func (m *bitmap) finish() *memory.Buffer {
	buf := memory.NewBufferBytes(clone(m.b))
	m.b, m.n = m.b[:0], 0
	return buf
}

// clone returns an exact-size copy of s.
func clone[T any](s []T) []T {
	out := make([]T, len(s))
	copy(out, s)
	return out
}

// strCol accumulates a string column.
type strCol struct {
	valid   bitmap
	nulls   int
	offsets []int32
	data    []byte
	peak    int // most data bytes of a batch handed over (see finish)

	// alias, when set, holds the values instead of data: they are
	// alias.data[aliasLo:aliasHi], one event's text after the other, and
	// offsets count from aliasLo (see appendAliased).
	alias            *rawChunk
	aliasLo, aliasHi int
}

func newStrCol() *strCol { return &strCol{offsets: []int32{0}} }

func (c *strCol) append(b []byte) {
	if c.alias != nil {
		c.unalias()
	}
	if c.data == nil {
		c.take()
	}
	c.data = append(c.data, b...)
	c.offsets = append(c.offsets, int32(len(c.data)))
	c.valid.append(true)
}

func (c *strCol) appendString(s string) {
	if c.alias != nil {
		c.unalias()
	}
	if c.data == nil {
		c.take()
	}
	c.data = append(c.data, s...)
	c.offsets = append(c.offsets, int32(len(c.data)))
	c.valid.append(true)
}

// take gives a column whose buffer was handed over a recycled one of its
// largest batch's size (see finish); a column that never had one starts
// with an empty slice and grows.
func (c *strCol) take() {
	if c.peak > 0 {
		c.data = takeStrBuf(c.peak)
	} else {
		c.data = []byte{}
	}
}

func (c *strCol) appendNull() {
	if c.alias != nil {
		c.unalias()
	}
	c.offsets = append(c.offsets, int32(len(c.data)))
	c.valid.append(false)
	c.nulls++
}

func (c *strCol) finish() *array.Data {
	n := c.valid.n
	var data *memory.Buffer
	if c.alias != nil {
		// The batch's values are the chunk's bytes. The record takes the
		// chunk's buffer (with its spare capacity, for recycling) when
		// they are most of it, as for a buffer of the column's own below;
		// else it gets an exact copy and the chunk's buffer is reused.
		run := c.alias.data[c.aliasLo:c.aliasHi]
		if cap(run) >= recycleMinCap && len(run) >= cap(run)/2 {
			data = memory.NewBufferBytes(run)
			c.alias.adopted = true
		} else {
			data = memory.NewBufferBytes(clone(run))
		}
		c.alias = nil
	} else if cap(c.data) >= recycleMinCap && len(c.data) >= cap(c.data)/2 {
		// A large, mostly full buffer (eventJson's is megabytes) is handed
		// over rather than copied; the next batch takes a recycled one (see
		// recycleStrings). The Arrow buffer is the bytes in use, as the
		// exact-size copy was: the pipeline's memory bound, and so the size
		// of the files it cuts, stay as they were (counting the spare room
		// too made 21% more, smaller files); the spare room, at most a
		// quarter, goes back to the pool with the buffer.
		data = memory.NewBufferBytes(c.data)
		// Builders are reused for partitions (days) of different sizes:
		// ask for the largest batch seen, not the last one. The buffer is
		// taken when the next value comes (take), not now: a worker keeps
		// a Builder per day it met, most of them idle, and each holding an
		// empty buffer of its largest batch came to ~100 MB of a 1M-event
		// ingest's peak.
		c.peak = max(c.peak, len(c.data))
		c.data = nil
	} else {
		data = memory.NewBufferBytes(clone(c.data))
		c.data = c.data[:0]
	}
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{
		c.valid.finish(),
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(clone(c.offsets))),
		data,
	}, nil, c.nulls, 0)
	c.offsets, c.nulls = c.offsets[:1], 0
	return d
}

// boolCol accumulates a boolean column.
type boolCol struct {
	valid, vals bitmap
	nulls       int
}

func (c *boolCol) append(v bool) { c.valid.append(true); c.vals.append(v) }

func (c *boolCol) appendNull() { c.valid.append(false); c.vals.append(false); c.nulls++ }

func (c *boolCol) finish() *array.Data {
	n := c.valid.n
	d := array.NewData(arrow.FixedWidthTypes.Boolean, n, []*memory.Buffer{c.valid.finish(), c.vals.finish()}, nil, c.nulls, 0)
	c.nulls = 0
	return d
}

// tsCol accumulates a timestamp column.
type tsCol struct {
	typ   arrow.DataType
	valid bitmap
	nulls int
	vals  []int64
}

func (c *tsCol) append(v int64) { c.valid.append(true); c.vals = append(c.vals, v) }

func (c *tsCol) appendNull() { c.valid.append(false); c.vals = append(c.vals, 0); c.nulls++ }

func (c *tsCol) finish() *array.Data {
	n := c.valid.n
	d := array.NewData(c.typ, n, []*memory.Buffer{c.valid.finish(),
		memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(clone(c.vals)))}, nil, c.nulls, 0)
	c.vals, c.nulls = c.vals[:0], 0
	return d
}

// listCol accumulates the validity and offsets of a list or map column; its
// children are accumulated by the caller.
type listCol struct {
	valid   bitmap
	nulls   int
	offsets []int32
}

func newListCol() *listCol { return &listCol{offsets: []int32{0}} }

// end closes the current element after its children were appended; n is
// the children's length now.
func (c *listCol) end(valid bool, n int) {
	c.offsets = append(c.offsets, int32(n))
	c.valid.append(valid)
	if !valid {
		c.nulls++
	}
}

func (c *listCol) finish(typ arrow.DataType, child arrow.ArrayData) *array.Data {
	n := c.valid.n
	d := array.NewData(typ, n, []*memory.Buffer{c.valid.finish(),
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(clone(c.offsets)))}, []arrow.ArrayData{child}, c.nulls, 0)
	c.offsets, c.nulls = c.offsets[:1], 0
	return d
}

// appendAliased appends b, which lies in ch's buffer. A 1.6 GB NDJSON is
// framed into rawChunks (pipeline_split.go), whose buffers hold each
// event's text, one after the other; the eventJson column took a copy of
// every byte of them (a tenth of ingest's CPU). Instead, while the values
// of a batch are consecutive events of one chunk, the column only counts
// them, and at finish the record takes the chunk's buffer itself. The
// first value that breaks the run (an event of the chunk filtered out or
// rejected, compacted text, another chunk) copies the run so far and goes
// on copying. Only one column may take a given chunk's buffer.
func (c *strCol) appendAliased(b []byte, ch *rawChunk) {
	lo := -1
	if len(b) > 0 && cap(ch.data) > 0 {
		base := unsafe.Pointer(unsafe.SliceData(ch.data[:1]))
		if off := uintptr(unsafe.Pointer(unsafe.SliceData(b))) - uintptr(base); off < uintptr(len(ch.data)) {
			lo = int(off)
		}
	}
	switch {
	case lo < 0:
	case c.alias == ch && lo == c.aliasHi:
		c.aliasHi += len(b)
		c.offsets = append(c.offsets, int32(c.aliasHi-c.aliasLo))
		c.valid.append(true)
		return
	case c.alias == nil && !ch.claimed && len(c.offsets) == 1 && len(c.data) == 0:
		ch.claimed = true
		c.alias, c.aliasLo, c.aliasHi = ch, lo, lo+len(b)
		c.offsets = append(c.offsets, int32(len(b)))
		c.valid.append(true)
		return
	}
	c.append(b)
}

// unalias copies the aliased values into the column's own buffer.
func (c *strCol) unalias() {
	run := c.alias.data[c.aliasLo:c.aliasHi]
	c.alias = nil
	if c.data == nil {
		c.take()
	}
	c.data = append(c.data[:0], run...)
}
