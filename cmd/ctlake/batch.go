package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ctlake/ctlake/sql"
)

// A batch is a query file of several statements (`ctlake query -f FILE`):
// each runs in turn, its result goes to stdout or to its own file in --out
// DIR, and a summary says how each went. A failed statement stops the batch
// unless --continue-on-error; either way the exit status is non-zero and the
// error names the statement.

type batchOptions struct {
	format          string
	outDir          string // "": results to stdout
	params          params
	continueOnError bool
	stats           bool
	source          string // the file's name, for error positions ("query" for the command line)
	single          bool   // the file holds one statement: no header before its result
}

// batchResult is one statement's line of the summary.
type batchResult struct {
	Index   int // 1-based
	Name    string
	Line    int
	File    string // base name of its output file in --out DIR
	Rows    int64
	Elapsed time.Duration
	Bytes   int64
	Status  string // ok, failed or "not run"
	Err     error
}

// label names a statement in messages: "statement 2 (failed_logins, line 7)".
func (r *batchResult) label() string {
	if r.Name != "" {
		return fmt.Sprintf("statement %d (%s, line %d)", r.Index, r.Name, r.Line)
	}
	return fmt.Sprintf("statement %d (line %d)", r.Index, r.Line)
}

func runBatch(ctx context.Context, eng *querier, stmts []statement, o batchOptions, stdout, stderr io.Writer) error {
	if o.outDir != "" {
		if err := os.MkdirAll(o.outDir, 0o755); err != nil {
			return err
		}
	}
	prefix := "" // errors name the file (not the command line)
	if o.source != "query" {
		prefix = o.source + ": "
	}
	results := make([]batchResult, len(stmts))
	for i, st := range stmts {
		results[i] = batchResult{Index: i + 1, Name: st.Name, Line: st.Line, Status: "not run"}
	}
	// A statement that cannot be read (an unclosed quote or comment) and
	// missing placeholders are found in the whole file first: such
	// problems should not surface only after the statements before them
	// have run. With --continue-on-error the other statements still run.
	var unreadable []string
	for i, st := range stmts {
		if st.Err != nil {
			results[i].Err = fmt.Errorf("%s:%s\n%s", o.source, st.Err.Error(), st.Err.Caret())
			fmt.Fprintf(stderr, "ctlake query: %s: %v\n", results[i].label(), results[i].Err)
			unreadable = append(unreadable, results[i].label())
		}
	}
	if len(unreadable) > 0 && !o.continueOnError {
		o.finishSummary(results, stdout, stderr)
		return fmt.Errorf("%snothing run: %s cannot be read (%s); fix it, or give --continue-on-error to run the others",
			prefix, strings.Join(unreadable, ", "), strings.SplitN(results[firstErr(results)].Err.Error(), "\n", 2)[0])
	}
	var missing []string
	for i, st := range stmts {
		if st.Err != nil {
			continue
		}
		if _, err := substitute(st.SQL, o.params); err != nil {
			missing = append(missing, fmt.Sprintf("statement %d: %v", i+1, err))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%snothing run: %s", prefix, strings.Join(missing, "; "))
	}
	failed := false
	for i, st := range stmts {
		r := &results[i]
		if st.Err != nil || failed && !o.continueOnError {
			continue
		}
		if o.outDir != "" {
			r.File = batchFileName(i+1, len(stmts), st.Name, o.format)
		}
		r.Err = runBatchStatement(ctx, eng, st, r, o, stdout, stderr)
		r.Status = "ok"
		if r.Err != nil {
			r.Status, failed = "failed", true
			fmt.Fprintf(stderr, "ctlake query: %s: %v\n", r.label(), r.Err)
			if ctx.Err() != nil {
				o.continueOnError = false // interrupted: skip the rest
			}
		}
	}
	if err := o.finishSummary(results, stdout, stderr); err != nil {
		return err
	}
	var bad []string
	for i := range results {
		switch {
		case results[i].Status == "failed":
			bad = append(bad, results[i].label()+" failed")
		case results[i].Err != nil:
			bad = append(bad, results[i].label()+" cannot be read")
		}
	}
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s%s", prefix, bad[0])
	default:
		return fmt.Errorf("%s%d of %d statements did not succeed: %s", prefix, len(bad), len(stmts), strings.Join(bad, "; "))
	}
}

func firstErr(results []batchResult) int {
	for i := range results {
		if results[i].Err != nil {
			return i
		}
	}
	return 0
}

// finishSummary writes summary.csv and prints the summary: on stdout beside
// the result files of --out DIR, else on stderr when a statement did not
// run or failed, so that every statement of the file is accounted for.
func (o batchOptions) finishSummary(results []batchResult, stdout, stderr io.Writer) error {
	if o.outDir != "" {
		if err := writeSummaryCSV(filepath.Join(o.outDir, "summary.csv"), results); err != nil {
			return err
		}
		printSummary(stdout, results)
		return nil
	}
	for _, r := range results {
		if r.Status != "ok" {
			printSummary(stderr, results)
			break
		}
	}
	return nil
}

