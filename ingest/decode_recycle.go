package ingest

import (
	"math/bits"

	"github.com/apache/arrow/go/v17/arrow"
)

// String data buffers of recycleMinCap bytes or more are recycled instead
// of copied. Copying each record's string data into an exact-size buffer
// (so that the Builder could keep its own) was 4% of an S3-layout ingest's
// CPU, nearly all of it eventJson; now the record takes the Builder's
// buffer, and when the pipeline has written and released the record its
// buffer goes back to a Builder. Buffers are pooled by capacity class
// (powers of two), a few per class, so that a column takes one about the
// size it needs and the pool holds little memory.
const recycleMinCap = 256 << 10

var strBufPools [bits.UintSize]chan []byte

func init() {
	for i := range strBufPools {
		strBufPools[i] = make(chan []byte, 4)
	}
}

func capClass(n int) int { return bits.Len(uint(n)) - 1 }

// takeStrBuf returns an empty buffer of at least capHint bytes' capacity
// (what the last batch used): a smaller one would be regrown, copying, as
// the next batch fills it (that was 3% of ingest's CPU). A new buffer
// gets a quarter more room, for batches that vary in size.
func takeStrBuf(capHint int) []byte {
	k := capClass(capHint)
	for _, c := range [2]int{k + 1, k} {
		select {
		case b := <-strBufPools[c]:
			if cap(b) >= capHint {
				return b[:0]
			}
			putStrBuf(b) // too small for this column, maybe not for another
		default:
		}
	}
	return make([]byte, 0, capHint+capHint/4)
}

// putStrBuf offers b for reuse; nothing may use b after.
func putStrBuf(b []byte) {
	if cap(b) < recycleMinCap {
		return
	}
	select {
	case strBufPools[capClass(cap(b))] <- b[:0]:
	default:
	}
}

// recycleStrings offers the large string data buffers of rec for reuse. The
// caller must hold the only reference to rec and release it right after:
// its string values are overwritten once a Builder takes the buffers.
func recycleStrings(rec arrow.Record) {
	var walk func(d arrow.ArrayData)
	walk = func(d arrow.ArrayData) {
		if d.DataType().ID() == arrow.STRING {
			if bufs := d.Buffers(); len(bufs) == 3 && bufs[2] != nil {
				putStrBuf(bufs[2].Buf())
			}
			return
		}
		for _, c := range d.Children() {
			walk(c)
		}
	}
	for _, col := range rec.Columns() {
		walk(col.Data())
	}
}
