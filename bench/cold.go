package bench

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Cold mode runs every query as its own process, as a user's script or a
// batch job does: `ctlake query` against the store, and DuckDB (duckpeer)
// against its own table kept in a database file and against the NDJSON.
// A process's time is its wall time from start to exit, startup, opening
// the store or database and printing included; the warm mode above times
// the query inside one long-lived process.

// ColdResult is one query's cold figures.
type ColdResult struct {
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	ORC       *Timing `json:"orc"`
	DuckTable *Timing `json:"duckdb_table,omitempty"`
	DuckJSON  *Timing `json:"duckdb_ndjson,omitempty"`
}

// ColdReport is a size's cold mode: "SELECT 1" first, then the suite.
type ColdReport struct {
	Runs int `json:"runs"`
	// DuckImportSeconds is the import of the NDJSON into DuckDB's table
	// file, done once before the runs.
	DuckImportSeconds float64       `json:"duckdb_import_seconds,omitempty"`
	Queries           []*ColdResult `json:"queries"`
}

// coldSelect1 is the name of the empty-query row.
const coldSelect1 = "select-1"

// runCold times the suite cold: ctlake's processes, DuckDB's table
// processes and DuckDB's NDJSON processes interleaved run by run.
func runCold(ctx context.Context, cfg Config, dataDir, table, work string, ds *Dataset, p Params) (*ColdReport, error) {
	rep := &ColdReport{Runs: cfg.ColdRuns}
	duckDB := filepath.Join(work, "duck.db")
	if cfg.Duck != nil {
		// The table is imported once, into a file the later processes
		// open: what DuckDB keeps between a user's queries.
		t0 := time.Now()
		if _, err := cfg.Duck.QueryDB(ctx, duckDB, ds.NDJSON, "SELECT 1"); err != nil {
			return nil, err
		}
		rep.DuckImportSeconds = time.Since(t0).Seconds()
		cfg.logf("cold: DuckDB imported the NDJSON into %s in %.1fs", duckDB, rep.DuckImportSeconds)
	}
	queries := append([]Query{{Name: coldSelect1, Kind: "startup", SQL: "SELECT 1", Duck: "SELECT 1"}}, Suite...)
	for _, q := range queries {
		cr := &ColdResult{Name: q.Name, Kind: q.Kind, ORC: &Timing{}}
		sqlText := p.Text(q.SQL, `"`+table+`"`)
		duckText := p.Text(q.Duck, "events")
		if cfg.Duck != nil && q.Duck != "" {
			cr.DuckTable, cr.DuckJSON = &Timing{}, &Timing{}
		}
		for i := 0; i < cfg.ColdRuns; i++ {
			wall, cpu, err := timeProcess(ctx, cfg.Exe, "query", "--data", dataDir, "--format", "csv", sqlText)
			if err != nil {
				return nil, fmt.Errorf("cold %s: %w", q.Name, err)
			}
			cr.ORC.add(wall, cpu)
			if cr.DuckTable == nil {
				continue
			}
			wall, cpu, err = timeProcess(ctx, cfg.Duck.Bin, "query", "-db", duckDB, ds.NDJSON, duckText)
			if err != nil {
				return nil, fmt.Errorf("cold %s on DuckDB's table: %w", q.Name, err)
			}
			cr.DuckTable.add(wall, cpu)
			if q.Name == coldSelect1 {
				continue // reading the NDJSON for SELECT 1 says nothing
			}
			wall, cpu, err = timeProcess(ctx, cfg.Duck.Bin, "query", "-view", ds.NDJSON, duckText)
			if err != nil {
				return nil, fmt.Errorf("cold %s on NDJSON through DuckDB: %w", q.Name, err)
			}
			cr.DuckJSON.add(wall, cpu)
		}
		cr.ORC.finish()
		line := fmt.Sprintf("cold %-22s ctlake %8.1f ms (%5.1f CPU-ms)", q.Name, cr.ORC.Median*1e3, cr.ORC.CPUMedian*1e3)
		if cr.DuckTable != nil {
			cr.DuckTable.finish()
			line += fmt.Sprintf("  duckdb table %8.1f ms", cr.DuckTable.Median*1e3)
			if len(cr.DuckJSON.Seconds) > 0 {
				cr.DuckJSON.finish()
				line += fmt.Sprintf("  ndjson %9.1f ms", cr.DuckJSON.Median*1e3)
			} else {
				cr.DuckJSON = nil
			}
		}
		cfg.logf("%s", line)
		rep.Queries = append(rep.Queries, cr)
	}
	return rep, nil
}

// add records one process run.
func (t *Timing) add(wall, cpu float64) {
	t.Seconds = append(t.Seconds, wall)
	t.CPUSeconds = append(t.CPUSeconds, cpu)
}

// timeProcess runs a program to its end and returns its wall time and CPU
// time (user + system, its own and its children's) in seconds. Its output
// is discarded; a failure returns the end of its stderr.
func timeProcess(ctx context.Context, bin string, args ...string) (wall, cpu float64, err error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start).Seconds()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 500 {
			msg = msg[len(msg)-500:]
		}
		return 0, 0, fmt.Errorf("%s: %v: %s", filepath.Base(bin), err, msg)
	}
	if ps := cmd.ProcessState; ps != nil {
		cpu = (ps.UserTime() + ps.SystemTime()).Seconds()
	}
	return wall, cpu, nil
}
