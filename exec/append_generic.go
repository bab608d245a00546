package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// appendGeneric appends rows of a to b value by value, for nested types
// orcstore.AppendRows (which covers the event schema's types) does not
// take: lists, maps and rows of dates, binary, durations and intervals.
// a and b must have the same plain type; a may hold dictionaries.
func appendGeneric(b array.Builder, a arrow.Array, rows []int32) error {
	for _, r := range rows {
		if err := appendOneGeneric(b, a, int(r)); err != nil {
			return err
		}
	}
	return nil
}

func appendOneGeneric(b array.Builder, a arrow.Array, i int) error {
	if !validAt(a, i) {
		b.AppendNull()
		return nil
	}
	if d, ok := a.(*array.Dictionary); ok {
		return appendOneGeneric(b, d.Dictionary(), d.GetValueIndex(i))
	}
	switch b := b.(type) {
	case *array.ListBuilder:
		l, ok := a.(*array.List)
		if !ok {
			break
		}
		s, e := l.ValueOffsets(i)
		b.Append(true)
		for j := s; j < e; j++ {
			if err := appendOneGeneric(b.ValueBuilder(), l.ListValues(), int(j)); err != nil {
				return err
			}
		}
		return nil
	case *array.MapBuilder:
		m, ok := a.(*array.Map)
		if !ok {
			break
		}
		s, e := m.ValueOffsets(i)
		b.Append(true)
		for j := s; j < e; j++ {
			if err := appendOneGeneric(b.KeyBuilder(), m.Keys(), int(j)); err != nil {
				return err
			}
			if err := appendOneGeneric(b.ItemBuilder(), m.Items(), int(j)); err != nil {
				return err
			}
		}
		return nil
	case *array.StructBuilder:
		st, ok := a.(*array.Struct)
		if !ok || st.NumField() != b.NumField() {
			break
		}
		b.Append(true)
		for f := 0; f < st.NumField(); f++ {
			if err := appendOneGeneric(b.FieldBuilder(f), st.Field(f), i); err != nil {
				return err
			}
		}
		return nil
	}
	v, err := valueAt(a, i)
	if err != nil {
		return err
	}
	return appendValue(b, v)
}
