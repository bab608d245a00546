package bench

import (
	"context"
	"fmt"
)

// runGz times q through the JSON route over the S3 layout's .json.gz
// Records files (table "rawgz") and, with a peer, through DuckDB's
// read_json view of the same folder, interleaved run by run so that both
// see the same machine, and checks both answers against the store's.
func runGz(ctx context.Context, cfg Config, r *Runner, ds *Dataset, p Params, q Query, qr *QueryResult, orcRows []string) error {
	qr.JSONGz = &Timing{EventsScanned: ds.Events, BytesRead: ds.S3Bytes}
	duck := cfg.Duck != nil && q.Duck != ""
	if duck {
		qr.DuckJSONGz = &Timing{EventsScanned: ds.Events, BytesRead: ds.S3Bytes}
	}
	var rows, duckRows []string
	for i := 0; i < max(cfg.JSONRuns, 1) || (duck && i < cfg.DuckRuns); i++ {
		if i < max(cfg.JSONRuns, 1) {
			out, err := r.Run(ctx, p.Text(q.SQL, "rawgz"))
			if err != nil {
				return fmt.Errorf(".json.gz route: %w", err)
			}
			qr.JSONGz.Seconds = append(qr.JSONGz.Seconds, out.Elapsed.Seconds())
			rows = out.Rows
		}
		if duck && i < cfg.DuckRuns {
			run, err := cfg.Duck.Query(ctx, ds.S3, true, p.Text(q.Duck, "events"))
			if err != nil {
				return fmt.Errorf("DuckDB read_json over the .json.gz files: %w", err)
			}
			qr.DuckJSONGz.Seconds = append(qr.DuckJSONGz.Seconds, run.Seconds)
			duckRows = run.Rows
		}
	}
	qr.JSONGz.finish()
	if d := Diff(orcRows, rows, q.Ordered); d != "" && qr.Check == "equal" {
		qr.Check = "ORC vs JSON (.json.gz) differ: " + d
	}
	if duck {
		qr.DuckJSONGz.finish()
		if d := Diff(orcRows, duckRows, q.Ordered); d != "" && qr.Check == "equal" && q.Name != "latest-10" {
			qr.Check = "ORC vs DuckDB (.json.gz) differ: " + d
		}
	}
	cfg.logf("%-22s .json.gz: ctlake %9.1f ms  duckdb read_json %9.1f ms", q.Name, qr.JSONGz.Median*1e3, qr.DuckJSONGz.median()*1e3)
	return nil
}

// gzRouteTarget judges the JSON route over .json.gz Records files: at
// least as fast as DuckDB's read_json on them, median over the suite of
// ctlake's time ÷ DuckDB's.
func gzRouteTarget(s *SizeReport) (string, bool) {
	var r []float64
	for _, q := range s.Queries {
		if q.JSONGz != nil && q.DuckJSONGz != nil && q.DuckJSONGz.Median > 0 {
			r = append(r, q.JSONGz.Median/q.DuckJSONGz.Median)
		}
	}
	if len(r) == 0 {
		return "", false
	}
	m := median(r)
	return fmt.Sprintf("target JSON route over .json.gz Records at least as fast as DuckDB's read_json (median over the suite of ctlake ÷ DuckDB time): %.2f× — %s", m, metOrNot(m <= 1)), true
}
