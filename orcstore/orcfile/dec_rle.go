package orcfile

import "fmt"

// This file holds the batch decoders of ORC's integer run-length encodings
// (RLE v1 and v2). They work on a fully decompressed stream: each call
// decodes a whole run into a small buffer and copies from there, so the
// per-value cost is a copy rather than a function call and a branch per
// byte, which is what made the module's per-value decoder slow.

// decErrShort is returned when a stream ends inside a run or before the
// caller got the values it needed.
var decErrShort = fmt.Errorf("stream ends early: %w", ErrCorrupt)

// decVarint reads a base-128 little-endian varint at b[p:].
func decVarint(b []byte, p int) (uint64, int, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if p >= len(b) {
			return 0, p, decErrShort
		}
		c := b[p]
		p++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, p, nil
		}
	}
	return 0, p, fmt.Errorf("varint longer than 10 bytes: %w", ErrCorrupt)
}

func decUnzigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }

// decIntReader decodes an integer stream encoded with RLE v1 or v2.
type decIntReader struct {
	b      []byte
	p      int
	v2     bool
	signed bool
	// buf holds the decoded values of the current run; buf[bi:] are the
	// ones not yet handed out.
	buf []int64
	bi  int
	// unpack is scratch for bit-unpacked values (reused).
	unpack []uint64
	// out is where the run being decoded goes (buf, or the caller's slice).
	out []int64
}

// reset points the reader at a new stream (or a new position in one).
func (d *decIntReader) reset(b []byte, v2, signed bool) {
	d.b, d.p, d.v2, d.signed = b, 0, v2, signed
	d.buf = d.buf[:0]
	d.bi = 0
}

// seek moves to byte offset off of the stream and skips skip values of the
// run that starts there, as a row index position says.
func (d *decIntReader) seek(off int, skip uint64) error {
	if off < 0 || off > len(d.b) {
		return fmt.Errorf("seek to %d past the stream's %d bytes: %w", off, len(d.b), ErrCorrupt)
	}
	d.p = off
	d.buf = d.buf[:0]
	d.bi = 0
	return d.skip(skip)
}

// skip discards n values. Whole runs are stepped over by their headers
// without being decoded (a sparse scan skips most of a row group's rows).
func (d *decIntReader) skip(n uint64) error {
	for n > 0 {
		if d.bi < len(d.buf) {
			k := min(uint64(len(d.buf)-d.bi), n)
			d.bi += int(k)
			n -= k
			continue
		}
		if cnt, end, ok := d.runSpan(); ok && uint64(cnt) <= n {
			d.p = end
			n -= uint64(cnt)
			continue
		}
		if err := d.fill(); err != nil {
			return err
		}
	}
	return nil
}

// next fills dst with the next len(dst) values. When dst has room for any
// run (512 values), runs are decoded straight into it, saving a copy.
func (d *decIntReader) next(dst []int64) error {
	for len(dst) > 0 {
		if d.bi < len(d.buf) {
			k := copy(dst, d.buf[d.bi:])
			d.bi += k
			dst = dst[k:]
			continue
		}
		if len(dst) >= decMaxRun {
			n, err := d.decodeRun(dst[:0:len(dst)])
			if err != nil {
				return err
			}
			dst = dst[n:]
			continue
		}
		if err := d.fill(); err != nil {
			return err
		}
	}
	return nil
}

// decMaxRun is the longest run of either encoding (RLE v2: 512 values).
const decMaxRun = 512

// fill decodes the next run into buf.
func (d *decIntReader) fill() error {
	if cap(d.buf) < decMaxRun {
		d.buf = make([]int64, 0, decMaxRun)
	}
	n, err := d.decodeRun(d.buf[:0])
	d.buf = d.buf[:n]
	d.bi = 0
	return err
}

// decodeRun appends the next run to out, which has room for decMaxRun
// values, and returns the run's length.
func (d *decIntReader) decodeRun(out []int64) (int, error) {
	if d.p >= len(d.b) {
		return 0, decErrShort
	}
	d.out = out
	var err error
	if d.v2 {
		err = d.fillV2()
	} else {
		err = d.fillV1()
	}
	n := len(d.out)
	d.out = nil
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, fmt.Errorf("empty run: %w", ErrCorrupt)
	}
	return n, nil
}

