package exec

import (
	"bytes"
	"cmp"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// comparator returns a three-way comparison of row i of a with row j of b,
// both non-NULL and of the same SQL type (either may be a dictionary of
// strings). Sort, top-N and comparisons of two expressions use it. NULLs
// nested inside arrays and rows order first.
func comparator(a, b arrow.Array) (func(i, j int) int, error) {
	if a.DataType().ID() == arrow.NULL || b.DataType().ID() == arrow.NULL {
		return func(i, j int) int { return 0 }, nil // never called: all NULL
	}
	if av, ok := int64s(a); ok {
		bv, ok := int64s(b)
		if !ok {
			return nil, mismatch(a, b)
		}
		return func(i, j int) int { return cmp.Compare(av[i], bv[j]) }, nil
	}
	if sa, ok := stringAt(a); ok {
		sb, ok := stringAt(b)
		if !ok {
			return nil, mismatch(a, b)
		}
		return func(i, j int) int { return cmp.Compare(sa(i), sb(j)) }, nil
	}
	switch a := a.(type) {
	case *array.Float64:
		b, ok := b.(*array.Float64)
		if !ok {
			return nil, mismatch(a, b)
		}
		av, bv := a.Float64Values(), b.Float64Values()
		return func(i, j int) int { return compareFloat(av[i], bv[j]) }, nil
	case *array.Boolean:
		b, ok := b.(*array.Boolean)
		if !ok {
			return nil, mismatch(a, b)
		}
		return func(i, j int) int { return cmp.Compare(b2i(a.Value(i)), b2i(b.Value(j))) }, nil
	case *array.Null:
		return func(i, j int) int { return 0 }, nil
	case *array.List:
		b, ok := b.(*array.List)
		if !ok {
			return nil, mismatch(a, b)
		}
		ea, eb := a.ListValues(), b.ListValues()
		elem, err := comparator(ea, eb)
		if err != nil {
			return nil, err
		}
		return func(i, j int) int {
			s1, e1 := a.ValueOffsets(i)
			s2, e2 := b.ValueOffsets(j)
			for x, y := s1, s2; x < e1 && y < e2; x, y = x+1, y+1 {
				if c := nullsFirst(ea, int(x), eb, int(y), elem); c != 0 {
					return c
				}
			}
			return cmp.Compare(e1-s1, e2-s2)
		}, nil
	case *array.Struct:
		b, ok := b.(*array.Struct)
		if !ok || a.NumField() != b.NumField() {
			return nil, mismatch(a, b)
		}
		fs := make([]func(i, j int) int, a.NumField())
		for k := range fs {
			fa, fb := a.Field(k), b.Field(k)
			f, err := comparator(fa, fb)
			if err != nil {
				return nil, err
			}
			fs[k] = func(i, j int) int { return nullsFirst(fa, i, fb, j, f) }
		}
		return func(i, j int) int {
			for _, f := range fs {
				if c := f(i, j); c != 0 {
					return c
				}
			}
			return 0
		}, nil
	case *array.Map:
		if _, ok := b.(*array.Map); !ok {
			return nil, mismatch(a, b)
		}
		ea, err := newKeyEncoder(a)
		if err != nil {
			return nil, err
		}
		eb, err := newKeyEncoder(b)
		if err != nil {
			return nil, err
		}
		var x, y []byte
		return func(i, j int) int {
			x = ea(x[:0], i)
			y = eb(y[:0], j)
			return bytes.Compare(x, y)
		}, nil
	}
	return nil, fmt.Errorf("cannot compare values of type %s", a.DataType())
}

func nullsFirst(a arrow.Array, i int, b arrow.Array, j int, f func(i, j int) int) int {
	na, nb := !validAt(a, i), !validAt(b, j)
	switch {
	case na && nb:
		return 0
	case na:
		return -1
	case nb:
		return 1
	}
	return f(i, j)
}

func mismatch(a, b arrow.Array) error {
	return fmt.Errorf("cannot compare %s with %s", a.DataType(), b.DataType())
}

// stringAt returns an accessor for string or dictionary-of-string arrays.
func stringAt(a arrow.Array) (func(int) string, bool) {
	switch a := a.(type) {
	case *array.String:
		return a.Value, true
	case *array.Binary: // varbinary, ipaddress, ipprefix: byte order is Trino's
		return func(i int) string { return bytesView(a.Value(i)) }, true
	case *array.Dictionary:
		d, ok := a.Dictionary().(*array.String)
		if !ok {
			return nil, false
		}
		idx := dictIndexes(a)
		return func(i int) string { return d.Value(int(idx[i])) }, true
	}
	return nil, false
}

// compareFloat orders doubles as Trino's ORDER BY does: NaN above every
// number (cmp.Compare puts it below). Comparison operators treat NaN
// separately (IEEE: unequal to everything), see cmpEval.
func compareFloat(x, y float64) int {
	xn, yn := x != x, y != y
	switch {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	}
	return cmp.Compare(x, y)
}
