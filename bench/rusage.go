package bench

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ctlake/ctlake/internal/proccpu"
)

// processMeter measures one phase of this process: CPU time (user +
// system) and, on Linux, the peak resident set size. The kernel's RSS
// high-water mark is reset at the start (/proc/self/clear_refs), after a
// collection that returns freed memory, so that an earlier phase's peak
// does not count.
type processMeter struct{ cpu0 time.Duration }

func startMeter() processMeter {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // best effort
	return processMeter{cpu0: proccpu.Used()}
}

// stop returns the CPU seconds since start and the peak RSS in bytes (0
// where the platform does not say).
func (m processMeter) stop() (cpuSeconds float64, peakRSS int64) {
	return (proccpu.Used() - m.cpu0).Seconds(), peakRSSBytes()
}

// peakRSSBytes reads VmHWM from /proc/self/status.
func peakRSSBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return vmHWM(string(b))
}

// vmHWM reads the resident set high-water mark from a /proc status file.
func vmHWM(status string) int64 {
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) == 2 && f[1] == "kB" {
				if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return n << 10
				}
			}
		}
	}
	return 0
}
