package fn

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

var dictStr = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

func dictEncode(t *testing.T, a arrow.Array) arrow.Array {
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, dictStr).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	s := a.(*array.String)
	for i := 0; i < s.Len(); i++ {
		if s.IsNull(i) {
			b.AppendNull()
			continue
		}
		if err := b.AppendString(s.Value(i)); err != nil {
			t.Fatal(err)
		}
	}
	return b.NewArray()
}

// mapWithDictChildren re-assembles a map column whose keys and values are
// dictionary-encoded, as the ORC scan may deliver them.
func mapWithDictChildren(t *testing.T, m *array.Map) arrow.Array {
	keys, items := dictEncode(t, m.Keys()), dictEncode(t, m.Items())
	mt := arrow.MapOf(dictStr, dictStr)
	st := array.NewData(mt.Elem(), keys.Len(), []*memory.Buffer{nil}, []arrow.ArrayData{keys.Data(), items.Data()}, 0, 0)
	d := array.NewData(mt, m.Len(), []*memory.Buffer{m.Data().Buffers()[0], m.Data().Buffers()[1]}, []arrow.ArrayData{st}, m.NullN(), 0)
	return array.MakeFromData(d)
}

// Kernels read dictionary-encoded strings at the top level and inside maps
// without decoding them first.
func TestDictionaryEncodedInputs(t *testing.T) {
	plain := buildMaps([][]string{{"bucketName", "logs", "x", `{"a":1}`}, nil, {"bucketName", "b2"}})
	defer plain.Release()
	dm := mapWithDictChildren(t, plain.(*array.Map))
	mt := planner.MapOf(tV, tV)
	cases := []struct {
		name string
		rest []tv
		want string
	}{
		{"element_at", args(S("bucketName")), "logs|NULL|b2"},
		{"element_at", args(S("x")), `{"a":1}|NULL|NULL`},
		{"cardinality", nil, "2|NULL|1"},
		{"map_keys", nil, `["bucketName","x"]|NULL|["bucketName"]`},
		{"map_values", nil, `["logs","{\"a\":1}"]|NULL|["b2"]`},
	}
	for _, c := range cases {
		got, err := runCompound(t, c.name, dm, mt, c.rest...)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%s over dictionary children = %s, want %s", c.name, g, c.want)
		}
	}
	got, err := castArray(t, dm, mt, tJ, false)
	if err != nil || strings.Join(got, "|") != `{"bucketName":"logs","x":"{\"a\":1}"}|NULL|{"bucketName":"b2"}` {
		t.Errorf("CAST(dictionary map AS json) = %q, %v", got, err)
	}
	// A top-level dictionary string column.
	names := buildArray(tV, planner.Value{Str: "GetObject"}, 3)
	dn := dictEncode(t, names)
	s, _ := testCatalog.ResolveScalar("lower", ts(tV))
	out, err := s.Kernel(&Context{Mem: memory.DefaultAllocator}, []Vec{{Arr: dn}}, 3)
	if err != nil || arrString(out, 2) != "getobject" {
		t.Errorf("lower over a dictionary = %v, %v", out, err)
	}
	// Aggregates over dictionary strings.
	a, _ := testCatalog.ResolveAggregate("count", ts(tV), true)
	acc := a.New()
	acc.Grow(1)
	if err := acc.Update([]uint32{0, 0, 0}, []arrow.Array{dn}); err != nil {
		t.Fatal(err)
	}
	res, _ := acc.Result(memory.DefaultAllocator)
	if arrString(res, 0) != "1" {
		t.Errorf("count(DISTINCT) over a dictionary = %s, want 1", arrString(res, 0))
	}
}
