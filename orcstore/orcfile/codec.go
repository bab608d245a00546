package orcfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// Compression names an ORC compression codec.
//
// ORC compresses every stream (and the footer and metadata) in chunks of at
// most the file's compression block size, each preceded by a 3-byte header:
// little-endian (length << 1) | isOriginal. A chunk whose compressed form is
// not smaller than its input is stored as is with isOriginal set.
type Compression int

const (
	CompressionNone Compression = iota
	CompressionZlib
	CompressionSnappy
	CompressionZstd
	CompressionLZ4
)

// DefaultCompression is what stores use: zstd decodes fast and compresses
// CloudTrail's repetitive text well.
const DefaultCompression = CompressionZstd

// DefaultBlockSize is the compression block size written to the postscript
// (Apache ORC's default is 256 KiB).
const DefaultBlockSize = 256 << 10

// maxChunkLen is the largest chunk length a 3-byte header can carry.
const maxChunkLen = 1<<23 - 1

var compressionNames = map[Compression]string{
	CompressionNone:   "NONE",
	CompressionZlib:   "ZLIB",
	CompressionSnappy: "SNAPPY",
	CompressionZstd:   "ZSTD",
	CompressionLZ4:    "LZ4",
}

func (c Compression) String() string {
	if n, ok := compressionNames[c]; ok {
		return n
	}
	return fmt.Sprintf("Compression(%d)", int(c))
}

// ParseCompression accepts a codec name in any case: none, zlib, snappy, zstd, lz4.
func ParseCompression(s string) (Compression, error) {
	for c, n := range compressionNames {
		if strings.EqualFold(s, n) {
			return c, nil
		}
	}
	return 0, fmt.Errorf("unknown compression %q (want none, zlib, snappy, zstd or lz4)", s)
}

// Kind is the postscript's name for c.
func (c Compression) Kind() orcproto.CompressionKind {
	switch c {
	case CompressionZlib:
		return orcproto.CompressionKind_ZLIB
	case CompressionSnappy:
		return orcproto.CompressionKind_SNAPPY
	case CompressionZstd:
		return orcproto.CompressionKind_ZSTD
	case CompressionLZ4:
		return orcproto.CompressionKind_LZ4
	default:
		return orcproto.CompressionKind_NONE
	}
}

// compressionFromKind maps a postscript codec to ours. LZO is named by the
// spec but no maintained pure-Go decoder exists; files using it are refused
// with a clear error rather than misread.
func compressionFromKind(k orcproto.CompressionKind) (Compression, error) {
	switch k {
	case orcproto.CompressionKind_NONE:
		return CompressionNone, nil
	case orcproto.CompressionKind_ZLIB:
		return CompressionZlib, nil
	case orcproto.CompressionKind_SNAPPY:
		return CompressionSnappy, nil
	case orcproto.CompressionKind_ZSTD:
		return CompressionZstd, nil
	case orcproto.CompressionKind_LZ4:
		return CompressionLZ4, nil
	default:
		return 0, fmt.Errorf("unsupported compression %v", k)
	}
}

// ErrCorrupt marks data that does not follow the ORC format.
var ErrCorrupt = errors.New("corrupt ORC data")

// Shared codec state. The zstd encoder and decoder are safe for concurrent
// EncodeAll/DecodeAll; flate writers and readers are pooled because creating
// one costs hundreds of KB.
var (
	zstdEncOnce sync.Once
	zstdEnc     *zstd.Encoder
	// zstdChecked* write frames with content checksums (checksum.go).
	zstdCheckedEncOnce sync.Once
	zstdCheckedEnc     *zstd.Encoder
	zstdDecOnce        sync.Once
	zstdDec            *zstd.Decoder
	flateWriters       = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, flate.DefaultCompression)
		return w
	}}
	flateReaders sync.Pool
	lz4Tables    = sync.Pool{New: func() any { return new([1 << 16]int) }}
)

