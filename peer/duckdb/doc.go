// Package duckpeer loads CloudTrail JSON into DuckDB so that ctlake's
// results can be checked against an independent engine (differential
// tests) and timed against one (benchmarks).
//
// It lives in its own Go module because DuckDB needs cgo and ctlake's main
// module must stay pure Go; the main module never imports it.
//
// Events are read with an explicit column list (see Columns) rather than
// DuckDB's JSON schema detection, which fails on real CloudTrail data (keys
// that differ only by case, one type per path across files). Scalars are
// read as VARCHAR and every variable part (userIdentity, requestParameters,
// resources, ...) as DuckDB's JSON type, queried with ->> and
// json_extract_string. eventTime becomes TIMESTAMP_NS (UTC, like ctlake's
// timestamp[ns, UTC]); readOnly and managementEvent become BOOLEAN.
package duckpeer
