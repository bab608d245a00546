package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ctlake/ctlake/sql"
)

func init() {
	register(command{name: "query", summary: "run CloudTrail Lake SQL against a store", run: runQuery})
}

func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("query", "(SQL | -f FILE)", stderr)
	open := dataFlag(fs)
	format := fs.String("format", "table", "output format: "+strings.Join(resultFormats, ", "))
	stats := fs.Bool("stats", false, "print scan statistics on stderr (events scanned and matched, bytes, files/stripes/row groups read and skipped, time)")
	file := fs.String("f", "", "read the query from FILE ('-' for stdin)")
	store := fs.String("store", "", "store name or ID that $EDS_ID in the query stands for")
	memLimit := fs.String("memory-limit", "2GiB", "most memory a query's aggregations and sorts may hold")
	noPushdown := fs.Bool("no-pushdown", false, "read every file, stripe and row group (for comparing results; slower)")
	workers := fs.Int("workers", 0, "parallel scan workers (default: one per CPU)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	var query string
	switch {
	case *file != "" && len(pos) > 0:
		return fmt.Errorf("%w: give the query as an argument or with -f, not both", errUsage)
	case *file == "-":
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		query = string(b)
	case *file != "":
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		query = string(b)
	case len(pos) == 0:
		fs.Usage()
		return fmt.Errorf("%w: no query", errUsage)
	default:
		query = strings.Join(pos, " ")
	}
	limit, err := parseBytes(*memLimit)
	if err != nil {
		return fmt.Errorf("%w: --memory-limit: %v", errUsage, err)
	}
	if !isResultFormat(*format) {
		return fmt.Errorf("%w: unknown format %q (want %s)", errUsage, *format, strings.Join(resultFormats, ", "))
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
		query = strings.ReplaceAll(query, "$EDS_ID", s.Info.ID)
	}
	eng := newEngine(c)
	eng.memoryLimit, eng.noPushdown, eng.workers = limit, *noPushdown, *workers
	out, err := eng.run(ctx, query)
	if *stats && out != nil {
		printStats(stderr, out.Stats)
	}
	if err != nil {
		return queryError(query, err)
	}
	if out.Explain != "" {
		_, err := io.WriteString(stdout, out.Explain)
		return err
	}
	defer func() {
		for _, r := range out.Result.Records {
			r.Release()
		}
	}()
	return writeResult(stdout, *format, out.Result)
}

func isResultFormat(f string) bool {
	for _, x := range resultFormats {
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
