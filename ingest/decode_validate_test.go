package ingest

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckJSON(t *testing.T) {
	cases := []struct {
		in    string
		ok    bool
		hasWS bool
	}{
		{`{}`, true, false},
		{` {"a" : [1,-0.5e+3,"x\u00e9\n\"",true,false,null,{}]} `, true, true},
		{`{"s":"a b\tc"}`, true, false}, // whitespace inside strings does not count
		{`{"a":1,}`, false, false},
		{`{"a":01}`, false, false},
		{`{"a":1.}`, false, false},
		{`{"a":-}`, false, false},
		{`{"a":NaN}`, false, false},
		{`{"a":tru}`, false, false},
		{`{"a":"\x"}`, false, false},
		{`{"a":"\u12G4"}`, false, false},
		{"{\"a\":\"\x1f\"}", false, false},
		{"{\"a\":\"\xc3\"}", false, false},
		{"{\"a\":\"\xe2\x82\xac\"}", true, false},
		{`{"a":1}x`, false, false},
		{`{"a" 1}`, false, false},
		{`[1 2]`, false, false},
		{`"unterminated`, false, false},
		{strings.Repeat("[", 301) + strings.Repeat("]", 301), false, false},
		{strings.Repeat("[", 300) + strings.Repeat("]", 300), true, false},
	}
	for _, c := range cases {
		ws, err := checkJSON([]byte(c.in))
		if (err == nil) != c.ok || err == nil && ws != c.hasWS {
			t.Errorf("checkJSON(%q) = %v, %v; want ok=%v ws=%v", c.in, ws, err, c.ok, c.hasWS)
		}
		if c.ok && !json.Valid([]byte(c.in)) {
			t.Errorf("case %q: encoding/json disagrees", c.in)
		}
	}
}

// FuzzCheckJSON compares checkJSON with encoding/json.Valid plus
// utf8.Valid (encoding/json lets invalid UTF-8 through).
func FuzzCheckJSON(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := checkJSON(b)
		if err == errTooDeep {
			return
		}
		want := json.Valid(b) && utf8.Valid(b)
		if (err == nil) != want {
			t.Fatalf("checkJSON(%q) = %v, encoding/json+utf8 say valid=%v", b, err, want)
		}
	})
}
