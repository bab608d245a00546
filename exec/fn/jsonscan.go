package fn

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A path-directed JSON scanner for json_extract and json_extract_scalar:
// it walks the document once, descending only into the members and
// elements the path names and skipping everything else without building
// values. Like Trino's streaming extractor it stops at the target, so text
// after it is not validated; malformed text before it gives "not found".

// jsonKind classifies a scanned value by its first byte.
type jsonKind byte

const (
	jkString jsonKind = 's'
	jkNumber jsonKind = 'n'
	jkTrue   jsonKind = 't'
	jkFalse  jsonKind = 'f'
	jkNull   jsonKind = 'z'
	jkObject jsonKind = 'o'
	jkArray  jsonKind = 'a'
)

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the closing quote of the string
// starting at s[i] == '"', and whether it contains escapes.
func skipString(s string, i int) (int, bool, bool) {
	esc := false
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			return j + 1, esc, true
		case '\\':
			esc = true
			j++
		}
	}
	return 0, false, false
}

// skipValue returns the index after the value starting at s[i].
func skipValue(s string, i int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; {
	case c == '"':
		j, _, ok := skipString(s, i)
		return j, ok
	case c == '{' || c == '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				k, _, ok := skipString(s, j)
				if !ok {
					return 0, false
				}
				j = k - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	case c == 't':
		return i + 4, strings.HasPrefix(s[i:], "true")
	case c == 'f':
		return i + 5, strings.HasPrefix(s[i:], "false")
	case c == 'n':
		return i + 4, strings.HasPrefix(s[i:], "null")
	case c == '-' || (c >= '0' && c <= '9'):
		j := i + 1
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' || s[j] == '+' || s[j] == '-') {
			j++
		}
		return j, true
	}
	return 0, false
}

// scanPath finds the value at steps; it returns the raw text and kind.
func scanPath(doc string, steps []pathStep) (string, jsonKind, bool) {
	i := skipSpace(doc, 0)
	for _, st := range steps {
		if i >= len(doc) {
			return "", 0, false
		}
		if st.index < 0 {
			if doc[i] != '{' {
				return "", 0, false
			}
			i = skipSpace(doc, i+1)
			found := false
			for i < len(doc) && doc[i] != '}' {
				if doc[i] != '"' {
					return "", 0, false
				}
				end, esc, ok := skipString(doc, i)
				if !ok {
					return "", 0, false
				}
				key := doc[i+1 : end-1]
				match := key == st.key
				if esc {
					match = unescapeJSON(key) == st.key
				}
				i = skipSpace(doc, end)
				if i >= len(doc) || doc[i] != ':' {
					return "", 0, false
				}
				i = skipSpace(doc, i+1)
				if match {
					found = true
					break
				}
				if i, ok = skipValue(doc, i); !ok {
					return "", 0, false
				}
				i = skipSpace(doc, i)
				if i < len(doc) && doc[i] == ',' {
					i = skipSpace(doc, i+1)
				}
			}
			if !found {
				return "", 0, false
			}
			continue
		}
		if doc[i] != '[' {
			return "", 0, false
		}
		i = skipSpace(doc, i+1)
		for k := 0; k < st.index; k++ {
			if i >= len(doc) || doc[i] == ']' {
				return "", 0, false
			}
			var ok bool
			if i, ok = skipValue(doc, i); !ok {
				return "", 0, false
			}
			i = skipSpace(doc, i)
			if i >= len(doc) || doc[i] != ',' {
				return "", 0, false
			}
			i = skipSpace(doc, i+1)
		}
		if i >= len(doc) || doc[i] == ']' {
			return "", 0, false
		}
	}
	end, ok := skipValue(doc, i)
	if !ok || end > len(doc) {
		return "", 0, false
	}
	var kind jsonKind
	switch c := doc[i]; c {
	case '"':
		kind = jkString
	case '{':
		kind = jkObject
	case '[':
		kind = jkArray
	case 't':
		kind = jkTrue
	case 'f':
		kind = jkFalse
	case 'n':
		kind = jkNull
	default:
		kind = jkNumber
	}
	return doc[i:end], kind, true
}

// unescapeJSON decodes the body of a JSON string (without quotes).
// Invalid escapes are kept as written.
func unescapeJSON(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			continue
		}
		i++
		switch s[i] {
		case '"', '\\', '/':
			b = append(b, s[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, n := decodeU(s[i+1:])
			if n == 0 {
				b = append(b, '\\', 'u')
				continue
			}
			i += n
			if utf16.IsSurrogate(r) && strings.HasPrefix(s[i+1:], `\u`) {
				r2, n2 := decodeU(s[i+3:])
				if n2 > 0 {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 2 + n2
					}
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			b = append(b, '\\', s[i])
		}
	}
	return string(b)
}

func decodeU(s string) (rune, int) {
	if len(s) < 4 {
		return 0, 0
	}
	v, err := strconv.ParseUint(s[:4], 16, 32)
	if err != nil {
		return 0, 0
	}
	return rune(v), 4
}

// compactJSON removes insignificant whitespace from valid JSON text and
// rewrites escaped strings canonically (\u00e9 becomes é, \/ becomes /), as
// Trino's re-serialization does.
func compactJSON(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			end, esc, ok := skipString(s, i)
			if !ok {
				return append(dst, s[i:]...)
			}
			if esc { // canonical form: decode, then escape only what JSON requires
				dst = appendJSONString(dst, unescapeJSON(s[i+1:end-1]))
			} else {
				dst = append(dst, s[i:end]...)
			}
			i = end - 1
			continue
		}
		dst = append(dst, c)
	}
	return dst
}
