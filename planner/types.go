package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
)

// Kind is a SQL type family, following Trino as CloudTrail Lake uses it.
type Kind uint8

const (
	KindUnknown     Kind = iota // the type of a bare NULL literal; coerces to anything
	KindBoolean                 // boolean
	KindBigint                  // bigint (also what integer/smallint/tinyint become)
	KindDouble                  // double (also real)
	KindVarchar                 // varchar
	KindTimestamp               // timestamp(3..9), UTC
	KindDate                    // date
	KindJSON                    // json: JSON text, compared as text
	KindInterval                // interval day to second, in nanoseconds
	KindIntervalYM              // interval year to month, in months
	KindArray                   // array(T)
	KindMap                     // map(K, V)
	KindRow                     // row(name T, ...): CloudTrail's structs
	KindTimestampTZ             // timestamp(3) with time zone: an instant (ns) shown in Zone
	KindVarbinary               // varbinary: bytes
	KindIPAddress               // ipaddress: 16 bytes (IPv4 mapped into IPv6), ordered as Trino orders them
	KindIPPrefix                // ipprefix: the network's 16 bytes and the prefix length (17 bytes)
	KindUUID                    // uuid: canonical lower-case text
)

// Type is a SQL type. Scalars use only Kind; arrays, maps and rows describe
// their parts.
type Type struct {
	Kind   Kind
	Elem   *Type   // KindArray
	Key    *Type   // KindMap
	Value  *Type   // KindMap
	Fields []Field // KindRow, in order
	// Zone is the time zone of a KindTimestampTZ (an IANA name such as
	// America/New_York, UTC, or a fixed offset +02:00). One column has one
	// zone: AT TIME ZONE and with_timezone take a constant zone, so the
	// zone is part of the type and the values are plain instants.
	Zone string
}

// Field is one named part of a row type.
type Field struct {
	Name string
	Type Type
}

// Scalar types, for convenience.
var (
	Unknown   = Type{Kind: KindUnknown}
	Boolean   = Type{Kind: KindBoolean}
	Bigint    = Type{Kind: KindBigint}
	Double    = Type{Kind: KindDouble}
	Varchar   = Type{Kind: KindVarchar}
	Timestamp = Type{Kind: KindTimestamp}
	Date      = Type{Kind: KindDate}
	JSON      = Type{Kind: KindJSON}
	Interval  = Type{Kind: KindInterval}
	// IntervalYM is interval year to month.
	IntervalYM = Type{Kind: KindIntervalYM}
	Varbinary  = Type{Kind: KindVarbinary}
	IPAddress  = Type{Kind: KindIPAddress}
	IPPrefix   = Type{Kind: KindIPPrefix}
	UUID       = Type{Kind: KindUUID}
)

// TimestampTZ is timestamp(3) with time zone shown in zone.
func TimestampTZ(zone string) Type { return Type{Kind: KindTimestampTZ, Zone: zone} }

// ArrayOf, MapOf and RowOf build compound types.
func ArrayOf(elem Type) Type     { return Type{Kind: KindArray, Elem: &elem} }
func MapOf(key, value Type) Type { return Type{Kind: KindMap, Key: &key, Value: &value} }
func RowOf(fields ...Field) Type { return Type{Kind: KindRow, Fields: fields} }

// Equal reports whether two types are the same.
func (t Type) Equal(u Type) bool {
	if t.Kind != u.Kind {
		return false
	}
	switch t.Kind {
	case KindTimestampTZ:
		return t.Zone == u.Zone
	case KindArray:
		return t.Elem.Equal(*u.Elem)
	case KindMap:
		return t.Key.Equal(*u.Key) && t.Value.Equal(*u.Value)
	case KindRow:
		if len(t.Fields) != len(u.Fields) {
			return false
		}
		for i := range t.Fields {
			if t.Fields[i].Name != u.Fields[i].Name || !t.Fields[i].Type.Equal(u.Fields[i].Type) {
				return false
			}
		}
	}
	return true
}

// Field finds a row field by name, case-insensitively (exact case first).
func (t Type) Field(name string) (int, Field, bool) {
	for i, f := range t.Fields {
		if f.Name == name {
			return i, f, true
		}
	}
	for i, f := range t.Fields {
		if strings.EqualFold(f.Name, name) {
			return i, f, true
		}
	}
	return -1, Field{}, false
}

// IsNumeric reports bigint or double.
func (t Type) IsNumeric() bool { return t.Kind == KindBigint || t.Kind == KindDouble }

// IsStringLike reports varchar or json (both stored as Arrow strings).
func (t Type) IsStringLike() bool { return t.Kind == KindVarchar || t.Kind == KindJSON }

// IsStringStored reports the types held as Arrow strings: varchar, json
// and uuid (kept as its canonical text).
func (t Type) IsStringStored() bool {
	switch t.Kind {
	case KindVarchar, KindJSON, KindUUID:
		return true
	}
	return false
}

// IsBinaryStored reports the types held as Arrow binary: varbinary,
// ipaddress and ipprefix. Results show ipaddress and ipprefix as text
// (ResultArrow).
func (t Type) IsBinaryStored() bool {
	switch t.Kind {
	case KindVarbinary, KindIPAddress, KindIPPrefix:
		return true
	}
	return false
}

// IsTimestamp reports timestamp and timestamp with time zone (both held
// as instants in nanoseconds).
func (t Type) IsTimestamp() bool { return t.Kind == KindTimestamp || t.Kind == KindTimestampTZ }

