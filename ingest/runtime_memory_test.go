package ingest

import (
	"runtime/debug"
	"testing"
)

// TestSetRuntimeLimit: the soft limit is SoftLimitFactor × the budget and
// restored after; a budget too small for one, or the user's GOMEMLIMIT,
// leaves the runtime alone.
func TestSetRuntimeLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	t.Setenv("GOMEMLIMIT", "")

	budget := int64(512 << 20)
	restore := SetRuntimeLimit(budget)
	if got, want := debug.SetMemoryLimit(-1), int64(float64(budget)*SoftLimitFactor); got != want {
		t.Errorf("soft limit %d, want %d", got, want)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != old {
		t.Errorf("soft limit %d after restore, want %d", got, old)
	}

	SetRuntimeLimit(1 << 20)() // below minSoftLimit
	if got := debug.SetMemoryLimit(-1); got != old {
		t.Errorf("a 1 MiB budget set a soft limit (%d)", got)
	}

	t.Setenv("GOMEMLIMIT", "3GiB")
	restore = SetRuntimeLimit(512 << 20)
	if got := debug.SetMemoryLimit(-1); got != old {
		t.Errorf("GOMEMLIMIT set, yet the soft limit became %d", got)
	}
	restore()
}
