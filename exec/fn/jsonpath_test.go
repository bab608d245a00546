package fn

import (
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/ctlake/ctlake/planner"
)

// Paths from Trino's documentation, with the documented results.
func TestJSONPathDocExamples(t *testing.T) {
	objs := `[{"customer" : 100, "region" : "AFRICA"}, {"region" : "ASIA"}, {"customer" : 300, "region" : "AFRICA", "comment" : null}]`
	arrays := `[[0, 1, 2], ["a", "b", "c", "d"], [null, null]]`
	for _, c := range []struct{ doc, path, want string }{
		{objs, "lax $[*].customer", "100,300"},
		{objs, "lax $[*].*", `100,"AFRICA","ASIA",300,"AFRICA",null`},
		{arrays, "lax $[*][last]", `2,"d",null`},
		{arrays, "lax $[*][2 to 3]", `2,"c","d"`},
		{arrays, "lax $[*][1, 0, 0]", `1,0,0,"b","a","a",null,null,null`},
		{objs, `lax $[*]?(@.region != "ASIA").customer`, "100,300"},
		{objs, `lax $[*]?(!exists(@.customer)).region`, `"ASIA"`},
		{`[-1, 23e4, "5.6"]`, "lax $[*].double()", "-1,230000,5.6"},
		{`[-1.5, -1, 1.3]`, "lax $[*].ceiling()", "-1,-1,2"},
		{`[-1.5, -1, 1.3]`, "lax $[*].floor()", "-2,-1,1"},
		{`{"id":1,"notes":[{"type":1,"comment":"foo"},{"type":2,"comment":null}],"comment":["bar","baz"]}`, "lax $..comment", `["bar","baz"],"foo",null`},
		{`[[1, "a", null], {"key1" : 1.0, "key2" : true}, -2e3]`, "lax $[*].size()", "3,1,1"},
		{`{"a":1}`, "strict $.b", "ERROR"},
		{`{"a":1}`, "lax $.b", ""},
		{`{"a":[1,2]}`, "strict $.a[5]", "ERROR"},
		{`{"a":[1,2]}`, "lax $.a[5]", ""},
		{`{"a":2,"b":3}`, "$.a * $.b - 1", "5"},
		{`{"a":1}`, "$.a / 0", "ERROR"},
		// Three-valued && and ||: comparing a string with a number is
		// unknown; false decides &&, true decides ||.
		{`[1, 2, "s"]`, `lax $[*]?(@ > 1 && @ < 3)`, "2"},
		{`[1, 2, "s"]`, `lax $[*]?(@ > 1 || @ == "s")`, `2,"s"`},
		{`[1, 2, "s"]`, `lax $[*]?((@ > 1 && @ < 3) is unknown)`, `"s"`},
		{`[1, 2, "s"]`, `lax $[*]?((@ < 2 || @ > 5) is unknown)`, `"s"`},
		{`[1, 2, "s"]`, `lax $[*]?((@ < 2 || @ == "s") is unknown)`, `2`},
	} {
		jp, err := parseJSONPath(c.path)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		var p fastjson.Parser
		doc, err := p.Parse(c.doc)
		if err != nil {
			t.Fatal(err)
		}
		var e jpEval
		items, err := e.run(jp, doc)
		got := ""
		if err != nil {
			got = "ERROR"
		} else {
			parts := make([]string, len(items))
			for i, it := range items {
				parts[i] = string(it.MarshalTo(nil))
			}
			got = strings.Join(parts, ",")
		}
		if got != c.want {
			t.Errorf("%s over %s: got %s, want %s", c.path, c.doc, got, c.want)
		}
	}
}

func TestJSONPathSyntaxErrors(t *testing.T) {
	for _, p := range []string{"", "lax", "$.", "$[", "$[1", "$.a?(", "$.a?(@ ==)", "$.foo(", "$.nosuch()", "$name", "$.a starts", "$ $"} {
		if _, err := parseJSONPath(p); err == nil {
			t.Errorf("%q: no error", p)
		}
	}
}

// FuzzJSONPath checks that any path text parses or fails cleanly and that
// evaluating a parsed path over a small document never panics.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"lax $.a[*]?(@ > 2)", "strict $..c", "$.a.keyvalue().name", `$?(@.x like_regex "^a" flag "i")`, "$[last - 1 to last]"} {
		f.Add(s)
	}
	var p fastjson.Parser
	doc, _ := p.Parse(`{"a":[1,{"b":"x","c":[true,null]}],"c":2.5,"x":"abc"}`)
	f.Fuzz(func(t *testing.T, path string) {
		jp, err := parseJSONPath(path)
		if err != nil {
			return
		}
		var e jpEval
		_, _ = e.run(jp, doc)
	})
}

// FuzzFormat checks that format never panics on any format string.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"%s %d %.2f", "%2$s %1$s", "%-08.3e|%,d|%(d", "%%%n%b", "%", "%5"} {
		f.Add(s)
	}
	vals := []planner.Value{{Str: "x"}, {Int: -42}, {Float: 3.25}, {Null: true}}
	types := []planner.Type{tV, tI, tD, tB}
	f.Fuzz(func(t *testing.T, format string) {
		_, _ = javaFormat(format, vals, types)
	})
}

func TestXXH64Vectors(t *testing.T) {
	for in, want := range map[string]uint64{
		"":    0xef46db3751d8e999,
		"a":   0xd24ec4f1a98c6e5b,
		"abc": 0x44bc2cf5ad770999,
		"Nobody inspects the spammish repetition": 0xfbcea83c8a378bf1,
	} {
		if got := xxh64([]byte(in)); got != want {
			t.Errorf("xxh64(%q) = %x, want %x", in, got, want)
		}
	}
}
