package main

import (
	"bufio"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Output formats of query results.
// table, line and the text formats print anywhere; parquet and arrow are
// binary files (export.go).
var resultFormats = []string{"table", "line", "csv", "tsv", "json", "ndjson", "parquet", "arrow"}

// resultSet is what the formatters print: column names (Lake's naming) and
// the Arrow records holding the rows — collected ones first (Records, owned
// by the caller), then, for a query's result, the records the engine streams
// (next), each released once written, so a large result is never held.
type resultSet struct {
	Names   []string
	Records []arrow.Record
	Schema  *arrow.Schema // the records' schema; nil when unknown (exports then use the first record's)
	// next yields the streamed records (nil at the end); nil: none.
	next func() (arrow.Record, error)
}

// each calls fn with every record in order: the collected ones, then the
// streamed ones, each released after fn returns.
func (r *resultSet) each(fn func(arrow.Record) error) error {
	for _, rec := range r.Records {
		if err := fn(rec); err != nil {
			return err
		}
	}
	if r.next == nil {
		return nil
	}
	for {
		rec, err := r.next()
		if err != nil {
			return err
		}
		if rec == nil {
			r.next = nil
			return nil
		}
		err = fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
}

// collect gathers rs's streamed records into Records, for callers that
// read every row twice.
func (r *resultSet) collect() error {
	if r.next == nil {
		return nil
	}
	for {
		rec, err := r.next()
		if err != nil {
			return err
		}
		if rec == nil {
			r.next = nil
			return nil
		}
		r.Records = append(r.Records, rec)
	}
}

func (r *resultSet) rows() int64 {
	var n int64
	for _, rec := range r.Records {
		n += rec.NumRows()
	}
	return n
}

// writeResult prints rs in one of resultFormats.
func writeResult(w io.Writer, format string, rs *resultSet) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case "table", "":
		err = writeTable(bw, rs, 60)
	case "line":
		err = writeLines(bw, rs)
	case "parquet":
		err = writeParquet(bw, rs)
	case "arrow":
		err = writeArrowFile(bw, rs)
	case "csv", "tsv":
		err = writeDelimited(bw, rs, format == "tsv")
	case "json":
		err = writeJSONRows(bw, rs, true)
	case "ndjson":
		err = writeJSONRows(bw, rs, false)
	default:
		return fmt.Errorf("%w: unknown format %q (want %s)", errUsage, format, strings.Join(resultFormats, ", "))
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// eachRow calls fn with every row's values rendered by render.
func eachRow(rs *resultSet, render func(arr arrow.Array, i int) string, fn func(vals []string) error) error {
	vals := make([]string, len(rs.Names))
	return rs.each(func(rec arrow.Record) error {
		for i := 0; i < int(rec.NumRows()); i++ {
			for c := range vals {
				vals[c] = render(rec.Column(c), i)
			}
			if err := fn(vals); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeTable aligns columns, cuts long values with … and adds a row count.
func writeTable(w io.Writer, rs *resultSet, maxWidth int) error {
	n, _, err := writeTableRows(w, rs, maxWidth)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, rowCount(n)+"\n")
	return err
}

// rowCount is the "(N rows)" footer.
func rowCount(n int64) string {
	if n == 1 {
		return "(1 row)"
	}
	return fmt.Sprintf("(%d rows)", n)
}

// tableBufferRows is how many rows a table reads before it prints: the
// column widths come from them (values are cut at maxWidth anyway); later
// rows stream through, a value longer than its column cut with …, so a
// table of millions of rows prints in bounded memory.
const tableBufferRows = 10000

// writeTableRows is writeTable without the footer; it returns the number of
// rows written and the table's width (columns plus " | " separators).
func writeTableRows(w io.Writer, rs *resultSet, maxWidth int) (int64, int, error) {
	widths := make([]int, len(rs.Names))
	for i, n := range rs.Names {
		widths[i] = max(1, utf8.RuneCountInString(n))
	}
	line := func(vals []string) {
		for i, v := range vals {
			if i > 0 {
				io.WriteString(w, " | ")
			}
			io.WriteString(w, v)
			if i < len(vals)-1 {
				io.WriteString(w, strings.Repeat(" ", widths[i]-utf8.RuneCountInString(v)))
			}
		}
		io.WriteString(w, "\n")
	}
	var cells [][]string
	var n int64
	streaming := false
	flush := func() {
		line(rs.Names)
		sep := make([]string, len(widths))
		for i, wd := range widths {
			sep[i] = strings.Repeat("-", wd)
		}
		io.WriteString(w, strings.Join(sep, "-+-")+"\n")
		for _, row := range cells {
			line(row)
		}
		n += int64(len(cells))
		cells, streaming = nil, true
	}
	row := make([]string, len(rs.Names))
	err := eachRow(rs, tableValue, func(vals []string) error {
		for i, v := range vals {
			v = strings.ReplaceAll(strings.ReplaceAll(v, "\n", "\\n"), "\t", " ")
			limit := maxWidth
			if streaming {
				limit = widths[i]
			}
			if utf8.RuneCountInString(v) > limit {
				v = string([]rune(v)[:limit-1]) + "…"
			}
			row[i] = v
			widths[i] = max(widths[i], utf8.RuneCountInString(v))
		}
		if streaming {
			line(row)
			n++
			return nil
		}
		cells = append(cells, append([]string(nil), row...))
		if len(cells) == tableBufferRows {
			flush()
		}
		return nil
	})
	if err != nil {
		return n, 0, err
	}
	if !streaming {
		flush()
	}
	width := 3 * max(0, len(widths)-1)
	for _, wd := range widths {
		width += wd
	}
	return n, width, nil
}

// writeLines prints each row vertically, one "column = value" line per
// column under a numbered header, for rows too wide for a table (a whole
// eventJson, every userIdentity field). Values are never cut.
func writeLines(w io.Writer, rs *resultSet) error {
	n, err := writeLineRows(w, rs)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, rowCount(n)+"\n")
	return err
}

func writeLineRows(w io.Writer, rs *resultSet) (int64, error) {
	width := 0
	for _, n := range rs.Names {
		width = max(width, utf8.RuneCountInString(n))
	}
	var row int64
	err := eachRow(rs, tableValue, func(vals []string) error {
		row++
		if _, err := fmt.Fprintf(w, "-[ row %d ]%s\n", row, strings.Repeat("-", max(0, width-6))); err != nil {
			return err
		}
		for i, v := range vals {
			v = strings.ReplaceAll(v, "\n", "\n"+strings.Repeat(" ", width+3))
			if _, err := fmt.Fprintf(w, "%s%s | %s\n", rs.Names[i], strings.Repeat(" ", width-utf8.RuneCountInString(rs.Names[i])), v); err != nil {
				return err
			}
		}
		return nil
	})
	return row, err
}

func writeDelimited(w io.Writer, rs *resultSet, tab bool) error {
	cw := csv.NewWriter(w)
	if tab {
		cw.Comma = '\t'
	}
	if err := cw.Write(rs.Names); err != nil {
		return err
	}
	err := eachRow(rs, textValue, func(vals []string) error { return cw.Write(vals) })
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// writeJSONRows prints objects keyed by column name in column order: an
// array (pretty=true, the json format) or one object per line (ndjson).
func writeJSONRows(w io.Writer, rs *resultSet, array bool) error {
	keys := make([][]byte, len(rs.Names))
	for i, n := range rs.Names {
		keys[i], _ = json.Marshal(n)
	}
	first := true
	if array {
		io.WriteString(w, "[")
	}
	var buf []byte
	err := rs.each(func(rec arrow.Record) error {
		for i := 0; i < int(rec.NumRows()); i++ {
			buf = buf[:0]
			if array {
				if !first {
					buf = append(buf, ',')
				}
				buf = append(buf, "\n  "...)
			}
			first = false
			buf = append(buf, '{')
			for c := range rs.Names {
				if c > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, keys[c]...)
				buf = append(buf, ':')
				buf = appendJSONValue(buf, rec.Column(c), i)
			}
			buf = append(buf, '}')
			if !array {
				buf = append(buf, '\n')
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if array {
		if !first {
			io.WriteString(w, "\n")
		}
		io.WriteString(w, "]\n")
	}
	return nil
}

// lakeTime prints timestamps as CloudTrail Lake does: YYYY-MM-DD HH:MM:SS.sss.
func lakeTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02 15:04:05.000")
}

// timestampNanos reads value i of a timestamp array of any unit (results
// are nanoseconds; a Parquet file read back holds microseconds).
func timestampNanos(a *array.Timestamp, i int) int64 {
	return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UnixNano()
}

// tableValue is textValue with NULL spelled out, as Trino's CLI shows it.
func tableValue(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return "NULL"
	}
	return textValue(arr, i)
}

// textValue renders one value for CSV/TSV (NULL is an empty field) and for
// tables; compound values print as JSON.
func textValue(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return ""
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Dictionary:
		return textValue(a.Dictionary(), a.GetValueIndex(i))
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Float64:
		return formatDouble(a.Value(i))
	case *array.Timestamp:
		return timestampText(a, i)
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	case *array.Duration, *array.MonthInterval:
		return intervalText(a, i)
	case *array.Binary:
		return planner.FormatVarbinary(string(a.Value(i)))
	default:
		return string(appendJSONValue(nil, arr, i))
	}
}

// timestampText prints a timestamp as Lake does, and a timestamp with time
// zone (an Arrow timestamp whose zone is not UTC) in its zone with the
// zone's name: 2024-05-03 06:20:30.000 America/New_York.
func timestampText(a *array.Timestamp, i int) string {
	if zone, ok := planner.ZoneOfArrow(a.DataType()); ok {
		return planner.FormatTimestampTZ(timestampNanos(a, i), zone)
	}
	return lakeTime(timestampNanos(a, i))
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

// formatDouble prints doubles the way Trino's CLI does for ordinary values.
func formatDouble(f float64) string {
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

// appendJSONValue appends value i of arr as JSON: numbers, booleans and null
// typed; timestamps as Lake prints them; maps as objects, structs as
// objects, lists as arrays.
func appendJSONValue(buf []byte, arr arrow.Array, i int) []byte {
	if arr.IsNull(i) {
		return append(buf, "null"...)
	}
	switch a := arr.(type) {
	case *array.String:
		return appendJSONString(buf, a.Value(i))
	case *array.Dictionary:
		return appendJSONValue(buf, a.Dictionary(), a.GetValueIndex(i))
	case *array.Boolean:
		return strconv.AppendBool(buf, a.Value(i))
	case *array.Int64:
		return strconv.AppendInt(buf, a.Value(i), 10)
	case *array.Int32:
		return strconv.AppendInt(buf, int64(a.Value(i)), 10)
	case *array.Float64:
		f := a.Value(i)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return appendJSONString(buf, formatDouble(f))
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
			buf = appendJSONString(buf, textValue(keys, int(j)))
			buf = append(buf, ':')
			buf = appendJSONValue(buf, items, int(j))
		}
		return append(buf, '}')
	case *array.List:
		start, end := a.ValueOffsets(i)
		buf = append(buf, '[')
		for j := start; j < end; j++ {
			if j > start {
				buf = append(buf, ',')
			}
			buf = appendJSONValue(buf, a.ListValues(), int(j))
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
			buf = appendJSONValue(buf, a.Field(f), i)
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
