package orcfile

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// Column is one node of an ORC file's type tree. ORC numbers columns in
// pre-order: the root struct is column 0 and every nested field, list
// element and map key/value is a column of its own with its own streams.
type Column struct {
	ID       int
	Name     string             // field name in the parent struct; "_elem", "_key", "_value" inside lists and maps; "" for the root
	Path     string             // dotted path of struct field names from the root, e.g. "userIdentity.arn"; list/map children add their Name
	Kind     orcproto.Type_Kind // the ORC type
	Type     arrow.DataType     // the Arrow type the reader produces (and the writer accepts)
	Children []*Column
	Parent   *Column
	// Precision and Scale are set for DECIMAL; MaxLength for CHAR and VARCHAR.
	Precision, Scale, MaxLength int
}

// Columns flattens the tree in column-ID order.
func (c *Column) Columns() []*Column {
	var out []*Column
	var walk func(*Column)
	walk = func(n *Column) {
		out = append(out, n)
		for _, ch := range n.Children {
			walk(ch)
		}
	}
	walk(c)
	return out
}

// Find returns the column at a dotted path of struct field names, matched
// case-insensitively (an exact-case match wins over a case-insensitive one).
func (c *Column) Find(path string) (*Column, bool) {
	n := c
	for _, part := range strings.Split(path, ".") {
		if n.Kind != orcproto.Type_STRUCT {
			return nil, false
		}
		var found *Column
		for _, ch := range n.Children {
			if ch.Name == part {
				found = ch
				break
			}
		}
		if found == nil {
			for _, ch := range n.Children {
				if strings.EqualFold(ch.Name, part) {
					found = ch
					break
				}
			}
		}
		if found == nil {
			return nil, false
		}
		n = found
	}
	return n, true
}

// BareColumnName names the one column of a file whose root type is not a
// struct (Apache's TestOrcFile.testTimestamp.orc is a bare timestamp
// column): such a file reads as a table of that one column.
const BareColumnName = "_col0"

// Bare reports whether c, a file's root, is a single column rather than a
// struct of named columns.
func (c *Column) Bare() bool { return c.Kind != orcproto.Type_STRUCT }

