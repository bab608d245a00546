package orcproto

import (
	"errors"
	"math"
)

// The protobuf wire format: each field is a varint tag (field number << 3 |
// wire type) followed by a varint, 8 or 4 little-endian bytes, or a varint
// length and that many bytes.

const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireStart   = 3 // start group (deprecated, only skipped)
	wireEnd     = 4 // end group
	wireFixed32 = 5
)

// ErrSyntax is wrapped by every decoding error: the bytes are not a valid
// protobuf message.
var ErrSyntax = errors.New("invalid protobuf")

var (
	errTruncated   = errorf("truncated")
	errFieldNumber = errorf("invalid field number")
	errWireType    = errorf("invalid wire type")
	errGroup       = errorf("mismatched group")
	errOverflow    = errorf("varint overflows 64 bits")
	errDepth       = errorf("messages nested too deeply")
)

type syntaxError struct{ msg string }

func errorf(msg string) error               { return &syntaxError{msg} }
func (e *syntaxError) Error() string        { return "protobuf: " + e.msg }
func (e *syntaxError) Is(target error) bool { return target == ErrSyntax }

// varint decodes a varint at the start of b and returns it with the bytes
// it took (0 on error: truncated or over 10 bytes).
func varint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		c := b[i]
		if i == 9 && c > 1 {
			return 0, 0 // more than 64 bits
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

func varintErr(b []byte) error {
	if len(b) >= 10 {
		return errOverflow
	}
	return errTruncated
}

// field is one decoded tag and its payload: v for varints and fixed-size
// values, p for length-delimited ones.
type field struct {
	num  int32
	wire uint8
	v    uint64
	p    []byte
}

// next decodes the field at the start of b and returns it with the rest of
// b. Groups are skipped whole and reported with wire type wireStart.
func next(b []byte) (field, []byte, error) {
	tag, n := varint(b)
	if n == 0 {
		return field{}, nil, varintErr(b)
	}
	b = b[n:]
	f := field{num: int32(tag >> 3), wire: uint8(tag & 7)}
	if tag>>3 == 0 || tag>>3 > math.MaxInt32>>2 {
		return f, nil, errFieldNumber
	}
	switch f.wire {
	case wireVarint:
		if f.v, n = varint(b); n == 0 {
			return f, nil, varintErr(b)
		}
		return f, b[n:], nil
	case wireFixed64:
		if len(b) < 8 {
			return f, nil, errTruncated
		}
		f.v = le64(b)
		return f, b[8:], nil
	case wireFixed32:
		if len(b) < 4 {
			return f, nil, errTruncated
		}
		f.v = uint64(le32(b))
		return f, b[4:], nil
	case wireBytes:
		l, n := varint(b)
		if n == 0 {
			return f, nil, varintErr(b)
		}
		b = b[n:]
		if l > uint64(len(b)) {
			return f, nil, errTruncated
		}
		f.p = b[:l]
		return f, b[l:], nil
	case wireStart:
		rest, err := skipGroup(b, f.num, 0)
		return f, rest, err
	case wireEnd:
		return f, nil, errGroup
	}
	return f, nil, errWireType
}

// skipGroup skips the fields of group num up to its end tag.
func skipGroup(b []byte, num int32, depth int) ([]byte, error) {
	if depth > 100 {
		return nil, errDepth
	}
	for {
		tag, n := varint(b)
		if n == 0 {
			return nil, varintErr(b)
		}
		if tag>>3 == 0 {
			return nil, errFieldNumber
		}
		if tag&7 == wireEnd {
			if int32(tag>>3) != num {
				return nil, errGroup
			}
			return b[n:], nil
		}
		if tag&7 == wireStart {
			var err error
			if b, err = skipGroup(b[n:], int32(tag>>3), depth+1); err != nil {
				return nil, err
			}
			continue
		}
		_, rest, err := next(b)
		if err != nil {
			return nil, err
		}
		b = rest
	}
}

func le64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func le32(b []byte) uint32 {
	_ = b[3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func unzigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }
func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }

// repeatedVarints appends the values of a repeated varint field, packed
// (wire type 2) or not; ok is false for another wire type, which the caller
// skips as an unknown field.
func repeatedVarints[T uint32 | uint64](dst []T, f field) ([]T, bool, error) {
	switch f.wire {
	case wireVarint:
		return append(dst, T(f.v)), true, nil
	case wireBytes:
		b := f.p
		if dst == nil {
			// One byte per value at most: size for the common case.
			dst = make([]T, 0, len(b))
		}
		for len(b) > 0 {
			v, n := varint(b)
			if n == 0 {
				return dst, true, varintErr(b)
			}
			dst = append(dst, T(v))
			b = b[n:]
		}
		return dst, true, nil
	}
	return dst, false, nil
}

// repeatedFixed64 appends the values of a repeated fixed64 field, packed or
// not.
func repeatedFixed64(dst []uint64, f field) ([]uint64, bool, error) {
	switch f.wire {
	case wireFixed64:
		return append(dst, f.v), true, nil
	case wireBytes:
		if len(f.p)%8 != 0 {
			return dst, true, errTruncated
		}
		if dst == nil {
			dst = make([]uint64, 0, len(f.p)/8)
		}
		for b := f.p; len(b) > 0; b = b[8:] {
			dst = append(dst, le64(b))
		}
		return dst, true, nil
	}
	return dst, false, nil
}

// encoder appends a message's wire form to b.
type encoder struct{ b []byte }

func (e *encoder) tag(num int32, wire uint8) { e.uvarint(uint64(num)<<3 | uint64(wire)) }

func (e *encoder) uvarint(v uint64) {
	for v >= 0x80 {
		e.b = append(e.b, byte(v)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
}

func (e *encoder) fixed64(v uint64) {
	e.b = append(e.b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

func (e *encoder) optVarint(num int32, v *uint64) {
	if v != nil {
		e.tag(num, wireVarint)
		e.uvarint(*v)
	}
}

func (e *encoder) optUint32(num int32, v *uint32) {
	if v != nil {
		e.tag(num, wireVarint)
		e.uvarint(uint64(*v))
	}
}

func (e *encoder) optSint64(num int32, v *int64) {
	if v != nil {
		e.tag(num, wireVarint)
		e.uvarint(zigzag(*v))
	}
}

func (e *encoder) optEnum(num int32, v int32, set bool) {
	if set {
		e.tag(num, wireVarint)
		e.uvarint(uint64(int64(v))) // negative enums take ten bytes, as int32 fields do
	}
}

func (e *encoder) optDouble(num int32, v *float64) {
	if v != nil {
		e.tag(num, wireFixed64)
		e.fixed64(math.Float64bits(*v))
	}
}

func (e *encoder) optBool(num int32, v *bool) {
	if v != nil {
		e.tag(num, wireVarint)
		if *v {
			e.b = append(e.b, 1)
		} else {
			e.b = append(e.b, 0)
		}
	}
}

func (e *encoder) bytes(num int32, p []byte) {
	e.tag(num, wireBytes)
	e.uvarint(uint64(len(p)))
	e.b = append(e.b, p...)
}

func (e *encoder) optString(num int32, v *string) {
	if v != nil {
		e.tag(num, wireBytes)
		e.uvarint(uint64(len(*v)))
		e.b = append(e.b, *v...)
	}
}

// packed writes a non-empty packed repeated varint field.
func packed[T uint32 | uint64](e *encoder, num int32, vs []T) {
	if len(vs) == 0 {
		return
	}
	n := 0
	for _, v := range vs {
		n += varintLen(uint64(v))
	}
	e.tag(num, wireBytes)
	e.uvarint(uint64(n))
	for _, v := range vs {
		e.uvarint(uint64(v))
	}
}

func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// message writes a nested message field: its length, then its fields. The
// length is written after the fields, moving them when it takes more than
// the one byte reserved for it.
func (e *encoder) message(num int32, m marshaler) {
	e.tag(num, wireBytes)
	at := len(e.b)
	e.b = append(e.b, 0)
	m.marshal(e)
	n := len(e.b) - at - 1
	if n < 0x80 {
		e.b[at] = byte(n)
		return
	}
	k := varintLen(uint64(n))
	e.b = append(e.b, make([]byte, k-1)...)
	copy(e.b[at+k:], e.b[at+1:at+1+n])
	var l encoder
	l.b = e.b[at:at]
	l.uvarint(uint64(n))
}

type marshaler interface{ marshal(e *encoder) }
