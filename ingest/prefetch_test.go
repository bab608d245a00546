package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestPrefetchQueue: dispatching batch i queues every batch up to
// i+prefetchAhead, once each and in order, and never past the last.
func TestPrefetchQueue(t *testing.T) {
	dir := t.TempDir()
	var inputs []Input
	for i := 0; i < 5; i++ {
		p := filepath.Join(dir, string(rune('a'+i))+".json")
		if err := os.WriteFile(p, []byte(`{"Records":[]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, Input{Name: p, Path: p})
	}
	inputs = append(inputs, Input{Name: "missing", Path: filepath.Join(dir, "missing.json")}, Input{Name: "-"})
	batches := []batch{{0, 2, false}, {2, 3, false}, {3, 4, true}, {4, 5, false}, {5, 7, false}}
	p := &pipeline{}
	pf := p.startPrefetch(context.Background(), inputs, batches)
	for i := range batches {
		pf.dispatched(i)
		if want := min(i+prefetchAhead+1, len(batches)); pf.queued != want {
			t.Fatalf("after dispatching %d: %d batches queued, want %d", i, pf.queued, want)
		}
	}
	pf.stop()
	<-pf.done // the goroutine drained the queue, missing files and stdin included
}