// Schema is the Arrow schema of a root column: its fields, or one field
// named BareColumnName when the root is not a struct.
func (c *Column) Schema() *arrow.Schema {
	if c.Bare() {
		return arrow.NewSchema([]arrow.Field{{Name: BareColumnName, Type: c.Type, Nullable: true}}, nil)
	}
	fields := make([]arrow.Field, len(c.Children))
	for i, ch := range c.Children {
		fields[i] = arrow.Field{Name: ch.Name, Type: ch.Type, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// ColumnsFromTypes checks a footer's type list and builds its tree. The list
// must be a pre-order tree, usually rooted at a struct (any other root is
// one bare column, see BareColumnName); anything else (cycles,
// out-of-range or repeated subtypes, missing field names) is reported as
// corrupt, so that a hostile file cannot send the reader into a loop.
func ColumnsFromTypes(types []*orcproto.Type) (*Column, error) {
	if len(types) == 0 {
		return nil, fmt.Errorf("footer has no types: %w", ErrCorrupt)
	}
	next := 0
	var build func(parent *Column, name, path string) (*Column, error)
	build = func(parent *Column, name, path string) (*Column, error) {
		id := next
		if id >= len(types) {
			return nil, fmt.Errorf("type tree refers past the %d types: %w", len(types), ErrCorrupt)
		}
		next++
		t := types[id]
		c := &Column{ID: id, Name: name, Path: path, Kind: t.GetKind(), Parent: parent,
			Precision: int(t.GetPrecision()), Scale: int(t.GetScale()), MaxLength: int(t.GetMaximumLength())}
		sub := t.GetSubtypes()
		want := -1
		switch c.Kind {
		case orcproto.Type_LIST:
			want = 1
		case orcproto.Type_MAP:
			want = 2
		case orcproto.Type_STRUCT:
			if len(t.GetFieldNames()) != len(sub) {
				return nil, fmt.Errorf("column %d: struct has %d subtypes but %d field names: %w", id, len(sub), len(t.GetFieldNames()), ErrCorrupt)
			}
		case orcproto.Type_UNION:
			if len(sub) == 0 || len(sub) > 127 {
				return nil, fmt.Errorf("column %d: union with %d variants: %w", id, len(sub), ErrCorrupt)
			}
		default:
			want = 0
		}
		if want >= 0 && len(sub) != want {
			return nil, fmt.Errorf("column %d: %v has %d subtypes, want %d: %w", id, c.Kind, len(sub), want, ErrCorrupt)
		}
		for i, s := range sub {
			if int(s) != next {
				return nil, fmt.Errorf("column %d: subtype %d is %d, not %d as pre-order requires: %w", id, i, s, next, ErrCorrupt)
			}
			var childName string
			switch c.Kind {
			case orcproto.Type_STRUCT:
				childName = t.GetFieldNames()[i]
			case orcproto.Type_LIST:
				childName = "_elem"
			case orcproto.Type_MAP:
				childName = [2]string{"_key", "_value"}[i]
			default:
				childName = fmt.Sprintf("_u%d", i)
			}
			childPath := childName
			if path != "" {
				childPath = path + "." + childName
			}
			ch, err := build(c, childName, childPath)
			if err != nil {
				return nil, err
			}
			c.Children = append(c.Children, ch)
		}
		dt, err := arrowType(c)
		if err != nil {
			return nil, err
		}
		c.Type = dt
		return c, nil
	}
	root, err := build(nil, "", "")
	if err != nil {
		return nil, err
	}
	if next != len(types) {
		return nil, fmt.Errorf("type tree uses %d of %d types: %w", next, len(types), ErrCorrupt)
	}
	return root, nil
}

// timestampType is what the reader produces for ORC timestamps: nanoseconds,
// UTC, matching ORC's own precision.
var timestampType = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}

// arrowType maps an ORC type (children already typed) to Arrow.
func arrowType(c *Column) (arrow.DataType, error) {
	switch c.Kind {
	case orcproto.Type_BOOLEAN:
		return arrow.FixedWidthTypes.Boolean, nil
	case orcproto.Type_BYTE:
		return arrow.PrimitiveTypes.Int8, nil
	case orcproto.Type_SHORT:
		return arrow.PrimitiveTypes.Int16, nil
	case orcproto.Type_INT:
		return arrow.PrimitiveTypes.Int32, nil
	case orcproto.Type_LONG:
		return arrow.PrimitiveTypes.Int64, nil
	case orcproto.Type_FLOAT:
		return arrow.PrimitiveTypes.Float32, nil
	case orcproto.Type_DOUBLE:
		return arrow.PrimitiveTypes.Float64, nil
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR:
		return arrow.BinaryTypes.String, nil
	case orcproto.Type_BINARY:
		return arrow.BinaryTypes.Binary, nil
	case orcproto.Type_TIMESTAMP:
		return timestampType, nil
	case orcproto.Type_DATE:
		return arrow.FixedWidthTypes.Date32, nil
	case orcproto.Type_DECIMAL:
		p, s := c.Precision, c.Scale
		if p == 0 { // Hive 0.11 files: unbounded decimals, scale per value
			p, s = 38, 18
		}
		if p < 1 || p > 38 || s < 0 || s > p {
			return nil, fmt.Errorf("column %d: decimal(%d,%d) out of range: %w", c.ID, p, s, ErrCorrupt)
		}
		return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}, nil
	case orcproto.Type_LIST:
		return arrow.ListOf(c.Children[0].Type), nil
	case orcproto.Type_MAP:
		return arrow.MapOf(c.Children[0].Type, c.Children[1].Type), nil
	case orcproto.Type_STRUCT:
		fields := make([]arrow.Field, len(c.Children))
		for i, ch := range c.Children {
			fields[i] = arrow.Field{Name: ch.Name, Type: ch.Type, Nullable: true}
		}
		return arrow.StructOf(fields...), nil
	case orcproto.Type_UNION:
		fields := make([]arrow.Field, len(c.Children))
		codes := make([]arrow.UnionTypeCode, len(c.Children))
		for i, ch := range c.Children {
			fields[i] = arrow.Field{Name: ch.Name, Type: ch.Type, Nullable: true}
			codes[i] = arrow.UnionTypeCode(i)
		}
		return arrow.DenseUnionOf(fields, codes), nil
	default:
		return nil, fmt.Errorf("column %d: unknown ORC type kind %d: %w", c.ID, c.Kind, ErrCorrupt)
	}
}

// ColumnsFromArrow maps an Arrow schema to an ORC type tree and the footer's
// type list. The writer accepts: string (and dictionary<int, string>),
// binary, bool, int8/16/32/64, float32/64, timestamp (any unit, written as
// UTC), date32, struct, list and map. Field names keep their case.
func ColumnsFromArrow(schema *arrow.Schema) (*Column, []*orcproto.Type, error) {
	var types []*orcproto.Type
	var build func(parent *Column, name, path string, dt arrow.DataType) (*Column, error)
	build = func(parent *Column, name, path string, dt arrow.DataType) (*Column, error) {
		c := &Column{ID: len(types), Name: name, Path: path, Type: dt, Parent: parent}
		t := &orcproto.Type{}
		types = append(types, t)
		child := func(name string, dt arrow.DataType) error {
			childPath := name
			if path != "" {
				childPath = path + "." + name
			}
			t.Subtypes = append(t.Subtypes, uint32(len(types)))
			ch, err := build(c, name, childPath, dt)
			if err != nil {
				return err
			}
			c.Children = append(c.Children, ch)
			return nil
		}
		switch dt := dt.(type) {
		case *arrow.BooleanType:
			c.Kind = orcproto.Type_BOOLEAN
		case *arrow.Int8Type:
			c.Kind = orcproto.Type_BYTE
		case *arrow.Int16Type:
			c.Kind = orcproto.Type_SHORT
		case *arrow.Int32Type:
			c.Kind = orcproto.Type_INT
		case *arrow.Int64Type:
			c.Kind = orcproto.Type_LONG
		case *arrow.Float32Type:
			c.Kind = orcproto.Type_FLOAT
		case *arrow.Float64Type:
			c.Kind = orcproto.Type_DOUBLE
		case *arrow.StringType:
			c.Kind = orcproto.Type_STRING
		case *arrow.DictionaryType:
			if _, ok := dt.ValueType.(*arrow.StringType); !ok {
				return nil, fmt.Errorf("column %q: dictionary of %v is not supported (only strings)", path, dt.ValueType)
			}
			c.Kind = orcproto.Type_STRING
		case *arrow.BinaryType:
			c.Kind = orcproto.Type_BINARY
		case *arrow.TimestampType:
			c.Kind = orcproto.Type_TIMESTAMP
		case *arrow.Date32Type:
			c.Kind = orcproto.Type_DATE
		case *arrow.StructType:
			c.Kind = orcproto.Type_STRUCT
			for _, f := range dt.Fields() {
				t.FieldNames = append(t.FieldNames, f.Name)
				if err := child(f.Name, f.Type); err != nil {
					return nil, err
				}
			}
		case *arrow.MapType:
			c.Kind = orcproto.Type_MAP
			if err := child("_key", dt.KeyType()); err != nil {
				return nil, err
			}
			if err := child("_value", dt.ItemType()); err != nil {
				return nil, err
			}
		case *arrow.ListType:
			c.Kind = orcproto.Type_LIST
			if err := child("_elem", dt.Elem()); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("column %q: Arrow type %v is not supported by the ORC writer", path, dt)
		}
		t.Kind = c.Kind.Enum()
		return c, nil
	}
	root, err := build(nil, "", "", arrow.StructOf(schema.Fields()...))
	if err != nil {
		return nil, nil, err
	}
	return root, types, nil
}
