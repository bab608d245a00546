//go:build !unix

package s3io

import "time"

// processCPU is unavailable here; benchmarks then skip the CPU-time metric.
func processCPU() time.Duration { return 0 }
