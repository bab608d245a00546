package querytest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/exec"
)

// TestJoinMemoryLimit runs a join whose build side does not fit in the
// query's memory budget: it fails (the join does not spill) with an error
// that names the join and its build side, and a budget that fits runs it.
func TestJoinMemoryLimit(t *testing.T) {
	eng := engine.New(fixtureCatalog(t))
	ctx := context.Background()
	q := `SELECT count(*) FROM events a JOIN events b ON a.eventID = b.eventID AND a.requestParameters = b.requestParameters`
	opts := engine.Options{Now: time.Unix(0, FixtureNow.UnixNano()), MemoryLimit: 256 << 10, Workers: 2}
	_, err := eng.Run(ctx, q, opts)
	if !errors.Is(err, exec.ErrMemoryLimit) {
		t.Fatalf("a 256 KiB budget: got %v, want a memory limit error", err)
	}
	t.Log(err)
	for _, want := range []string{"256.0 KiB", "build side", "inner join on a.eventID = b.eventID", "--memory-limit"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	opts.MemoryLimit = 256 << 20
	out, err := eng.Run(ctx, q, opts)
	if err != nil {
		t.Fatalf("a 256 MiB budget: %v", err)
	}
	defer out.Release()
	if out.Rows() != 1 {
		t.Fatalf("%d rows", out.Rows())
	}
}
