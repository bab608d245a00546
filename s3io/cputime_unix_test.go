//go:build unix

package s3io

import (
	"syscall"
	"time"
)

// processCPU is the process's user+system CPU time. Benchmarks report
// events per CPU-second beside wall-clock rates because the machines they
// run on are shared: wall time measures the neighbours too.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
