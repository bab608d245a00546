package exec

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// mapKeyEval is element_at(m, 'key') and m['key'] on a map<varchar,
// varchar> column with a constant key. The generic kernel needs the map
// gathered to the live rows first, copying every entry's strings, where
// the query wants one value: top-s3-buckets spent a third of its time in
// that gather. Here the map is read in place: per batch the key is matched
// against the keys' dictionary once (or each plain key once), then each
// live row scans only its own entries' key indices, and a found value is
// returned as an index into the values' dictionary (no string copied) or,
// for plain values, copied alone.
type mapKeyEval struct {
	path   colPath
	key    string
	strict bool      // subscript: a missing key is an error
	slow   Evaluator // the kernel, for inputs that are not a plain map array
	e      planner.Expr
	env    *Env
}

// mapKeyCall recognises the calls mapKeyEval serves; nil otherwise.
func (c *compiler) mapKeyCall(e *planner.Call, slow Evaluator) Evaluator {
	name := strings.ToLower(e.Name)
	if (name != "element_at" && name != "subscript") || len(e.Args) != 2 {
		return nil
	}
	mt := e.Args[0].Type()
	if mt.Kind != planner.KindMap || mt.Key.Kind != planner.KindVarchar || mt.Value.Kind != planner.KindVarchar {
		return nil
	}
	lit, ok := e.Args[1].(*planner.Literal)
	if !ok || lit.V.Null || lit.T.Kind != planner.KindVarchar {
		return nil
	}
	p, ok := c.path(e.Args[0])
	if !ok {
		return nil
	}
	return &mapKeyEval{path: p, key: lit.V.Str, strict: name == "subscript", slow: slow, e: e, env: c.env}
}

func (k *mapKeyEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	a, err := k.path.resolve(b.Rec)
	if err != nil {
		return Vec{}, exprErr(k.e, err)
	}
	defer a.Release()
	m, ok := a.(*array.Map)
	if !ok {
		return k.slow.Eval(ctx, b)
	}
	match, ok := keyMatcher(m.Keys(), k.key)
	if !ok {
		return k.slow.Eval(ctx, b)
	}
	rows := b.Sel
	if rows == nil {
		rows = make([]int32, m.Len())
		for i := range rows {
			rows[i] = int32(i)
		}
	}
	found := make([]int32, len(rows)) // entry index, -1: NULL
	for i, r := range rows {
		found[i] = -1
		if m.IsNull(int(r)) {
			continue
		}
		s, e := m.ValueOffsets(int(r))
		for j := s; j < e; j++ {
			if match(int(j)) {
				found[i] = int32(j)
				break
			}
		}
		if found[i] < 0 && k.strict {
			return Vec{}, exprErr(k.e, fmt.Errorf("Key not present in map: %s", planner.FormatValue(planner.Value{Str: k.key}, planner.Varchar, false)))
		}
	}
	out, err := pickValues(k.env.mem(), m.Items(), found)
	if err != nil {
		return Vec{}, exprErr(k.e, err)
	}
	return Vec{Arr: out}, nil
}

// keyMatcher returns whether entry j of keys equals key: per dictionary
// entry, computed once; per plain string otherwise.
func keyMatcher(keys arrow.Array, key string) (func(j int) bool, bool) {
	switch ks := keys.(type) {
	case *array.Dictionary:
		dict, ok := ks.Dictionary().(*array.String)
		if !ok {
			return nil, false
		}
		hit := make([]bool, dict.Len())
		for e := range hit {
			hit[e] = dict.IsValid(e) && dict.Value(e) == key
		}
		idx := dictIndexes(ks)
		if ks.NullN() == 0 {
			return func(j int) bool { return hit[idx[j]] }, true
		}
		return func(j int) bool { return ks.IsValid(j) && hit[idx[j]] }, true
	case *array.String:
		if ks.NullN() == 0 {
			return func(j int) bool { return ks.Value(j) == key }, true
		}
		return func(j int) bool { return ks.IsValid(j) && ks.Value(j) == key }, true
	}
	return nil, false
}

// pickValues returns entry found[i] of items for each i (NULL for -1): a
// dictionary array sharing items' dictionary, or plain strings copied.
func pickValues(mem memory.Allocator, items arrow.Array, found []int32) (arrow.Array, error) {
	if d, ok := items.(*array.Dictionary); ok && d.Dictionary().DataType().ID() == arrow.STRING {
		ib := array.NewInt32Builder(mem)
		defer ib.Release()
		ib.Reserve(len(found))
		idx := dictIndexes(d)
		for _, j := range found {
			if j < 0 || d.IsNull(int(j)) {
				ib.AppendNull()
			} else {
				ib.UnsafeAppend(idx[j])
			}
		}
		ix := ib.NewArray()
		defer ix.Release()
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: d.Dictionary().DataType()}
		return array.NewDictionaryArray(dt, ix, d.Dictionary()), nil
	}
	s, ok := items.(*array.String)
	if !ok {
		return nil, fmt.Errorf("map values of type %s", items.DataType())
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(len(found))
	for _, j := range found {
		if j < 0 || s.IsNull(int(j)) {
			b.AppendNull()
		} else {
			b.Append(s.Value(int(j)))
		}
	}
	return b.NewArray(), nil
}
