package orcfile

import "sync"

// Every Scanner's column readers need scratch slices of a batch's length
// (validity bytes, decoded lengths and dictionary indexes); a store scan
// makes one Scanner per stripe, so a point lookup allocated them afresh
// for each query: a fifth of a repeated lookup's garbage. Closed Scanners
// return them here (read_bufpool.go does the same for stream buffers).
// Scratch never escapes into arrays: decoders copy values out of it.

var readIntsPool sync.Pool // *[]int64

// readScratchInts returns a slice of length n to replace old (too short),
// from the pool when it has one large enough.
func readScratchInts(old []int64, n int) []int64 {
	readPutInts(old)
	if p, ok := readIntsPool.Get().(*[]int64); ok {
		if cap(*p) >= n {
			return (*p)[:n]
		}
		readIntsPool.Put(p)
	}
	return make([]int64, n, n+n/4)
}

// readPutInts gives s back for reuse; the caller must not use it after.
func readPutInts(s []int64) {
	if cap(s) == 0 || cap(s) > readMaxPooled/8 {
		return
	}
	s = s[:0]
	readIntsPool.Put(&s)
}

var readBytesPool sync.Pool // *[]byte

// readScratchBytes is readScratchInts for bytes.
func readScratchBytes(old []byte, n int) []byte {
	readPutScratch(old)
	if p, ok := readBytesPool.Get().(*[]byte); ok {
		if cap(*p) >= n {
			return (*p)[:n]
		}
		readBytesPool.Put(p)
	}
	return make([]byte, n, n+n/4)
}

// readPutScratch gives b back for reuse; the caller must not use it after.
func readPutScratch(b []byte) {
	if cap(b) == 0 || cap(b) > readMaxPooled {
		return
	}
	b = b[:0]
	readBytesPool.Put(&b)
}

// readPutColumnScratch returns a column reader's scratch to the pools.
func (r *readColumn) readPutColumnScratch() {
	readPutInts(r.ints64)
	readPutScratch(r.valid)
	readPutScratch(r.tmp)
	r.ints64, r.valid, r.tmp = nil, nil, nil
}
