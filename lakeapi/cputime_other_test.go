//go:build !unix

package lakeapi

import "time"

// processCPU is unavailable here; the benchmark's CPU metrics read 0.
func processCPU() time.Duration { return 0 }
