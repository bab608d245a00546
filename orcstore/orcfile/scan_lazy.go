package orcfile

import (
	"encoding/binary"
	"errors"
	"fmt"
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
type lazyStream struct {
	comp      Compression
	blockSize int
	src       []byte  // the compressed stream from base on; lives as long as the stripe's raw bytes
	base      int     // offset of src[0] in the stream (chunk offsets count from the stream's start)
	chunks    []Chunk // with an end sentinel, as DecompressStream returns
	size      int     // decompressed length
	cur       int     // index of the chunk held in view, -1 for none
	view      []byte  // the current chunk's decompressed bytes
	scratch   []byte  // decompression buffer, reused
	// decoded counts the chunks decompressed, for tests and statistics.
	decoded int
}

// newLazyStream indexes src's chunks from their headers; src starts at
// offset base of the stream, at a chunk. ok is false when some chunk's
// size cannot be known without decompressing it.
func newLazyStream(c Compression, src []byte, base, blockSize int, scratch []byte) (l *lazyStream, ok bool, err error) {
	if c == CompressionNone || blockSize <= 0 {
		return nil, false, nil
	}
	chunks := make([]Chunk, 0, len(src)/max(blockSize/8, 1)+2)
	size := 0
	for off := 0; off < len(src); {
		if len(src)-off < 3 {
			return nil, false, fmt.Errorf("truncated chunk header at offset %d: %w", base+off, ErrCorrupt)
		}
		h := uint32(src[off]) | uint32(src[off+1])<<8 | uint32(src[off+2])<<16
		n := int(h >> 1)
		body := off + 3
		if n > len(src)-body {
			return nil, false, fmt.Errorf("chunk at offset %d claims %d bytes, %d remain: %w", base+off, n, len(src)-body, ErrCorrupt)
		}
		m := n
		if h&1 == 0 {
			var known bool
			if m, known = chunkContentSize(c, src[body:body+n]); !known {
				if c != CompressionZstd {
					return nil, false, nil // no chunk of this codec says
				}
				// The Go encoder leaves the size out of frames under 256
				// bytes: decompress those few to learn it.
				out, err := decompressBlock(c, scratch[:0], src[body:body+n], blockSize)
				if err != nil {
					return nil, false, fmt.Errorf("chunk at offset %d: %w", base+off, err)
				}
				scratch, m = out, len(out)
			}
		}
		if m > blockSize {
			return nil, false, fmt.Errorf("chunk at offset %d holds %d bytes, more than the block size %d: %w", base+off, m, blockSize, ErrCorrupt)
		}
		chunks = append(chunks, Chunk{Offset: base + off, Uncompressed: size})
		size += m
		off = body + n
	}
	chunks = append(chunks, Chunk{Offset: base + len(src), Uncompressed: size})
	return &lazyStream{comp: c, blockSize: blockSize, src: src, base: base, chunks: chunks, size: size, cur: -1, scratch: scratch}, true, nil
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

// load makes chunk i the current one.
func (l *lazyStream) load(i int) error {
	if l.cur == i {
		return nil
	}
	ch, next := l.chunks[i], l.chunks[i+1]
	off := ch.Offset - l.base
	h := uint32(l.src[off]) | uint32(l.src[off+1])<<8 | uint32(l.src[off+2])<<16
	n := int(h >> 1)
	body := l.src[off+3 : off+3+n]
	want := next.Uncompressed - ch.Uncompressed
	if h&1 == 1 {
		l.view = body
	} else {
		out, err := decompressBlock(l.comp, l.scratch[:0], body, l.blockSize)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				err = fmt.Errorf("%w: %w", ErrCorrupt, err)
			}
			return fmt.Errorf("chunk at offset %d: %w", ch.Offset, err)
		}
		l.scratch, l.view = out, out
		l.decoded++
	}
	if len(l.view) != want {
		l.cur = -1
		return fmt.Errorf("chunk at offset %d decompressed to %d bytes, its header said %d: %w", ch.Offset, len(l.view), want, ErrCorrupt)
	}
	l.cur = i
	return nil
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
		if err := l.load(i); err != nil {
			return err
		}
		k := copy(dst, l.view[off-l.chunks[i].Uncompressed:])
		dst, off = dst[k:], off+k
	}
	return nil
}
