package orcfile

import "math/bits"

// Integer run-length encoding, version 2 (ORC spec "Integer Run Length
// Encoding, version 2").
//
// encIntRLE buffers values and emits runs from the front of its pending
// buffer only, so that the start of the pending buffer is always the start of
// the next run. That makes a row-index position trivial and exact: the
// current output length (the byte where the next run starts) and the number
// of pending values (how many to skip after decoding from there) — the pair
// Apache ORC's RunLengthIntegerWriterV2.getPosition records.
//
// The encoder picks, at each run start, the cheapest of:
//   - SHORT_REPEAT for 3..10 equal values;
//   - DELTA for a monotone sequence (width 0 for arithmetic sequences and
//     long repeats);
//   - DIRECT for anything else, up to 512 values, stopping before a repeat.
//
// PATCHED_BASE is not produced: it only pays for mostly-small values with
// rare outliers, which CloudTrail's integer streams (lengths, dictionary
// ids, seconds, nanos) seldom have; every reader must decode the other three.

const (
	encMaxRun         = 512 // longest DIRECT/DELTA run
	encMaxShortRepeat = 10
	encMinRepeat      = 3
)

// encIntRLE is a batch-oriented RLE v2 encoder over int64 values. Unsigned
// streams (lengths, dictionary ids, nanos) carry non-negative values.
type encIntRLE struct {
	signed  bool
	out     []byte
	pending []int64
	scratch []uint64
}

func encNewIntRLE(signed bool) *encIntRLE {
	return &encIntRLE{signed: signed, pending: make([]int64, 0, 2*encMaxRun)}
}

// append adds values; runs are emitted when enough lookahead is buffered.
func (e *encIntRLE) append(vals ...int64) {
	for len(vals) > 0 {
		room := 2*encMaxRun - len(e.pending)
		n := min(room, len(vals))
		e.pending = append(e.pending, vals[:n]...)
		vals = vals[n:]
		if len(e.pending) >= 2*encMaxRun {
			e.drain(encMaxRun)
		}
	}
}

// append1 adds one value without the variadic slice.
func (e *encIntRLE) append1(v int64) {
	e.pending = append(e.pending, v)
	if len(e.pending) >= 2*encMaxRun {
		e.drain(encMaxRun)
	}
}

// position is the row-index position of the next value: the byte offset of
// the next run in the uncompressed stream, and the values to skip in it.
func (e *encIntRLE) position() (int, int) { return len(e.out), len(e.pending) }

// flush encodes every pending value.
func (e *encIntRLE) flush() { e.drain(0) }

// reset empties the encoder for the next stripe, keeping its buffers.
func (e *encIntRLE) reset() {
	e.out = e.out[:0]
	e.pending = e.pending[:0]
}

// drain emits runs until at most keep values remain pending.
func (e *encIntRLE) drain(keep int) {
	p := e.pending
	i := 0
	for len(p)-i > keep {
		i += e.emitRun(p[i:])
	}
	n := copy(e.pending, p[i:])
	e.pending = e.pending[:n]
}

func (e *encIntRLE) zz(v int64) uint64 {
	if e.signed {
		return uint64(v<<1) ^ uint64(v>>63)
	}
	return uint64(v)
}

// emitRun encodes one run from the start of p and returns its length.
func (e *encIntRLE) emitRun(p []int64) int {
	if len(p) == 1 {
		e.direct(p[:1])
		return 1
	}
	// Equal values at the start.
	r := 1
	for r < len(p) && r < encMaxRun && p[r] == p[0] {
		r++
	}
	// Monotone run (direction fixed by the first delta), without overflow.
	m, maxDelta, fixed := encMonotone(p)

	// kind: 0 direct, 1 short repeat, 2 repeat as fixed delta, 3 delta.
	bestLen, bestCost, kind := 0, 0.0, 0
	consider := func(n int, bytes int, k int) {
		c := float64(bytes) / float64(n)
		if bestLen == 0 || c < bestCost {
			bestLen, bestCost, kind = n, c, k
		}
	}
	if r >= encMinRepeat {
		if r <= encMaxShortRepeat {
			consider(r, 1+encBytesFor(e.zz(p[0])), 1)
		} else {
			consider(r, 2+encVarintLen(e.zz(p[0]))+1, 2)
		}
	}
	if m >= encMinRepeat && m > r {
		consider(m, e.deltaCost(p[:m], maxDelta, fixed), 3)
	}
	if bestLen == 0 || bestCost > 1 {
		// A literal group up to the next repeat of three or more.
		n := 1
		for n < len(p) && n < encMaxRun {
			if n+2 < len(p) && p[n] == p[n+1] && p[n] == p[n+2] {
				break
			}
			n++
		}
		w := e.directWidth(p[:n])
		consider(n, 2+(n*w+7)/8, 0)
	}
	switch kind {
	case 1:
		e.shortRepeat(p[0], bestLen)
	case 2:
		e.delta(p[:bestLen], 0, true)
	case 3:
		e.delta(p[:bestLen], maxDelta, fixed)
	default:
		e.direct(p[:bestLen])
	}
	return bestLen
}

// encMonotone returns the length (≤ 512) of the monotone prefix of p, the
// largest absolute delta after the first, and whether all deltas equal the
// first. Direction comes from the first delta (zero counts as ascending, as
// the reader treats it).
func encMonotone(p []int64) (n int, maxDelta uint64, fixed bool) {
	if len(p) < 2 {
		return len(p), 0, true
	}
	d0, ok := encSub(p[1], p[0])
	if !ok {
		return 1, 0, true
	}
	fixed = true
	n = 2
	for n < len(p) && n < encMaxRun {
		d, ok := encSub(p[n], p[n-1])
		if !ok || (d0 >= 0 && d < 0) || (d0 < 0 && d > 0) {
			break
		}
		if d != d0 {
			fixed = false
		}
		a := uint64(d)
		if d < 0 {
			a = uint64(-d)
		}
		if a > maxDelta {
			maxDelta = a
		}
		n++
	}
	return n, maxDelta, fixed
}