// zstdEncoder uses zstd's fastest level: the writer spends most of its time
// compressing eventJson, and SpeedFastest writes CloudTrail rows ~1.7x
// faster than SpeedDefault for ~13% larger files (measured on 1M rows).
// EncodeAll runs at most "concurrency" calls at once and blocks the rest,
// so there is one encoder per CPU: ingest writes several files at once.
// Its frames carry no content checksum (optional in zstd; Apache ORC
// neither writes nor needs one); files written with
// WriterOptions.Checksums use zstdCheckedEncoder instead (checksum.go).
func zstdEncoder() *zstd.Encoder {
	zstdEncOnce.Do(func() {
		zstdEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithLowerEncoderMem(true), zstd.WithEncoderCRC(false))
	})
	return zstdEnc
}

// zstdCheckedEncoder is zstdEncoder with content checksums in every frame.
func zstdCheckedEncoder() *zstd.Encoder {
	zstdCheckedEncOnce.Do(func() {
		zstdCheckedEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithLowerEncoderMem(true), zstd.WithEncoderCRC(true))
	})
	return zstdCheckedEnc
}

func zstdDecoder() *zstd.Decoder {
	zstdDecOnce.Do(func() {
		zstdDec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
	})
	return zstdDec
}

// compressBlock appends the compressed form of src to dst. It returns dst
// unchanged and ok=false when the codec cannot make src smaller, except
// for checked zstd (checksum.go), whose every chunk must be a frame with a
// checksum.
func compressBlock(c Compression, checked bool, dst, src []byte) ([]byte, bool) {
	start := len(dst)
	switch c {
	case CompressionZstd:
		if checked {
			return zstdCheckedEncoder().EncodeAll(src, dst), true
		}
		dst = zstdEncoder().EncodeAll(src, dst)
	case CompressionZlib:
		w := flateWriters.Get().(*flate.Writer)
		buf := bytes.NewBuffer(dst)
		w.Reset(buf)
		if _, err := w.Write(src); err != nil {
			flateWriters.Put(w)
			return dst[:start], false
		}
		if err := w.Close(); err != nil {
			flateWriters.Put(w)
			return dst[:start], false
		}
		flateWriters.Put(w)
		dst = buf.Bytes()
	case CompressionSnappy:
		n := s2.MaxEncodedLen(len(src))
		if n < 0 {
			return dst, false
		}
		dst = growBy(dst, n)
		enc := s2.EncodeSnappy(dst[start:start+n], src)
		dst = dst[:start+len(enc)]
	case CompressionLZ4:
		n := lz4.CompressBlockBound(len(src))
		dst = growBy(dst, n)
		table := lz4Tables.Get().(*[1 << 16]int)
		m, err := lz4.CompressBlock(src, dst[start:start+n], table[:])
		lz4Tables.Put(table)
		if err != nil || m == 0 {
			return dst[:start], false
		}
		dst = dst[:start+m]
	default:
		return dst, false
	}
	if len(dst)-start >= len(src) {
		return dst[:start], false
	}
	return dst, true
}

// oversized is the capacity beyond which a buffer for n bytes is not worth
// keeping.
func oversized(n int) int { return 4*n + 1<<20 }

// growBy extends dst by n bytes of capacity-backed length.
func growBy(dst []byte, n int) []byte {
	if cap(dst)-len(dst) < n {
		nd := make([]byte, len(dst), 2*cap(dst)+n)
		copy(nd, dst)
		dst = nd
	}
	return dst[:len(dst)+n]
}

