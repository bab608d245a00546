package orcfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/klauspost/compress/s2"
)

// Sparse scans (ScanOptions.Sparse) read a few rows of a row group and skip
// the rest: a top-N that found its ten newest events from eventTime alone
// then needs every other column of those ten rows only. The data stream of
// a direct-encoded string column (eventJson, eventID, requestID) is most of
// a stripe's bytes, and whole chunks of it lie between the wanted rows.
// Such a stream is kept compressed; each chunk's decompressed size comes
// from its header (zstd's frame content size, snappy's length prefix, or
// the chunk itself when stored original), so offsets are known without
// decompressing, and a chunk is decompressed only when a wanted value lies
// in it.
//
// Codecs whose chunks never say their size (zlib, lz4) make the stream fall
// back to being decompressed whole; a zstd frame without a content size
// (the Go encoder omits it under 256 bytes) is decompressed once to learn
// it. Sizes read from headers are checked against what the chunks
// actually decompress to whenever they are decompressed.

// lazyStream is a compressed stream decompressed chunk by chunk on demand.
// It is not even read whole: indexing it reads each chunk's header (a few
// bytes), and a chunk's body is read when a value in it is wanted.
type lazyStream struct {
	comp      Compression
	checked   bool // chunks must be checksummed frames (checksum.go)
	blockSize int
	r         io.ReaderAt
	off       int64    // file offset of the stream's first byte
	chunks    []Chunk  // offsets from the stream's start, with an end sentinel
	size      int      // decompressed length (from the first indexed chunk on)
	views     [][]byte // decompressed chunks loaded so far, by index
	orig      []bool   // chunks stored uncompressed
	body      []byte   // read buffer for compressed chunks
	fetched   *int64   // the scanner's count of bytes read
	// decoded counts the chunks decompressed, for tests.
	decoded int
}

// lazyHeaderMax is the most bytes a chunk's size can need: the 3-byte
// chunk header and a zstd frame header (18 bytes at most; snappy's length
// prefix takes 5).
const lazyHeaderMax = 3 + 18

// newLazyStream indexes the chunks of the stream at file offset off (length
// bytes), from its offset from on (a chunk start), by reading their
// headers. ok is false when the codec's chunks do not say their size.
func newLazyStream(c Compression, checked bool, r io.ReaderAt, off int64, length, from, blockSize int, fetched *int64) (l *lazyStream, ok bool, err error) {
	if (c != CompressionZstd && c != CompressionSnappy) || blockSize <= 0 {
		return nil, false, nil
	}
	l = &lazyStream{comp: c, checked: checked, blockSize: blockSize, r: r, off: off, fetched: fetched}
	var hdr [lazyHeaderMax]byte
	for pos := from; pos < length; {
		k := min(len(hdr), length-pos)
		if err := l.readAt(hdr[:k], pos); err != nil {
			return nil, false, err
		}
		if k < 3 {
			return nil, false, fmt.Errorf("truncated chunk header at offset %d: %w", pos, ErrCorrupt)
		}
		h := uint32(hdr[0]) | uint32(hdr[1])<<8 | uint32(hdr[2])<<16
		n := int(h >> 1)
		if n > length-pos-3 {
			return nil, false, fmt.Errorf("chunk at offset %d claims %d bytes, %d remain: %w", pos, n, length-pos-3, ErrCorrupt)
		}
		m, known := n, true
		var view []byte
		if h&1 == 0 {
			m, known = chunkContentSize(c, hdr[3:min(k, 3+n)])
			if !known {
				// The Go encoder leaves the size out of zstd frames
				// under 256 bytes: decompress those few to learn it.
				if view, err = l.decompress(pos, n); err != nil {
					return nil, false, err
				}
				m = len(view)
			}
		} else if checked {
			return nil, false, fmt.Errorf("chunk at offset %d is stored uncompressed in a file whose chunks are all checksummed frames: %w", pos, ErrCorrupt)
		} else if n > blockSize {
			return nil, false, fmt.Errorf("uncompressed chunk at offset %d is %d bytes, more than the block size %d: %w", pos, n, blockSize, ErrCorrupt)
		}
		if m > blockSize {
			return nil, false, fmt.Errorf("chunk at offset %d holds %d bytes, more than the block size %d: %w", pos, m, blockSize, ErrCorrupt)
		}
		l.chunks = append(l.chunks, Chunk{Offset: pos, Uncompressed: l.size})
		l.views = append(l.views, view)
		l.orig = append(l.orig, h&1 == 1)
		l.size += m
		pos += 3 + n
	}
	l.chunks = append(l.chunks, Chunk{Offset: length, Uncompressed: l.size})
	return l, true, nil
}

