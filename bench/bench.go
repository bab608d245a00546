package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/ctlake/ctlake/orcstore"
)

// Config is one `ctlake bench` run.
type Config struct {
	Events   []int64 // sizes to measure (each generated, ingested and queried)
	Seed     int64
	Runs     int // timed runs per query on the store
	JSONRuns int // timed runs per query on JSON (slow: every event decoded)
	// JSONMaxEvents, when positive, skips the JSON route for sizes above
	// it: at 10M events each JSON run decodes 16 GB, and the scaling the
	// issue asks for is the store's.
	JSONMaxEvents int64
	Cache         string
	Duck          *Duck // nil: no peer
	DuckRuns      int   // runs per query through the peer (each one a process)
	Workers       int
	Log           io.Writer // progress lines (nil: none)
	// ProfileDir, if set, receives a CPU profile of each query's store
	// runs (<query>.orc.pprof), for `go tool pprof`.
	ProfileDir string
	// ColdRuns, when positive, adds the cold mode (cold.go): each query
	// run that many times as its own process of Exe (the ctlake binary)
	// and, with Duck, of duckpeer.
	ColdRuns int
	Exe      string
	// NoWarm skips the warm mode (only cold processes are timed).
	NoWarm bool
	// JSONGz adds the JSON route over the S3 layout's .json.gz Records
	// files (--table over the trail's folder), and with Duck DuckDB's
	// read_json view of the same files: how users query a bucket's logs
	// without ingesting them. Skipped above JSONMaxEvents like the NDJSON
	// route.
	JSONGz bool
}

// Report is everything a run measured.
type Report struct {
	Machine Machine      `json:"machine"`
	Config  ReportConfig `json:"config"`
	Sizes   []*SizeReport
}

// ReportConfig echoes the settings that shape the figures.
type ReportConfig struct {
	Seed     int64  `json:"seed"`
	Runs     int    `json:"runs"`
	JSONRuns int    `json:"json_runs"`
	DuckRuns int    `json:"duck_runs,omitempty"`
	Peer     string `json:"peer,omitempty"`
}

// SizeReport is one dataset size's figures.
type SizeReport struct {
	Dataset *Dataset       `json:"dataset"`
	Ingest  []IngestResult `json:"ingest"`
	Params  Params         `json:"params"`
	Queries []*QueryResult `json:"queries"`
	Cold    *ColdReport    `json:"cold,omitempty"`
	Seconds float64        `json:"seconds"`
}

// QueryResult is one query's timings on each source.
type QueryResult struct {
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	SQL       string  `json:"sql"`
	ORC       *Timing `json:"orc"`
	JSON      *Timing `json:"json"`
	DuckTable *Timing `json:"duckdb_table,omitempty"`
	DuckJSON  *Timing `json:"duckdb_ndjson,omitempty"`
	// JSONGz and DuckJSONGz: the same engine and DuckDB's read_json over
	// the S3 layout's .json.gz Records files (Config.JSONGz).
	JSONGz     *Timing `json:"json_gz,omitempty"`
	DuckJSONGz *Timing `json:"duckdb_json_gz,omitempty"`
	Rows       int     `json:"rows"`
	Check      string  `json:"check"` // "equal", or what differed
}

// Timing is K runs of one query on one source.
type Timing struct {
	Runs             int       `json:"runs"`
	Seconds          []float64 `json:"seconds"`
	Median           float64   `json:"median"`
	EventsScanned    int64     `json:"events_scanned"`
	RowsPerSec       float64   `json:"rows_per_sec"` // events scanned / median
	BytesRead        int64     `json:"bytes_read"`
	FilesSkipped     int       `json:"files_skipped"`
	StripesSkipped   int       `json:"stripes_skipped"`
	RowGroupsSkipped int       `json:"row_groups_skipped"`
	RowGroupsRead    int       `json:"row_groups_read"`
	LoadSeconds      float64   `json:"load_seconds,omitempty"` // DuckDB import, per run
	// CPUSeconds are the processes' CPU times (cold mode), CPUMedian
	// their median.
	CPUSeconds []float64 `json:"cpu_seconds,omitempty"`
	CPUMedian  float64   `json:"cpu_median,omitempty"`
}

func (t *Timing) finish() {
	t.Runs = len(t.Seconds)
	t.Median = median(t.Seconds)
	t.CPUMedian = median(t.CPUSeconds)
	if t.Median > 0 {
		t.RowsPerSec = float64(t.EventsScanned) / t.Median
	}
}

