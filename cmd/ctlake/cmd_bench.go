package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ctlake/ctlake/bench"
)

func init() {
	register(command{name: "bench", summary: "benchmark the ORC store against the same events as JSON (same engine) and, optionally, DuckDB", run: runBench})
}

// runBench generates events, ingests them (timed, both layouts) and runs
// bench.Suite on the store and on the NDJSON files through the same
// engine, and through DuckDB's duckpeer CLI with --peer duckdb.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "", stderr)
	eventsFlag := fs.String("events", "1000000", "events to generate: a number, or a comma-separated list of sizes (e.g. 100000,1000000,10000000) for a scaling plot")
	seed := fs.Int64("seed", 1, "generator seed")
	runs := fs.Int("runs", 5, "timed runs per query on the store (the median is reported)")
	jsonRuns := fs.Int("json-runs", 0, "timed runs per query on JSON (default: --runs up to 200,000 events, else 1: each run decodes every event)")
	duckRuns := fs.Int("duck-runs", 1, "runs per query through DuckDB (each one a duckpeer process that imports the events again)")
	jsonMax := fs.Int64("json-max-events", 0, "skip the JSON route for sizes above N events (0: never skip; at 10M each JSON run decodes 16 GB)")
	mode := fs.String("mode", "warm", "warm: each query timed inside one process; cold: each query its own ctlake (and duckpeer) process, as a script runs it; both")
	coldRuns := fs.Int("cold-runs", 5, "processes per query in cold mode (the median is reported)")
	cache := fs.String("cache", "", "folder caching generated events by seed and size, and the duckpeer binary (default: <user cache dir>/ctlake/bench)")
	format := fs.String("format", "text", "report format: text or json")
	plot := fs.String("plot", "", "also draw the report as an SVG chart into FILE.svg")
	peer := fs.String("peer", "", "also run the suite through a peer: duckdb (builds peer/duckdb's cmd/duckpeer with cgo into the cache)")
	workers := fs.Int("workers", 0, "parallel scan workers (default: one per CPU)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of each query's store runs into DIR (<query>.orc.pprof)")
	from := fs.String("report", "", "measure nothing: render the JSON report FILE (from --format json) as text or JSON and --plot (with --suite joins: a join suite report, as text)")
	jsonGz := fs.Bool("json-gz", false, "also run the suite through the JSON route over the S3 layout's .json.gz Records files (and, with --peer duckdb, DuckDB's read_json on them)")
	joins := fs.Bool("joins", false, "run the join suite instead (as --suite joins)")
	suite := fs.String("suite", "main", "main: the showcase suite, store against JSON and peers; joins: two stores of --events events (seeds --seed and --seed+1), joins, semi and anti joins, against DuckDB with --peer duckdb; issue14: windows (row_number … rn = 1, lag), UNNEST and any_match over resources on one store, against DuckDB's table and a typed copy of it (kept in the cache) with --peer duckdb")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: bench takes no arguments", errUsage)
	}
	if *joins {
		*suite = "joins"
	}
	if *from != "" && *suite == "joins" {
		b, err := os.ReadFile(*from)
		if err != nil {
			return err
		}
		var rep bench.JoinReport
		if err := json.Unmarshal(b, &rep); err != nil {
			return fmt.Errorf("%s: not a join suite report: %w", *from, err)
		}
		return bench.WriteJoinsText(stdout, &rep)
	}
	if *from != "" {
		rep, err := bench.ReadJSON(*from)
		if err != nil {
			return err
		}
		return writeBenchReport(rep, *format, *plot, stdout)
	}
	sizes, err := parseSizes(*eventsFlag)
	if err != nil {
		return fmt.Errorf("%w: --events: %v", errUsage, err)
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("%w: --format %q (want text or json)", errUsage, *format)
	}
	if *runs < 1 || *duckRuns < 1 || *jsonRuns < 0 {
		return fmt.Errorf("%w: --runs and --duck-runs must be at least 1", errUsage)
	}
	if *cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		*cache = filepath.Join(dir, "ctlake", "bench")
	}
	cfg := bench.Config{Events: sizes, Seed: *seed, Runs: *runs, JSONRuns: *jsonRuns, DuckRuns: *duckRuns, Cache: *cache, Workers: *workers, Log: stderr, ProfileDir: *profile, JSONMaxEvents: *jsonMax, JSONGz: *jsonGz}
	switch *mode {
	case "warm":
	case "cold", "both":
		if *coldRuns < 1 {
			return fmt.Errorf("%w: --cold-runs must be at least 1", errUsage)
		}
		if cfg.Exe, err = os.Executable(); err != nil {
			return fmt.Errorf("cold mode needs this program's path: %w", err)
		}
		cfg.ColdRuns = *coldRuns
		cfg.NoWarm = *mode == "cold"
	default:
		return fmt.Errorf("%w: --mode %q (want warm, cold or both)", errUsage, *mode)
	}
	if cfg.JSONRuns == 0 {
		cfg.JSONRuns = 1
		if sizes[len(sizes)-1] <= 200_000 {
			cfg.JSONRuns = *runs
		}
	}
	switch *peer {
	case "":
	case "duckdb":
		cfg.Duck, err = findDuck(ctx, *cache)
		if err != nil {
			fmt.Fprintln(stderr, "ctlake bench:", err)
		}
	default:
		return fmt.Errorf("%w: --peer %q (want duckdb)", errUsage, *peer)
	}
	logf := func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }
	sc := bench.SuiteConfig{Events: sizes[len(sizes)-1], Seed: *seed, Runs: *runs, Cache: *cache, Duck: cfg.Duck, Workers: *workers, Log: logf}
	switch *suite {
	case "main":
	case "joins":
		rep, err := bench.RunJoins(ctx, sc)
		return writeSuiteReport(stdout, *format, rep, err, func() error { return bench.WriteJoinsText(stdout, rep) })
	case "issue14":
		rep, err := bench.RunIssue14(ctx, sc)
		return writeSuiteReport(stdout, *format, rep, err, func() error { return bench.WriteIssue14Text(stdout, rep) })
	default:
		return fmt.Errorf("%w: --suite %q (want main, joins or issue14)", errUsage, *suite)
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	return writeBenchReport(rep, *format, *plot, stdout)
}

