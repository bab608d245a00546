package orcfile

import (
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// readColumn decodes one column of a scan, and its selected children, into
// Arrow array data batch by batch. Its decoders point into stream bytes the
// column owns and reuses from stripe to stripe.
type readColumn struct {
	col      *Column
	children []*readColumn
	// outType is col.Type narrowed to the selected children (structs).
	outType arrow.DataType
	mem     memory.Allocator
	plain   bool // materialize dictionary strings

	// Per stripe.
	encoding   orcproto.ColumnEncoding_Kind
	hasPresent bool
	streams    [5]readStream // by readStreamSlot
	present    decBoolReader
	ints       decIntReader // DATA of integer kinds, dictionary indexes, timestamp seconds, union tags use bytes
	ints2      decIntReader // LENGTH or SECONDARY
	bytes      decByteReader
	bools      decBoolReader
	rawPos     int // position in DATA for raw streams (floats, strings, decimals)
	dict       *array.Data
	dictLen    int
	// dictLazy and dictOffs replace dict for a lazy dictionary.
	dictLazy *lazyStream
	dictOffs []int32
	tsEpoch  int64 // 2015-01-01 00:00:00 in the writer's zone, Unix seconds
	// maxElems is what is left of the stripe's budget of list and map
	// elements (bounds hostile lengths).
	maxElems int

	// Scratch, reused.
	valid  []byte
	tmp    []byte
	ints64 []int64
}

// readStream is one decompressed stream of the current stripe.
type readStream struct {
	present bool
	kind    orcproto.Stream_Kind
	b       []byte
	chunks  []Chunk
	buf     []byte // decompression buffer, reused
	// shared wraps b once its bytes are handed to Arrow arrays (direct
	// strings, see readDirectStrings); buf is then given up, not reused.
	shared *memory.Buffer
	// lazy, in a sparse scan, holds a direct string column's DATA stream
	// still compressed (scan_lazy.go); b is then nil.
	lazy *lazyStream
}

// len is the stream's decompressed length.
func (rs *readStream) len() int {
	if rs.lazy != nil {
		return rs.lazy.size
	}
	return len(rs.b)
}

// Stream slots of a readColumn.
const (
	rPresent = iota
	rData
	rLength
	rSecondary
	rDictData
)

var readSlotKinds = [5]orcproto.Stream_Kind{orcproto.Stream_PRESENT, orcproto.Stream_DATA, orcproto.Stream_LENGTH, orcproto.Stream_SECONDARY, orcproto.Stream_DICTIONARY_DATA}

// readColErr is an error that names the column and stream it came from;
// the scanner adds the file and stripe.
type readColErr struct {
	col    *Column
	stream string
	err    error
}

func (e *readColErr) Error() string {
	name := e.col.Path
	if e.col.ID == 0 {
		name = "root"
	}
	if e.stream == "" {
		return fmt.Sprintf("column %d (%s): %v", e.col.ID, name, e.err)
	}
	return fmt.Sprintf("column %d (%s), stream %s: %v", e.col.ID, name, e.stream, e.err)
}

func (e *readColErr) Unwrap() error { return e.err }

func (r *readColumn) fail(slot int, err error) error {
	if _, ok := err.(*readColErr); ok {
		return err
	}
	s := ""
	if slot >= 0 {
		s = readSlotKinds[slot].String()
	}
	return &readColErr{col: r.col, stream: s, err: err}
}

func (r *readColumn) isDict() bool {
	return r.encoding == orcproto.ColumnEncoding_DICTIONARY || r.encoding == orcproto.ColumnEncoding_DICTIONARY_V2
}

func (r *readColumn) isV2() bool {
	return r.encoding == orcproto.ColumnEncoding_DIRECT_V2 || r.encoding == orcproto.ColumnEncoding_DICTIONARY_V2
}

// streamBytes is the total decompressed size of this column's subtree's
// streams in the stripe: the budget for element counts.
func (r *readColumn) streamBytes() int {
	n := 0
	for i := range r.streams {
		n += r.streams[i].len()
	}
	for _, c := range r.children {
		n += c.streamBytes()
	}
	return n
}

func readStreamsLen(s *[5]readStream) int {
	n := 0
	for i := range s {
		n += s[i].len()
	}
	return n
}

// startStripe resets the decoders to the start of the stripe's streams (in
// r.streams, already loaded) and loads a string dictionary.
func (r *readColumn) startStripe(enc orcproto.ColumnEncoding_Kind, loc *time.Location) error {
	r.encoding = enc
	r.hasPresent = r.streams[rPresent].present
	r.present.reset(r.streams[rPresent].b)
	v2 := r.isV2()
	k := r.col.Kind
	switch k {
	case orcproto.Type_STRUCT, orcproto.Type_LIST, orcproto.Type_MAP, orcproto.Type_UNION:
	default:
		if !r.streams[rData].present {
			return r.fail(rData, fmt.Errorf("missing: %w", ErrCorrupt))
		}
	}
	switch enc {
	case orcproto.ColumnEncoding_DIRECT, orcproto.ColumnEncoding_DIRECT_V2:
	case orcproto.ColumnEncoding_DICTIONARY, orcproto.ColumnEncoding_DICTIONARY_V2:
		if k != orcproto.Type_STRING && k != orcproto.Type_VARCHAR && k != orcproto.Type_CHAR {
			return r.fail(-1, fmt.Errorf("%v encoding on a %v column: %w", enc, k, ErrCorrupt))
		}
	default:
		return r.fail(-1, fmt.Errorf("unknown encoding %v: %w", enc, ErrCorrupt))
	}
	signed := true
	switch k {
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR, orcproto.Type_BINARY, orcproto.Type_LIST, orcproto.Type_MAP:
		signed = false
	}
	r.ints.reset(r.streams[rData].b, v2, signed)
	r.bytes.reset(r.streams[rData].b)
	r.bools.reset(r.streams[rData].b)
	r.rawPos = 0
	switch k {
	case orcproto.Type_TIMESTAMP:
		r.ints2.reset(r.streams[rSecondary].b, v2, false)
		if !r.streams[rSecondary].present {
			return r.fail(rSecondary, fmt.Errorf("missing: %w", ErrCorrupt))
		}
		r.tsEpoch = time.Date(2015, 1, 1, 0, 0, 0, 0, loc).Unix()
	case orcproto.Type_DECIMAL:
		r.ints2.reset(r.streams[rSecondary].b, v2, true)
		if !r.streams[rSecondary].present {
			return r.fail(rSecondary, fmt.Errorf("missing: %w", ErrCorrupt))
		}
	default:
		r.ints2.reset(r.streams[rLength].b, v2, false)
	}
	// No encoding packs more than 520 values in a byte; every list element
	// consumes some child stream (except in an empty struct).
	r.maxElems = 1<<12 + 1024*(r.streamBytes()-readStreamsLen(&r.streams))
	if r.dict != nil {
		r.dict.Release()
		r.dict = nil
	}
	r.dictLazy = nil
	if r.isDict() {
		if err := r.loadDict(); err != nil {
			return err
		}
	} else if k == orcproto.Type_STRING || k == orcproto.Type_VARCHAR || k == orcproto.Type_CHAR || k == orcproto.Type_BINARY {
		if !r.streams[rLength].present {
			return r.fail(rLength, fmt.Errorf("missing: %w", ErrCorrupt))
		}
	}
	return nil
}

// loadDict decodes the stripe's dictionary (LENGTH + DICTIONARY_DATA) into
// an Arrow string array shared by every batch of the stripe.
func (r *readColumn) loadDict() error {
	n := r.dictLen
	lens := r.streams[rLength].b
	ds := &r.streams[rDictData]
	size := int64(ds.len())
	if n > 8*len(lens)+1024 || n < 0 {
		return r.fail(rLength, fmt.Errorf("dictionary of %d entries in a %d-byte length stream: %w", n, len(lens), ErrCorrupt))
	}
	var d decIntReader
	d.reset(lens, r.isV2(), false)
	l := make([]int64, n)
	if err := d.next(l); err != nil {
		return r.fail(rLength, err)
	}
	// A lazy dictionary (sparse scans, scan_lazy.go) keeps just the
	// offsets; values are copied out of its chunks as rows use them.
	var offs *memory.Buffer
	var o []int32
	if ds.lazy != nil {
		if cap(r.dictOffs) < n+1 {
			r.dictOffs = make([]int32, n+1)
		}
		o = r.dictOffs[:n+1]
	} else {
		offs = memory.NewResizableBuffer(r.mem)
		offs.Resize((n + 1) * 4)
		o = arrow.Int32Traits.CastFromBytes(offs.Bytes())
	}
	total := int64(0)
	for i, x := range l {
		o[i] = int32(total)
		if x < 0 || x > size-total {
			if offs != nil {
				offs.Release()
			}
			return r.fail(rDictData, fmt.Errorf("dictionary entry %d of length %d runs past the stream's %d bytes: %w", i, x, size, ErrCorrupt))
		}
		total += x
	}
	if total > math.MaxInt32 {
		if offs != nil {
			offs.Release()
		}
		return r.fail(rDictData, fmt.Errorf("dictionary of %d bytes, more than Arrow's 2 GiB offsets allow", total))
	}
	o[n] = int32(total)
	if ds.lazy != nil {
		r.dictLazy = ds.lazy
		return nil
	}
	data := ds.b
	var vals *memory.Buffer
	if r.plain {
		// Plain strings copy their values out of the dictionary, which
		// is never handed to Arrow: it may point into the stream's
		// bytes, which live until the next stripe is loaded.
		vals = memory.NewBufferBytes(data[:total])
		vals.Retain()
	} else {
		vals = memory.NewResizableBuffer(r.mem)
		vals.Resize(int(total))
		copy(vals.Bytes(), data[:total])
	}
	r.dict = array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, offs, vals}, nil, 0, 0)
	offs.Release()
	vals.Release()
	return nil
}

