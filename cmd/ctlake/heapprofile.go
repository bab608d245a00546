package main

import (
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// startHeapProfile writes a heap profile to path (CTLAKE_HEAPPROFILE) taken
// at the command's peak of live heap, for finding what holds memory when an
// ingest or a query runs over its --memory-limit. A profile written at the
// end shows what is still live then, which for ingest is nearly nothing.
// The live heap (as of the last collection, which is also what a heap
// profile's in-use figures show) is sampled every 100 ms; the profile is
// rewritten whenever it grew by a sixteenth since the last one, and once at
// the end if nothing was written. The returned function stops sampling.
func startHeapProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	write := func() {
		if f, err := os.Create(path); err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	go func() {
		defer close(stopped)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var last uint64
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				if last == 0 {
					write()
				}
				return
			case <-t.C:
				metrics.Read(sample)
				if v := sample[0].Value.Uint64(); v > last+last/16 {
					write()
					last = v
				}
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}
