package lakeapi

import (
	"os"
	"testing"
	"time"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// An update that comes within the throttle's half second still reaches the
// file (a fast ingest's last counts are not lost), and Close removes the
// file for good, even with a write pending.
func TestProgressFileLatestReachesFile(t *testing.T) {
	data := t.TempDir()
	cat, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cat.Create("progress", orcstore.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pf := NewProgressFile(data, st)
	pf.Update(ingest.Progress{Inputs: 2, InputsDone: 1, Ingested: 10})
	pf.Update(ingest.Progress{Inputs: 2, InputsDone: 2, Ingested: 20}) // throttled
	deadline := time.Now().Add(30 * time.Second)
	for {
		run := RunningIngests(data)
		if len(run) == 1 && run[0].Ingested == 20 && run[0].InputsDone == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the last update never reached the file: %+v", run)
		}
		time.Sleep(20 * time.Millisecond)
	}
	pf.Update(ingest.Progress{Ingested: 30}) // throttled: a write is pending
	pf.Close()
	time.Sleep(2 * progressEvery)
	if _, err := os.Stat(pf.path); !os.IsNotExist(err) {
		t.Fatalf("the progress file is back after Close: %v", err)
	}
}
