package orcstore

import (
	"context"
	"sync"
	"sync/atomic"
)

// firstGate holds a top-N scan's other stripes back until the first stripe
// (the likeliest to hold the top rows) has been read and every batch of it
// taken by the consumer: the consumer asks for the next batch only after
// handling the previous one, so by then the top-N has seen the first
// stripe and its bound rules out whatever it can of the rest. Later
// stripes run in parallel as usual; only the first is read alone (by two
// readers, see scan_split.go).
type firstGate struct {
	taken atomic.Bool  // a worker has taken the first unit
	sent  atomic.Int64 // batches sent so far

	mu     sync.Mutex
	done   int64 // batches sent when the first unit finished; -1 before
	calls  int64 // Next calls so far
	open   chan struct{}
	opened bool
}

func newFirstGate() *firstGate {
	return &firstGate{done: -1, open: make(chan struct{})}
}

// call records a Next call (nil gate: no-op).
func (g *firstGate) call() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.calls++
	g.maybeOpen()
	g.mu.Unlock()
}

// firstDone records that the first unit is finished.
func (g *firstGate) firstDone() {
	g.mu.Lock()
	g.done = g.sent.Load()
	g.maybeOpen()
	g.mu.Unlock()
}

// maybeOpen opens the gate once the consumer has called Next after
// receiving the first unit's last batch. g.mu is held.
func (g *firstGate) maybeOpen() {
	if !g.opened && g.done >= 0 && g.calls > g.done {
		close(g.open)
		g.opened = true
	}
}

// enter is called by a worker before it reads u: the first caller reads
// at once (first is true and it must call firstDone after the unit), the
// others wait for the gate. It reports false if ctx ended first.
func (g *firstGate) enter(ctx context.Context) (first, ok bool) {
	if g.taken.CompareAndSwap(false, true) {
		return true, true
	}
	select {
	case <-g.open:
		return false, true
	case <-ctx.Done():
		return false, false
	}
}
