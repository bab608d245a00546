package ingest

import "context"

// Reading ahead. CloudTrail's S3 layout is tens of thousands of small files;
// when they are not in the page cache, each read waits for the disk and the
// decoders sit idle (reading 36,537 cold files one after another took 4.3 s,
// most of a 1M-event ingest's run time). A prefetcher asks the kernel to
// start reading the files of the next batches (posix_fadvise WILLNEED)
// while the current ones are decoded: the same cold read then took 1.2 s,
// with less system time. Large inputs, read sequentially, are left to the
// kernel's own readahead.

// prefetchAhead is how many batches beyond the one being dispatched are
// prefetched (a batch is up to 2 MB of input).
const prefetchAhead = 2

// prefetcher reads batches ahead on its own goroutine.
type prefetcher struct {
	queue  chan int
	queued int           // batches handed to the goroutine so far
	n      int           // batches in all
	done   chan struct{} // closed when the goroutine ends
}

func (p *pipeline) startPrefetch(ctx context.Context, inputs []Input, batches []batch) *prefetcher {
	pf := &prefetcher{queue: make(chan int, len(batches)), n: len(batches), done: make(chan struct{})}
	go func() {
		defer close(pf.done)
		for b := range pf.queue {
			bt := batches[b]
			if bt.split {
				continue
			}
			for _, in := range inputs[bt.lo:bt.hi] {
				if ctx.Err() != nil {
					return
				}
				if in.Path != "" {
					prefetchFile(in.Path)
				}
			}
		}
	}()
	return pf
}

// dispatched notes that batch i goes to a decoder, queueing the batches up
// to prefetchAhead after it. Only the dispatching goroutine calls it.
func (pf *prefetcher) dispatched(i int) {
	for pf.queued <= i+prefetchAhead && pf.queued < pf.n {
		pf.queue <- pf.queued
		pf.queued++
	}
}

// stop ends the goroutine once it has drained the queue (or ctx ended);
// it does not wait for it.
func (pf *prefetcher) stop() { close(pf.queue) }
