package fn

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// randomJSON writes a random document with random whitespace, escaped
// strings and keys, and records the paths that exist in it.
func randomJSON(rng *rand.Rand, b *strings.Builder, depth int, path string, paths *[]string) {
	ws := func() {
		for k := rng.IntN(3); k > 0; k-- {
			b.WriteByte(" \n\t"[rng.IntN(3)])
		}
	}
	*paths = append(*paths, path)
	ws()
	switch r := rng.IntN(10); {
	case depth < 3 && r < 3:
		b.WriteByte('{')
		n := rng.IntN(4)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			ws()
			key := []string{"a", "b", "k\"q", "é", "x.y"}[rng.IntN(5)]
			key = fmt.Sprintf("%s%d", key, i)
			b.WriteString(jsonQuote(key))
			ws()
			b.WriteByte(':')
			randomJSON(rng, b, depth+1, path+"["+jsonQuote(key)+"]", paths)
		}
		ws()
		b.WriteByte('}')
	case depth < 3 && r < 5:
		b.WriteByte('[')
		n := rng.IntN(4)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			randomJSON(rng, b, depth+1, fmt.Sprintf("%s[%d]", path, i), paths)
		}
		ws()
		b.WriteByte(']')
	case r < 7:
		b.WriteString([]string{`"plain"`, `"tab\there"`, `"\u00e9\ud83d\ude00"`, `"q\"\\/"`, `""`}[rng.IntN(5)])
	case r < 8:
		b.WriteString([]string{"0", "-12", "1.5e3", "3.25"}[rng.IntN(4)])
	default:
		b.WriteString([]string{"true", "false", "null"}[rng.IntN(3)])
	}
	ws()
}

// The scanner must agree with a full parse (fastjson) on every path of
// random documents, and on paths that do not exist.
func TestJSONScannerAgainstFullParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var p fastjson.Parser
	for it := 0; it < 2000; it++ {
		var b strings.Builder
		var paths []string
		randomJSON(rng, &b, 0, "$", &paths)
		doc := b.String()
		paths = append(paths, "$.missing", `$["a0"][7]`, "$[9]")
		root, err := p.Parse(doc)
		if err != nil {
			t.Fatalf("generator wrote invalid JSON %q: %v", doc, err)
		}
		for _, path := range paths {
			steps, err := compilePath(path)
			if err != nil {
				t.Fatalf("compilePath(%q): %v", path, err)
			}
			ref := walkPath(root, steps)
			raw, kind, ok := scanPath(doc, steps)
			if (ref != nil) != ok {
				t.Fatalf("doc %q path %s: scanner found=%v, full parse found=%v", doc, path, ok, ref != nil)
			}
			if !ok {
				continue
			}
			// json_extract_scalar
			want, wantOK := scalarText(nil, ref)
			var got string
			gotOK := true
			switch kind {
			case jkString:
				got = unescapeJSON(raw[1 : len(raw)-1])
			case jkNumber, jkTrue, jkFalse:
				got = raw
			default:
				gotOK = false
			}
			if gotOK != wantOK || (gotOK && got != string(want)) {
				t.Fatalf("doc %q path %s: scalar %q/%v, full parse %q/%v", doc, path, got, gotOK, want, wantOK)
			}
			// json_extract: compact text equal to the re-serialized value.
			if c := string(compactJSON(nil, raw)); c != string(compactJSON(nil, string(ref.MarshalTo(nil)))) {
				t.Fatalf("doc %q path %s: json %s, full parse %s", doc, path, c, ref.MarshalTo(nil))
			}
		}
	}
}