// decompressBlock appends the decompressed form of src to dst. limit is the
// most bytes a chunk may expand to (the file's block size): a chunk that
// claims more is corrupt, which also bounds memory on hostile input.
// checked requires a zstd frame with a content checksum (checksum.go),
// which the decoder verifies.
func decompressBlock(c Compression, checked bool, dst, src []byte, limit int) ([]byte, error) {
	start := len(dst)
	if checked {
		if err := checkFrameHeader(c, src); err != nil {
			return dst, err
		}
	}
	switch c {
	case CompressionZstd:
		// DecodeAll grows dst to exactly what one chunk needs; appending
		// chunk after chunk that way copies the stream over and over
		// (measured: 19 GB allocated to read 1.5 GB). Reserve a whole block
		// with geometric growth first.
		//
		// DecodeAll is given an empty slice over the reserved space rather
		// than dst itself: handed a non-empty dst it decodes each block into
		// a scratch buffer and copies it over (klauspost/compress keeps the
		// bytes before a frame as "history"), which was a third of the CPU
		// of reading a stripe of every column.
		// A chunk's header usually states its size (our writer's and
		// ORC Java's zstd frames do): reserve exactly that. Reserving a
		// whole block for the small sections of a file's tail and stripe
		// footers made opening a file allocate and zero ~20 times its
		// metadata's size.
		dst = growBy(dst, chunkReserve(c, src, limit))[:start]
		tail := dst[start:start:cap(dst)]
		out, err := zstdDecoder().DecodeAll(src, tail)
		if err != nil {
			return dst, fmt.Errorf("zstd: %w", err)
		}
		if len(out) > 0 && (cap(out) != cap(tail) || &out[0] != &dst[:start+1][start]) {
			dst = append(dst, out...) // the decoder had to grow: copy
		} else {
			dst = dst[:start+len(out)]
		}
	case CompressionZlib:
		var r io.ReadCloser
		if v := flateReaders.Get(); v != nil {
			r = v.(io.ReadCloser)
			if err := r.(flate.Resetter).Reset(bytes.NewReader(src), nil); err != nil {
				return dst, fmt.Errorf("zlib: %w", err)
			}
		} else {
			r = flate.NewReader(bytes.NewReader(src))
		}
		buf := bytes.NewBuffer(dst)
		_, err := io.Copy(buf, io.LimitReader(r, int64(limit)+1))
		flateReaders.Put(r)
		if err != nil {
			return dst, fmt.Errorf("zlib: %w", err)
		}
		dst = buf.Bytes()
	case CompressionSnappy:
		n, err := s2.DecodedLen(src)
		if err != nil {
			return dst, fmt.Errorf("snappy: %w", err)
		}
		if n > limit {
			return dst, fmt.Errorf("snappy chunk expands to %d bytes, more than the block size %d: %w", n, limit, ErrCorrupt)
		}
		dst = growBy(dst, n)
		if _, err := s2.Decode(dst[start:start+n], src); err != nil {
			return dst[:start], fmt.Errorf("snappy: %w", err)
		}
	case CompressionLZ4:
		dst = growBy(dst, limit)
		n, err := lz4.UncompressBlock(src, dst[start:start+limit])
		if err != nil {
			return dst[:start], fmt.Errorf("lz4: %w", err)
		}
		dst = dst[:start+n]
	default:
		return dst, fmt.Errorf("unsupported compression %v", c)
	}
	if len(dst)-start > limit {
		return dst[:start], fmt.Errorf("chunk expands to more than the block size %d: %w", limit, ErrCorrupt)
	}
	return dst, nil
}

// CompressStream appends src to dst in ORC's chunked framing: blocks of at
// most blockSize input bytes, each with its 3-byte header. With
// CompressionNone the bytes are appended as they are (no headers), as the
// spec requires.
//
// The second result lists the compressed offset (relative to the stream's
// start) of each chunk, followed by the stream's compressed length.
//
// The chunk boundaries are deterministic (every blockSize input bytes), so a
// writer that recorded uncompressed positions can translate them into the
// (chunk offset, offset in chunk) pairs of the row index with ChunkPosition.
func CompressStream(c Compression, dst, src []byte, blockSize int) ([]byte, []int, error) {
	return compressStream(c, false, dst, src, blockSize)
}

// compressStream is CompressStream, with frame checksums when checked.
func compressStream(c Compression, checked bool, dst, src []byte, blockSize int) ([]byte, []int, error) {
	if c == CompressionNone {
		return append(dst, src...), nil, nil
	}
	if blockSize <= 0 || blockSize > maxChunkLen {
		return dst, nil, fmt.Errorf("compression block size %d out of range (1..%d)", blockSize, maxChunkLen)
	}
	var starts []int
	base := len(dst)
	for off := 0; off < len(src); off += blockSize {
		starts = append(starts, len(dst)-base)
		dst = appendChunk(c, checked, dst, src[off:min(off+blockSize, len(src))])
	}
	starts = append(starts, len(dst)-base) // sentinel: the end of the stream
	return dst, starts, nil
}

