// Command duckpeer loads CloudTrail JSON into DuckDB and runs one query, for
// manual cross-checks of ctlake's answers:
//
//	duckpeer query [flags] PATH... SQL
//
// The events of every PATH (files or directories, as duckpeer.ExpandPaths
// reads them) become table "events" (see -table, -view, -db); -load NAME=PATH
// (repeatable) imports more tables, for joins. SQL is DuckDB's dialect (the
// peer's README maps CloudTrail Lake forms to it). Rows are printed as
// NDJSON with -json, else as tab-separated values with a header. -timing
// reports load and query times on stderr; -runs N runs the query N times
// after one load, reporting each run's time.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	duckpeer "github.com/ctlake/ctlake/peer/duckdb"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "duckpeer:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "query" {
		return errors.New("usage: duckpeer query [flags] PATH... SQL")
	}
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print rows as NDJSON objects")
	table := fs.String("table", "events", "name of the events table")
	view := fs.Bool("view", false, "query the JSON files through a view instead of importing them")
	timeField := fs.String("time-field", "", "fallback time field when eventTime is missing (e.g. @timestamp)")
	keep := fs.Bool("keep-untimed", false, "keep events without a parseable time (eventTime NULL)")
	timing := fs.Bool("timing", false, "print load and query times on stderr")
	runs := fs.Int("runs", 1, "run the query this many times after loading (each run's time is printed with -timing)")
	stdin := fs.Bool("stdin", false, "after loading, run each line of stdin as a query: its rows as TSV, then a line \\x1e\"N rows in DURATION\" (for a benchmark that interleaves runs with another engine's)")
	var loads []string
	fs.Func("load", "NAME=PATH: also import the events under PATH as table NAME (repeatable)", func(v string) error {
		if name, path, ok := strings.Cut(v, "="); !ok || name == "" || path == "" {
			return fmt.Errorf("want NAME=PATH, got %q", v)
		}
		loads = append(loads, v)
		return nil
	})
	dbPath := fs.String("db", "", "keep the table in this database file: import PATH... into it when the table is missing, else query it as it is (a later process querying its own table)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: duckpeer query [flags] PATH... SQL")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	rest := fs.Args()
	if *stdin {
		rest = append(rest, "")
	}
	if len(rest) < 2 {
		fs.Usage()
		return errors.New("need at least one PATH and the SQL")
	}
	query := rest[len(rest)-1]
	paths := rest[:len(rest)-1]
	p, err := duckpeer.OpenWith(duckpeer.Options{TimeField: *timeField, KeepUntimed: *keep, Path: *dbPath})
	if err != nil {
		return err
	}
	defer p.Close()
	ctx := context.Background()
	start := time.Now()
	have := false
	if *dbPath != "" && !*view {
		if have, err = p.HasTable(ctx, *table); err != nil {
			return err
		}
	}
	var files []string
	if !have {
		// Expanded only when read: walking a trail's folders is itself
		// part of reading JSON, not of querying a table.
		if files, err = duckpeer.ExpandPaths(paths); err != nil {
			return err
		}
	}
	switch {
	case have:
	case *view:
		err = p.ViewJSON(ctx, *table, files)
	default:
		var n int64
		n, err = p.LoadJSON(ctx, *table, files)
		if *timing && err == nil {
			fmt.Fprintf(stderr, "loaded %d events from %d files in %v\n", n, len(files), time.Since(start).Round(time.Millisecond))
		}
	}
	if err != nil {
		return err
	}
	for _, l := range loads {
		name, path, _ := strings.Cut(l, "=")
		more, err := duckpeer.ExpandPaths([]string{path})
		if err != nil {
			return err
		}
		start = time.Now()
		n, err := p.LoadJSON(ctx, name, more)
		if err != nil {
			return fmt.Errorf("-load %s: %w", l, err)
		}
		if *timing {
			fmt.Fprintf(stderr, "loaded %d events from %d files in %v into %s\n", n, len(more), time.Since(start).Round(time.Millisecond), name)
		}
	}
	if *stdin {
		return serve(ctx, p, os.Stdin, stdout)
	}
	var cols []string
	var rows [][]any
	for i := 0; i < max(1, *runs); i++ {
		start = time.Now()
		if cols, rows, err = p.Query(ctx, query); err != nil {
			return err
		}
		if *timing {
			fmt.Fprintf(stderr, "%d rows in %v\n", len(rows), time.Since(start).Round(time.Microsecond))
		}
	}
	if *asJSON {
		return writeNDJSON(stdout, cols, rows)
	}
	return writeTSV(stdout, cols, rows)
}

// serve runs each line of in as a query and writes its rows as TSV, then
// "\x1eN rows in DURATION" (or "\x1eerror: …"), so that a caller can time
// DuckDB query by query against a table loaded once.
func serve(ctx context.Context, p *duckpeer.Peer, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		start := time.Now()
		cols, rows, err := p.Query(ctx, q)
		took := time.Since(start)
		if err != nil {
			fmt.Fprintf(out, "\x1eerror: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		if err := writeTSV(out, cols, rows); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(out, "\x1e%d rows in %v\n", len(rows), took.Round(time.Microsecond)); err != nil {
			return err
		}
	}
	return sc.Err()
}

// writeNDJSON prints one object per row, keys in column order; a repeated
// column name gets a _2, _3, ... suffix. Times are RFC 3339 with
// nanoseconds in UTC; JSON-text columns are strings (their text), as
// Query returns them.
func writeNDJSON(w io.Writer, cols []string, rows [][]any) error {
	keys := uniqueNames(cols)
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		b.WriteByte('{')
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(keys[i])
			b.Write(k)
			b.WriteByte(':')
			if t, ok := v.(time.Time); ok {
				v = t.Format(time.RFC3339Nano)
			}
			val, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("column %s: %w", keys[i], err)
			}
			b.Write(val)
		}
		b.WriteString("}\n")
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

func writeTSV(w io.Writer, cols []string, rows [][]any) error {
	if _, err := fmt.Fprintln(w, strings.Join(cols, "\t")); err != nil {
		return err
	}
	cells := make([]string, len(cols))
	for _, r := range rows {
		for i, v := range r {
			switch x := v.(type) {
			case nil:
				cells[i] = "NULL"
			case time.Time:
				cells[i] = x.Format("2006-01-02 15:04:05.999999999")
			default:
				cells[i] = strings.NewReplacer("\t", `\t`, "\n", `\n`).Replace(fmt.Sprint(x))
			}
		}
		if _, err := fmt.Fprintln(w, strings.Join(cells, "\t")); err != nil {
			return err
		}
	}
	return nil
}

func uniqueNames(cols []string) []string {
	seen := map[string]int{}
	out := make([]string, len(cols))
	for i, c := range cols {
		seen[c]++
		out[i] = c
		if n := seen[c]; n > 1 {
			out[i] = fmt.Sprintf("%s_%d", c, n)
		}
	}
	return out
}
