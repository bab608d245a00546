package fn

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

var mapVV = planner.MapOf(tV, tV)

// buildMaps builds a map(varchar, varchar) column; nil entries are NULL
// maps; pairs are key, value, key, value...
func buildMaps(rows [][]string) arrow.Array {
	b := array.NewMapBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String, arrow.BinaryTypes.String, false)
	defer b.Release()
	kb := b.KeyBuilder().(*array.StringBuilder)
	ib := b.ItemBuilder().(*array.StringBuilder)
	for _, r := range rows {
		if r == nil {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for i := 0; i < len(r); i += 2 {
			kb.Append(r[i])
			ib.Append(r[i+1])
		}
	}
	return b.NewArray()
}

func buildIntLists(rows [][]any) arrow.Array {
	b := array.NewListBuilder(memory.DefaultAllocator, arrow.PrimitiveTypes.Int64)
	defer b.Release()
	vb := b.ValueBuilder().(*array.Int64Builder)
	for _, r := range rows {
		if r == nil {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for _, x := range r {
			if x == nil {
				vb.AppendNull()
			} else {
				vb.Append(int64(x.(int)))
			}
		}
	}
	return b.NewArray()
}

// runCompound calls name with a compound first argument and scalar rest,
// returning each row rendered as text ("NULL" for NULL).
func runCompound(t *testing.T, name string, first arrow.Array, firstT planner.Type, rest ...tv) ([]string, error) {
	t.Helper()
	types := []planner.Type{firstT}
	vecs := []Vec{{Arr: first}}
	for _, r := range rest {
		types = append(types, r.t)
		vecs = append(vecs, Vec{IsConst: true, Const: r.v})
	}
	s, err := testCatalog.ResolveScalar(name, types)
	if err != nil {
		return nil, err
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	out, err := s.Kernel(&Context{Mem: mem}, vecs, first.Len())
	if err != nil {
		return nil, err
	}
	defer out.Release()
	if !arrow.TypeEqual(out.DataType(), s.Ret.Arrow()) {
		t.Fatalf("%s: result type %v, declared %v", name, out.DataType(), s.Ret.Arrow())
	}
	res := make([]string, out.Len())
	for i := range res {
		res[i] = arrString(out, i)
	}
	return res, nil
}

func TestMapFunctions(t *testing.T) {
	maps := buildMaps([][]string{
		{"bucketName", "logs", "key", "a.txt"},
		nil,
		{},
		{"ModifySecurityGroupRulesRequest", `{"GroupId":"sg-1"}`},
	})
	defer maps.Release()
	cases := []struct {
		name string
		rest []tv
		want string // rows joined by |
		err  string
	}{
		{name: "element_at", rest: args(S("bucketName")), want: "logs|NULL|NULL|NULL"},
		{name: "element_at", rest: args(S("key")), want: "a.txt|NULL|NULL|NULL"},
		{name: "element_at", rest: args(N(tV)), want: "NULL|NULL|NULL|NULL"},
		{name: "cardinality", want: "2|NULL|0|1"},
		{name: "map_keys", want: `["bucketName","key"]|NULL|[]|["ModifySecurityGroupRulesRequest"]`},
		{name: "map_values", want: `["logs","a.txt"]|NULL|[]|["{\"GroupId\":\"sg-1\"}"]`},
		// m['k'] fails on a missing key (Trino), element_at gives NULL.
		{name: "subscript", rest: args(S("bucketName")), err: "Key not present in map: bucketName"},
	}
	for _, c := range cases {
		got, err := runCompound(t, c.name, maps, mapVV, c.rest...)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%s(%s) = %s, want %s", c.name, argText(c.rest), g, c.want)
		}
	}
	// The documented Lake pattern: a nested object kept as JSON text.
	k, _ := testCatalog.ResolveScalar("element_at", []planner.Type{mapVV, tV})
	ctx := &Context{Mem: memory.DefaultAllocator}
	inner, err := k.Kernel(ctx, []Vec{{Arr: maps}, {IsConst: true, Const: planner.Value{Str: "ModifySecurityGroupRulesRequest"}}}, maps.Len())
	if err != nil {
		t.Fatal(err)
	}
	je, _ := testCatalog.ResolveScalar("json_extract_scalar", []planner.Type{tV, tV})
	r, err := je.Kernel(ctx, []Vec{{Arr: inner}, {IsConst: true, Const: planner.Value{Str: "$.GroupId"}}}, maps.Len())
	if err != nil {
		t.Fatal(err)
	}
	if got := arrString(r, 3); got != "sg-1" {
		t.Errorf("json_extract_scalar(element_at(m, 'ModifySecurityGroupRulesRequest'), '$.GroupId') = %s, want sg-1", got)
	}
	// subscript on a present key works.
	sub, _ := testCatalog.ResolveScalar("subscript", []planner.Type{mapVV, tV})
	one := array.NewSlice(maps, 0, 1)
	defer one.Release()
	r2, err := sub.Kernel(ctx, []Vec{{Arr: one}, {IsConst: true, Const: planner.Value{Str: "key"}}}, 1)
	if err != nil || arrString(r2, 0) != "a.txt" {
		t.Errorf("m['key'] = %v, %v", r2, err)
	}
}

func TestArrayFunctions(t *testing.T) {
	lists := buildIntLists([][]any{{10, 20, 30}, nil, {}, {1, nil}})
	defer lists.Release()
	at := planner.ArrayOf(tI)
	cases := []struct {
		name string
		rest []tv
		want string
		err  string
	}{
		// element_at: 1-based, negative from the end, out of range NULL, 0 an error.
		{name: "element_at", rest: args(I(1)), want: "10|NULL|NULL|1"},
		{name: "element_at", rest: args(I(-1)), want: "30|NULL|NULL|NULL"},
		{name: "element_at", rest: args(I(3)), want: "30|NULL|NULL|NULL"},
		{name: "element_at", rest: args(I(4)), want: "NULL|NULL|NULL|NULL"},
		{name: "element_at", rest: args(I(-4)), want: "NULL|NULL|NULL|NULL"},
		{name: "element_at", rest: args(I(0)), err: "SQL array indices start at 1"},
		{name: "subscript", rest: args(I(3)), err: "Array subscript must be less than or equal to array length: 3 > 0"},
		{name: "cardinality", want: "3|NULL|0|2"},
		// contains: NULL when not found and the array holds a NULL.
		{name: "contains", rest: args(I(20)), want: "true|NULL|false|NULL"},
		{name: "contains", rest: args(I(1)), want: "false|NULL|false|true"},
		{name: "contains", rest: args(N(tI)), want: "NULL|NULL|NULL|NULL"},
	}
	for _, c := range cases {
		got, err := runCompound(t, c.name, lists, at, c.rest...)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%s(%s) = %s, want %s", c.name, argText(c.rest), g, c.want)
		}
	}
}
