// Package bench measures ctlake's columnar scans against JSON scans with the
// same engine, and against DuckDB as a peer.
//
//   - Runner (run.go) runs a query on package engine, as `ctlake query`
//     does, over stores and JSON tables (package jsontable), and returns
//     canonical rows, so results of different sources compare as text.
//   - Suite (suite.go) is the fixed benchmark suite; Run (bench.go) generates
//     and caches datasets, times ingest, runs the suite on the store, on
//     NDJSON and through DuckDB's duckpeer CLI (peer.go), and checks results
//     equal; report.go and svg.go print and draw the Report.
//
// The Go benchmarks (bench_test.go) run only when -bench selects them; see
// RESULTS.md for one run's figures.
package bench
