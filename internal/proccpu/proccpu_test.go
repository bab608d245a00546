package proccpu

import (
	"runtime"
	"testing"
	"time"
)

// TestUsedGrowsWithWork: spinning for a while adds CPU time (on the
// platforms that report it), and the count never goes back.
func TestUsedGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no getrusage on " + runtime.GOOS)
	}
	before := Used()
	for start := time.Now(); Used()-before < 20*time.Millisecond; {
		if time.Since(start) > time.Minute {
			t.Fatalf("a minute of spinning added %v of CPU time", Used()-before)
		}
	}
	if after := Used(); after < before {
		t.Fatalf("CPU time went back: %v then %v", before, after)
	}
}
