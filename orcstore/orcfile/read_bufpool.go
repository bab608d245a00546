package orcfile

import (
	"math/bits"
	"sync"
)

// A store scan makes one Scanner per stripe, so the Scanner's own reuse of
// its read and decompression buffers never got a second stripe: every
// stream of every stripe was decompressed into a fresh slice grown by
// doubling (allocation, zeroing and copying were a third of the CPU of
// short queries, plus the GC work they caused). Closed Scanners hand their
// buffers to this pool for the next Scanner. Arrays never point into these
// buffers (decoders copy values out), so a closed Scanner's buffers are free.
//
// The pool is split by size class (powers of two): one pool of mixed sizes
// mostly handed a stripe's multi-megabyte read a buffer too small, or a
// small stream one too large to keep, and either way a fresh one was
// allocated and zeroed (a join probing 1M eventIDs spent a quarter of its
// CPU allocating, zeroing and collecting them).

// readPoolMin and readMaxPooled bound the classes: smaller buffers are
// cheap to allocate, and a rare huge stream is not pinned.
const (
	readPoolMinShift = 12
	readMaxPooled    = 16 << 20
	readPoolClasses  = 25 - readPoolMinShift // up to 16 MiB (1<<24)
)

var readBufPools [readPoolClasses]sync.Pool // *[]byte, class k: cap in [1<<(k+min), 1<<(k+min+1))

// readGetBuf returns an empty buffer of capacity at least need: pooled when
// one of its class is free, else a new one of the class's size (so that it
// can go back to the class), or exactly need beyond the classes.
func readGetBuf(need int) []byte {
	shift := max(bits.Len(uint(max(need, 1)-1)), readPoolMinShift) // ceil(log2 need)
	if need > readMaxPooled {
		return make([]byte, 0, need)
	}
	if p, ok := readBufPools[shift-readPoolMinShift].Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, 1<<shift)
}

// readPutBuf gives b back for reuse; the caller must not use it after.
func readPutBuf(b []byte) {
	c := cap(b)
	if c < 1<<readPoolMinShift || c > readMaxPooled {
		return
	}
	b = b[:0]
	readBufPools[bits.Len(uint(c))-1-readPoolMinShift].Put(&b) // floor(log2 cap): every buffer of the class has room for its gets
}
