package duckpeer

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// CanonicalJSON rewrites a JSON text so that two spellings of the same value
// compare equal as strings: no insignificant whitespace, strings with
// minimal escapes (no \uXXXX for printable characters, no \/), numbers in
// the shortest form of their value (1.50 and 1.5 give 1.5; 1e3, 1000.0 and
// 1000 give 1000; integers beyond float64 keep their digits). Key order is
// kept: ctlake and DuckDB both keep the source order.
//
// Differential tests need it because ctlake keeps a nested value's source
// text while DuckDB re-serializes it (see the README). ok is false when text
// is not one JSON value.
func CanonicalJSON(text string) (out string, ok bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var b bytes.Buffer
	// Each container level remembers whether the next token is an object
	// key and whether a separator is due.
	type level struct{ object, key, first bool }
	var stack []level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", false
		}
		if d, isDelim := tok.(json.Delim); isDelim && (d == '}' || d == ']') {
			b.WriteByte(byte(d))
			stack = stack[:len(stack)-1]
			continue
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			switch {
			case top.object && top.key:
				if !top.first {
					b.WriteByte(',')
				}
			case top.object:
				b.WriteByte(':')
			case !top.first:
				b.WriteByte(',')
			}
			top.first = false
			if top.object {
				top.key = !top.key
			}
		}
		switch x := tok.(type) {
		case json.Delim:
			b.WriteByte(byte(x))
			stack = append(stack, level{object: x == '{', key: x == '{', first: true})
		case string:
			writeString(&b, x)
		case json.Number:
			b.WriteString(canonicalNumber(string(x)))
		case bool:
			b.WriteString(strconv.FormatBool(x))
		case nil:
			b.WriteString("null")
		}
	}
	if len(stack) != 0 || b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a Go string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

func canonicalNumber(n string) string {
	if !strings.ContainsAny(n, ".eE") {
		if i, ok := new(big.Int).SetString(n, 10); ok {
			return i.String()
		}
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return n
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
