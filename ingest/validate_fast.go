package ingest

import (
	"encoding/binary"
	"math/bits"
)

// fastObject validates the JSON object at b[0] in the shape nearly every
// CloudTrail event has: compact (no whitespace), ASCII strings (escapes
// allowed), nesting under 64 levels. It returns the object's length, or
// false as soon as it meets anything else — whitespace, a byte of 0x80 or
// more, a {"Records":[...]} wrapper key, an error — and the caller then runs
// the full validator, which decides. Where it accepts, the full validator
// accepts the same bytes (the fuzz test checks it).
//
// It is the validator's common path written as one loop over a local
// index, without a call per value: the recursive validator spent a third
// of its time in calls and in reloading its position, and validating
// events is most of what a JSON scan does.
func fastObject(b []byte, members *[]member, wrapperCheck bool) (int, bool) {
	var stack [64]byte // open containers: '{' or '['
	depth := 0
	i := 0
	var key, keyEnd, val int32
	var keyEsc bool
	// The states between tokens.
	const (
		sValue      = iota // a value must follow
		sValueOrEnd        // after '[': a value or ']'
		sKeyOrEnd          // after '{': a key or '}'
		sKey               // after ',' in an object
		sAfterValue        // ',' or the container's end
	)
	st := sValue
	for {
		if i >= len(b) {
			return 0, false
		}
		c := b[i]
		switch st {
		case sKey, sKeyOrEnd:
			if c == '}' && st == sKeyOrEnd {
				depth--
				i++
				if depth == 0 {
					return i, true
				}
				if depth == 1 && stack[0] == '{' && members != nil {
					*members = append(*members, member{key: key, keyEnd: keyEnd, val: val, valEnd: int32(i), esc: keyEsc})
				}
				st = sAfterValue
				continue
			}
			if c != '"' {
				return 0, false
			}
			e, esc, ok := fastString(b, i+1)
			if !ok || e+1 >= len(b) || b[e+1] != ':' {
				return 0, false
			}
			if depth == 1 {
				if wrapperCheck && e-i-1 == 7 && string(b[i+1:e]) == "Records" {
					return 0, false // maybe a wrapper: the full validator tells
				}
				key, keyEnd, keyEsc = int32(i+1), int32(e), esc
			}
			i = e + 2
			st = sValue
			continue
		case sAfterValue:
			switch c {
			case ',':
				i++
				if stack[depth-1] == '{' {
					st = sKey
				} else {
					st = sValue
				}
				continue
			case '}', ']':
				if (c == '}') != (stack[depth-1] == '{') {
					return 0, false
				}
				depth--
				i++
				if depth == 0 {
					return i, true
				}
				if depth == 1 && stack[0] == '{' && members != nil {
					*members = append(*members, member{key: key, keyEnd: keyEnd, val: val, valEnd: int32(i), esc: keyEsc})
				}
				continue
			}
			return 0, false
		case sValueOrEnd:
			if c == ']' {
				depth--
				i++
				if depth == 1 && stack[0] == '{' && members != nil {
					*members = append(*members, member{key: key, keyEnd: keyEnd, val: val, valEnd: int32(i), esc: keyEsc})
				}
				st = sAfterValue
				continue
			}
		}
		// A value.
		start := i
		if depth == 1 {
			val = int32(i)
		}
		switch {
		case c == '"':
			e, _, ok := fastString(b, i+1)
			if !ok {
				return 0, false
			}
			i = e + 1
		case c == '{' || c == '[':
			if depth == len(stack) {
				return 0, false
			}
			if depth == 0 && c != '{' {
				return 0, false
			}
			stack[depth] = c
			depth++
			i++
			if c == '{' {
				st = sKeyOrEnd
			} else {
				st = sValueOrEnd
			}
			continue
		case c == 't':
			if len(b)-i < 4 || string(b[i:i+4]) != "true" {
				return 0, false
			}
			i += 4
		case c == 'f':
			if len(b)-i < 5 || string(b[i:i+5]) != "false" {
				return 0, false
			}
			i += 5
		case c == 'n':
			if len(b)-i < 4 || string(b[i:i+4]) != "null" {
				return 0, false
			}
			i += 4
		case c == '-' || c >= '0' && c <= '9':
			e, ok := fastNumber(b, i)
			if !ok {
				return 0, false
			}
			i = e
		default:
			return 0, false
		}
		if depth == 0 {
			return 0, false // a scalar at the top: not an object
		}
		if depth == 1 && stack[0] == '{' && members != nil {
			*members = append(*members, member{key: key, keyEnd: keyEnd, val: int32(start), valEnd: int32(i), esc: keyEsc})
		}
		st = sAfterValue
	}
}

// fastString scans a string body from i: it returns the index of the
// closing quote and whether the body holds escapes, or false for a
// control character, a byte of 0x80 or more (left to the full validator's
// UTF-8 check), a bad escape or the end of b.
func fastString(b []byte, i int) (int, bool, bool) {
	esc := false
	for {
		for ; i+8 <= len(b); i += 8 {
			x := binary.LittleEndian.Uint64(b[i:])
			if m := zeroBytes(x^swarQ) | zeroBytes(x^swarBS) | (x-swarLo*0x20)&^x&swarHi | x&swarHi; m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
		}
		if i >= len(b) {
			return 0, false, false
		}
		switch c := b[i]; {
		case c == '"':
			return i, esc, true
		case c == '\\':
			if i+1 >= len(b) {
				return 0, false, false
			}
			esc = true
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return 0, false, false
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20 || c >= 0x80:
			return 0, false, false
		default:
			i++ // the tail of b, shorter than a word
		}
	}
}

// fastNumber checks a JSON number from i and returns the index after it.
func fastNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	d := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i == d || b[d] == '0' && i-d > 1 {
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d = i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d = i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, false
		}
	}
	return i, true
}
