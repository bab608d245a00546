package orcfile

import (
	"encoding/binary"
	"fmt"

	"github.com/zeebo/xxh3"
)

// ORC has no checksums of its own. A file written with
// WriterOptions.Checksums (zstd only) has one in every compression chunk
// instead: each chunk, of every stream, stripe footer, the metadata and the
// footer, is a zstd frame with a content checksum (the low 32 bits of the
// xxhash64 of the chunk's decompressed bytes, RFC 8878 §3.1.1), never a
// chunk stored "original", and the footer carries the user metadata item
// ChecksumsKey. Reading such a file (File.Checksummed) refuses any chunk
// that is not a checksummed frame, and the zstd decoder verifies each
// frame's checksum as it decodes it, so a flipped bit in any byte a read
// decompresses is an error rather than a wrong value. Bytes a read skips
// are not checked, and need not be: they cannot change its answer.
//
// What is left outside the frames is the 3-byte chunk headers and the
// postscript. A changed chunk length misaligns the frames and fails them;
// a changed "original" bit is refused. To cover the postscript, and the
// footer before the reader knows the file is checksummed, Writer.TailSum
// and File.TailSum give the xxh3-64 of the file's tail (metadata, footer,
// postscript and its length byte), which a store records beside each file
// and compares when it opens one.
//
// Price (bench/RESULTS.md): the writer hashes what it compresses, the
// reader what it decompresses, with xxhash64 at several GB/s.

// ChecksumsKey is the footer's user metadata item marking a file whose
// every chunk is a zstd frame with a content checksum.
const ChecksumsKey = "ctlake.checksums"

// checksumsValue is ChecksumsKey's value.
const checksumsValue = "zstd-frame-content-checksum"

// checkFrameHeader reports an error unless src starts a zstd frame whose
// header declares a content checksum.
func checkFrameHeader(c Compression, src []byte) error {
	if c != CompressionZstd {
		return fmt.Errorf("checksummed chunks must be zstd, the file is %v: %w", c, ErrCorrupt)
	}
	if len(src) < 5 || binary.LittleEndian.Uint32(src) != 0xFD2FB528 {
		return fmt.Errorf("chunk is not a zstd frame: %w", ErrCorrupt)
	}
	// Frame_Header_Descriptor: bit 2 is Content_Checksum_flag.
	if src[4]&0x04 == 0 {
		return fmt.Errorf("zstd frame has no content checksum, in a file whose frames all have one: %w", ErrCorrupt)
	}
	return nil
}

// checkFramed walks the chunks of a compressed section that was decoded
// before the reader knew the file is checksummed (the footer, and the
// metadata) and checks that each is a checksummed frame. The frames' sums
// themselves were verified when they were decoded.
func checkFramed(c Compression, src []byte) error {
	for off := 0; off < len(src); {
		if len(src)-off < 3 {
			return fmt.Errorf("truncated chunk header at offset %d: %w", off, ErrCorrupt)
		}
		h := uint32(src[off]) | uint32(src[off+1])<<8 | uint32(src[off+2])<<16
		n := int(h >> 1)
		if n > len(src)-off-3 {
			return fmt.Errorf("chunk at offset %d claims %d bytes, %d remain: %w", off, n, len(src)-off-3, ErrCorrupt)
		}
		if h&1 == 1 {
			return fmt.Errorf("chunk at offset %d is stored uncompressed in a file whose chunks are all checksummed frames: %w", off, ErrCorrupt)
		}
		if err := checkFrameHeader(c, src[off+3:off+3+n]); err != nil {
			return fmt.Errorf("chunk at offset %d: %w", off, err)
		}
		off += 3 + n
	}
	return nil
}

// tailHash hashes the tail's parts in file order.
func tailHash(parts ...[]byte) uint64 {
	h := xxh3.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum64()
}

// Checksummed reports whether every chunk of the file is a zstd frame with
// a content checksum, verified as it is read.
func (f *File) Checksummed() bool { return f.checked }

// TailSum is the xxh3-64 of the file's tail: metadata, footer, postscript
// and the postscript's length byte (the last 1 + postscript + footer +
// metadata bytes of the file).
func (f *File) TailSum() uint64 { return f.tailSum }

// TailSum is the xxh3-64 of the tail Close wrote (see File.TailSum); zero
// before Close.
func (wr *Writer) TailSum() uint64 { return wr.tailSum }
