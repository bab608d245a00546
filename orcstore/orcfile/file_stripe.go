package orcfile

import (
	"errors"
	"fmt"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
	"io"
)

// Stripe is a stripe's footer, decoded and checked: where each stream lies
// and how each column is encoded.
type Stripe struct {
	Index int
	Info  StripeInfo
	// Streams in file order, with absolute file offsets.
	Streams []StripeStream
	// Encodings by column ID.
	Encodings []*orcproto.ColumnEncoding
	// WriterTimezone is the stripe footer's writer time zone ("" when the
	// writer did not record one; ORC 0.11 files).
	WriterTimezone string
	Footer         *orcproto.StripeFooter
	// byCol lists each column's streams (indexes into Streams): a scan
	// looks up five kinds for each of ~100 columns per stripe.
	byCol [][]int32
}

// StripeStream is one stream of a stripe.
type StripeStream struct {
	Kind   orcproto.Stream_Kind
	Column int
	Offset uint64 // absolute offset in the file
	Length uint64
}

// ReadStripe reads and validates stripe i's footer. Files from OpenFile
// share decoded footers through the metadata cache (read_metacache.go):
// do not modify the Stripe.
func (f *File) ReadStripe(i int) (*Stripe, error) {
	s, err := f.readStripe(i)
	if err != nil {
		return nil, fmt.Errorf("%s: stripe %d: %w", f.name, i, err)
	}
	return s, nil
}

// decodeStripe reads and decodes stripe i's footer (readStripe, in
// read_metacache_file.go, caches it). n is the footer's size in bytes.
func (f *File) decodeStripe(i int) (s *Stripe, n int, err error) {
	if i < 0 || i >= len(f.stripes) {
		return nil, 0, fmt.Errorf("out of range (file has %d stripes)", len(f.stripes))
	}
	info := f.stripes[i]
	raw := make([]byte, info.FooterLength)
	if _, err := f.r.ReadAt(raw, int64(info.Offset+info.IndexLength+info.DataLength)); err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, fmt.Errorf("read footer: %w", err)
	}
	sf := &orcproto.StripeFooter{}
	if err := f.readSection(raw, sf); err != nil {
		return nil, 0, fmt.Errorf("footer: %w", err)
	}
	s, err = f.checkStripe(i, sf)
	return s, len(raw), err
}

// checkStripe locates stripe i's streams from its footer and checks them.
func (f *File) checkStripe(i int, sf *orcproto.StripeFooter) (*Stripe, error) {
	info := f.stripes[i]
	s := &Stripe{Index: i, Info: info, Footer: sf, WriterTimezone: sf.GetWriterTimezone()}
	off := info.Offset
	end := info.Offset + info.IndexLength + info.DataLength
	for _, st := range sf.GetStreams() {
		c := int(st.GetColumn())
		if st.GetColumn() >= uint32(len(f.cols)) {
			return nil, fmt.Errorf("stream %v names column %d; the schema has %d: %w", st.GetKind(), st.GetColumn(), len(f.cols), ErrCorrupt)
		}
		n := st.GetLength()
		if n > end-off {
			return nil, fmt.Errorf("column %d stream %v (%d bytes at %d) runs past the stripe's data end %d: %w", c, st.GetKind(), n, off, end, ErrCorrupt)
		}
		s.Streams = append(s.Streams, StripeStream{Kind: st.GetKind(), Column: c, Offset: off, Length: n})
		off += n
	}
	s.byCol = make([][]int32, len(f.cols))
	for k, st := range s.Streams {
		s.byCol[st.Column] = append(s.byCol[st.Column], int32(k))
	}
	s.Encodings = sf.GetColumns()
	if len(s.Encodings) < len(f.cols) {
		return nil, fmt.Errorf("footer has encodings for %d columns, schema has %d: %w", len(s.Encodings), len(f.cols), ErrCorrupt)
	}
	return s, nil
}

// stream returns the stream of a column and kind, or false.
func (s *Stripe) stream(col int, kind orcproto.Stream_Kind) (StripeStream, bool) {
	if s.byCol == nil || col < 0 || col >= len(s.byCol) {
		for _, st := range s.Streams {
			if st.Column == col && st.Kind == kind {
				return st, true
			}
		}
		return StripeStream{}, false
	}
	for _, k := range s.byCol[col] {
		if st := s.Streams[k]; st.Kind == kind {
			return st, true
		}
	}
	return StripeStream{}, false
}

