package resultfmt

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// LakeTime prints timestamps as CloudTrail Lake does: YYYY-MM-DD HH:MM:SS.sss.
func LakeTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02 15:04:05.000")
}

// TimestampNanos reads value i of a timestamp array of any unit (results
// are nanoseconds; a Parquet file read back holds microseconds).
func TimestampNanos(a *array.Timestamp, i int) int64 {
	return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UnixNano()
}

// TableValue is TextValue with NULL spelled out, as Trino's CLI shows it.
func TableValue(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return "NULL"
	}
	return TextValue(arr, i)
}

// TextValue renders one value for CSV/TSV (NULL is an empty field) and for
// tables; compound values print as JSON.
func TextValue(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return ""
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Dictionary:
		return TextValue(a.Dictionary(), a.GetValueIndex(i))
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Float64:
		return FormatDouble(a.Value(i))
	case *array.Timestamp:
		return timestampText(a, i)
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	case *array.Duration, *array.MonthInterval:
		return intervalText(a, i)
	case *array.Binary:
		return planner.FormatVarbinary(string(a.Value(i)))
	default:
		return string(AppendJSONValue(nil, arr, i))
	}
}

// timestampText prints a timestamp as Lake does, and a timestamp with time
// zone (an Arrow timestamp whose zone is not UTC) in its zone with the
// zone's name: 2024-05-03 06:20:30.000 America/New_York.
func timestampText(a *array.Timestamp, i int) string {
	if zone, ok := planner.ZoneOfArrow(a.DataType()); ok {
		return planner.FormatTimestampTZ(TimestampNanos(a, i), zone)
	}
	return LakeTime(TimestampNanos(a, i))
}

// intervalText prints intervals as Trino does: day to second as
// "0 00:55:32.000", year to month as "1-2".
func intervalText(a arrow.Array, i int) string {
	switch a := a.(type) {
	case *array.Duration:
		unit := a.DataType().(*arrow.DurationType).Unit
		return planner.FormatIntervalDS(int64(a.Value(i)) * int64(unit.Multiplier()))
	case *array.MonthInterval:
		return planner.FormatIntervalYM(int64(a.Value(i)))
	}
	return ""
}

// FormatDouble prints doubles the way Trino's CLI does for ordinary values.
func FormatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// AppendJSONValue appends value i of arr as JSON: numbers, booleans and null
// typed; timestamps as Lake prints them; maps as objects, structs as
// objects, lists as arrays.
func AppendJSONValue(buf []byte, arr arrow.Array, i int) []byte {
	if arr.IsNull(i) {
		return append(buf, "null"...)
	}
	switch a := arr.(type) {
	case *array.String:
		return appendJSONString(buf, a.Value(i))
	case *array.Dictionary:
		return AppendJSONValue(buf, a.Dictionary(), a.GetValueIndex(i))
	case *array.Boolean:
		return strconv.AppendBool(buf, a.Value(i))
	case *array.Int64:
		return strconv.AppendInt(buf, a.Value(i), 10)
	case *array.Int32:
		return strconv.AppendInt(buf, int64(a.Value(i)), 10)
	case *array.Float64:
		f := a.Value(i)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return appendJSONString(buf, FormatDouble(f))
		}
		return strconv.AppendFloat(buf, f, 'g', -1, 64)
	case *array.Timestamp:
		return appendJSONString(buf, timestampText(a, i))
	case *array.Date32:
		return appendJSONString(buf, a.Value(i).ToTime().Format("2006-01-02"))
	case *array.Duration, *array.MonthInterval:
		// Trino's JSON protocol sends intervals as their text.
		return appendJSONString(buf, intervalText(a, i))
	case *array.Binary:
		return appendJSONString(buf, base64.StdEncoding.EncodeToString(a.Value(i)))
	case *array.Map:
		keys, items := a.Keys(), a.Items()
		start, end := a.ValueOffsets(i)
		buf = append(buf, '{')
		for j := start; j < end; j++ {
			if j > start {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, TextValue(keys, int(j)))
			buf = append(buf, ':')
			buf = AppendJSONValue(buf, items, int(j))
		}
		return append(buf, '}')
	case *array.List:
		start, end := a.ValueOffsets(i)
		buf = append(buf, '[')
		for j := start; j < end; j++ {
			if j > start {
				buf = append(buf, ',')
			}
			buf = AppendJSONValue(buf, a.ListValues(), int(j))
		}
		return append(buf, ']')
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		buf = append(buf, '{')
		for f := 0; f < a.NumField(); f++ {
			if f > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, st.Field(f).Name)
			buf = append(buf, ':')
			buf = AppendJSONValue(buf, a.Field(f), i)
		}
		return append(buf, '}')
	default:
		return appendJSONString(buf, a.ValueStr(i))
	}
}

func appendJSONString(buf []byte, s string) []byte {
	b, _ := json.Marshal(s)
	return append(buf, b...)
}
