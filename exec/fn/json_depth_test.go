package fn

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// TestJSONDepthLimit: two million nested '[' used to overflow the stack in
// fastjson.Validate (json_parse, json_extract). Every JSON function now
// returns an error or NULL, with a short message, and nothing recurses
// deeper than fastjson.MaxDepth.
func TestJSONDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", 2_000_000) + strings.Repeat("]", 2_000_000)
	deepObj := strings.Repeat(`{"a":`, 500_000) + "1" + strings.Repeat("}", 500_000)
	unclosed := strings.Repeat("[", 2_000_000)
	at300 := strings.Repeat("[", 300) + strings.Repeat("]", 300)
	past300 := "[" + at300 + "]"
	errCases := []fcase{
		{name: "json_parse", args: []tv{S(deep)}, err: "JSON nested deeper than 300 levels"},
		{name: "json_parse", args: []tv{S(deepObj)}, err: "JSON nested deeper than 300 levels"},
		{name: "json_parse", args: []tv{S(unclosed)}, err: "JSON nested deeper than 300 levels"},
		{name: "json_parse", args: []tv{S(past300)}, err: "JSON nested deeper than 300 levels"},
		{name: "is_json_scalar", args: []tv{S(deep)}, err: "Invalid JSON value"},
	}
	runCases(t, errCases)
	for _, c := range errCases {
		if _, err := call(t, c.name, c.args...); err != nil && len(err.Error()) > 300 {
			t.Errorf("%s: message of %d bytes", c.name, len(err.Error()))
		}
	}
	null := N(tV)
	runCases(t, []fcase{
		{name: "json_parse", args: []tv{S(at300)}, want: J(at300)},
		{name: "json_extract", args: []tv{S(deep), S("$")}, want: N(tJ)},
		{name: "json_extract", args: []tv{S(deep), S("$[0][0]")}, want: N(tJ)},
		{name: "json_extract", args: []tv{S(deepObj), S("$.a.a")}, want: N(tJ)},
		{name: "json_extract", args: []tv{S(past300), S("$[0]")}, want: J(at300)},
		{name: "json_extract_scalar", args: []tv{S(deep), S("$[0]")}, want: null},
		{name: "json_array_length", args: []tv{S(deep)}, want: N(tI)},
		{name: "json_size", args: []tv{S(deep), S("$")}, want: N(tI)},
		{name: "json_array_get", args: []tv{S(deep), I(0)}, want: N(tJ)},
	})
}

// TestJSONDepthCasts covers CAST to and from json over deep documents.
func TestJSONDepthCasts(t *testing.T) {
	deep := strings.Repeat("[", 2_000_000) + strings.Repeat("]", 2_000_000)
	ctx := &Context{Mem: memory.DefaultAllocator}
	arrJSON := planner.ArrayOf(tJ)
	for _, c := range []struct {
		from, to planner.Type
		err      string
	}{
		{tJ, tV, "Invalid JSON"},
		{tJ, arrJSON, "JSON nested deeper than 300 levels"},
		{tJ, planner.MapOf(tV, tJ), "JSON nested deeper than 300 levels"},
	} {
		k, err := CastKernel(c.from, c.to, false)
		if err != nil {
			t.Fatal(err)
		}
		_, err = k(ctx, []Vec{{IsConst: true, Const: planner.Value{Str: deep}}}, 1)
		if err == nil || !strings.Contains(err.Error(), c.err) || len(err.Error()) > 300 {
			t.Errorf("CAST(json AS %s): %.200v", c.to, err)
		}
		// TRY_CAST gives NULL.
		k, _ = CastKernel(c.from, c.to, true)
		if a, err := k(ctx, []Vec{{IsConst: true, Const: planner.Value{Str: deep}}}, 1); err != nil || !a.IsNull(0) {
			t.Errorf("TRY_CAST(json AS %s): %v", c.to, err)
		}
	}
	// CAST(varchar AS json) makes a JSON string without parsing.
	k, _ := CastKernel(tV, tJ, false)
	a, err := k(ctx, []Vec{{IsConst: true, Const: planner.Value{Str: deep}}}, 1)
	if err != nil || arrGetter(a, tJ)(0).Str != `"`+deep+`"` {
		t.Errorf("CAST(varchar AS json): %v", err)
	}
}
