//go:build !unix

package difftest

import "time"

// cpuTime is not measured here (0): BenchmarkLambdas reports wall time.
func cpuTime() time.Duration { return 0 }