// encSub is a - b, reporting overflow, and refusing math.MinInt64 whose
// absolute value does not fit.
func encSub(a, b int64) (int64, bool) {
	d := a - b
	if (a >= 0) != (b >= 0) && (d >= 0) != (a >= 0) {
		return 0, false
	}
	if d == -1<<63 {
		return 0, false
	}
	return d, true
}

func (e *encIntRLE) deltaCost(p []int64, maxDelta uint64, fixed bool) int {
	d0 := p[1] - p[0]
	c := 2 + encVarintLen(e.zz(p[0])) + encVarintLen(uint64(d0<<1)^uint64(d0>>63))
	if !fixed {
		w := encDeltaWidth(maxDelta)
		c += ((len(p)-2)*w + 7) / 8
	}
	return c
}

func (e *encIntRLE) directWidth(p []int64) int {
	var or uint64
	for _, v := range p {
		or |= e.zz(v)
	}
	return encFixedBits(bits.Len64(or))
}

// encFixedBits rounds a bit count up to a width the 5-bit code can name;
// the reader's decClosestFixedBits is the same rule, kept in one place.
func encFixedBits(n int) int { return decClosestFixedBits(n) }

// encDeltaWidth is the packed width of a delta run's deltas; width 1 cannot
// be expressed in DELTA (code 0 means "fixed delta"), so it becomes 2, as in
// Apache ORC.
func encDeltaWidth(maxDelta uint64) int {
	w := encFixedBits(bits.Len64(maxDelta))
	if w == 1 {
		w = 2
	}
	return w
}

// encWidthCode is the 5-bit code of a width returned by encFixedBits.
func encWidthCode(w int) int {
	if w <= 24 {
		return w - 1
	}
	switch w {
	case 26:
		return 24
	case 28:
		return 25
	case 30:
		return 26
	case 32:
		return 27
	case 40:
		return 28
	case 48:
		return 29
	case 56:
		return 30
	}
	return 31
}

func encBytesFor(v uint64) int {
	n := (bits.Len64(v) + 7) / 8
	if n == 0 {
		n = 1
	}
	return n
}

func encVarintLen(v uint64) int {
	return (bits.Len64(v|1) + 6) / 7
}

func encPutUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func (e *encIntRLE) shortRepeat(v int64, n int) {
	u := e.zz(v)
	w := encBytesFor(u)
	e.out = append(e.out, byte((w-1)<<3|(n-encMinRepeat)))
	for i := w - 1; i >= 0; i-- {
		e.out = append(e.out, byte(u>>(8*uint(i))))
	}
}

func (e *encIntRLE) direct(p []int64) {
	if cap(e.scratch) < len(p) {
		e.scratch = make([]uint64, len(p), encMaxRun)
	}
	u := e.scratch[:len(p)]
	var or uint64
	for i, v := range p {
		u[i] = e.zz(v)
		or |= u[i]
	}
	w := encFixedBits(bits.Len64(or))
	n := len(p) - 1
	e.out = append(e.out, byte(1<<6|encWidthCode(w)<<1|n>>8), byte(n))
	e.out = encPack(e.out, u, w)
}

// delta writes a DELTA run; fixed means every delta equals the first (width
// 0, nothing packed).
func (e *encIntRLE) delta(p []int64, maxDelta uint64, fixed bool) {
	n := len(p) - 1
	code := 0
	w := 0
	if !fixed && len(p) > 2 {
		w = encDeltaWidth(maxDelta)
		code = encWidthCode(w)
	}
	e.out = append(e.out, byte(3<<6|code<<1|n>>8), byte(n))
	e.out = encPutUvarint(e.out, e.zz(p[0]))
	var d0 int64
	if len(p) > 1 {
		d0 = p[1] - p[0]
	}
	e.out = encPutUvarint(e.out, uint64(d0<<1)^uint64(d0>>63))
	if w == 0 {
		return
	}
	if cap(e.scratch) < len(p) {
		e.scratch = make([]uint64, len(p), encMaxRun)
	}
	u := e.scratch[:len(p)-2]
	for i := 2; i < len(p); i++ {
		d := p[i] - p[i-1]
		if d < 0 {
			d = -d
		}
		u[i-2] = uint64(d)
	}
	e.out = encPack(e.out, u, w)
}

// encPack appends values of w bits each, most significant bit first, padding
// the last byte with zeros.
func encPack(out []byte, u []uint64, w int) []byte {
	if w%8 == 0 {
		nb := w / 8
		for _, v := range u {
			for i := nb - 1; i >= 0; i-- {
				out = append(out, byte(v>>(8*uint(i))))
			}
		}
		return out
	}
	var acc uint64 // bits waiting to be written, right-aligned
	nacc := 0
	for _, v := range u {
		// w < 64 here (64 is a multiple of 8).
		acc = acc<<uint(w) | v&(1<<uint(w)-1)
		nacc += w
		for nacc >= 8 {
			nacc -= 8
			out = append(out, byte(acc>>uint(nacc)))
		}
		acc &= 1<<uint(nacc) - 1
	}
	if nacc > 0 {
		out = append(out, byte(acc<<uint(8-nacc)))
	}
	return out
}
