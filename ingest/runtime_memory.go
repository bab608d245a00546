package ingest

import (
	"os"
	"runtime/debug"
)

// ingestGCPercent is the garbage collector's target while an ingest runs.
// Ingest allocates a few GB of short-lived, pointer-free column data per
// million events, which is cheap to mark; with Go's default of 100 the heap
// grew to twice the live data and the kernel spent a third of the CPU time
// faulting in and zeroing fresh pages (1M NDJSON events: 33.6 CPU-s and
// 2.9 GB peak RSS at 100, 25.0 CPU-s and 1.9 GB at 25).
const ingestGCPercent = 25

// tuneGC sets ingestGCPercent unless the user set GOGC, and returns the
// function that restores the previous setting.
func tuneGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(ingestGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// SoftLimitFactor is the Go runtime's soft memory limit during an ingest
// as a multiple of Config.MemoryLimit, which promises a process under about
// twice the limit. Ingest holds up to half the limit in decoded events
// (heldLimit) and more in what works on them; left alone, the garbage
// collector's headroom (GOGC 25 during ingest) and the pages it freed but
// had not yet returned took a 1M-event ingest at 512MiB to 1.46 GiB RSS.
// Told the limit, the runtime collects and returns memory early enough to
// stay under it (0.90 GiB for the same ingest, at the same CPU time, with
// three eighths held; bench/RESULTS.md for the final figures).
const SoftLimitFactor = 1.85

// minSoftLimit: below this, a soft limit would make the collector run
// nearly continuously for the fixed memory of the process (code, the SDK),
// which Config.MemoryLimit does not cover; tests ingest with limits of
// kilobytes to force many small commits.
const minSoftLimit = 128 << 20

// SetRuntimeLimit sets the runtime's soft memory limit to SoftLimitFactor ×
// limit for a process whose job is one ingest (`ctlake ingest`, the bench),
// unless the user set GOMEMLIMIT or the result is below minSoftLimit, and
// returns the function that restores the previous limit.
func SetRuntimeLimit(limit int64) (restore func()) {
	soft := int64(float64(limit) * SoftLimitFactor)
	if soft < minSoftLimit || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(soft)
	return func() { debug.SetMemoryLimit(old) }
}