// readAt reads stream bytes at offset pos.
func (l *lazyStream) readAt(p []byte, pos int) error {
	if _, err := l.r.ReadAt(p, l.off+int64(pos)); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read stream: %w", err)
	}
	*l.fetched += int64(len(p))
	return nil
}

// decompress reads and decompresses the n-byte compressed chunk at pos.
func (l *lazyStream) decompress(pos, n int) ([]byte, error) {
	if cap(l.body) < 3+n {
		l.body = make([]byte, 3+n)
	}
	b := l.body[:3+n]
	if err := l.readAt(b, pos); err != nil {
		return nil, err
	}
	out, err := decompressBlock(l.comp, l.checked, make([]byte, 0, l.blockSize), b[3:], l.blockSize)
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			err = fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		return nil, fmt.Errorf("chunk at offset %d: %w", pos, err)
	}
	l.decoded++
	return out, nil
}

// chunkContentSize reads a compressed chunk's decompressed size from its
// first bytes, where the codec records it.
func chunkContentSize(c Compression, body []byte) (int, bool) {
	switch c {
	case CompressionZstd:
		return zstdFrameContentSize(body)
	case CompressionSnappy:
		n, err := s2.DecodedLen(body)
		return n, err == nil
	}
	return 0, false
}

// zstdFrameContentSize parses a zstd frame header (RFC 8878 §3.1.1.1) for
// its Frame_Content_Size field. ORC writers compress each chunk as one
// frame, and Go's and C's one-shot encoders record the size.
func zstdFrameContentSize(b []byte) (int, bool) {
	if len(b) < 5 || binary.LittleEndian.Uint32(b) != 0xFD2FB528 {
		return 0, false
	}
	fhd := b[4]
	fcsFlag := fhd >> 6
	single := fhd&0x20 != 0
	p := 5
	if !single {
		p++ // Window_Descriptor
	}
	p += [4]int{0, 1, 2, 4}[fhd&3] // Dictionary_ID
	var fcsLen int
	switch fcsFlag {
	case 0:
		if !single {
			return 0, false // size not recorded
		}
		fcsLen = 1
	case 1:
		fcsLen = 2
	case 2:
		fcsLen = 4
	case 3:
		fcsLen = 8
	}
	if len(b) < p+fcsLen {
		return 0, false
	}
	var v uint64
	switch fcsLen {
	case 1:
		v = uint64(b[p])
	case 2:
		v = uint64(binary.LittleEndian.Uint16(b[p:])) + 256
	case 4:
		v = uint64(binary.LittleEndian.Uint32(b[p:]))
	case 8:
		v = binary.LittleEndian.Uint64(b[p:])
	}
	if v > maxChunkLen {
		return 0, false
	}
	return int(v), true
}

// load reads and decompresses chunk i unless it was.
func (l *lazyStream) load(i int) ([]byte, error) {
	if v := l.views[i]; v != nil {
		return v, nil
	}
	ch, next := l.chunks[i], l.chunks[i+1]
	want := next.Uncompressed - ch.Uncompressed
	n := next.Offset - ch.Offset - 3
	var v []byte
	if l.orig[i] {
		v = make([]byte, n)
		if err := l.readAt(v, ch.Offset+3); err != nil {
			return nil, err
		}
	} else {
		var err error
		if v, err = l.decompress(ch.Offset, n); err != nil {
			return nil, err
		}
	}
	if len(v) != want {
		return nil, fmt.Errorf("chunk at offset %d decompressed to %d bytes, its header said %d: %w", ch.Offset, len(v), want, ErrCorrupt)
	}
	l.views[i] = v
	return v, nil
}

// copyAt fills dst with the decompressed bytes starting at off.
func (l *lazyStream) copyAt(dst []byte, off int) error {
	if off < 0 || off+len(dst) > l.size {
		return fmt.Errorf("%d bytes at offset %d run past the stream's %d: %w", len(dst), off, l.size, ErrCorrupt)
	}
	// The last chunk starting at or before off.
	i := sort.Search(len(l.chunks), func(k int) bool { return l.chunks[k].Uncompressed > off }) - 1
	for len(dst) > 0 {
		for l.chunks[i+1].Uncompressed <= off {
			i++ // skip empty chunks
		}
		v, err := l.load(i)
		if err != nil {
			return err
		}
		k := copy(dst, v[off-l.chunks[i].Uncompressed:])
		dst, off = dst[k:], off+k
	}
	return nil
}