// seek moves the column's decoders to a row group's start. pos are the
// column's positions from the row index.
func (r *readColumn) seek(pos []uint64, comp Compression) error {
	p := readPositions{pos: pos, comp: comp}
	if r.hasPresent {
		off, err := p.offset(&r.streams[rPresent])
		if err != nil {
			return r.fail(rPresent, err)
		}
		if err := r.present.seek(off, p.next(), p.next()); err != nil {
			return r.fail(rPresent, err)
		}
	}
	switch r.col.Kind {
	case orcproto.Type_STRUCT:
	case orcproto.Type_BOOLEAN:
		off, err := p.offset(&r.streams[rData])
		if err == nil {
			err = r.bools.seek(off, p.next(), p.next())
		}
		if err != nil {
			return r.fail(rData, err)
		}
	case orcproto.Type_BYTE, orcproto.Type_UNION:
		off, err := p.offset(&r.streams[rData])
		if err == nil {
			err = r.bytes.seek(off, p.next())
		}
		if err != nil {
			return r.fail(rData, err)
		}
	case orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG, orcproto.Type_DATE:
		if err := p.seekInts(&r.streams[rData], &r.ints); err != nil {
			return r.fail(rData, err)
		}
	case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		off, err := p.offset(&r.streams[rData])
		if err != nil {
			return r.fail(rData, err)
		}
		r.rawPos = off
	case orcproto.Type_TIMESTAMP:
		if err := p.seekInts(&r.streams[rData], &r.ints); err != nil {
			return r.fail(rData, err)
		}
		if err := p.seekInts(&r.streams[rSecondary], &r.ints2); err != nil {
			return r.fail(rSecondary, err)
		}
	case orcproto.Type_DECIMAL:
		off, err := p.offset(&r.streams[rData])
		if err != nil {
			return r.fail(rData, err)
		}
		r.rawPos = off
		if err := p.seekInts(&r.streams[rSecondary], &r.ints2); err != nil {
			return r.fail(rSecondary, err)
		}
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR, orcproto.Type_BINARY:
		if r.isDict() {
			if err := p.seekInts(&r.streams[rData], &r.ints); err != nil {
				return r.fail(rData, err)
			}
			break
		}
		off, err := p.offset(&r.streams[rData])
		if err != nil {
			return r.fail(rData, err)
		}
		r.rawPos = off
		if err := p.seekInts(&r.streams[rLength], &r.ints2); err != nil {
			return r.fail(rLength, err)
		}
	case orcproto.Type_LIST, orcproto.Type_MAP:
		if err := p.seekInts(&r.streams[rLength], &r.ints2); err != nil {
			return r.fail(rLength, err)
		}
	}
	if p.bad {
		return r.fail(-1, fmt.Errorf("row index has too few positions: %w", ErrCorrupt))
	}
	return nil
}