// median is t's median, 0 for a route not run (nil).
func (t *Timing) median() float64 {
	if t == nil {
		return 0
	}
	return t.Median
}

// rowsPerSec is t's rate, 0 for a route not run (nil).
func (t *Timing) rowsPerSec() float64 {
	if t == nil {
		return 0
	}
	return t.RowsPerSec
}

// median of xs (0 for none).
func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	switch n := len(s); {
	case n == 0:
		return 0
	case n%2 == 0:
		return (s[n/2-1] + s[n/2]) / 2
	default:
		return s[n/2]
	}
}

// Ratio is JSON median / ORC median.
func (q *QueryResult) Ratio() float64 {
	if q.ORC == nil || q.JSON == nil || q.ORC.Median == 0 {
		return 0
	}
	return q.JSON.Median / q.ORC.Median
}

// Run measures every size in cfg.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	rep := &Report{Machine: DescribeMachine(), Config: ReportConfig{Seed: cfg.Seed, Runs: cfg.Runs, JSONRuns: cfg.JSONRuns}}
	if cfg.Duck != nil {
		rep.Config.Peer, rep.Config.DuckRuns = "duckdb", cfg.DuckRuns
	}
	for _, n := range cfg.Events {
		sr, err := runSize(ctx, cfg, n)
		if err != nil {
			return rep, err
		}
		rep.Sizes = append(rep.Sizes, sr)
	}
	rep.Machine.LoadAfter = loadAverage()
	return rep, nil
}

func (cfg Config) logf(format string, args ...any) {
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, format+"\n", args...)
	}
}

func runSize(ctx context.Context, cfg Config, n int64) (*SizeReport, error) {
	start := time.Now()
	cfg.logf("== %d events (seed %d)", n, cfg.Seed)
	ds, err := PrepareDataset(ctx, cfg.Cache, cfg.Seed, n)
	if err != nil {
		return nil, err
	}
	if ds.GenSeconds > 0 {
		cfg.logf("generated NDJSON (%s) and S3 layout (%d files, %s) in %.1fs", mb(ds.NDJSONBytes), ds.S3Files, mb(ds.S3Bytes), ds.GenSeconds)
	} else {
		cfg.logf("dataset from the cache: %s", ds.Dir)
	}
	sr := &SizeReport{Dataset: ds}
	work, err := os.MkdirTemp(ds.Dir, "run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	c, err := orcstore.OpenCatalog(filepath.Join(work, "data"))
	if err != nil {
		return nil, err
	}
	for _, l := range []struct{ name, layout, path string }{{"bench-ndjson", "ndjson", ds.NDJSON}, {"bench-s3", "s3", ds.S3}} {
		_, res, err := IngestInto(ctx, c, l.name, l.layout, l.path)
		if err != nil {
			return nil, err
		}
		cfg.logf("ingest %-6s: %d events from %d inputs (%s) in %.1fs: %.0f events/s, %.1f MB/s, %.1f CPU-s, peak RSS %s; store %s in %d files",
			l.layout, res.Events, res.Inputs, mb(res.Bytes), res.Seconds, res.EventsPerSec, res.MBPerSec, res.CPUSeconds, mb(res.PeakRSS), mb(res.StoreBytes), res.StoreFiles)
		sr.Ingest = append(sr.Ingest, res)
	}
	r := &Runner{Stores: c, JSONTables: map[string][]string{"raw": {ds.NDJSON}, "rawgz": {ds.S3}}, Workers: cfg.Workers}
	// The S3 layout's store is the one queried: it is what ingesting a
	// trail's bucket gives.
	const table = "bench-s3"
	if sr.Params, err = FindParams(ctx, r, `"`+table+`"`); err != nil {
		return nil, err
	}
	for _, q := range Suite {
		if cfg.NoWarm {
			break
		}
		qr, err := runQuery(ctx, cfg, r, ds, sr.Params, q, table)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.Name, err)
		}
		sr.Queries = append(sr.Queries, qr)
		line := fmt.Sprintf("%-22s orc %8.1f ms  json %9.1f ms  ×%6.1f", q.Name, qr.ORC.Median*1e3, qr.JSON.median()*1e3, qr.Ratio())
		if qr.DuckTable != nil {
			line += fmt.Sprintf("  duckdb table %8.1f ms  ndjson %9.1f ms", qr.DuckTable.Median*1e3, qr.DuckJSON.Median*1e3)
		}
		cfg.logf("%s  %s", line, qr.Check)
	}
	if cfg.ColdRuns > 0 {
		if sr.Cold, err = runCold(ctx, cfg, filepath.Join(work, "data"), table, work, ds, sr.Params); err != nil {
			return nil, err
		}
	}
	sr.Seconds = time.Since(start).Seconds()
	return sr, nil
}

