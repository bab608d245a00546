package lakeapi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/resultfmt"
)

// Lake returns every value as a string, in rows of one-key maps:
//
//	[[{"eventName":"ConsoleLogin"},{"cnt":"5"}], ...]
//
// The rendering follows Trino, which Lake runs, as a Java client prints
// its values:
//
//   - scalars as CAST(x AS varchar) gives them: bigint 42, double 1.0 or
//     1.0E7 (Java's Double.toString), boolean true, date 2024-05-01,
//     timestamp 2024-05-01 12:00:00.000 (Lake's documented form);
//   - maps, rows (CloudTrail's structs) and arrays as Java's toString:
//     {bucketName=my-bucket, key=a.txt}, {type=IAMUser, arn=arn:...},
//     [a, b] — the form Lake users' tools parse ("Java-style map strings",
//     lake-api.md §5), not JSON, so that those tools work unchanged; a query
//     that wants JSON says so with json_format/CAST(... AS JSON);
//   - NULL as JSON null (botocore gives None, the Go SDK ""), so a client
//     can tell NULL from an empty string.

// rowEncoder appends result rows in the wire form, one JSON array per row.
// With nestedJSON, maps, rows and arrays are JSON text instead of Lake's
// Java form (the console's queries: its grid opens nested values as JSON,
// and Java's {k=v} form cannot be read back when a value holds "=" or ", ").
type rowEncoder struct {
	keys       [][]byte // `{"name":` per column
	types      []planner.Type
	nestedJSON bool
	tmp        []byte
}

func newRowEncoder(names []string, types []planner.Type, nestedJSON bool) *rowEncoder {
	e := &rowEncoder{types: types, nestedJSON: nestedJSON}
	for _, n := range names {
		k, _ := json.Marshal(n)
		e.keys = append(e.keys, append(append([]byte{'{'}, k...), ':'))
	}
	return e
}

// appendRow appends row i of rec as [{"c1":"v1"},{"c2":null}].
func (e *rowEncoder) appendRow(buf []byte, rec arrow.Record, i int) []byte {
	buf = append(buf, '[')
	for c := range e.keys {
		if c > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, e.keys[c]...)
		col := rec.Column(c)
		if col.IsNull(i) {
			buf = append(buf, "null"...)
		} else {
			t := planner.Unknown
			if c < len(e.types) {
				t = e.types[c]
			}
			if e.nestedJSON && isNested(col) {
				e.tmp = resultfmt.AppendJSONValue(e.tmp[:0], col, i)
			} else {
				e.tmp = appendLakeValue(e.tmp[:0], col, i, t, false)
			}
			buf = appendJSONString(buf, e.tmp)
		}
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

// isNested reports a map, struct or list column.
func isNested(a arrow.Array) bool {
	switch a.DataType().ID() {
	case arrow.MAP, arrow.STRUCT, arrow.LIST, arrow.LARGE_LIST:
		return true
	}
	return false
}

// appendLakeValue appends value i of arr as Lake prints it; nested marks a
// value inside a map, row or array (where NULL prints as null).
func appendLakeValue(buf []byte, arr arrow.Array, i int, t planner.Type, nested bool) []byte {
	if arr.IsNull(i) {
		return append(buf, "null"...)
	}
	switch a := arr.(type) {
	case *array.String:
		return append(buf, a.Value(i)...)
	case *array.LargeString:
		return append(buf, a.Value(i)...)
	case *array.Dictionary:
		return appendLakeValue(buf, a.Dictionary(), a.GetValueIndex(i), t, nested)
	case *array.Boolean:
		return strconv.AppendBool(buf, a.Value(i))
	case *array.Int64:
		if t.Kind == planner.KindInterval {
			return appendInterval(buf, a.Value(i))
		}
		return strconv.AppendInt(buf, a.Value(i), 10)
	case *array.Int32:
		if t.Kind == planner.KindIntervalYM {
			return append(buf, planner.FormatIntervalYM(int64(a.Value(i)))...)
		}
		return strconv.AppendInt(buf, int64(a.Value(i)), 10)
	case *array.Duration: // results carry interval day to second so (exec.ResultArrow)
		unit := a.DataType().(*arrow.DurationType).Unit
		return appendInterval(buf, int64(a.Value(i))*int64(unit.Multiplier()))
	case *array.MonthInterval:
		return append(buf, planner.FormatIntervalYM(int64(a.Value(i)))...)
	case *array.Binary:
		return append(buf, planner.FormatVarbinary(string(a.Value(i)))...)
	case *array.Float64:
		return append(buf, fn.FormatDouble(a.Value(i))...)
	case *array.Float32:
		return append(buf, fn.FormatDouble(float64(a.Value(i)))...)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		ns := a.Value(i).ToTime(unit).UnixNano()
		if zone, ok := planner.ZoneOfArrow(a.DataType()); ok {
			return append(buf, planner.FormatTimestampTZ(ns, zone)...)
		}
		return append(buf, fn.FormatTimestamp(ns)...)
	case *array.Date32:
		return append(buf, a.Value(i).ToTime().Format("2006-01-02")...)
	case *array.Map:
		var kt, vt planner.Type
		if t.Kind == planner.KindMap {
			kt, vt = *t.Key, *t.Value
		}
		keys, items := a.Keys(), a.Items()
		start, end := a.ValueOffsets(i)
		buf = append(buf, '{')
		for j := start; j < end; j++ {
			if j > start {
				buf = append(buf, ", "...)
			}
			buf = appendLakeValue(buf, keys, int(j), kt, true)
			buf = append(buf, '=')
			buf = appendLakeValue(buf, items, int(j), vt, true)
		}
		return append(buf, '}')
	case *array.List:
		var et planner.Type
		if t.Kind == planner.KindArray {
			et = *t.Elem
		}
		start, end := a.ValueOffsets(i)
		buf = append(buf, '[')
		for j := start; j < end; j++ {
			if j > start {
				buf = append(buf, ", "...)
			}
			buf = appendLakeValue(buf, a.ListValues(), int(j), et, true)
		}
		return append(buf, ']')
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		buf = append(buf, '{')
		for f := 0; f < a.NumField(); f++ {
			if f > 0 {
				buf = append(buf, ", "...)
			}
			var ft planner.Type
			if t.Kind == planner.KindRow && f < len(t.Fields) {
				ft = t.Fields[f].Type
			}
			// Lake's schema names struct fields in lower case
			// (userIdentity.principalid); ctlake's keeps CloudTrail's
			// camelCase, so print them as Lake would.
			buf = appendLower(buf, st.Field(f).Name)
			buf = append(buf, '=')
			buf = appendLakeValue(buf, a.Field(f), i, ft, true)
		}
		return append(buf, '}')
	default:
		return append(buf, arr.ValueStr(i)...)
	}
}

// appendInterval prints an interval day to second as Trino does:
// 1 02:03:04.567.
func appendInterval(buf []byte, ns int64) []byte {
	if ns < 0 {
		buf = append(buf, '-')
		ns = -ns
	}
	d := time.Duration(ns)
	days := int64(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	ms := d.Milliseconds()
	return fmt.Appendf(buf, "%d %02d:%02d:%02d.%03d", days, ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// appendJSONString appends s as a JSON string (no HTML escaping, invalid
// UTF-8 replaced, as encoding/json does).
func appendJSONString(buf, s []byte) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			i++
			continue
		}
		if c < 0x80 {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == 0xFFFD && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = fmt.Appendf(buf, `\u%04x`, r)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

func appendLower(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}