// writeSuiteReport prints a suite's report (unless the run failed: err)
// as indented JSON or, by text, as text.
func writeSuiteReport(stdout io.Writer, format string, rep any, err error, text func() error) error {
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return text()
}

// writeBenchReport prints the report and draws its chart.
func writeBenchReport(rep *bench.Report, format, plot string, stdout io.Writer) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("%w: --format %q (want text or json)", errUsage, format)
	}
	if plot != "" {
		f, err := os.Create(plot)
		if err != nil {
			return err
		}
		if err := bench.WriteSVG(f, rep); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if format == "json" {
		return bench.WriteJSON(stdout, rep)
	}
	return bench.WriteText(stdout, rep)
}

// findDuck builds duckpeer from the peer module next to the working
// directory (or the executable), reporting why when it cannot.
func findDuck(ctx context.Context, cache string) (*bench.Duck, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	for _, s := range starts {
		if src, ok := bench.FindPeerSource(s); ok {
			return bench.BuildDuck(ctx, src, cache)
		}
	}
	if bin := filepath.Join(cache, "duckpeer"); fileExists(bin) {
		return &bench.Duck{Bin: bin}, nil
	}
	return nil, fmt.Errorf("duckdb peer unavailable: peer/duckdb not found from %s (run from the ctlake source tree)", strings.Join(starts, " or "))
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// parseSizes reads "1000000" or "100000,1000000", ascending.
func parseSizes(s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(f, "_", "")), 10, 64)
		if err != nil || n < 1000 {
			return nil, fmt.Errorf("want numbers of events ≥ 1000, got %q", f)
		}
		if len(out) > 0 && n <= out[len(out)-1] {
			return nil, fmt.Errorf("sizes must ascend, got %q", s)
		}
		out = append(out, n)
	}
	return out, nil
}