// runQuery times q on the store and on JSON, checks their rows are equal,
// then the peer's when there is one.
func runQuery(ctx context.Context, cfg Config, r *Runner, ds *Dataset, p Params, q Query, table string) (*QueryResult, error) {
	qr := &QueryResult{Name: q.Name, Kind: q.Kind, SQL: p.Text(q.SQL, "{T}")}
	var orcRows, jsonRows []string
	var err error
	stop, err := startProfile(cfg.ProfileDir, q.Name+".orc.pprof")
	if err != nil {
		return nil, err
	}
	qr.ORC, orcRows, err = timeRuns(ctx, r, p.Text(q.SQL, `"`+table+`"`), cfg.Runs)
	stop()
	if err != nil {
		return nil, err
	}
	qr.Rows = len(orcRows)
	qr.Check = "not compared (no JSON run)"
	if cfg.JSONMaxEvents <= 0 || ds.Events <= cfg.JSONMaxEvents {
		if qr.JSON, jsonRows, err = timeRuns(ctx, r, p.Text(q.SQL, "raw"), cfg.JSONRuns); err != nil {
			return nil, err
		}
		qr.Check = "equal"
		if d := Diff(orcRows, jsonRows, q.Ordered); d != "" {
			qr.Check = "ORC vs JSON differ: " + d
		}
	}
	if cfg.JSONGz && (cfg.JSONMaxEvents <= 0 || ds.Events <= cfg.JSONMaxEvents) {
		if err := runGz(ctx, cfg, r, ds, p, q, qr, orcRows); err != nil {
			return nil, err
		}
	}
	if cfg.Duck == nil || q.Duck == "" {
		return qr, nil
	}
	dq := p.Text(q.Duck, "events")
	for _, view := range []bool{false, true} {
		t := &Timing{EventsScanned: ds.Events, BytesRead: ds.NDJSONBytes}
		var rows []string
		for i := 0; i < cfg.DuckRuns; i++ {
			run, err := cfg.Duck.Query(ctx, ds.NDJSON, view, dq)
			if err != nil {
				return nil, err
			}
			t.Seconds = append(t.Seconds, run.Seconds)
			t.LoadSeconds = run.LoadSeconds
			rows = run.Rows
		}
		t.finish()
		if view {
			qr.DuckJSON = t
		} else {
			t.BytesRead = 0 // in memory
			qr.DuckTable = t
		}
		if q.Name == "latest-10" {
			// DuckDB's SELECT * has other columns (no eventJson; JSON where
			// ctlake has structs): timed, not compared.
			continue
		}
		if d := Diff(orcRows, rows, q.Ordered); d != "" && qr.Check == "equal" {
			qr.Check = "ORC vs DuckDB differ: " + d
		} else if d == "" && qr.JSON == nil {
			qr.Check = "equal"
		}
	}
	return qr, nil
}

// timeRuns runs query k times (after no warm-up: the first run is one of
// the k) and keeps the scan figures of the last run.
func timeRuns(ctx context.Context, r *Runner, query string, k int) (*Timing, []string, error) {
	t := &Timing{}
	var rows []string
	for i := 0; i < k; i++ {
		out, err := r.Run(ctx, query)
		if err != nil {
			return nil, nil, err
		}
		t.Seconds = append(t.Seconds, out.Elapsed.Seconds())
		t.EventsScanned = out.Scan.RowsRead
		t.BytesRead = out.Scan.BytesRead
		t.FilesSkipped, t.StripesSkipped, t.RowGroupsSkipped, t.RowGroupsRead = out.Scan.FilesSkipped, out.Scan.StripesSkipped, out.Scan.RowGroupsSkipped, out.Scan.RowGroupsRead
		rows = out.Rows
	}
	t.finish()
	return t, rows, nil
}

// startProfile starts a CPU profile into dir/name (nothing when dir is
// empty) and returns the function that stops it.
func startProfile(dir, name string) (func(), error) {
	if dir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
