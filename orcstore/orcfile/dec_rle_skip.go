package orcfile

// runSpan reads the header of the run at d.p and returns how many values
// it holds and where it ends, without decoding it. ok is false when the
// header is cut short or malformed: decoding the run then reports why.
func (d *decIntReader) runSpan() (count, end int, ok bool) {
	b, p := d.b, d.p
	if p >= len(b) {
		return 0, 0, false
	}
	if !d.v2 {
		ctrl := int8(b[p])
		p++
		if ctrl >= 0 {
			p++ // delta byte
			if p, ok = decSkipVarints(b, p, 1); !ok {
				return 0, 0, false
			}
			return int(ctrl) + 3, p, true
		}
		n := -int(ctrl)
		if p, ok = decSkipVarints(b, p, n); !ok {
			return 0, 0, false
		}
		return n, p, true
	}
	h := b[p]
	switch h >> 6 {
	case 0: // SHORT_REPEAT
		w := int(h>>3&7) + 1
		count, end = int(h&7)+3, p+1+w
	case 1: // DIRECT
		if p+2 > len(b) {
			return 0, 0, false
		}
		w := decWidths[h>>1&31]
		count = (int(h&1)<<8 | int(b[p+1])) + 1
		end = p + 2 + (count*w+7)/8
	case 2: // PATCHED_BASE
		if p+4 > len(b) {
			return 0, 0, false
		}
		w := decWidths[h>>1&31]
		count = (int(h&1)<<8 | int(b[p+1])) + 1
		bw := int(b[p+2]>>5) + 1
		pw := decWidths[b[p+2]&31]
		pgw := int(b[p+3]>>5) + 1
		pll := int(b[p+3] & 31)
		if pw+pgw > 64 {
			return 0, 0, false
		}
		end = p + 4 + bw + (count*w+7)/8 + (pll*decClosestFixedBits(pw+pgw)+7)/8
	default: // DELTA
		if p+2 > len(b) {
			return 0, 0, false
		}
		code := int(h >> 1 & 31)
		count = (int(h&1)<<8 | int(b[p+1])) + 1
		if end, ok = decSkipVarints(b, p+2, 2); !ok {
			return 0, 0, false
		}
		if code != 0 && count > 2 {
			end += ((count-2)*decWidths[code] + 7) / 8
		}
	}
	if end > len(b) {
		return 0, 0, false
	}
	return count, end, true
}

// decSkipVarints steps over n varints starting at b[p:].
func decSkipVarints(b []byte, p, n int) (int, bool) {
	for ; n > 0; n-- {
		start := p
		for {
			if p >= len(b) || p-start >= 10 {
				return 0, false
			}
			c := b[p]
			p++
			if c < 0x80 {
				break
			}
		}
	}
	return p, true
}
