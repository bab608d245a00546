package main

import (
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ctlake/ctlake/orcstore"
)

// TestIngestFollowStopsOnSIGTERM runs `ctlake ingest --follow` on a folder
// and stops it with SIGTERM after its first cycle: it exits 0, says that
// everything read is committed, and the store holds the folder's events.
func TestIngestFollowStopsOnSIGTERM(t *testing.T) {
	in, data, sum := followInput(t, 500, 14)
	cmd := ctlakeCmd(t, "ingest", "--data", data, "--store", "followed", "--create", "--follow", "--interval", "200ms", in)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(stdout)
	// Files younger than 2 s are left for a later cycle (one being
	// written would read as damaged): wait for the cycles that ingest all.
	deadline := time.After(2 * time.Minute)
	for ingested := int64(0); ingested < sum.Events; {
		select {
		case l := <-lines:
			if !strings.Contains(l, "cycle ") {
				t.Fatalf("unexpected line %q", l)
			}
			if _, rest, ok := strings.Cut(l, " new, "); ok {
				var n int64
				fmt.Sscan(rest, &n)
				ingested += n
			}
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("no ingest in 2 minutes; stderr:\n%s", stderr.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "everything read is committed") {
		t.Errorf("stderr does not say it stopped cleanly:\n%s", stderr.String())
	}
	cat, _ := orcstore.OpenCatalog(data)
	s, err := cat.Open("followed")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Snapshot()
	if m.Rows() != sum.Events {
		t.Errorf("%d events stored, the folder holds %d", m.Rows(), sum.Events)
	}
}
