package orcfile

import "unsafe"

// wChunker is the DATA stream of a string column written DIRECT_V2 from
// its first value (WriterOptions.DirectColumns: eventID, requestID and the
// event's own JSON), compressed a block at a time as it fills instead of
// buffered for the whole stripe and compressed when the stripe is flushed.
//
// The chunks are the ones compressStream would make of the buffered
// stream — a chunk every blockSize input bytes — so the file is byte for
// byte the same. What changes is where the bytes travel: eventJson is
// most of a stripe (1.6 KB of 1.9 KB per CloudTrail event), and buffering
// it meant copying every event's text into a stripe-sized buffer in main
// memory and reading it back for the compressor. Here it goes through a
// block-sized buffer that stays in the cache, and a run of whole blocks
// that lies contiguous in the caller's memory (consecutive rows of one
// Arrow array) is compressed where it lies, without any copy.
type wChunker struct {
	comp    Compression
	checked bool
	block   int

	stage  []byte // the block being filled (capacity block)
	out    []byte // the compressed chunks so far, with their headers
	starts []int  // offset in out of each chunk
	n      int    // uncompressed bytes appended since reset
}

func newChunker(c Compression, checked bool, block int) *wChunker {
	return &wChunker{comp: c, checked: checked, block: block}
}

// reset starts a new stripe, keeping the buffers.
func (c *wChunker) reset() {
	c.stage = c.stage[:0]
	c.out = c.out[:0]
	c.starts = c.starts[:0]
	c.n = 0
}

// append adds v to the stream. v may alias memory the caller reuses once
// append returns: nothing of it is kept but copies.
func (c *wChunker) append(v string) {
	c.n += len(v)
	for len(v) > 0 {
		if len(c.stage) == 0 && len(v) >= c.block {
			c.emit(unsafe.Slice(unsafe.StringData(v), c.block))
			v = v[c.block:]
			continue
		}
		if c.stage == nil {
			c.stage = make([]byte, 0, c.block)
		}
		k := min(c.block-len(c.stage), len(v))
		c.stage = append(c.stage, v[:k]...)
		v = v[k:]
		if len(c.stage) == c.block {
			c.emit(c.stage)
			c.stage = c.stage[:0]
		}
	}
}

// emit compresses one block as compressStream does.
func (c *wChunker) emit(block []byte) {
	c.starts = append(c.starts, len(c.out))
	c.out = appendChunk(c.comp, c.checked, c.out, block)
}

// finish compresses what is left and returns the stream and its chunk
// starts with the end sentinel, as compressStream does. The result is
// valid until reset.
func (c *wChunker) finish() ([]byte, []int) {
	if len(c.stage) > 0 {
		c.emit(c.stage)
		c.stage = c.stage[:0]
	}
	c.starts = append(c.starts, len(c.out))
	return c.out, c.starts
}

// size is the bytes the chunker holds, for the stripe's memory.
func (c *wChunker) size() int { return c.n }

// addStringRun adds the values of rows [lo, hi) (buffer indexes, the
// array's offset included) of a chunked column, all non-null: their bytes
// are contiguous in v.values and go to the chunker in one piece, so that
// whole blocks among them are compressed where they lie.
func (wc *wColumn) addStringRun(v *wStrView, lo, hi int) {
	if lo == hi {
		return
	}
	s := wc.str
	s.chunked.append(v.values[v.offs[lo]:v.offs[hi]])
	for j := lo; j < hi; j++ {
		x := v.values[v.offs[j]:v.offs[j+1]]
		s.lengths.append1(int64(len(x)))
		wc.rg.addString(x)
		if wc.bloom != nil {
			wc.bloom.AddString(x)
		}
	}
	s.directN += hi - lo
}