// Orderable reports whether values of the type can be compared with < and
// sorted.
func (t Type) Orderable() bool {
	switch t.Kind {
	case KindBoolean, KindBigint, KindDouble, KindVarchar, KindTimestamp, KindDate, KindJSON, KindInterval, KindIntervalYM, KindUnknown,
		KindTimestampTZ, KindVarbinary, KindIPAddress, KindIPPrefix, KindUUID:
		return true
	case KindArray:
		return t.Elem.Orderable()
	case KindRow:
		for _, f := range t.Fields {
			if !f.Type.Orderable() {
				return false
			}
		}
		return true
	}
	return false
}

// String spells the type as Trino does: varchar, row(arn varchar, ...), ...
func (t Type) String() string {
	switch t.Kind {
	case KindUnknown:
		return "unknown"
	case KindBoolean:
		return "boolean"
	case KindBigint:
		return "bigint"
	case KindDouble:
		return "double"
	case KindVarchar:
		return "varchar"
	case KindTimestamp:
		return "timestamp(3)"
	case KindDate:
		return "date"
	case KindJSON:
		return "json"
	case KindInterval:
		return "interval day to second"
	case KindIntervalYM:
		return "interval year to month"
	case KindTimestampTZ:
		return "timestamp(3) with time zone"
	case KindVarbinary:
		return "varbinary"
	case KindIPAddress:
		return "ipaddress"
	case KindIPPrefix:
		return "ipprefix"
	case KindUUID:
		return "uuid"
	case KindArray:
		return "array(" + t.Elem.String() + ")"
	case KindMap:
		return "map(" + t.Key.String() + ", " + t.Value.String() + ")"
	case KindRow:
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Name + " " + f.Type.String()
		}
		return "row(" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprintf("Kind(%d)", t.Kind)
}

// timestampArrow is the Arrow type of timestamps everywhere in ctlake.
var timestampArrow = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}

// Arrow is the Arrow type that holds values of t in record batches.
// Strings may also arrive dictionary-encoded (dictionary<int32, string>);
// operators accept both.
func (t Type) Arrow() arrow.DataType {
	switch t.Kind {
	case KindUnknown:
		return arrow.Null
	case KindBoolean:
		return arrow.FixedWidthTypes.Boolean
	case KindBigint, KindInterval:
		return arrow.PrimitiveTypes.Int64
	case KindIntervalYM:
		return arrow.PrimitiveTypes.Int32
	case KindDouble:
		return arrow.PrimitiveTypes.Float64
	case KindVarchar, KindJSON, KindUUID:
		return arrow.BinaryTypes.String
	case KindVarbinary, KindIPAddress, KindIPPrefix:
		return arrow.BinaryTypes.Binary
	case KindTimestamp:
		return timestampArrow
	case KindTimestampTZ:
		return &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: arrowZone(t.Zone)}
	case KindDate:
		return arrow.FixedWidthTypes.Date32
	case KindArray:
		return arrow.ListOf(t.Elem.Arrow())
	case KindMap:
		return arrow.MapOf(t.Key.Arrow(), t.Value.Arrow())
	case KindRow:
		fs := make([]arrow.Field, len(t.Fields))
		for i, f := range t.Fields {
			fs[i] = arrow.Field{Name: f.Name, Type: f.Type.Arrow(), Nullable: true}
		}
		return arrow.StructOf(fs...)
	}
	return arrow.Null
}

// TypeFromArrow maps a column's Arrow type to its SQL type.
func TypeFromArrow(dt arrow.DataType) (Type, error) {
	switch dt := dt.(type) {
	case *arrow.NullType:
		return Unknown, nil
	case *arrow.BooleanType:
		return Boolean, nil
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type:
		return Bigint, nil
	case *arrow.Float32Type, *arrow.Float64Type:
		return Double, nil
	case *arrow.StringType, *arrow.LargeStringType:
		return Varchar, nil
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return Varbinary, nil
	case *arrow.DurationType:
		return Interval, nil
	case *arrow.MonthIntervalType:
		return IntervalYM, nil
	case *arrow.DictionaryType:
		return TypeFromArrow(dt.ValueType)
	case *arrow.TimestampType:
		if dt.TimeZone != "" && dt.TimeZone != "UTC" {
			return TimestampTZ(zoneFromArrow(dt.TimeZone)), nil
		}
		return Timestamp, nil
	case *arrow.Date32Type:
		return Date, nil
	case *arrow.ListType:
		e, err := TypeFromArrow(dt.Elem())
		if err != nil {
			return Type{}, err
		}
		return ArrayOf(e), nil
	case *arrow.MapType:
		k, err := TypeFromArrow(dt.KeyType())
		if err != nil {
			return Type{}, err
		}
		v, err := TypeFromArrow(dt.ItemType())
		if err != nil {
			return Type{}, err
		}
		return MapOf(k, v), nil
	case *arrow.StructType:
		fs := make([]Field, len(dt.Fields()))
		for i, f := range dt.Fields() {
			ft, err := TypeFromArrow(f.Type)
			if err != nil {
				return Type{}, fmt.Errorf("%s: %w", f.Name, err)
			}
			fs[i] = Field{Name: f.Name, Type: ft}
		}
		return RowOf(fs...), nil
	}
	return Type{}, fmt.Errorf("unsupported column type %v", dt)
}
