package orcfile

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// wRange is a half-open range [lo, hi) of indexes into an Arrow array.
// Columns receive their input as a list of ranges: the top level gets one
// range per segment, struct children get the runs of non-null parent rows,
// list and map children the element ranges of non-null parent rows. That
// keeps every encoder working over contiguous slices.
type wRange struct{ lo, hi int }

// wPos is a raw row-index position in one stream: the uncompressed byte
// offset and up to two run-local values, turned into the file's positions
// (with ChunkPosition) once the stream is compressed.
type wPos struct {
	kind orcproto.Stream_Kind
	off  int
	x    [2]int
	nx   int
}

// wEntry is one row group of one column: where each stream stood when the
// row group began, and the row group's statistics once it is closed.
type wEntry struct {
	present [3]int
	data    [2]wPos
	ndata   int
	valIdx  int // non-null values before the row group (string columns)
	stats   *orcproto.ColumnStatistics
	bloom   *orcproto.BloomFilter
}

// wColumn is the writer state of one ORC column over the current stripe.
type wColumn struct {
	col      *Column
	children []*wColumn

	present encBoolRLE
	nulls   bool // a NULL was seen in this stripe: keep the PRESENT stream

	ints      *encIntRLE // DATA of integer and date columns, seconds of timestamps
	lengths   *encIntRLE // LENGTH of lists, maps, binary
	secondary *encIntRLE // nanos of timestamps
	bytes     encByteRLE // DATA of BYTE columns
	bools     encBoolRLE // DATA of BOOLEAN columns
	raw       []byte     // DATA of FLOAT, DOUBLE, BINARY
	str       *encString // STRING columns

	rg, stripe, file wStats
	entries          []wEntry

	// Scratch range lists reused across writes (valid rows, list elements).
	validBuf, childBuf []wRange

	bloomOn  bool
	newBloom func() (wBloom, error)
	bloom    wBloom
}

func wNewColumn(c *Column) *wColumn {
	wc := &wColumn{col: c}
	wc.rg.kind, wc.stripe.kind, wc.file.kind = c.Kind, c.Kind, c.Kind
	switch c.Kind {
	case orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG, orcproto.Type_DATE:
		wc.ints = encNewIntRLE(true)
	case orcproto.Type_TIMESTAMP:
		wc.ints = encNewIntRLE(true)
		wc.secondary = encNewIntRLE(false)
	case orcproto.Type_LIST, orcproto.Type_MAP, orcproto.Type_BINARY:
		wc.lengths = encNewIntRLE(false)
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR:
		wc.str = encNewString()
	}
	for _, ch := range c.Children {
		wc.children = append(wc.children, wNewColumn(ch))
	}
	return wc
}

// size is the buffered encoded size, for cutting stripes.
func (wc *wColumn) size() int {
	n := wc.present.size() + len(wc.raw) + wc.bools.size() + len(wc.bytes.out) + len(wc.bytes.pending)
	for _, e := range [...]*encIntRLE{wc.ints, wc.lengths, wc.secondary} {
		if e != nil {
			n += len(e.out) + 8*len(e.pending)
		}
	}
	if wc.str != nil {
		n += wc.str.size()
	}
	for _, ch := range wc.children {
		n += ch.size()
	}
	return n
}

// openRowGroup records where every stream of the column (and its children)
// stands as a row group begins.
func (wc *wColumn) openRowGroup() error {
	var e wEntry
	e.present[0], e.present[1], e.present[2] = wc.present.position()
	add := func(kind orcproto.Stream_Kind, off int, x ...int) {
		p := wPos{kind: kind, off: off, nx: len(x)}
		copy(p.x[:], x)
		e.data[e.ndata] = p
		e.ndata++
	}
	switch wc.col.Kind {
	case orcproto.Type_BOOLEAN:
		o, k, b := wc.bools.position()
		add(orcproto.Stream_DATA, o, k, b)
	case orcproto.Type_BYTE:
		o, k := wc.bytes.position()
		add(orcproto.Stream_DATA, o, k)
	case orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG, orcproto.Type_DATE:
		o, k := wc.ints.position()
		add(orcproto.Stream_DATA, o, k)
	case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		add(orcproto.Stream_DATA, len(wc.raw))
	case orcproto.Type_BINARY:
		add(orcproto.Stream_DATA, len(wc.raw))
		o, k := wc.lengths.position()
		add(orcproto.Stream_LENGTH, o, k)
	case orcproto.Type_TIMESTAMP:
		o, k := wc.ints.position()
		add(orcproto.Stream_DATA, o, k)
		o, k = wc.secondary.position()
		add(orcproto.Stream_SECONDARY, o, k)
	case orcproto.Type_LIST, orcproto.Type_MAP:
		o, k := wc.lengths.position()
		add(orcproto.Stream_LENGTH, o, k)
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR:
		e.valIdx = len(wc.str.ids) + wc.str.directN
		if !wc.str.dict {
			add(orcproto.Stream_DATA, wc.str.dataLen())
			o, k := wc.str.lengths.position()
			add(orcproto.Stream_LENGTH, o, k)
		}
	}
	wc.entries = append(wc.entries, e)
	if wc.bloomOn {
		b, err := wc.newBloom()
		if err != nil {
			return fmt.Errorf("column %q: bloom filter: %w", wc.col.Path, err)
		}
		wc.bloom = b
	}
	for _, ch := range wc.children {
		if err := ch.openRowGroup(); err != nil {
			return err
		}
	}
	return nil
}