// appendChunk appends one chunk holding block, with its header: compressed,
// or stored as it is when the codec cannot make it smaller.
func appendChunk(c Compression, checked bool, dst, block []byte) []byte {
	// Room for the chunk stored as it is, reserved with doubling: the
	// codecs append to dst, and zstd grows it by a quarter at a time,
	// copying a stripe's compressed streams over and over.
	if need := 3 + len(block) + 64; cap(dst)-len(dst) < need {
		nd := make([]byte, len(dst), max(2*cap(dst), len(dst)+need))
		copy(nd, dst)
		dst = nd
	}
	hdr := len(dst)
	dst = append(dst, 0, 0, 0)
	var ok bool
	dst, ok = compressBlock(c, checked, dst, block)
	n := len(dst) - hdr - 3
	original := 0
	if !ok {
		dst = append(dst[:hdr+3], block...)
		n = len(block)
		original = 1
	}
	putChunkHeader(dst[hdr:], n, original)
	return dst
}

// ChunkPosition translates an uncompressed position in a stream written by
// CompressStream into the row index's pair: compressed offset of the chunk
// holding it, and the offset inside that chunk's decompressed bytes.
// chunkStarts is CompressStream's second result. A position at the very end
// of the stream maps to (compressed length, 0), as Apache ORC's writer
// records it.
func ChunkPosition(c Compression, chunkStarts []int, blockSize int, pos int) (chunkOffset, inChunk uint64) {
	if c == CompressionNone {
		return uint64(pos), 0
	}
	i := pos / blockSize
	if i >= len(chunkStarts)-1 {
		return uint64(chunkStarts[len(chunkStarts)-1]), 0
	}
	return uint64(chunkStarts[i]), uint64(pos % blockSize)
}

func putChunkHeader(b []byte, n, original int) {
	v := uint32(n)<<1 | uint32(original)
	b[0] = byte(v)
	b[1] = byte(v >> 8)
	b[2] = byte(v >> 16)
}

// Chunk is one compression chunk of a stream: where it starts in the
// compressed stream and where its bytes start in the decompressed stream.
type Chunk struct {
	Offset       int // compressed offset of the chunk header
	Uncompressed int // offset of its first byte in the decompressed stream
}

// DecompressStream decodes a whole ORC-framed stream, appending the bytes to
// dst. It also returns the chunk map, ending with a sentinel entry for the
// end of the stream, so that a reader can seek to a row index position
// (chunk offset, offset in chunk) in the decompressed bytes.
func DecompressStream(c Compression, dst, src []byte, blockSize int) ([]byte, []Chunk, error) {
	return decompressStream(c, false, dst, src, blockSize)
}

// decompressStream is DecompressStream; checked refuses chunks stored
// without compression and zstd frames without a checksum (checksum.go).
func decompressStream(c Compression, checked bool, dst, src []byte, blockSize int) ([]byte, []Chunk, error) {
	if c == CompressionNone {
		return append(dst, src...), nil, nil
	}
	if blockSize <= 0 {
		return dst, nil, fmt.Errorf("compression block size %d: %w", blockSize, ErrCorrupt)
	}
	// Reserve the whole stream once: growing chunk by chunk copied the
	// bytes decompressed so far again at every doubling (a fifth of the CPU
	// of reading one stripe of every column, measured on SELECT * … LIMIT).
	nChunks, need := streamReserve(c, src, blockSize)
	// A buffer far larger than needed (pooled from a big stream, see
	// read_bufpool.go) is not kept for a small one: a compaction merge reads
	// every column of many files at once, and each small stream pinning a
	// large buffer multiplied its memory.
	if cap(dst)-len(dst) < need || cap(dst) > oversized(len(dst)+need) {
		nd := make([]byte, len(dst), len(dst)+need)
		copy(nd, dst)
		dst = nd
	}
	chunks := make([]Chunk, 0, nChunks+1)
	base := len(dst)
	for off := 0; off < len(src); {
		if len(src)-off < 3 {
			return dst, chunks, fmt.Errorf("truncated chunk header at offset %d: %w", off, ErrCorrupt)
		}
		h := uint32(src[off]) | uint32(src[off+1])<<8 | uint32(src[off+2])<<16
		n := int(h >> 1)
		original := h&1 == 1
		body := off + 3
		if n > len(src)-body {
			return dst, chunks, fmt.Errorf("chunk at offset %d claims %d bytes, %d remain: %w", off, n, len(src)-body, ErrCorrupt)
		}
		chunks = append(chunks, Chunk{Offset: off, Uncompressed: len(dst) - base})
		if original {
			if checked {
				return dst, chunks, fmt.Errorf("chunk at offset %d is stored uncompressed in a file whose chunks are all checksummed frames: %w", off, ErrCorrupt)
			}
			if n > blockSize {
				return dst, chunks, fmt.Errorf("uncompressed chunk at offset %d is %d bytes, more than the block size %d: %w", off, n, blockSize, ErrCorrupt)
			}
			dst = append(dst, src[body:body+n]...)
		} else {
			var err error
			dst, err = decompressBlock(c, checked, dst, src[body:body+n], blockSize)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					err = fmt.Errorf("%w: %w", ErrCorrupt, err)
				}
				return dst, chunks, fmt.Errorf("chunk at offset %d: %w", off, err)
			}
		}
		off = body + n
	}
	// A sentinel for the end of the stream, so that a position just past the
	// last value (a row group that starts where the stream ends) resolves.
	chunks = append(chunks, Chunk{Offset: len(src), Uncompressed: len(dst) - base})
	return dst, chunks, nil
}

