package bench

import (
	"context"
	"os"
	"path/filepath"

	"github.com/ctlake/ctlake/orcstore"
)

// The join suite (joins.go) and issue 14's suite (issue14.go) run the same
// way: generated events ingested into cached stores, each query timed in
// rounds against DuckDB (rounds.go), the answers compared. What they share
// lives here, so that a figure added to one suite's report is added to
// both.

// SuiteConfig is one run of a suite timed against DuckDB.
type SuiteConfig struct {
	Events  int64
	Seed    int64
	Runs    int // rounds per query, each ctlake's run then each DuckDB spelling's
	Cache   string
	Duck    *Duck // nil: ctlake only
	Workers int
	Log     func(format string, args ...any)
}

// logf is cfg.Log, or a sink when it is nil.
func (cfg SuiteConfig) logf() func(string, ...any) {
	if cfg.Log == nil {
		return func(string, ...any) {}
	}
	return cfg.Log
}

// SuiteReport is the head of a suite's report: the machine, the data and
// the ingests run for it (none when the stores came from the cache).
type SuiteReport struct {
	Machine Machine        `json:"machine"`
	Events  int64          `json:"events"`
	Seed    int64          `json:"seed"`
	Runs    int            `json:"runs"`
	Ingest  []IngestResult `json:"ingest,omitempty"`
}

func newSuiteReport(cfg SuiteConfig) SuiteReport {
	return SuiteReport{Machine: DescribeMachine(), Events: cfg.Events, Seed: cfg.Seed, Runs: cfg.Runs}
}

// SuiteResult is one query's figures against DuckDB's table of the same
// events.
type SuiteResult struct {
	Name      string  `json:"name"`
	SQL       string  `json:"sql"`
	ORC       *Timing `json:"orc"`
	DuckTable *Timing `json:"duckdb_table,omitempty"`
	// PeakRSS is ctlake's resident set high-water mark during the query's
	// runs (the process: Go runtime and caches included); DuckPeakRSS the
	// duckpeer process's, its imported tables included.
	PeakRSS     int64  `json:"peak_rss"`
	DuckPeakRSS int64  `json:"duckdb_peak_rss,omitempty"`
	Rows        int    `json:"rows"`
	Check       string `json:"check"`
}

// RatioTable is ctlake's median over DuckDB's on its table (< 1: ctlake
// faster); 0 without DuckDB.
func (q *SuiteResult) RatioTable() float64 { return ratioOf(q.ORC, q.DuckTable) }

// take keeps the figures of rounds whose first DuckDB spelling ran on
// DuckDB's table.
func (q *SuiteResult) take(rs *rounds) {
	q.ORC, q.PeakRSS, q.Rows = rs.ORC, rs.PeakRSS, len(rs.Rows)
	if len(rs.Ducks) > 0 {
		q.DuckTable, q.DuckPeakRSS = rs.Ducks[0], rs.DuckPeakRSS
	}
}

func ratioOf(a, b *Timing) float64 {
	if a == nil || b == nil || b.Median == 0 {
		return 0
	}
	return a.Median / b.Median
}

// cachedStores opens the stores named in a catalog at dir when each holds
// its data set's events, or else ingests each set (the NDJSON layout) into
// a fresh catalog there. A partial catalog (an interrupted ingest) is
// replaced; other files in dir (DuckDB's database) stay.
func cachedStores(ctx context.Context, dir string, names []string, sets []*Dataset, rep *SuiteReport, logf func(string, ...any)) (*orcstore.Catalog, error) {
	if c, err := orcstore.OpenCatalog(dir); err == nil {
		whole := true
		for i, name := range names {
			s, err := c.Open(name)
			if err != nil {
				whole = false
				break
			}
			m, err := s.ReadManifest() // its figures only: no lease
			whole = whole && err == nil && m.Rows() == sets[i].Events
		}
		if whole {
			logf("stores from the cache: %s", dir)
			return c, nil
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, "stores")); err != nil {
		return nil, err
	}
	c, err := orcstore.OpenCatalog(dir)
	if err != nil {
		return nil, err
	}
	for i, name := range names {
		_, res, err := IngestInto(ctx, c, name, "ndjson", sets[i].NDJSON)
		if err != nil {
			return nil, err
		}
		logf("ingest %s (seed %d): %d events in %.1fs", name, sets[i].Seed, res.Events, res.Seconds)
		rep.Ingest = append(rep.Ingest, res)
	}
	return c, nil
}