// closeRowGroup finishes the open row group's statistics and bloom filter.
func (wc *wColumn) closeRowGroup() {
	e := &wc.entries[len(wc.entries)-1]
	e.stats = wc.rg.proto()
	if wc.bloom != nil {
		e.bloom = wc.bloom.Proto()
		wc.bloom = nil
	}
	wc.stripe.merge(&wc.rg)
	wc.rg.reset()
	if wc.str != nil {
		wc.str.resetLast()
	}
	if wc.str != nil && wc.str.dict && !wc.str.checked {
		// Apache ORC's early check: after the first row group, a column
		// whose values are mostly distinct (IDs, JSON) stops paying for the
		// hash table and goes straight to DIRECT_V2 for the stripe.
		wc.str.checked = true
		if !wc.str.worthDictionary() {
			wc.str.toDirect(wc.entries)
		}
	}
	for _, ch := range wc.children {
		ch.closeRowGroup()
	}
}

// write encodes the rows of arr inside rs.
func (wc *wColumn) write(arr arrow.Array, rs []wRange) error {
	// Presence and the ranges of non-null rows.
	valid := rs
	if arr.NullN() == 0 {
		for _, r := range rs {
			wc.present.appendRun(true, r.hi-r.lo)
		}
	} else {
		var sawNull bool
		valid, sawNull = wValidRanges(arr, rs, &wc.present, wc.validBuf)
		wc.validBuf = valid
		if sawNull {
			wc.nulls = true
			wc.rg.hasNull = true
		}
	}
	switch a := arr.(type) {
	case *array.Struct:
		n := wCount(valid)
		wc.rg.n += uint64(n)
		for i, ch := range wc.children {
			if err := ch.write(a.Field(i), valid); err != nil {
				return err
			}
		}
		return nil
	case *array.Map:
		return wc.writeList(a.List, valid, a.Keys(), a.Items())
	case *array.List:
		return wc.writeList(a, valid, a.ListValues(), nil)
	}
	return wc.writePrimitive(arr, valid)
}

// wValidRanges appends presence bits for rs and returns the runs of
// non-null rows (in out's storage), and whether a NULL was among them. It
// reads the validity bitmap directly rather than calling IsValid per row.
func wValidRanges(arr arrow.Array, rs []wRange, present *encBoolRLE, out []wRange) ([]wRange, bool) {
	out = out[:0]
	bm := arr.NullBitmapBytes()
	off := arr.Data().Offset()
	sawNull := false
	for _, r := range rs {
		start := -1
		for i := r.lo; i < r.hi; i++ {
			j := off + i
			if j&7 == 0 && i+8 <= r.hi {
				// A whole byte of the bitmap: all valid and all NULL (the
				// common cases in sparse columns) take one step.
				switch bm[j>>3] {
				case 0xff:
					present.appendRun(true, 8)
					if start < 0 {
						start = i
					}
					i += 7
					continue
				case 0:
					present.appendRun(false, 8)
					sawNull = true
					if start >= 0 {
						out = append(out, wRange{start, i})
						start = -1
					}
					i += 7
					continue
				}
			}
			ok := bm[j>>3]>>(uint(j)&7)&1 == 1
			present.append1(ok)
			if ok {
				if start < 0 {
					start = i
				}
			} else {
				sawNull = true
				if start >= 0 {
					out = append(out, wRange{start, i})
					start = -1
				}
			}
		}
		if start >= 0 {
			out = append(out, wRange{start, r.hi})
		}
	}
	return out, sawNull
}

