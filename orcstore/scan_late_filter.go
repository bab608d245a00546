package orcstore

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// The exact filter of a late top-N scan (ScanSpec.Filter): the first pass
// reads eventTime and the filter's columns, and only rows that pass every
// predicate are offered to the bound and fetched. The predicates are
// byte-exact string tests, so the result is the one the filter above the
// scan computes; a NULL (or a NULL parent struct) fails them, as SQL's
// comparisons with NULL do.

// lateRows is the k of a top-N whose rows the scan may choose by eventTime
// (0: it may not).
func (o TopNOrder) lateRows() int64 {
	if o.Rows > 0 {
		return o.Rows
	}
	return o.Limit
}

// filterColumns are the columns pass 1 reads: eventTime and the filter's.
func filterColumns(spec ScanSpec) []string {
	cols := []string{"eventTime"}
	for _, p := range spec.Filter {
		cols = append(cols, p.Column)
	}
	return cols
}

// matchString tests one exact predicate (PredEq, PredIn, PredPrefix) on a
// string value.
func matchString(p Predicate, v string) bool {
	switch p.Op {
	case PredEq:
		return v == p.Values[0].Str
	case PredIn:
		for _, x := range p.Values {
			if v == x.Str {
				return true
			}
		}
		return false
	case PredPrefix:
		return strings.HasPrefix(v, p.Values[0].Str)
	}
	return false
}

// filterMask returns, per row of rec (pass 1's batch), whether it passes
// every predicate; nil when there are none.
func filterMask(rec arrow.Record, preds []Predicate) ([]bool, error) {
	if len(preds) == 0 {
		return nil, nil
	}
	n := int(rec.NumRows())
	mask := make([]bool, n)
	for i := range mask {
		mask[i] = true
	}
	for _, p := range preds {
		for _, v := range p.Values {
			if v.Kind != ScalarString {
				return nil, fmt.Errorf("exact filter %s: not a string test", p)
			}
		}
		switch p.Op {
		case PredEq, PredIn, PredPrefix:
		default:
			return nil, fmt.Errorf("exact filter %s: operator not supported", p)
		}
		col, valid, err := pathColumn(rec, p.Column)
		if err != nil {
			return nil, err
		}
		switch a := col.(type) {
		case *array.String:
			for i := 0; i < n; i++ {
				mask[i] = mask[i] && valid(i) && matchString(p, a.Value(i))
			}
		case *array.Dictionary:
			dict, ok := a.Dictionary().(*array.String)
			if !ok {
				return nil, fmt.Errorf("exact filter %s: dictionary of %s", p, a.Dictionary().DataType())
			}
			hit := make([]bool, dict.Len())
			for j := range hit {
				hit[j] = dict.IsValid(j) && matchString(p, dict.Value(j))
			}
			for i := 0; i < n; i++ {
				mask[i] = mask[i] && valid(i) && hit[a.GetValueIndex(i)]
			}
		default:
			return nil, fmt.Errorf("exact filter %s: column of type %s", p, col.DataType())
		}
	}
	return mask, nil
}

// pathColumn finds a dotted path's array in rec (through structs) and a
// validity test that is false where the value or any parent is NULL.
func pathColumn(rec arrow.Record, path string) (arrow.Array, func(int) bool, error) {
	parts := strings.Split(path, ".")
	var arr arrow.Array
	for i, f := range rec.Schema().Fields() {
		if strings.EqualFold(f.Name, parts[0]) {
			arr = rec.Column(i)
			break
		}
	}
	if arr == nil {
		return nil, nil, fmt.Errorf("exact filter: column %q not read", path)
	}
	chain := []arrow.Array{arr}
	for _, name := range parts[1:] {
		st, ok := arr.(*array.Struct)
		if !ok {
			return nil, nil, fmt.Errorf("exact filter: %q is not a struct path", path)
		}
		typ := st.DataType().(*arrow.StructType)
		k := -1
		for j := 0; j < typ.NumFields(); j++ {
			if strings.EqualFold(typ.Field(j).Name, name) {
				k = j
				break
			}
		}
		if k < 0 {
			return nil, nil, fmt.Errorf("exact filter: column %q not read", path)
		}
		arr = st.Field(k)
		chain = append(chain, arr)
	}
	valid := func(i int) bool {
		for _, a := range chain {
			if a.IsNull(i) {
				return false
			}
		}
		return true
	}
	return arr, valid, nil
}
