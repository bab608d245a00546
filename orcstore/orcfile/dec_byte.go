package orcfile

import (
	"fmt"
	"math/bits"
)

// decByteReader decodes ORC's byte run-length encoding (also the layer under
// boolean streams).
type decByteReader struct {
	b   []byte
	p   int
	run int  // remaining values in the current run
	lit bool // the current run is literal bytes at b[p:]
	val byte // the repeated byte of a repeat run
}

func (d *decByteReader) reset(b []byte) { *d = decByteReader{b: b} }

func (d *decByteReader) seek(off int, skip uint64) error {
	if off < 0 || off > len(d.b) {
		return fmt.Errorf("seek to %d past the stream's %d bytes: %w", off, len(d.b), ErrCorrupt)
	}
	d.p, d.run = off, 0
	return d.skip(skip)
}

func (d *decByteReader) header() error {
	if d.p >= len(d.b) {
		return decErrShort
	}
	ctrl := int8(d.b[d.p])
	d.p++
	if ctrl >= 0 {
		if d.p >= len(d.b) {
			return decErrShort
		}
		d.run, d.lit, d.val = int(ctrl)+3, false, d.b[d.p]
		d.p++
		return nil
	}
	d.run, d.lit = -int(ctrl), true
	if d.p+d.run > len(d.b) {
		return decErrShort
	}
	return nil
}

func (d *decByteReader) skip(n uint64) error {
	for n > 0 {
		if d.run == 0 {
			if err := d.header(); err != nil {
				return err
			}
		}
		k := min(uint64(d.run), n)
		if d.lit {
			d.p += int(k)
		}
		d.run -= int(k)
		n -= k
	}
	return nil
}

func (d *decByteReader) next(dst []byte) error {
	for len(dst) > 0 {
		if d.run == 0 {
			if err := d.header(); err != nil {
				return err
			}
		}
		k := min(d.run, len(dst))
		if d.lit {
			copy(dst, d.b[d.p:d.p+k])
			d.p += k
		} else {
			v := d.val
			for i := range dst[:k] {
				dst[i] = v
			}
		}
		d.run -= k
		dst = dst[k:]
	}
	return nil
}

// decBoolReader decodes boolean streams: byte RLE of bytes holding eight
// values each, most significant bit first.
type decBoolReader struct {
	bytes decByteReader
	cur   byte
	left  int // bits of cur not yet handed out
	tmp   []byte
}

func (d *decBoolReader) reset(b []byte) {
	d.bytes.reset(b)
	d.left = 0
}

func (d *decBoolReader) seek(off int, byteSkip, bitSkip uint64) error {
	d.left = 0
	if err := d.bytes.seek(off, byteSkip); err != nil {
		return err
	}
	if bitSkip > 8 {
		return fmt.Errorf("bit offset %d in a boolean position: %w", bitSkip, ErrCorrupt)
	}
	return d.skip(bitSkip)
}

func (d *decBoolReader) skip(n uint64) error {
	for n > 0 {
		if d.left == 0 {
			var one [1]byte
			if err := d.bytes.next(one[:]); err != nil {
				return err
			}
			d.cur, d.left = one[0], 8
		}
		k := min(uint64(d.left), n)
		d.cur <<= uint(k)
		d.left -= int(k)
		n -= k
	}
	return nil
}

// count consumes n values and returns how many are true, counting whole
// bytes at a time (a sparse scan skipping rows needs only how many of them
// are present).
func (d *decBoolReader) count(n int) (int, error) {
	ones := 0
	for ; n > 0 && d.left > 0; n-- {
		ones += int(d.cur >> 7)
		d.cur <<= 1
		d.left--
	}
	b := &d.bytes
	for full := n / 8; full > 0; {
		if b.run == 0 {
			if err := b.header(); err != nil {
				return 0, err
			}
		}
		k := min(b.run, full)
		if b.lit {
			for _, c := range b.b[b.p : b.p+k] {
				ones += bits.OnesCount8(c)
			}
			b.p += k
		} else {
			ones += k * bits.OnesCount8(b.val)
		}
		b.run -= k
		full -= k
	}
	if rem := n % 8; rem > 0 {
		var one [1]byte
		if err := b.next(one[:]); err != nil {
			return 0, err
		}
		d.cur, d.left = one[0], 8
		for ; rem > 0; rem-- {
			ones += int(d.cur >> 7)
			d.cur <<= 1
			d.left--
		}
	}
	return ones, nil
}

// next writes len(dst) values as 0/1 bytes.
func (d *decBoolReader) next(dst []byte) error {
	for len(dst) > 0 && d.left > 0 {
		dst[0] = d.cur >> 7
		d.cur <<= 1
		d.left--
		dst = dst[1:]
	}
	if len(dst) == 0 {
		return nil
	}
	full := len(dst) / 8
	if cap(d.tmp) < full+1 {
		d.tmp = make([]byte, full+1, 2*full+8)
	}
	t := d.tmp[:full]
	if err := d.bytes.next(t); err != nil {
		return err
	}
	for i, c := range t {
		o := dst[8*i : 8*i+8]
		o[0], o[1], o[2], o[3] = c>>7, c>>6&1, c>>5&1, c>>4&1
		o[4], o[5], o[6], o[7] = c>>3&1, c>>2&1, c>>1&1, c&1
	}
	dst = dst[8*full:]
	if len(dst) > 0 {
		var one [1]byte
		if err := d.bytes.next(one[:]); err != nil {
			return err
		}
		d.cur, d.left = one[0], 8
		for i := range dst {
			dst[i] = d.cur >> 7
			d.cur <<= 1
			d.left--
		}
	}
	return nil
}
