package resultfmt

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
)

// WriteTable aligns columns, cuts long values with … and adds a row count.
func WriteTable(w io.Writer, r *Result, maxWidth int) error {
	n, _, err := WriteTableRows(w, r, maxWidth)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, RowCount(n)+"\n")
	return err
}

// RowCount is the "(N rows)" footer.
func RowCount(n int64) string {
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

// WriteTableRows is WriteTable without the footer; it returns the number of
// rows written and the table's width (columns plus " | " separators).
func WriteTableRows(w io.Writer, r *Result, maxWidth int) (int64, int, error) {
	widths := make([]int, len(r.Names))
	for i, n := range r.Names {
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
		line(r.Names)
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
	row := make([]string, len(r.Names))
	err := eachRow(r, TableValue, func(vals []string) error {
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

// WriteLines prints each row vertically, one "column = value" line per
// column under a numbered header, for rows too wide for a table (a whole
// eventJson, every userIdentity field). Values are never cut.
func WriteLines(w io.Writer, r *Result) error {
	n, err := WriteLineRows(w, r)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, RowCount(n)+"\n")
	return err
}

// WriteLineRows is WriteLines without the footer; it returns the number of
// rows written.
func WriteLineRows(w io.Writer, r *Result) (int64, error) {
	width := 0
	for _, n := range r.Names {
		width = max(width, utf8.RuneCountInString(n))
	}
	var row int64
	err := eachRow(r, TableValue, func(vals []string) error {
		row++
		if _, err := fmt.Fprintf(w, "-[ row %d ]%s\n", row, strings.Repeat("-", max(0, width-6))); err != nil {
			return err
		}
		for i, v := range vals {
			v = strings.ReplaceAll(v, "\n", "\n"+strings.Repeat(" ", width+3))
			if _, err := fmt.Fprintf(w, "%s%s | %s\n", r.Names[i], strings.Repeat(" ", width-utf8.RuneCountInString(r.Names[i])), v); err != nil {
				return err
			}
		}
		return nil
	})
	return row, err
}

// WriteDelimited writes a header of column names, then one CSV (or, with
// tab, TSV) record per row; NULL is an empty field.
func WriteDelimited(w io.Writer, r *Result, tab bool) error {
	cw := csv.NewWriter(w)
	if tab {
		cw.Comma = '\t'
	}
	if err := cw.Write(r.Names); err != nil {
		return err
	}
	err := eachRow(r, TextValue, func(vals []string) error { return cw.Write(vals) })
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// WriteJSON prints objects keyed by column name in column order: an
// array (array=true, the json format) or one object per line (ndjson).
func WriteJSON(w io.Writer, r *Result, array bool) error {
	keys := make([][]byte, len(r.Names))
	for i, n := range r.Names {
		keys[i], _ = json.Marshal(n)
	}
	first := true
	if array {
		io.WriteString(w, "[")
	}
	var buf []byte
	err := r.Each(func(rec arrow.Record) error {
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
			for c := range r.Names {
				if c > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, keys[c]...)
				buf = append(buf, ':')
				buf = AppendJSONValue(buf, rec.Column(c), i)
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
