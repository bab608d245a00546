// Package resultfmt writes query results in ctlake's output formats — table,
// line, CSV, TSV, JSON, NDJSON, Parquet and Arrow IPC — for every front-end
// that hands results to people or tools: `ctlake query`, the shell, batch
// files and the console's downloads. A result streams through the writers
// record by record, so no format holds a large result whole (the table
// holds its first rows, to size its columns).
package resultfmt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
)

// Formats are the result formats: table, line and the text formats print
// anywhere; parquet and arrow are binary files (export.go).
var Formats = []string{"table", "line", "csv", "tsv", "json", "ndjson", "parquet", "arrow"}

// ErrUnknownFormat is returned by Write for a format not in Formats.
var ErrUnknownFormat = errors.New("unknown format")

// IsBinary reports a format that writes a file, not text.
func IsBinary(f string) bool { return f == "parquet" || f == "arrow" }

// Known reports whether f is one of Formats.
func Known(f string) bool {
	for _, x := range Formats {
		if f == x {
			return true
		}
	}
	return false
}

// Result is what the writers print: column names (Lake's naming) and the
// Arrow records holding the rows — collected ones first (Records, owned by
// the caller), then, for a query's result, the records the engine streams
// (Next), each released once written, so a large result is never held.
type Result struct {
	Names   []string
	Records []arrow.Record
	Schema  *arrow.Schema // the records' schema; nil when unknown (exports then use the first record's)
	// Next yields the streamed records (nil at the end); nil: none.
	Next func() (arrow.Record, error)
}

// Each calls fn with every record in order: the collected ones, then the
// streamed ones, each released after fn returns.
func (r *Result) Each(fn func(arrow.Record) error) error {
	for _, rec := range r.Records {
		if err := fn(rec); err != nil {
			return err
		}
	}
	if r.Next == nil {
		return nil
	}
	for {
		rec, err := r.Next()
		if err != nil {
			return err
		}
		if rec == nil {
			r.Next = nil
			return nil
		}
		err = fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
}

// Collect gathers r's streamed records into Records, for callers that
// read every row twice.
func (r *Result) Collect() error {
	if r.Next == nil {
		return nil
	}
	for {
		rec, err := r.Next()
		if err != nil {
			return err
		}
		if rec == nil {
			r.Next = nil
			return nil
		}
		r.Records = append(r.Records, rec)
	}
}

// Rows counts the collected records' rows.
func (r *Result) Rows() int64 {
	var n int64
	for _, rec := range r.Records {
		n += rec.NumRows()
	}
	return n
}

// Write prints r in one of Formats.
func Write(w io.Writer, format string, r *Result) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case "table", "":
		err = WriteTable(bw, r, 60)
	case "line":
		err = WriteLines(bw, r)
	case "parquet":
		err = WriteParquet(bw, r)
	case "arrow":
		err = WriteArrow(bw, r)
	case "csv", "tsv":
		err = WriteDelimited(bw, r, format == "tsv")
	case "json":
		err = WriteJSON(bw, r, true)
	case "ndjson":
		err = WriteJSON(bw, r, false)
	default:
		return fmt.Errorf("%w %q (want %s)", ErrUnknownFormat, format, strings.Join(Formats, ", "))
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// eachRow calls fn with every row's values rendered by render.
func eachRow(r *Result, render func(arr arrow.Array, i int) string, fn func(vals []string) error) error {
	vals := make([]string, len(r.Names))
	return r.Each(func(rec arrow.Record) error {
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
