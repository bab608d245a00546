package fn

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// FuzzLike compares LikeMatcher with the naive regexp translation. Run with
// go test -fuzz FuzzLike ./exec/fn; by default only the seeds run.
func FuzzLike(f *testing.F) {
	for _, s := range [][2]string{{"a%b_c", "aXXbyc"}, {"%!%%", "50%"}, {"_é%", "xé"}, {"", ""}, {"%a%a%", "aa"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return
		}
		m, err := LikeMatcher(pattern, "!")
		if err != nil {
			return // invalid escape use
		}
		if got, want := m(s), likeRegexp(pattern, "!").MatchString(s); got != want {
			t.Fatalf("%q LIKE %q ESCAPE '!' = %v, regexp says %v", s, pattern, got, want)
		}
	})
}

// FuzzJSONScan checks that the scanner never panics and agrees with a full
// parse on valid documents.
func FuzzJSONScan(f *testing.F) {
	f.Add(`{"a":{"b":[1,{"c":"x"}]}}`, `$.a.b[1].c`)
	f.Add(`[1, 2, 3]`, `$[2]`)
	f.Add(`{"k\"q": "v"}`, `$["k\"q"]`)
	f.Fuzz(func(t *testing.T, doc, path string) {
		steps, err := compilePath(path)
		if err != nil {
			return
		}
		raw, _, ok := scanPath(doc, steps)
		if !json.Valid([]byte(doc)) {
			return // malformed: any answer is acceptable, not a panic
		}
		var p fastjson.Parser
		root, err := p.Parse(doc)
		if err != nil {
			t.Fatalf("fastjson rejects valid JSON %q: %v", doc, err)
		}
		ref := walkPath(root, steps)
		if (ref != nil) != ok {
			t.Fatalf("doc %q path %q: scanner found=%v, full parse found=%v", doc, path, ok, ref != nil)
		}
		if ok && string(compactJSON(nil, raw)) != string(compactJSON(nil, string(ref.MarshalTo(nil)))) {
			t.Fatalf("doc %q path %q: scanner %q, full parse %q", doc, path, raw, ref.MarshalTo(nil))
		}
	})
}