func wCount(rs []wRange) int {
	n := 0
	for _, r := range rs {
		n += r.hi - r.lo
	}
	return n
}

// writeList writes LENGTH for each non-null list or map row and passes the
// element ranges to the children (keys and values for maps).
func (wc *wColumn) writeList(a *array.List, valid []wRange, elems, items arrow.Array) error {
	child := wc.childBuf[:0]
	for _, r := range valid {
		for i := r.lo; i < r.hi; i++ {
			s, e := a.ValueOffsets(i)
			wc.lengths.append1(e - s)
			if e > s {
				if n := len(child); n > 0 && child[n-1].hi == int(s) {
					child[n-1].hi = int(e)
				} else {
					child = append(child, wRange{int(s), int(e)})
				}
			}
		}
	}
	wc.childBuf = child
	wc.rg.n += uint64(wCount(valid))
	if err := wc.children[0].write(elems, child); err != nil {
		return err
	}
	if items != nil {
		return wc.children[1].write(items, child)
	}
	return nil
}

// finishEncoding flushes the encoders at the end of a stripe and returns
// the column's encoding for the stripe footer.
func (wc *wColumn) finishEncoding() *orcproto.ColumnEncoding {
	wc.present.flush()
	for _, e := range [...]*encIntRLE{wc.ints, wc.lengths, wc.secondary} {
		if e != nil {
			e.flush()
		}
	}
	wc.bools.flush()
	wc.bytes.flush()
	enc := &orcproto.ColumnEncoding{}
	switch wc.col.Kind {
	case orcproto.Type_STRUCT, orcproto.Type_BOOLEAN, orcproto.Type_BYTE, orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		enc.Kind = orcproto.ColumnEncoding_DIRECT.Enum()
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR:
		enc = wc.str.finish(wc.entries)
	default:
		enc.Kind = orcproto.ColumnEncoding_DIRECT_V2.Enum()
	}
	if wc.bloomOn {
		enc.BloomEncoding = wU32(wBloomEncodingUTF8)
	}
	return enc
}

// wStream is one encoded stream of a column: uncompressed, or (packed)
// already compressed into chunks that start at chunks (write_chunked.go).
type wStream struct {
	kind   orcproto.Stream_Kind
	data   []byte
	chunks []int
	packed bool
}

// streams lists the column's data streams in Apache ORC's order (by kind),
// after finishEncoding. PRESENT is left out when the stripe has no NULLs.
func (wc *wColumn) streams() []wStream {
	var out []wStream
	if wc.nulls {
		out = append(out, wStream{kind: orcproto.Stream_PRESENT, data: wc.present.bytes.out})
	}
	switch wc.col.Kind {
	case orcproto.Type_BOOLEAN:
		out = append(out, wStream{kind: orcproto.Stream_DATA, data: wc.bools.bytes.out})
	case orcproto.Type_BYTE:
		out = append(out, wStream{kind: orcproto.Stream_DATA, data: wc.bytes.out})
	case orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG, orcproto.Type_DATE:
		out = append(out, wStream{kind: orcproto.Stream_DATA, data: wc.ints.out})
	case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		out = append(out, wStream{kind: orcproto.Stream_DATA, data: wc.raw})
	case orcproto.Type_BINARY:
		out = append(out, wStream{kind: orcproto.Stream_DATA, data: wc.raw}, wStream{kind: orcproto.Stream_LENGTH, data: wc.lengths.out})
	case orcproto.Type_TIMESTAMP:
		out = append(out, wStream{kind: orcproto.Stream_DATA, data: wc.ints.out}, wStream{kind: orcproto.Stream_SECONDARY, data: wc.secondary.out})
	case orcproto.Type_LIST, orcproto.Type_MAP:
		out = append(out, wStream{kind: orcproto.Stream_LENGTH, data: wc.lengths.out})
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR:
		out = append(out, wc.str.streams()...)
	}
	return out
}

// resetStripe clears the per-stripe state after the stripe is written.
func (wc *wColumn) resetStripe() {
	wc.present.reset()
	wc.nulls = false
	for _, e := range [...]*encIntRLE{wc.ints, wc.lengths, wc.secondary} {
		if e != nil {
			e.reset()
		}
	}
	wc.bools.reset()
	wc.bytes.reset()
	wc.raw = wc.raw[:0]
	if wc.str != nil {
		wc.str.reset()
	}
	wc.entries = wc.entries[:0]
	wc.stripe.reset()
	for _, ch := range wc.children {
		ch.resetStripe()
	}
}
