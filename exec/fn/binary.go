package fn

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"unicode/utf8"

	"github.com/ctlake/ctlake/planner"
)

// Varbinary functions: to_utf8/from_utf8, base64 and hex codings, the
// hashes (md5, sha1, sha256, sha512, xxhash64, crc32) and length. Values
// are held in planner.Value.Str as raw bytes.

var tVB = planner.Varbinary

func (c *Catalog) addBinary() {
	bin := func(name string, in, out planner.Type, f func(s string) (planner.Value, error)) {
		c.fixed(name, ts(in), out, rowKernel(ts(in), out, false, func(a []planner.Value) (planner.Value, error) { return f(a[0].Str) }))
	}
	bin("to_utf8", tV, tVB, func(s string) (planner.Value, error) { return v(s), nil })
	bin("from_utf8", tVB, tV, func(s string) (planner.Value, error) { return v(fixUTF8(s, string(utf8.RuneError))), nil })
	c.fixed("from_utf8", ts(tVB, tV), tV, rowKernel(ts(tVB, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		if utf8.RuneCountInString(a[1].Str) > 1 {
			return vnull, errors.New("Replacement character string must empty or a single character")
		}
		return v(fixUTF8(a[0].Str, a[1].Str)), nil
	}))
	c.fixed("from_utf8", ts(tVB, tI), tV, rowKernel(ts(tVB, tI), tV, false, func(a []planner.Value) (planner.Value, error) {
		r := rune(a[1].Int)
		if a[1].Int < 0 || a[1].Int > utf8.MaxRune || !utf8.ValidRune(r) {
			return vnull, fmt.Errorf("Not a valid Unicode code point: %d", a[1].Int)
		}
		return v(fixUTF8(a[0].Str, string(r))), nil
	}))
	bin("to_base64", tVB, tV, func(s string) (planner.Value, error) { return v(base64.StdEncoding.EncodeToString([]byte(s))), nil })
	bin("to_base64url", tVB, tV, func(s string) (planner.Value, error) { return v(base64.URLEncoding.EncodeToString([]byte(s))), nil })
	for _, in := range []planner.Type{tVB, tV} {
		in := in
		bin("from_base64", in, tVB, func(s string) (planner.Value, error) { return decode64(base64.StdEncoding, s) })
		bin("from_base64url", in, tVB, func(s string) (planner.Value, error) { return decode64(base64.URLEncoding, s) })
		bin("from_hex", in, tVB, func(s string) (planner.Value, error) {
			b, err := hex.DecodeString(s)
			if err != nil {
				return vnull, errors.New("invalid input: from_hex expects an even number of hexadecimal digits")
			}
			return v(string(b)), nil
		})
	}
	bin("to_hex", tVB, tV, func(s string) (planner.Value, error) { return v(strings.ToUpper(hex.EncodeToString([]byte(s)))), nil })
	bin("md5", tVB, tVB, func(s string) (planner.Value, error) { h := md5.Sum([]byte(s)); return v(string(h[:])), nil })
	bin("sha1", tVB, tVB, func(s string) (planner.Value, error) { h := sha1.Sum([]byte(s)); return v(string(h[:])), nil })
	bin("sha256", tVB, tVB, func(s string) (planner.Value, error) { h := sha256.Sum256([]byte(s)); return v(string(h[:])), nil })
	bin("sha512", tVB, tVB, func(s string) (planner.Value, error) { h := sha512.Sum512([]byte(s)); return v(string(h[:])), nil })
	bin("xxhash64", tVB, tVB, func(s string) (planner.Value, error) {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], xxh64([]byte(s)))
		return v(string(b[:])), nil
	})
	bin("crc32", tVB, tI, func(s string) (planner.Value, error) { return vi(int64(crc32.ChecksumIEEE([]byte(s)))), nil })
	bin("length", tVB, tI, func(s string) (planner.Value, error) { return vi(int64(len(s))), nil })
}

// fixUTF8 replaces each invalid UTF-8 sequence of s with repl.
func fixUTF8(s, repl string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, repl)
}

// decode64 accepts text with or without padding, as Java's decoder does.
func decode64(enc *base64.Encoding, s string) (planner.Value, error) {
	b, err := enc.WithPadding(base64.NoPadding).DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return vnull, fmt.Errorf("Illegal base64 input: %s", s)
	}
	return v(string(b)), nil
}

// binaryCast converts between varchar and varbinary (UTF-8 bytes).
func binaryCast(from, to planner.Type) rowFn {
	switch {
	case from.Kind == planner.KindVarchar && to.Kind == planner.KindVarbinary:
		return func(a []planner.Value) (planner.Value, error) { return a[0], nil }
	case from.Kind == planner.KindVarbinary && to.Kind == planner.KindVarchar:
		return func(a []planner.Value) (planner.Value, error) {
			return v(fixUTF8(a[0].Str, string(utf8.RuneError))), nil
		}
	}
	return nil
}

// xxh64 is XXH64 with seed 0 (Trino's xxhash64).
func xxh64(b []byte) uint64 {
	var (
		p1 uint64 = 11400714785074694791
		p2 uint64 = 14029467366897019727
		p3 uint64 = 1609587929392839161
		p4 uint64 = 9650029242287828579
		p5 uint64 = 2870177450012600261
	)
	rotl := func(x uint64, r uint) uint64 { return x<<r | x>>(64-r) }
	round := func(acc, in uint64) uint64 {
		acc += in * p2
		return rotl(acc, 31) * p1
	}
	merge := func(acc, v uint64) uint64 {
		acc ^= round(0, v)
		return acc*p1 + p4
	}
	n := len(b)
	var h uint64
	if n >= 32 {
		v1, v2, v3, v4 := p1+p2, p2, uint64(0), 0-p1
		for len(b) >= 32 {
			v1 = round(v1, binary.LittleEndian.Uint64(b[0:]))
			v2 = round(v2, binary.LittleEndian.Uint64(b[8:]))
			v3 = round(v3, binary.LittleEndian.Uint64(b[16:]))
			v4 = round(v4, binary.LittleEndian.Uint64(b[24:]))
			b = b[32:]
		}
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)
		h = merge(h, v1)
		h = merge(h, v2)
		h = merge(h, v3)
		h = merge(h, v4)
	} else {
		h = p5
	}
	h += uint64(n)
	for ; len(b) >= 8; b = b[8:] {
		h ^= round(0, binary.LittleEndian.Uint64(b))
		h = rotl(h, 27)*p1 + p4
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * p1
		h = rotl(h, 23)*p2 + p3
		b = b[4:]
	}
	for _, c := range b {
		h ^= uint64(c) * p5
		h = rotl(h, 11) * p1
	}
	h ^= h >> 33
	h *= p2
	h ^= h >> 29
	h *= p3
	h ^= h >> 32
	return h
}
