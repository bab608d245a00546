package orcfile

import (
	"fmt"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// writePlaced is a data stream's kind and compression chunk starts, for
// turning its row-index positions into the file's.
type writePlaced struct {
	kind   orcproto.Stream_Kind
	chunks []int // CompressStream's chunk starts (nil when uncompressed)
}

// flushStripe writes the buffered stripe: the index area (ROW_INDEX and
// BLOOM_FILTER_UTF8 per column, in column order), the data area (each
// column's streams in kind order, as Apache ORC sorts them) and the stripe
// footer, then records the stripe's information and statistics.
func (wr *Writer) flushStripe() error {
	if wr.rgOpen {
		wr.closeRowGroup()
	}
	encs := []*orcproto.ColumnEncoding{{Kind: orcproto.ColumnEncoding_DIRECT.Enum()}}
	for _, c := range wr.all {
		encs = append(encs, c.finishEncoding())
	}

	// Data area. Compressed streams go into one buffer reused from stripe
	// to stripe (it settles at the largest compressed stripe); uncompressed
	// streams are written straight from the encoders' buffers.
	// Streams compressed as they filled (write_chunked.go) are written from
	// their own buffers.
	placed := make([][]writePlaced, len(wr.all))
	var dataStreams []*orcproto.Stream
	type part struct {
		ext    []byte // a stream's own bytes, or nil: buf[lo:hi]
		lo, hi int
	}
	var parts []part
	buf := wr.buf[:0]
	dataLen := 0
	for i, c := range wr.all {
		for _, s := range c.streams() {
			var chunks []int
			n := len(s.data)
			switch {
			case s.packed:
				chunks = s.chunks
				parts = append(parts, part{ext: s.data})
			case wr.comp == CompressionNone:
				parts = append(parts, part{ext: s.data})
			default:
				start := len(buf)
				var err error
				buf, chunks, err = compressStream(wr.comp, wr.checksums, buf, s.data, wr.blockSize)
				if err != nil {
					return wr.fail(fmt.Errorf("column %q: %w", c.col.Path, err))
				}
				n = len(buf) - start
				parts = append(parts, part{lo: start, hi: len(buf)})
			}
			placed[i] = append(placed[i], writePlaced{kind: s.kind, chunks: chunks})
			dataStreams = append(dataStreams, &orcproto.Stream{Kind: s.kind.Enum(), Column: wU32(uint32(c.col.ID)), Length: wU64(uint64(n))})
			dataLen += n
		}
	}
	wr.buf = buf
	data := make([][]byte, 0, len(parts))
	for _, p := range parts {
		if p.ext != nil {
			data = append(data, p.ext)
		} else {
			data = append(data, buf[p.lo:p.hi])
		}
	}

	// Index area.
	var index []byte
	var streams []*orcproto.Stream
	if wr.index {
		addIndex := func(col int, kind orcproto.Stream_Kind, m orcproto.Message) error {
			b, err := wr.compressed(m)
			if err != nil {
				return err
			}
			index = append(index, b...)
			streams = append(streams, &orcproto.Stream{Kind: kind.Enum(), Column: wU32(uint32(col)), Length: wU64(uint64(len(b)))})
			return nil
		}
		ri := &orcproto.RowIndex{}
		for _, st := range wr.root0.entries {
			ri.Entry = append(ri.Entry, &orcproto.RowIndexEntry{Statistics: st})
		}
		if err := addIndex(0, orcproto.Stream_ROW_INDEX, ri); err != nil {
			return err
		}
		for i, c := range wr.all {
			if err := addIndex(c.col.ID, orcproto.Stream_ROW_INDEX, wr.rowIndex(c, placed[i])); err != nil {
				return err
			}
			if c.bloomOn {
				bi := &orcproto.BloomFilterIndex{}
				for _, e := range c.entries {
					bi.BloomFilter = append(bi.BloomFilter, e.bloom)
				}
				if err := addIndex(c.col.ID, orcproto.Stream_BLOOM_FILTER_UTF8, bi); err != nil {
					return err
				}
			}
		}
	}
	streams = append(streams, dataStreams...)

	sf := &orcproto.StripeFooter{Streams: streams, Columns: encs, WriterTimezone: wStr("UTC")}
	footer, err := wr.compressed(sf)
	if err != nil {
		return err
	}
	info := &orcproto.StripeInformation{
		Offset:       wU64(wr.offset),
		IndexLength:  wU64(uint64(len(index))),
		DataLength:   wU64(uint64(dataLen)),
		FooterLength: wU64(uint64(len(footer))),
		NumberOfRows: wU64(uint64(wr.stripeRows)),
	}
	if err := wr.emit(index); err != nil {
		return err
	}
	for _, b := range data {
		if err := wr.emit(b); err != nil {
			return err
		}
	}
	if err := wr.emit(footer); err != nil {
		return err
	}
	wr.stripes = append(wr.stripes, info)

	// Statistics: stripe level into the metadata, then into the file's.
	ss := &orcproto.StripeStatistics{ColStats: []*orcproto.ColumnStatistics{wr.root0.stripe.proto()}}
	wr.root0.file.merge(&wr.root0.stripe)
	wr.root0.stripe.reset()
	wr.root0.entries = wr.root0.entries[:0]
	for _, c := range wr.all {
		ss.ColStats = append(ss.ColStats, c.stripe.proto())
		c.file.merge(&c.stripe)
	}
	wr.stripeStats = append(wr.stripeStats, ss)
	for _, c := range wr.cols {
		c.resetStripe()
	}
	wr.stripeRows = 0
	return nil
}

// rowIndex builds a column's RowIndex: per row group the positions of each
// stream in stream order — PRESENT only when the stripe keeps it — and the
// statistics. A compressed stream contributes (chunk offset, offset in the
// decompressed chunk) followed by its encoder's run-local values.
func (wr *Writer) rowIndex(c *wColumn, placed []writePlaced) *orcproto.RowIndex {
	chunks := func(kind orcproto.Stream_Kind) []int {
		for _, p := range placed {
			if p.kind == kind {
				return p.chunks
			}
		}
		return nil
	}
	presentChunks := chunks(orcproto.Stream_PRESENT)
	ri := &orcproto.RowIndex{Entry: make([]*orcproto.RowIndexEntry, 0, len(c.entries))}
	for i := range c.entries {
		e := &c.entries[i]
		pos := make([]uint64, 0, 8)
		addOff := func(ch []int, off int) {
			if wr.comp == CompressionNone {
				pos = append(pos, uint64(off))
				return
			}
			a, b := ChunkPosition(wr.comp, ch, wr.blockSize, off)
			pos = append(pos, a, b)
		}
		if c.nulls {
			addOff(presentChunks, e.present[0])
			pos = append(pos, uint64(e.present[1]), uint64(e.present[2]))
		}
		for _, d := range e.data[:e.ndata] {
			addOff(chunks(d.kind), d.off)
			for _, x := range d.x[:d.nx] {
				pos = append(pos, uint64(x))
			}
		}
		ri.Entry = append(ri.Entry, &orcproto.RowIndexEntry{Positions: pos, Statistics: e.stats})
	}
	return ri
}

func (wr *Writer) fail(err error) error {
	wr.err = fmt.Errorf("orc writer: %w", err)
	return wr.err
}

// compressed marshals m and frames it with the file's codec, as the spec
// requires for the footer, metadata, stripe footers and index streams.
func (wr *Writer) compressed(m orcproto.Message) ([]byte, error) {
	b, err := writeMarshal(m)
	if err != nil {
		return nil, wr.fail(err)
	}
	out, _, err := compressStream(wr.comp, wr.checksums, nil, b, wr.blockSize)
	if err != nil {
		return nil, wr.fail(err)
	}
	return out, nil
}

func writeMarshal(m orcproto.Message) ([]byte, error) {
	b, err := orcproto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("marshal %T: %w", m, err)
	}
	return b, nil
}

// wBloom is the per-row-group bloom filter the writer fills; the
// orcstore/orcfile/bloom package's *Filter satisfies it.
type wBloom interface {
	AddString(s string)
	Proto() *orcproto.BloomFilter
}

// wBloomEncodingUTF8 is ColumnEncoding.bloomEncoding for BLOOM_FILTER_UTF8
// streams (Java's BloomFilterIO.Encoding.UTF8_UTC).
const wBloomEncodingUTF8 = 1

// wNewBloomFilter makes a filter sized for expected entries at fpp. It is
// nil until a bloom implementation is plugged in (write_bloom.go); without
// one, asking for bloom filters is an error.
var wNewBloomFilter func(expected int, fpp float64) (wBloom, error)