func (d *decIntReader) fillV1() error {
	ctrl := int8(d.b[d.p])
	d.p++
	if ctrl >= 0 {
		n := int(ctrl) + 3
		if d.p >= len(d.b) {
			return decErrShort
		}
		delta := int64(int8(d.b[d.p]))
		d.p++
		u, p, err := decVarint(d.b, d.p)
		if err != nil {
			return err
		}
		d.p = p
		base := int64(u)
		if d.signed {
			base = decUnzigzag(u)
		}
		for i := 0; i < n; i++ {
			d.out = append(d.out, base+int64(i)*delta)
		}
		return nil
	}
	n := -int(ctrl)
	for i := 0; i < n; i++ {
		u, p, err := decVarint(d.b, d.p)
		if err != nil {
			return err
		}
		d.p = p
		if d.signed {
			d.out = append(d.out, decUnzigzag(u))
		} else {
			d.out = append(d.out, int64(u))
		}
	}
	return nil
}

// decWidths maps RLE v2's 5-bit width codes to bit widths.
var decWidths = [32]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 26, 28, 30, 32, 40, 48, 56, 64}

// decClosestFixedBits rounds a width up to one the bit packer uses, as the
// patch list of PATCHED_BASE runs requires.
func decClosestFixedBits(n int) int {
	switch {
	case n == 0:
		return 1
	case n <= 24:
		return n
	case n <= 26:
		return 26
	case n <= 28:
		return 28
	case n <= 30:
		return 30
	case n <= 32:
		return 32
	case n <= 40:
		return 40
	case n <= 48:
		return 48
	case n <= 56:
		return 56
	default:
		return 64
	}
}

func (d *decIntReader) fillV2() error {
	h := d.b[d.p]
	switch h >> 6 {
	case 0: // SHORT_REPEAT
		w := int(h>>3&7) + 1
		n := int(h&7) + 3
		if d.p+1+w > len(d.b) {
			return decErrShort
		}
		var u uint64
		for _, c := range d.b[d.p+1 : d.p+1+w] {
			u = u<<8 | uint64(c)
		}
		d.p += 1 + w
		v := int64(u)
		if d.signed {
			v = decUnzigzag(u)
		}
		for i := 0; i < n; i++ {
			d.out = append(d.out, v)
		}
		return nil
	case 1: // DIRECT
		if d.p+2 > len(d.b) {
			return decErrShort
		}
		w := decWidths[h>>1&31]
		n := (int(h&1)<<8 | int(d.b[d.p+1])) + 1
		d.p += 2
		u, err := d.unpackN(n, w)
		if err != nil {
			return err
		}
		if d.signed {
			for _, x := range u {
				d.out = append(d.out, decUnzigzag(x))
			}
		} else {
			for _, x := range u {
				d.out = append(d.out, int64(x))
			}
		}
		return nil
	case 2:
		return d.fillPatched()
	default:
		return d.fillDelta()
	}
}

func (d *decIntReader) fillDelta() error {
	if d.p+2 > len(d.b) {
		return decErrShort
	}
	h := d.b[d.p]
	code := int(h >> 1 & 31)
	n := (int(h&1)<<8 | int(d.b[d.p+1])) + 1
	d.p += 2
	u, p, err := decVarint(d.b, d.p)
	if err != nil {
		return err
	}
	base := int64(u)
	if d.signed {
		base = decUnzigzag(u)
	}
	u, p, err = decVarint(d.b, p)
	if err != nil {
		return err
	}
	d.p = p
	delta := decUnzigzag(u)
	d.out = append(d.out, base)
	if code == 0 { // fixed delta
		v := base
		for i := 1; i < n; i++ {
			v += delta
			d.out = append(d.out, v)
		}
		return nil
	}
	if n == 1 {
		return nil
	}
	v := base + delta
	d.out = append(d.out, v)
	if n == 2 {
		return nil
	}
	deltas, err := d.unpackN(n-2, decWidths[code])
	if err != nil {
		return err
	}
	if delta < 0 {
		for _, x := range deltas {
			v -= int64(x)
			d.out = append(d.out, v)
		}
	} else {
		for _, x := range deltas {
			v += int64(x)
			d.out = append(d.out, v)
		}
	}
	return nil
}

