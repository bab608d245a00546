//go:build unix

package lakeapi

import (
	"syscall"
	"time"
)

// processCPU is the process's user+system CPU time. The latency benchmark
// reports CPU time beside wall time because the machines it runs on are
// shared: wall time measures the neighbours too.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