// streamBound walks a stream's chunk headers and returns the number of
// chunks and the most bytes they can decompress to: an original chunk's
// size, a compressed one's content size where its header records it (zstd,
// snappy), else the block size (as decompressBlock reserves). Reserving a
// block for each small stream's one chunk was most of the memory of reading
// every column of many files at once (a compaction's merge: 256 KiB for
// each of a stripe's few hundred streams, mostly a few bytes long). It stops
// at the first malformed header, which DecompressStream then reports; the
// caller caps the bound, since a hostile stream of empty chunks would
// otherwise claim a block each.
// streamReserve is the number of chunks of a compressed stream and the
// room decompressStream reserves for it.
func streamReserve(c Compression, src []byte, blockSize int) (chunks, need int) {
	chunks, bound := streamBound(c, src, blockSize)
	return chunks, min(bound, 64*len(src)+blockSize)
}

// decompressReserve is the capacity decompressStream wants in an empty
// destination for src (0 for an uncompressed file).
func decompressReserve(c Compression, src []byte, blockSize int) int {
	if c == CompressionNone || blockSize <= 0 {
		return 0
	}
	_, need := streamReserve(c, src, blockSize)
	return need
}

func streamBound(c Compression, src []byte, blockSize int) (chunks, bound int) {
	for off := 0; len(src)-off >= 3; {
		h := uint32(src[off]) | uint32(src[off+1])<<8 | uint32(src[off+2])<<16
		n := int(h >> 1)
		if n > len(src)-off-3 {
			break
		}
		chunks++
		if h&1 == 1 {
			bound += n
		} else {
			bound += chunkReserve(c, src[off+3:off+3+n], blockSize)
		}
		off += 3 + n
	}
	return chunks, bound
}

// chunkReserve is the room to reserve for decompressing a compressed chunk:
// its content size where the codec's header records it, else (zstd frames
// the Go encoder wrote from under 256 bytes; zlib; lz4) a guess for a
// small chunk, or the limit. A guess too small costs the decoder one copy.
func chunkReserve(c Compression, body []byte, limit int) int {
	if n, ok := chunkContentSize(c, body); ok && n <= limit {
		return n
	}
	if c == CompressionZstd {
		return min(limit, 256+4*len(body))
	}
	return limit
}

// SeekPosition turns a row index position pair into an offset in the bytes
// DecompressStream returned.
func SeekPosition(c Compression, chunks []Chunk, chunkOffset, inChunk uint64) (int, error) {
	if c == CompressionNone {
		return int(chunkOffset), nil
	}
	// Chunks are in ascending offset order; a binary search keeps seeks on
	// large streams cheap.
	lo, hi := 0, len(chunks)
	for lo < hi {
		m := (lo + hi) / 2
		if uint64(chunks[m].Offset) < chunkOffset {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(chunks) || uint64(chunks[lo].Offset) != chunkOffset {
		return 0, fmt.Errorf("row index points at offset %d, which is not a chunk start: %w", chunkOffset, ErrCorrupt)
	}
	return chunks[lo].Uncompressed + int(inChunk), nil
}