func (d *decIntReader) fillPatched() error {
	if d.p+4 > len(d.b) {
		return decErrShort
	}
	h := d.b[d.p : d.p+4]
	w := decWidths[h[0]>>1&31]
	n := (int(h[0]&1)<<8 | int(h[1])) + 1
	bw := int(h[2]>>5) + 1
	pw := decWidths[h[2]&31]
	pgw := int(h[3]>>5) + 1
	pll := int(h[3] & 31)
	d.p += 4
	if pw+pgw > 64 {
		return fmt.Errorf("patched base run: patch width %d + gap width %d exceed 64 bits: %w", pw, pgw, ErrCorrupt)
	}
	if d.p+bw > len(d.b) {
		return decErrShort
	}
	var ub uint64
	for _, c := range d.b[d.p : d.p+bw] {
		ub = ub<<8 | uint64(c)
	}
	d.p += bw
	// The base is sign-magnitude: the top bit of its bw bytes is the sign.
	signBit := uint64(1) << (uint(bw)*8 - 1)
	base := int64(ub &^ signBit)
	if ub&signBit != 0 {
		base = -base
	}
	vals, err := d.unpackN(n, w)
	if err != nil {
		return err
	}
	start := len(d.out)
	for _, x := range vals {
		d.out = append(d.out, int64(x))
	}
	if pll > 0 {
		cfb := decClosestFixedBits(pw + pgw)
		patches, err := d.unpackN(pll, cfb)
		if err != nil {
			return err
		}
		idx := 0
		pmask := uint64(1)<<uint(pw) - 1
		if pw == 64 {
			pmask = ^uint64(0)
		}
		for _, e := range patches {
			gap := int(e >> uint(pw))
			patch := e & pmask
			idx += gap
			if patch == 0 && gap == 255 {
				continue // a long gap split into 255-sized steps
			}
			if idx >= n {
				return fmt.Errorf("patched base run: patch at %d past the run's %d values: %w", idx, n, ErrCorrupt)
			}
			if w < 64 {
				d.out[start+idx] |= int64(patch << uint(w))
			}
		}
	}
	for i := start; i < len(d.out); i++ {
		d.out[i] += base
	}
	return nil
}

// unpackN reads n big-endian bit-packed values of width w (1..64) and
// returns them in the reused unpack buffer; the run ends on a byte boundary.
func (d *decIntReader) unpackN(n, w int) ([]uint64, error) {
	need := (n*w + 7) / 8
	if need > len(d.b)-d.p {
		return nil, decErrShort
	}
	if cap(d.unpack) < n {
		d.unpack = make([]uint64, 0, max(n, 512))
	}
	out := d.unpack[:n]
	decUnpack(out, d.b[d.p:d.p+need], w)
	d.p += need
	return out, nil
}

// decUnpack fills out with big-endian w-bit values from src, which holds at
// least len(out)*w bits.
func decUnpack(out []uint64, src []byte, w int) {
	switch w {
	case 8:
		for i := range out {
			out[i] = uint64(src[i])
		}
		return
	case 16:
		for i := range out {
			out[i] = uint64(src[2*i])<<8 | uint64(src[2*i+1])
		}
		return
	case 32:
		for i := range out {
			s := src[4*i : 4*i+4]
			out[i] = uint64(s[0])<<24 | uint64(s[1])<<16 | uint64(s[2])<<8 | uint64(s[3])
		}
		return
	}
	if w > 56 {
		// Wide values: collect byte by byte so the accumulator never
		// overflows.
		bit := 0
		for i := range out {
			var v uint64
			for got := 0; got < w; {
				byteIdx, off := bit>>3, bit&7
				take := min(8-off, w-got)
				c := uint64(src[byteIdx]>>(8-off-take)) & (1<<uint(take) - 1)
				v = v<<uint(take) | c
				got += take
				bit += take
			}
			out[i] = v
		}
		return
	}
	var acc uint64
	nbits := 0
	p := 0
	mask := uint64(1)<<uint(w) - 1
	for i := range out {
		for nbits < w {
			acc = acc<<8 | uint64(src[p])
			p++
			nbits += 8
		}
		nbits -= w
		out[i] = acc >> uint(nbits) & mask
	}
}
