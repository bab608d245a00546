package ingest

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// maxDepth is fastjson's nesting limit; deeper events are rejected here
// with a clear reason rather than by the parser.
const maxDepth = 300

var errTooDeep = errors.New("nested deeper than 300 levels")

// checkJSON validates an event in one pass before fastjson parses it:
// strict JSON (RFC 8259; fastjson's own parser lets NaN, control characters
// and bad escapes through) and valid UTF-8. It also reports whether the
// text has whitespace outside strings, so that compacting eventJson can be
// skipped for the common, already compact events. It replaces three passes
// (utf8.Valid, fastjson.Validate, the compaction scan) that cost about a
// quarter of decoding.
func checkJSON(b []byte) (hasWS bool, err error) {
	v := validator{b: b}
	if err := v.value(0); err != nil {
		return false, err
	}
	v.skipWS()
	if v.i < len(b) {
		return false, v.fail("data after the end of the event")
	}
	return v.ws, nil
}

type validator struct {
	b  []byte
	i  int
	ws bool
	// wrapperCheck makes object fail with errWrapper when the outermost
	// object has a "Records" key whose value is an array: at the top level
	// of an input that object is a CloudTrail file's wrapper, not an event
	// (the Framer then takes the structural path that unwraps it).
	wrapperCheck bool
	// members, when set, receives the top-level object's members as they
	// are validated: a Projection then finds its values without a second
	// pass over the event (decode_project.go).
	members *[]member
	// esc is set by str when the string it read held an escape.
	esc bool
}

var errWrapper = errors.New(`a {"Records":[...]} wrapper`)

func (v *validator) fail(what string) error {
	if v.i < len(v.b) && v.b[v.i] >= 0x80 {
		if r, _ := utf8.DecodeRune(v.b[v.i:]); r == utf8.RuneError {
			return fmt.Errorf("invalid UTF-8 at byte %d of the event", v.i)
		}
	}
	if v.i >= len(v.b) {
		return fmt.Errorf("invalid JSON: unexpected end of the event (%s)", what)
	}
	return fmt.Errorf("invalid JSON at byte %d of the event: %s", v.i, what)
}

func (v *validator) skipWS() {
	for v.i < len(v.b) {
		switch v.b[v.i] {
		case ' ', '\t', '\n', '\r':
			v.i++
			v.ws = true
		default:
			return
		}
	}
}

func (v *validator) value(depth int) error {
	v.skipWS()
	if v.i >= len(v.b) {
		return v.fail("a value expected")
	}
	switch c := v.b[v.i]; {
	case c == '{':
		return v.object(depth + 1)
	case c == '[':
		return v.array(depth + 1)
	case c == '"':
		return v.str()
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return v.number()
	}
	return v.fail(fmt.Sprintf("unexpected %q", v.b[v.i]))
}

func (v *validator) object(depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	v.i++ // '{'
	v.skipWS()
	if v.i < len(v.b) && v.b[v.i] == '}' {
		v.i++
		return nil
	}
	for {
		v.skipWS()
		if v.i >= len(v.b) || v.b[v.i] != '"' {
			return v.fail("a key expected")
		}
		key := v.i
		if err := v.str(); err != nil {
			return err
		}
		keyEnd, keyEsc := v.i, v.esc
		v.skipWS()
		if v.i >= len(v.b) || v.b[v.i] != ':' {
			return v.fail("':' expected")
		}
		v.i++
		if depth == 1 && v.wrapperCheck && keyEnd-key == 9 && v.isWrapperKey(key) {
			return errWrapper
		}
		if v.members != nil && depth == 1 {
			v.skipWS()
			val := v.i
			if err := v.value(depth); err != nil {
				return err
			}
			*v.members = append(*v.members, member{key: int32(key + 1), keyEnd: int32(keyEnd - 1), val: int32(val), valEnd: int32(v.i), esc: keyEsc})
		} else if err := v.value(depth); err != nil {
			return err
		}
		v.skipWS()
		if v.i >= len(v.b) {
			return v.fail("',' or '}' expected")
		}
		switch v.b[v.i] {
		case ',':
			v.i++
		case '}':
			v.i++
			return nil
		default:
			return v.fail("',' or '}' expected")
		}
	}
}

// isWrapperKey reports whether the 9-byte key at b[key:] is "Records" and
// the value after its ':' (v.i) starts an array.
func (v *validator) isWrapperKey(key int) bool {
	if string(v.b[key:key+9]) != `"Records"` {
		return false
	}
	v.skipWS()
	return v.i < len(v.b) && v.b[v.i] == '['
}

func (v *validator) array(depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	v.i++ // '['
	v.skipWS()
	if v.i < len(v.b) && v.b[v.i] == ']' {
		v.i++
		return nil
	}
	for {
		if err := v.value(depth); err != nil {
			return err
		}
		v.skipWS()
		if v.i >= len(v.b) {
			return v.fail("',' or ']' expected")
		}
		switch v.b[v.i] {
		case ',':
			v.i++
		case ']':
			v.i++
			return nil
		default:
			return v.fail("',' or ']' expected")
		}
	}
}

func (v *validator) str() error {
	b := v.b
	i := v.i + 1 // past '"'
	v.esc = false
	for {
		i += strSpecial(b[i:])
		if i >= len(b) {
			v.i = i
			return v.fail("unterminated string")
		}
		switch c := b[i]; {
		case c == '"':
			v.i = i + 1
			return nil
		case c == '\\':
			v.esc = true
			if i+1 >= len(b) {
				v.i = i + 1
				return v.fail("unterminated escape")
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					v.i = i
					return v.fail(`bad \u escape`)
				}
				i += 6
			default:
				v.i = i
				return v.fail(fmt.Sprintf("bad escape %q", b[i+1]))
			}
		case c < 0x20:
			v.i = i
			return v.fail(fmt.Sprintf("control character %#02x in a string", c))
		default: // >= 0x80
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				return fmt.Errorf("invalid UTF-8 at byte %d of the event", i)
			}
			i += n
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (v *validator) literal(word string) error {
	if len(v.b)-v.i < len(word) || string(v.b[v.i:v.i+len(word)]) != word {
		return v.fail("bad literal")
	}
	v.i += len(word)
	return nil
}

func (v *validator) number() error {
	b, i := v.b, v.i
	if b[i] == '-' {
		i++
	}
	digits := func() int {
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - s
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		v.i = i
		return v.fail("bad number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			v.i = i
			return v.fail("bad number fraction")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			v.i = i
			return v.fail("bad number exponent")
		}
	}
	v.i = i
	return nil
}