// readPositions walks one column's row index positions.
type readPositions struct {
	pos  []uint64
	i    int
	comp Compression
	bad  bool
}

func (p *readPositions) next() uint64 {
	if p.i >= len(p.pos) {
		p.bad = true
		return 0
	}
	v := p.pos[p.i]
	p.i++
	return v
}

// offset takes a stream position (one number uncompressed, two compressed)
// and resolves it to an offset in the decompressed bytes.
func (p *readPositions) offset(s *readStream) (int, error) {
	if p.comp == CompressionNone {
		v := p.next()
		if v > uint64(s.len()) {
			return 0, fmt.Errorf("row index offset %d past the stream's %d bytes: %w", v, s.len(), ErrCorrupt)
		}
		return int(v), nil
	}
	chunk, in := p.next(), p.next()
	off, err := SeekPosition(p.comp, s.chunks, chunk, in)
	if err != nil {
		return 0, err
	}
	if off > s.len() {
		return 0, fmt.Errorf("row index offset %d past the stream's %d bytes: %w", off, s.len(), ErrCorrupt)
	}
	return off, nil
}

func (p *readPositions) seekInts(s *readStream, d *decIntReader) error {
	off, err := p.offset(s)
	if err != nil {
		return err
	}
	return d.seek(off, p.next())
}
