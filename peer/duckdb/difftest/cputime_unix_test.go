//go:build unix

package difftest

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used so far,
// DuckDB's threads included: on a loaded machine, where wall time mostly
// measures waiting for a core, the steadier measure of what a query costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
