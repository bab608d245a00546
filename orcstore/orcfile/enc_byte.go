package orcfile

// Byte run-length encoding and boolean bit fields (ORC spec "Byte Run Length
// Encoding" and "Boolean Run Length Encoding").
//
// As with encIntRLE, runs are emitted only from the front of the pending
// buffer, so a position is (bytes written, pending count), which is what
// Apache ORC's RunLengthByteWriter.getPosition records.

const (
	encByteMaxLiteral = 128
	encByteMaxRun     = 130 // 127 + 3
)

type encByteRLE struct {
	out     []byte
	pending []byte
}

func (e *encByteRLE) append1(b byte) {
	e.pending = append(e.pending, b)
	if len(e.pending) >= 2*encByteMaxRun {
		e.drain(encByteMaxRun)
	}
}

func (e *encByteRLE) append(bs []byte) {
	for _, b := range bs {
		e.append1(b)
	}
}

func (e *encByteRLE) position() (int, int) { return len(e.out), len(e.pending) }

func (e *encByteRLE) flush() { e.drain(0) }

func (e *encByteRLE) reset() {
	e.out = e.out[:0]
	e.pending = e.pending[:0]
}

// drain emits runs and literal groups until at most keep bytes remain.
func (e *encByteRLE) drain(keep int) {
	p := e.pending
	i := 0
	for len(p)-i > keep {
		q := p[i:]
		r := 1
		for r < len(q) && r < encByteMaxRun && q[r] == q[0] {
			r++
		}
		if r >= 3 {
			e.out = append(e.out, byte(r-3), q[0])
			i += r
			continue
		}
		// Literals up to the next run of three.
		n := 1
		for n < len(q) && n < encByteMaxLiteral {
			if n+2 < len(q) && q[n] == q[n+1] && q[n] == q[n+2] {
				break
			}
			n++
		}
		e.out = append(e.out, byte(-int8(n-1)-1))
		e.out = append(e.out, q[:n]...)
		i += n
	}
	k := copy(e.pending, p[i:])
	e.pending = e.pending[:k]
}

// encBoolRLE packs booleans eight to a byte, most significant bit first, and
// byte-RLE encodes the bytes.
type encBoolRLE struct {
	bytes encByteRLE
	cur   byte
	nbits int
}

func (e *encBoolRLE) append1(v bool) {
	if v {
		e.cur |= 0x80 >> uint(e.nbits)
	}
	e.nbits++
	if e.nbits == 8 {
		e.bytes.append1(e.cur)
		e.cur, e.nbits = 0, 0
	}
}

// appendRun adds n copies of v.
func (e *encBoolRLE) appendRun(v bool, n int) {
	for n > 0 && e.nbits != 0 {
		e.append1(v)
		n--
	}
	full := byte(0)
	if v {
		full = 0xff
	}
	for ; n >= 8; n -= 8 {
		e.bytes.append1(full)
	}
	for ; n > 0; n-- {
		e.append1(v)
	}
}

// position is (byte offset of the run, bytes to skip in it, bits to skip in
// the byte), the three values Apache ORC's BitFieldWriter records.
func (e *encBoolRLE) position() (int, int, int) {
	o, k := e.bytes.position()
	return o, k, e.nbits
}

func (e *encBoolRLE) flush() {
	if e.nbits > 0 {
		e.bytes.append1(e.cur)
		e.cur, e.nbits = 0, 0
	}
	e.bytes.flush()
}

func (e *encBoolRLE) reset() {
	e.bytes.reset()
	e.cur, e.nbits = 0, 0
}

// size is the encoded size so far, for stripe-size accounting.
func (e *encBoolRLE) size() int { return len(e.bytes.out) + len(e.bytes.pending) }
