package main

import (
	"os"
	"runtime/debug"
)

// softMemoryFactor sets the Go runtime's soft memory limit to this multiple
// of --memory-limit (query and shell; ingest: ingest.SoftLimitFactor). The limit bounds what a
// query's operators (or ingest's buffered events) hold; scans
// add their stripe buffers and the garbage collector, left alone, lets the
// heap grow to twice what is live. With the runtime told, the process stays
// under twice --memory-limit: SELECT * over 1M events (CSV to /dev/null,
// --memory-limit 512MiB) peaked at 1,064 MB RSS without it and 800 MB with
// it, for the same CPU time (53.1 vs 51.6 user-seconds).
const softMemoryFactor = 1.5

// setSoftMemoryLimit applies softMemoryFactor × limit, unless the user set
// GOMEMLIMIT, which wins.
func setSoftMemoryLimit(limit int64) {
	if limit <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(float64(limit) * softMemoryFactor))
}

// queryGCPercent is the collector's target for a `ctlake query` process.
// Such a process is short and its live heap small (metadata, a few
// batches), so with Go's default of 100 it spent a third of a cold eventID
// lookup's CPU collecting the garbage of its first few megabytes: 37.6–44.3
// against 26.5–28.8 CPU-ms at 400 (1M-event store, 11 processes each, two
// rounds); count-by-api 137 → 112 CPU-ms; peak RSS 34 → 35 MB there and
// 85 → 92 MB on top-s3-buckets. The soft memory limit still bounds the
// heap of a large query.
const queryGCPercent = 400

// tuneQueryGC sets queryGCPercent unless the user set GOGC.
func tuneQueryGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(queryGCPercent)
	}
}