// runBatchStatement runs one statement and writes its output as it
// streams, filling in r's figures.
func runBatchStatement(ctx context.Context, eng *querier, st statement, r *batchResult, o batchOptions, stdout, stderr io.Writer) error {
	query, err := substitute(st.SQL, o.params)
	if err != nil {
		return err
	}
	out, err := eng.start(ctx, query)
	if err == nil {
		err = writeBatchOutput(out, r, o, stdout)
	}
	if out != nil {
		s := out.Stats()
		r.Elapsed, r.Bytes, r.Rows = s.Elapsed, s.BytesScanned, s.RowsOut
		if o.stats {
			fmt.Fprintf(stderr, "-- %s\n", r.label())
			printStats(stderr, s)
		}
		printJSONNotice(stderr, s)
	}
	if err != nil {
		var se *sql.Error
		if errors.As(err, &se) {
			return scriptError(o.source, st, query, se)
		}
		if o.source != "query" {
			return fmt.Errorf("%s:%d: %w", o.source, st.Line, err)
		}
		return err
	}
	return nil
}

// writeBatchOutput writes one statement's result to its file in --out DIR or
// to stdout.
func writeBatchOutput(out *queryOutput, r *batchResult, o batchOptions, stdout io.Writer) error {
	if o.outDir != "" {
		format := o.format
		if out.Result == nil {
			format = "text"
		}
		return writeFile(filepath.Join(o.outDir, r.File), func(w io.Writer) error { return writeOutput(w, format, out) })
	}
	// Text formats get a header line so that results can be told apart;
	// csv and json stay bare so that each remains parseable. A file of one
	// statement prints as the same query given inline does.
	header := (o.format == "table" || o.format == "line" || out.Result == nil) && !o.single
	if header {
		fmt.Fprintf(stdout, "-- %s\n", r.label())
	}
	if err := writeOutput(stdout, o.format, out); err != nil {
		return err
	}
	if header {
		io.WriteString(stdout, "\n")
	}
	return nil
}

// batchFileName is NN-name.ext: numbered so that a directory listing keeps
// the file's order, named after the statement's "-- name:" (or "query").
func batchFileName(i, n int, name, format string) string {
	digits := max(2, len(strconv.Itoa(n)))
	slug := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
	slug = strings.Trim(slug, "._")
	if slug == "" {
		slug = "query"
	}
	return fmt.Sprintf("%0*d-%s.%s", digits, i, slug, formatExt(format))
}

// formatExt is the file extension of a result format.
func formatExt(format string) string {
	switch format {
	case "table", "line", "", "text":
		return "txt"
	}
	return format
}

func writeSummaryCSV(path string, results []batchResult) error {
	return writeFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"statement", "name", "line", "file", "rows", "time_ms", "bytes_scanned", "status", "error"})
		for _, r := range results {
			msg := ""
			if r.Err != nil {
				msg = strings.SplitN(r.Err.Error(), "\n", 2)[0]
			}
			file := r.File
			if r.Status != "ok" {
				file = ""
			}
			cw.Write([]string{strconv.Itoa(r.Index), r.Name, strconv.Itoa(r.Line), file, strconv.FormatInt(r.Rows, 10),
				strconv.FormatFloat(float64(r.Elapsed.Microseconds())/1000, 'f', 3, 64), strconv.FormatInt(r.Bytes, 10), r.Status, msg})
		}
		cw.Flush()
		return cw.Error()
	})
}

// printSummary is the summary as an aligned table for the terminal.
func printSummary(w io.Writer, results []batchResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tname\tfile\trows\ttime\tscanned\tstatus")
	for _, r := range results {
		name := r.Name
		if name == "" {
			name = "-"
		}
		file := r.File
		if r.Status != "ok" || file == "" {
			file = "-"
		}
		rows, elapsed, scanned := fmt.Sprint(r.Rows), r.Elapsed.Round(time.Millisecond).String(), humanBytes(r.Bytes)
		if r.Status == "not run" {
			rows, elapsed, scanned = "-", "-", "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Index, name, file, rows, elapsed, scanned, r.Status)
	}
	tw.Flush()
}

// scriptError positions a statement's error in its script, as an editor
// counts, and shows the script's line with the caret under that column (a
// statement that starts mid-line used to get a caret under its own first
// column beside the script's column). When placeholders changed the text,
// the statement's own line is shown instead.
func scriptError(source string, st statement, query string, se *sql.Error) error {
	if st.Script != "" && query == st.SQL && st.Offset+se.Pos <= len(st.Script) {
		at := sql.NewError(st.Script, st.Offset+se.Pos, se.Kind, "%s", se.Msg)
		return fmt.Errorf("%s:%d:%d: %s\n%s", source, at.Line, at.Col, se.Msg, at.Caret())
	}
	line, col := st.Line+se.Line-1, se.Col
	if se.Line == 1 {
		col += st.Col - 1
	}
	return fmt.Errorf("%s:%d:%d: %s\n%s", source, line, col, se.Msg, se.Caret())
}
