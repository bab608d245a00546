package orcfile

import "sync"

// A store scan makes one Scanner per stripe, so the Scanner's own reuse of
// its read and decompression buffers never got a second stripe: every
// stream of every stripe was decompressed into a fresh slice grown by
// doubling (allocation, zeroing and copying were a third of the CPU of
// short queries, plus the GC work they caused). Closed Scanners hand their
// buffers to this pool for the next Scanner. Arrays never point into these
// buffers (decoders copy values out), so a closed Scanner's buffers are free.

var readBufPool sync.Pool // *[]byte

// readMaxPooled bounds the buffers kept: a rare huge stream is not pinned.
const readMaxPooled = 16 << 20

// readGetBuf returns an empty buffer, with capacity when the pool has one.
func readGetBuf() []byte {
	if p, ok := readBufPool.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return nil
}

// readPutBuf gives b back for reuse; the caller must not use it after.
func readPutBuf(b []byte) {
	if cap(b) == 0 || cap(b) > readMaxPooled {
		return
	}
	b = b[:0]
	readBufPool.Put(&b)
}
