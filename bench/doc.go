// Package bench measures ctlake's columnar scans against JSON scans with the
// same engine, and against DuckDB as a peer.
//
//   - JSONScan (jsonscan.go) is the scan operator for tables read straight
//     from JSON files (`ctlake query --table NAME=PATH`): ingest's framer and
//     decoder, every event decoded into the whole event schema, then the
//     scan's columns selected and its time range applied exactly. ScanHook
//     routes planner.Scan nodes with JSON paths to it and the others to the
//     store scan.
//   - Runner (run.go) plans and runs a query as `ctlake query` does and
//     returns canonical rows, so results of different sources compare as
//     text.
//   - Suite (suite.go) is the fixed benchmark suite; Run (bench.go) generates
//     and caches datasets, times ingest, runs the suite on the store, on
//     NDJSON and through DuckDB's duckpeer CLI (peer.go), and checks results
//     equal; report.go and svg.go print and draw the Report.
//
// The Go benchmarks (bench_test.go) run only when -bench selects them; see
// RESULTS.md for one run's figures.
package bench
