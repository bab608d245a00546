package fn

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/valyala/fastjson"

	"github.com/ctlake/ctlake/planner"
)

// FuzzJSONFunctions runs every JSON function and cast over one document
// and path: nothing may panic or overflow the stack (the seeds include
// documents nested far past fastjson.MaxDepth), errors stay short, and
// json_parse accepts exactly the documents encoding/json accepts within
// the depth limit. Run with
//
//	go test ./exec/fn -run '^$' -fuzz FuzzJSONFunctions -fuzztime 60s
func FuzzJSONFunctions(f *testing.F) {
	for _, s := range [][2]string{
		{`{"a":{"b":[1,{"c":"x"}]}}`, `$.a.b[1].c`},
		{`[1, 2.5e3, "x", true, null, {}]`, `$[5]`},
		{`{"k\"q": "v\u00e9"}`, `$["k\"q"]`},
		{strings.Repeat("[", 400) + strings.Repeat("]", 400), `$[0]`},
		{strings.Repeat(`{"a":`, 301) + "1" + strings.Repeat("}", 301), `$.a.a`},
		{strings.Repeat("[", 299) + `"]"` + strings.Repeat("]", 299), `$[0][0]`},
		{strings.Repeat("[", 5000), `$`},
		{`"\ud800"`, `$`},
		{`{"a":1,"a":2}`, `$.a`},
		{` [ 1 , 2 ] `, `$[1]`},
	} {
		f.Add(s[0], s[1])
	}
	ctx := &Context{Mem: memory.DefaultAllocator}
	type fnCall struct {
		name string
		args []planner.Type
	}
	calls := []fnCall{
		{"json_parse", ts(tV)},
		{"json_extract", ts(tV, tV)},
		{"json_extract_scalar", ts(tV, tV)},
		{"json_size", ts(tV, tV)},
		{"json_array_length", ts(tV)},
		{"json_array_get", ts(tV, tI)},
		{"json_array_contains", ts(tV, tV)},
		{"is_json_scalar", ts(tV)},
		{"json_format", ts(tJ)},
	}
	kernels := make([]*Scalar, len(calls))
	for i, c := range calls {
		s, err := testCatalog.ResolveScalar(c.name, c.args)
		if err != nil {
			f.Fatal(err)
		}
		kernels[i] = s
	}
	casts := []planner.Type{tV, tI, tD, tB, planner.ArrayOf(tJ), planner.MapOf(tV, tJ), planner.ArrayOf(tI), planner.MapOf(tV, tV)}
	f.Fuzz(func(t *testing.T, doc, path string) {
		args := func(s *Scalar) []Vec {
			vs := []Vec{{IsConst: true, Const: planner.Value{Str: doc}}}
			for _, p := range s.Ps[1:] {
				c := planner.Value{Str: path}
				if p.Kind == planner.KindBigint {
					c = planner.Value{Int: int64(len(path))}
				}
				vs = append(vs, Vec{IsConst: true, Const: c})
			}
			return vs
		}
		for i, s := range kernels {
			out, err := s.Kernel(ctx, args(s), 1)
			if err != nil {
				if len(err.Error()) > 400 {
					t.Fatalf("%s: error of %d bytes", calls[i].name, len(err.Error()))
				}
				continue
			}
			out.Release()
		}
		for _, to := range casts {
			for _, try := range []bool{false, true} {
				k, err := CastKernel(tJ, to, try)
				if err != nil {
					continue
				}
				out, err := k(ctx, []Vec{{IsConst: true, Const: planner.Value{Str: doc}}}, 1)
				if err != nil {
					if try || len(err.Error()) > 400 {
						t.Fatalf("CAST(json AS %s) try=%v: %.400v", to, try, err)
					}
					continue
				}
				out.Release()
			}
		}
		// json_parse agrees with encoding/json within the depth limit.
		if !utf8.ValidString(doc) {
			return
		}
		got := validateJSON(doc) == nil
		want := json.Valid([]byte(doc)) && !jsonTooDeep(doc)
		if got != want {
			t.Fatalf("json_parse accepts %q: %v, encoding/json (depth <= %d): %v", doc, got, fastjson.MaxDepth, want)
		}
		if got {
			out, err := kernels[0].Kernel(ctx, args(kernels[0]), 1)
			if err != nil {
				t.Fatal(err)
			}
			text := arrGetter(out, tJ)(0).Str
			if !json.Valid([]byte(text)) {
				t.Fatalf("json_parse(%q) = %q, not JSON", doc, text)
			}
			out.Release()
		}
	})
}
