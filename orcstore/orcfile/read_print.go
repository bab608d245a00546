package orcfile

import (
	"strconv"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
)

// RowPrinter formats rows of scanned records as one JSON object per row,
// exactly as Apache ORC's orc-contents tool prints them: `{"a": 1, "b":
// "x"}` with ", " and ": " separators; timestamps as "YYYY-MM-DD
// hh:mm:ss.f" (nanoseconds without trailing zeros, at least one digit);
// dates as "YYYY-MM-DD"; decimals with exactly their scale's digits;
// binary as a list of byte values; maps as lists of {"key": …, "value": …};
// unions as {"tag": n, "value": …}; floats with 7 and doubles with 14
// significant digits. Sharing it lets the CLI's output be checked against
// orc-contents' expected files.
type RowPrinter struct {
	// Location is the zone timestamps are shown in (default UTC).
	// orc-contents shows them in the local zone of the machine it ran on.
	Location *time.Location
}

// AppendRow appends row i of rec, without a newline.
func (p *RowPrinter) AppendRow(dst []byte, rec arrow.Record, i int) []byte {
	dst = append(dst, '{')
	for c := 0; c < int(rec.NumCols()); c++ {
		if c > 0 {
			dst = append(dst, ", "...)
		}
		dst = strconv.AppendQuote(dst, rec.ColumnName(c))
		dst = append(dst, ": "...)
		dst = p.AppendValue(dst, rec.Column(c), i)
	}
	return append(dst, '}')
}

// AppendValue appends value i of a (any type the scanner produces).
func (p *RowPrinter) AppendValue(dst []byte, a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		return append(dst, "null"...)
	}
	switch a := a.(type) {
	case *array.Boolean:
		return strconv.AppendBool(dst, a.Value(i))
	case *array.Int8:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.AppendInt(dst, a.Value(i), 10)
	case *array.Float32:
		return strconv.AppendFloat(dst, float64(a.Value(i)), 'g', 7, 32)
	case *array.Float64:
		return readAppendG(dst, a.Value(i), 14)
	case *array.String:
		return readAppendString(dst, a.Value(i))
	case *array.Binary:
		dst = append(dst, '[')
		for k, c := range a.Value(i) {
			if k > 0 {
				dst = append(dst, ", "...)
			}
			dst = strconv.AppendInt(dst, int64(c), 10)
		}
		return append(dst, ']')
	case *array.Dictionary:
		return p.AppendValue(dst, a.Dictionary(), a.GetValueIndex(i))
	case *array.Timestamp:
		ns := int64(a.Value(i))
		loc := p.Location
		if loc == nil {
			loc = time.UTC
		}
		sec, nano := ns/1e9, ns%1e9
		if nano < 0 {
			sec, nano = sec-1, nano+1e9
		}
		t := time.Unix(sec, nano).In(loc)
		dst = append(dst, '"')
		dst = t.AppendFormat(dst, "2006-01-02 15:04:05")
		dst = append(dst, '.')
		if nano == 0 {
			dst = append(dst, '0')
		} else {
			digits := strconv.AppendInt(nil, 1e9+nano, 10)[1:]
			for len(digits) > 1 && digits[len(digits)-1] == '0' {
				digits = digits[:len(digits)-1]
			}
			dst = append(dst, digits...)
		}
		return append(dst, '"')
	case *array.Date32:
		t := time.Unix(int64(a.Value(i))*86400, 0).UTC()
		dst = append(dst, '"')
		dst = t.AppendFormat(dst, "2006-01-02")
		return append(dst, '"')
	case *array.Decimal128:
		return readAppendDecimal(dst, a.Value(i), a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		dst = append(dst, '{')
		for f := 0; f < a.NumField(); f++ {
			if f > 0 {
				dst = append(dst, ", "...)
			}
			dst = strconv.AppendQuote(dst, st.Field(f).Name)
			dst = append(dst, ": "...)
			dst = p.AppendValue(dst, a.Field(f), i)
		}
		return append(dst, '}')
	case *array.Map:
		start, end := a.ValueOffsets(i)
		keys, items := a.Keys(), a.Items()
		dst = append(dst, '[')
		for k := start; k < end; k++ {
			if k > start {
				dst = append(dst, ", "...)
			}
			dst = append(dst, `{"key": `...)
			dst = p.AppendValue(dst, keys, int(k))
			dst = append(dst, `, "value": `...)
			dst = p.AppendValue(dst, items, int(k))
			dst = append(dst, '}')
		}
		return append(dst, ']')
	case *array.List:
		start, end := a.ValueOffsets(i)
		vals := a.ListValues()
		dst = append(dst, '[')
		for k := start; k < end; k++ {
			if k > start {
				dst = append(dst, ", "...)
			}
			dst = p.AppendValue(dst, vals, int(k))
		}
		return append(dst, ']')
	case *array.DenseUnion:
		code := a.TypeCode(i)
		dst = append(dst, `{"tag": `...)
		dst = strconv.AppendInt(dst, int64(code), 10)
		dst = append(dst, `, "value": `...)
		dst = p.AppendValue(dst, a.Field(a.ChildID(i)), int(a.ValueOffset(i)))
		return append(dst, '}')
	}
	return append(dst, `"?"`...)
}

// readAppendG formats like C's printf("%.*g"): Go's 'g' format matches it
// except that it keeps no trailing zeros either, which %g also drops.
func readAppendG(dst []byte, v float64, prec int) []byte {
	return strconv.AppendFloat(dst, v, 'g', prec, 64)
}

// readAppendString quotes s the way orc-contents does: only backslash,
// quote and the C control escapes \b \f \n \r \t are escaped; other bytes
// are written as they are.
func readAppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			dst = append(dst, `\\`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		case '"':
			dst = append(dst, `\"`...)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// readAppendDecimal prints an unscaled value with exactly scale fractional
// digits.
func readAppendDecimal(dst []byte, v decimal128.Num, scale int32) []byte {
	s := v.BigInt().String()
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
		dst = append(dst, '-')
	}
	if scale <= 0 {
		return append(dst, s...)
	}
	sc := int(scale)
	if len(s) <= sc {
		dst = append(dst, "0."...)
		for k := len(s); k < sc; k++ {
			dst = append(dst, '0')
		}
		return append(dst, s...)
	}
	dst = append(dst, s[:len(s)-sc]...)
	dst = append(dst, '.')
	return append(dst, s[len(s)-sc:]...)
}
