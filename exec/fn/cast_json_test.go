package fn

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

func castArray(t *testing.T, a arrow.Array, from, to planner.Type, try bool) ([]string, error) {
	t.Helper()
	k, err := CastKernel(from, to, try)
	if err != nil {
		return nil, err
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	out, err := k(&Context{Mem: mem}, []Vec{{Arr: a}}, a.Len())
	if err != nil {
		return nil, err
	}
	defer out.Release()
	if !arrow.TypeEqual(out.DataType(), to.Arrow()) {
		t.Fatalf("cast result type %v, want %v", out.DataType(), to.Arrow())
	}
	res := make([]string, out.Len())
	for i := range res {
		res[i] = arrString(out, i)
	}
	return res, nil
}

func TestCompoundJSONCasts(t *testing.T) {
	maps := buildMaps([][]string{{"z", "1", "a", `x"y`}, nil, {}})
	defer maps.Release()
	got, err := castArray(t, maps, planner.MapOf(tV, tV), tJ, false)
	// Keys sorted, values JSON strings (Trino's MapToJsonCast).
	if err != nil || strings.Join(got, "|") != `{"a":"x\"y","z":"1"}|NULL|{}` {
		t.Errorf("CAST(map AS json) = %q, %v", got, err)
	}
	lists := buildIntLists([][]any{{1, nil, 456}, {}})
	defer lists.Release()
	got, err = castArray(t, lists, planner.ArrayOf(tI), tJ, false)
	// Trino docs: CAST(ARRAY[1, NULL, 456] AS JSON) = JSON '[1,null,456]'.
	if err != nil || strings.Join(got, "|") != `[1,null,456]|[]` {
		t.Errorf("CAST(array AS json) = %q, %v", got, err)
	}

	docs := buildArray(tJ, planner.Value{Str: `{"b": {"c": [1, 2]}, "a": "x", "n": null}`}, 1)
	defer docs.Release()
	got, err = castArray(t, docs, tJ, planner.MapOf(tV, tJ), false)
	if err != nil || got[0] != `[{"key":"b","value":"{\"c\":[1,2]}"},{"key":"a","value":"\"x\""},{"key":"n","value":null}]` {
		t.Errorf("CAST(json AS map(varchar, json)) = %q, %v", got, err)
	}
	arr := buildArray(tJ, planner.Value{Str: `["b", "a", null, 3]`}, 1)
	defer arr.Release()
	got, err = castArray(t, arr, tJ, planner.ArrayOf(tV), false)
	if err != nil || got[0] != `["b","a",(null),"3"]` && got[0] != `["b","a",null,"3"]` {
		t.Errorf("CAST(json AS array(varchar)) = %q, %v", got, err)
	}
	if _, err = castArray(t, arr, tJ, planner.MapOf(tV, tV), false); err == nil || !strings.Contains(err.Error(), "Expected a json object") {
		t.Errorf("CAST(json array AS map) error = %v", err)
	}
	got, err = castArray(t, arr, tJ, planner.MapOf(tV, tV), true)
	if err != nil || got[0] != "NULL" {
		t.Errorf("TRY_CAST(json array AS map) = %q, %v", got, err)
	}
	// CAST(NULL AS array(varchar)) is a NULL of the compound type.
	nulls := nullArray(planner.Unknown, 2)
	defer nulls.Release()
	got, err = castArray(t, nulls, planner.Unknown, planner.ArrayOf(tV), false)
	if err != nil || strings.Join(got, "|") != "NULL|NULL" {
		t.Errorf("CAST(NULL AS array(varchar)) = %q, %v", got, err)
	}
	nested := buildArray(tJ, planner.Value{Str: `[{"ARN": "arn:1", "type": "AWS::S3::Object"}]`}, 1)
	defer nested.Release()
	rt := planner.ArrayOf(planner.RowOf(planner.Field{Name: "type", Type: tV}, planner.Field{Name: "arn", Type: tV}))
	got, err = castArray(t, nested, tJ, rt, false)
	if err != nil || got[0] != `[{"arn":"arn:1","type":"AWS::S3::Object"}]` { // Arrow renders struct fields sorted
		t.Errorf("CAST(json AS array(row)) = %q, %v", got, err)
	}
}
