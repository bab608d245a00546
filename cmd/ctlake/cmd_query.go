package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore/orcfile"
	"github.com/ctlake/ctlake/resultfmt"
	"github.com/ctlake/ctlake/sql"
)

func init() {
	register(command{name: "query", summary: "run CloudTrail Lake SQL against a store", run: runQuery, data: true})
}

func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("query", "(SQL | -f FILE | --saved [NAME])", stderr)
	open := dataFlag(fs)
	format := fs.String("format", "table", "output format: "+strings.Join(resultfmt.Formats, ", ")+" (parquet and arrow need --out or a redirected stdout)")
	stats := fs.Bool("stats", false, "print scan statistics on stderr (events scanned and matched, bytes, files/stripes/row groups read and skipped, time)")
	saved := fs.Bool("saved", false, "list the queries saved in the web console; with NAME (or ID) as the argument, run that one")
	file := fs.String("f", "", "read the query, or several ';'-separated statements, from FILE ('-' for stdin)")
	store := fs.String("store", "", "store name or ID that $EDS_ID in the query stands for")
	outPath := fs.String("out", "", "a folder for the results of -f FILE or of several statements (one NN-name.<format> file per statement, and summary.csv); for one query on the command line, the FILE to write (a folder if it is one or ends in /)")
	ps := params{}
	fs.Var(ps, "param", "KEY=VALUE: the value of ${KEY} placeholders (repeatable)")
	cont := fs.Bool("continue-on-error", false, "with several statements, run the rest after one fails (the exit status still reports the failure)")
	memLimit := fs.String("memory-limit", "2GiB", "most memory a query's aggregations, sorts and joins may hold; the process stays under about twice this")
	noPushdown := fs.Bool("no-pushdown", false, "read every file, stripe and row group (for comparing results; slower)")
	workers := fs.Int("workers", 0, "parallel scan workers (default: one per CPU)")
	scanLim := addScanLimitFlags(fs)
	tables := jsonTables{}
	fs.Var(tables, "table", "NAME=PATH: query JSON files (file, folder or glob, as ingest reads them) as table NAME without ingesting them (repeatable)")
	jsonOpts := jsonFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *saved {
		// --saved: the argument names a saved query, not SQL.
		if *file != "" {
			return fmt.Errorf("%w: give --saved or -f, not both", errUsage)
		}
		c, err := open()
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			return listSaved(stdout, c.Dir)
		}
		stmt, err := savedStatement(c.Dir, strings.Join(pos, " "))
		if err != nil {
			return err
		}
		pos = []string{stmt}
	}
	var stmts []statement
	switch {
	case *file != "" && len(pos) > 0:
		return fmt.Errorf("%w: give the query as an argument or with -f, not both", errUsage)
	case *file != "":
		var b []byte
		if *file == "-" {
			b, err = io.ReadAll(os.Stdin)
		} else {
			b, err = os.ReadFile(*file)
		}
		if err != nil {
			return err
		}
		if stmts = scriptStatements(string(b)); len(stmts) == 0 {
			return fmt.Errorf("%w: %s holds no statement", errUsage, *file)
		}
	case len(pos) == 0:
		fs.Usage()
		return fmt.Errorf("%w: no query", errUsage)
	default:
		// "SELECT …; SELECT …" on the command line is a batch too.
		if stmts = scriptStatements(strings.Join(pos, " ")); len(stmts) == 0 {
			return fmt.Errorf("%w: no query (only spaces and comments)", errUsage)
		}
		if len(stmts) == 1 && stmts[0].Err != nil {
			return errors.New(stmts[0].Err.Error() + "\n" + stmts[0].Err.Caret())
		}
	}
	limit, err := parseBytes(*memLimit)
	if err != nil {
		return fmt.Errorf("%w: --memory-limit: %v", errUsage, err)
	}
	setSoftMemoryLimit(limit)
	tuneQueryGC()
	// One query per process: bloom filters are read once, into one reused
	// buffer (orcfile.SetKeepBloomSets).
	defer orcfile.SetKeepBloomSets(orcfile.SetKeepBloomSets(false))
	if !isResultFormat(*format) {
		return fmt.Errorf("%w: unknown format %q (want %s)", errUsage, *format, strings.Join(resultfmt.Formats, ", "))
	}
	// With -f or several statements --out is a folder (a file per
	// statement and summary.csv); a single query on the command line
	// writes the file --out names, unless it names a folder.
	toDir := *outPath != "" && (*file != "" || len(stmts) > 1 || isDir(*outPath))
	if resultfmt.IsBinary(*format) && *outPath == "" && isTerminal(stdout) {
		return fmt.Errorf("%w: --format %s writes a binary file: give --out FILE or redirect stdout", errUsage, *format)
	}
	c, err := open()
	if err != nil {
		return err
	}
	if *store != "" {
		s, err := c.Open(*store)
		if err != nil {
			return err
		}
		ps["EDS_ID"] = s.Info.ID
	}
	eng := newQuerier(c)
	eng.opts = engine.Options{MemoryLimit: limit, NoPushdown: *noPushdown, Workers: *workers, JSONTables: tables, JSON: *jsonOpts}
	if err := scanLim.apply(&eng.opts); err != nil {
		return err
	}
	if len(stmts) > 1 || toDir || *file != "" {
		return runBatch(ctx, eng, stmts, batchOptions{
			format: *format, outDir: *outPath, params: ps, continueOnError: *cont, stats: *stats, source: cmp.Or(*file, "query"),
			single: len(stmts) == 1,
		}, stdout, stderr)
	}
	query, err := substitute(stmts[0].SQL, ps)
	if err != nil {
		return err
	}
	out, err := eng.start(ctx, query)
	if err == nil {
		if *outPath == "" {
			err = writeOutput(stdout, *format, out)
		} else if err = writeFile(*outPath, func(w io.Writer) error { return writeOutput(w, *format, out) }); err == nil {
			fmt.Fprintf(stderr, "wrote %s to %s\n", outKind(*format, out), *outPath)
		}
	}
	if *stats && out != nil {
		printStats(stderr, out.Stats())
	}
	if out != nil {
		printJSONNotice(stderr, out.Stats())
	}
	if err != nil {
		return queryError(query, err)
	}
	return nil
}

// writeOutput prints a statement's rows in format as the engine streams
// them, or its EXPLAIN text, and closes the query.
func writeOutput(w io.Writer, format string, out *queryOutput) error {
	if out.Result == nil {
		_, err := io.WriteString(w, out.Explain)
		return err
	}
	err := resultfmt.Write(w, format, out.Result)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeFile creates path, fills it with write and closes it, removing a
// partly written file on error.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func isDir(path string) bool {
	if path == "" {
		return false
	}
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(os.PathSeparator)) {
		return true
	}
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func isResultFormat(f string) bool {
	for _, x := range resultfmt.Formats {
		if f == x {
			return true
		}
	}
	return false
}

// queryError renders a positioned error with the offending line and a caret.
func queryError(query string, err error) error {
	var se *sql.Error
	if errors.As(err, &se) {
		return errors.New(se.Error() + "\n" + se.Caret())
	}
	return err
}

// outKind says what --out FILE received: "3 rows as csv", or the plan.
func outKind(format string, out *queryOutput) string {
	if out.Result == nil {
		return "the plan as text"
	}
	n := out.Stats().RowsOut
	if n == 1 {
		return "1 row as " + format
	}
	return fmt.Sprintf("%d rows as %s", n, format)
}
