//go:build !unix

package proccpu

import "time"

// Used is unknown on this platform: always 0, and callers report a CPU
// time of 0 (benchmarks then skip their CPU-time metrics).
func Used() time.Duration { return 0 }
