package gen

import "strconv"

// The event builder appends JSON to a []byte instead of marshalling maps:
// encoding/json of map[string]any is an order of magnitude too slow for
// millions of events, and key order must be stable anyway.

const hexDigits = "0123456789abcdef"

var safeByte = func() (t [256]bool) {
	for i := 0x20; i < 256; i++ {
		t[i] = true
	}
	t['"'] = false
	t['\\'] = false
	return
}()

// appendStr appends s as a JSON string. Bytes >= 0x80 pass through: the
// generator only emits valid UTF-8.
func appendStr(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if safeByte[c] {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendKV appends "key":"value" followed by a comma. Keys are constants that
// never need escaping.
func appendKV(dst []byte, key, val string) []byte {
	dst = append(dst, '"')
	dst = append(dst, key...)
	dst = append(dst, '"', ':')
	dst = appendStr(dst, val)
	return append(dst, ',')
}

// appendKey appends "key": .
func appendKey(dst []byte, key string) []byte {
	dst = append(dst, '"')
	dst = append(dst, key...)
	return append(dst, '"', ':')
}

func appendKInt(dst []byte, key string, v int64) []byte {
	dst = appendKey(dst, key)
	dst = strconv.AppendInt(dst, v, 10)
	return append(dst, ',')
}

func appendKBool(dst []byte, key string, v bool) []byte {
	dst = appendKey(dst, key)
	dst = strconv.AppendBool(dst, v)
	return append(dst, ',')
}

// closeObj replaces a trailing comma with '}' (or appends '}' after '{').
func closeObj(dst []byte) []byte {
	if n := len(dst); n > 0 && dst[n-1] == ',' {
		dst[n-1] = '}'
		return dst
	}
	return append(dst, '}')
}

// closeArr is closeObj for arrays.
func closeArr(dst []byte) []byte {
	if n := len(dst); n > 0 && dst[n-1] == ',' {
		dst[n-1] = ']'
		return dst
	}
	return append(dst, ']')
}

// appendUUID appends a random (version 4) UUID in CloudTrail's lower-case form.
func appendUUID(dst []byte, r *rng) []byte {
	a, b := r.next(), r.next()
	a = a&^(0xf<<12) | 4<<12 // version nibble
	b = b&^(3<<62) | 2<<62   // variant
	var buf [36]byte
	j := 0
	for i := 0; i < 16; i++ {
		var x byte
		if i < 8 {
			x = byte(a >> (56 - 8*i))
		} else {
			x = byte(b >> (56 - 8*(i-8)))
		}
		if i == 4 || i == 6 || i == 8 || i == 10 {
			buf[j] = '-'
			j++
		}
		buf[j], buf[j+1] = hexDigits[x>>4], hexDigits[x&15]
		j += 2
	}
	return append(dst, buf[:]...)
}

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const mixedAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const upperHex = "0123456789ABCDEF"

// appendRand appends n characters drawn from alphabet.
func appendRand(dst []byte, r *rng, alphabet string, n int) []byte {
	for n > 0 {
		x := r.next()
		for k := 0; k < 8 && n > 0; k++ {
			dst = append(dst, alphabet[int(x&0xff)%len(alphabet)])
			x >>= 8
			n--
		}
	}
	return dst
}

func randString(r *rng, alphabet string, n int) string {
	return string(appendRand(make([]byte, 0, n), r, alphabet, n))
}