// readStreamBytes reads a stream's raw bytes and decompresses them into dst
// (reused), returning the bytes and the chunk map.
func (f *File) readStreamBytes(st StripeStream, raw, dst []byte) ([]byte, []byte, []Chunk, error) {
	if cap(raw) < int(st.Length) {
		raw = make([]byte, st.Length)
	}
	raw = raw[:st.Length]
	if _, err := f.r.ReadAt(raw, int64(st.Offset)); err != nil && !errors.Is(err, io.EOF) {
		return raw, dst, nil, err
	}
	if f.compression == CompressionNone {
		return raw, raw, nil, nil
	}
	out, chunks, err := decompressStream(f.compression, f.checked, dst[:0], raw, f.blockSize)
	return raw, out, chunks, err
}

// RowGroup is one row index entry: the positions of the column's streams at
// the start of the row group, and the group's statistics.
type RowGroup struct {
	Positions []uint64
	Stats     Statistics
}

// RowIndex reads column col's row index in stripe s (nil when the stripe
// has none, e.g. files written without an index). Files from OpenFile share
// decoded row indexes through the metadata cache (read_metacache.go): do
// not modify the result.
func (f *File) RowIndex(s *Stripe, col int) ([]RowGroup, error) {
	return f.rowIndexCached(s, col)
}

// decodeRowIndex reads and decodes column col's row index in stripe s.
func (f *File) decodeRowIndex(s *Stripe, col int) ([]RowGroup, error) {
	idx, err := f.readRowIndex(s, col)
	if err != nil {
		return nil, fmt.Errorf("%s: stripe %d, column %d (%s), stream ROW_INDEX: %w", f.name, s.Index, col, f.readColPath(col), err)
	}
	if idx == nil {
		return nil, nil
	}
	out := make([]RowGroup, len(idx.GetEntry()))
	for i, e := range idx.GetEntry() {
		out[i].Positions = e.GetPositions()
		if e.GetStatistics() != nil {
			out[i].Stats = decStatistics(e.GetStatistics(), f.cols[col].Kind, f.WriterVersion())
		}
	}
	return out, nil
}

func (f *File) readRowIndex(s *Stripe, col int) (*orcproto.RowIndex, error) {
	if col < 0 || col >= len(f.cols) {
		return nil, fmt.Errorf("no such column")
	}
	st, ok := s.stream(col, orcproto.Stream_ROW_INDEX)
	if !ok {
		return nil, nil
	}
	_, b, _, err := f.readStreamBytes(st, nil, nil)
	if err != nil {
		return nil, err
	}
	idx := &orcproto.RowIndex{}
	if err := orcproto.Unmarshal(b, idx); err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrCorrupt)
	}
	return idx, nil
}

// BloomFilters reads column col's bloom filters in stripe s, one per row
// group. utf8 reports that they came from a BLOOM_FILTER_UTF8 stream
// (bitset in Utf8Bitset, strings hashed as UTF-8, ORC-101); the older
// BLOOM_FILTER stream keeps Bitset as fixed64 words. Membership tests need
// the Murmur3 hashing of package orcfile/bloom. nil when there are none.
// Files from OpenFile share decoded filters through the metadata cache
// (read_metacache.go): do not modify them.
func (f *File) BloomFilters(s *Stripe, col int) (filters *orcproto.BloomFilterIndex, utf8 bool, err error) {
	return f.bloomFiltersCached(s, col)
}

// decodeBloomFilters reads and decodes column col's bloom filters in s.
func (f *File) decodeBloomFilters(s *Stripe, col int) (filters *orcproto.BloomFilterIndex, utf8 bool, err error) {
	if col < 0 || col >= len(f.cols) {
		return nil, false, fmt.Errorf("%s: stripe %d: no column %d", f.name, s.Index, col)
	}
	st, ok := s.stream(col, orcproto.Stream_BLOOM_FILTER_UTF8)
	utf8 = ok
	if !ok {
		st, ok = s.stream(col, orcproto.Stream_BLOOM_FILTER)
	}
	if !ok {
		return nil, false, nil
	}
	_, b, _, err := f.readStreamBytes(st, nil, nil)
	if err != nil {
		return nil, false, fmt.Errorf("%s: stripe %d, column %d (%s), stream %v: %w", f.name, s.Index, col, f.readColPath(col), st.Kind, err)
	}
	idx := &orcproto.BloomFilterIndex{}
	if err := orcproto.Unmarshal(b, idx); err != nil {
		return nil, false, fmt.Errorf("%s: stripe %d, column %d (%s), stream %v: %v: %w", f.name, s.Index, col, f.readColPath(col), st.Kind, err, ErrCorrupt)
	}
	return idx, utf8, nil
}

// colPath names a column for error messages.
func (f *File) readColPath(col int) string {
	if col == 0 {
		return "root"
	}
	if col < len(f.cols) {
		return f.cols[col].Path
	}
	return "?"
}
