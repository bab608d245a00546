package ingest

import (
	"bytes"
	"context"
	"io"
	"sync"
)

// Reading remote inputs ahead. An S3 GET costs tens of milliseconds before
// its first byte and CloudTrail delivers thousands of small objects, so
// the decoders would mostly wait if each fetched its own inputs. The
// fetcher reads the small ones (fetch set, up to maxPrefetch bytes) whole
// into memory on Config.Fetchers goroutines, in input order — the order
// the decoders take them — while holding at most a window of bytes that
// no decoder has finished with. Large inputs are streamed by their decoder
// (Input.open) instead.

const (
	defaultFetchers = 32
	maxPrefetch     = 16 << 20 // larger objects are streamed, not held
)

type fetchSlot struct {
	done chan struct{} // closed when data or err is set
	data []byte
	err  error
	held int64 // bytes counted against the window until released
}

type fetcher struct {
	ctx    context.Context
	inputs []Input
	window int64
	slots  []fetchSlot

	mu   sync.Mutex
	cond *sync.Cond
	next int   // next input to fetch
	held int64 // bytes fetched or being fetched and not released
	stop bool
	wg   sync.WaitGroup
	n    *countingBytes
}

// countingBytes counts the bytes fetched, for the progress display.
type countingBytes struct {
	mu sync.Mutex
	v  int64
}

func (c *countingBytes) add(n int64) {
	c.mu.Lock()
	c.v += n
	c.mu.Unlock()
}

func (c *countingBytes) load() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.v
}

// startFetcher starts reading ahead the inputs that can be; nil if none.
func (p *pipeline) startFetcher(ctx context.Context, inputs []Input) *fetcher {
	any := false
	for _, in := range inputs {
		if in.fetch != nil {
			any = true
			break
		}
	}
	if !any {
		return nil
	}
	f := &fetcher{ctx: ctx, inputs: inputs, slots: make([]fetchSlot, len(inputs)), n: &p.fetched}
	f.window = max(p.cfg.MemoryLimit/8, 8<<20)
	f.cond = sync.NewCond(&f.mu)
	for i := range f.slots {
		f.slots[i].done = make(chan struct{})
	}
	n := p.cfg.Fetchers
	if n <= 0 {
		n = defaultFetchers
	}
	for w := 0; w < n; w++ {
		f.wg.Add(1)
		go f.work()
	}
	go func() {
		<-ctx.Done()
		f.mu.Lock()
		f.stop = true
		f.cond.Broadcast()
		f.mu.Unlock()
	}()
	return f
}

func prefetchable(in Input) bool { return in.fetch != nil && in.Size <= maxPrefetch }

// work fetches inputs in order, each once the window has room for it (an
// input bigger than the window goes alone).
func (f *fetcher) work() {
	defer f.wg.Done()
	for {
		f.mu.Lock()
		for !f.stop && f.next < len(f.inputs) && prefetchable(f.inputs[f.next]) &&
			f.held > 0 && f.held+f.inputs[f.next].Size > f.window {
			f.cond.Wait()
		}
		if f.stop || f.next >= len(f.inputs) {
			f.mu.Unlock()
			return
		}
		i := f.next
		f.next++
		in := f.inputs[i]
		if !prefetchable(in) {
			f.mu.Unlock()
			continue // its decoder opens it
		}
		f.held += in.Size
		f.slots[i].held = in.Size
		f.mu.Unlock()
		data, err := in.fetch(f.ctx)
		f.n.add(int64(len(data)))
		f.slots[i].data, f.slots[i].err = data, err
		close(f.slots[i].done)
	}
}

// take waits for input i and returns a reader over its bytes; the bytes
// count against the window until the reader is closed.
func (f *fetcher) take(ctx context.Context, i int) (io.ReadCloser, error) {
	s := &f.slots[i]
	select {
	case <-s.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if s.err != nil {
		f.release(i)
		return nil, s.err
	}
	return &fetchedReader{Reader: bytes.NewReader(s.data), f: f, i: i}, nil
}

func (f *fetcher) release(i int) {
	f.mu.Lock()
	f.held -= f.slots[i].held
	f.slots[i].held = 0
	f.slots[i].data = nil
	f.cond.Broadcast()
	f.mu.Unlock()
}

// wait stops the workers (the run's context is done) and waits for them.
func (f *fetcher) wait() { f.wg.Wait() }

type fetchedReader struct {
	*bytes.Reader
	f    *fetcher
	i    int
	once sync.Once
}

func (r *fetchedReader) Close() error {
	r.once.Do(func() { r.f.release(r.i) })
	return nil
}

// openInput opens input idx: from the fetcher when it reads it ahead.
func (p *pipeline) openInput(ctx context.Context, idx int, in Input) (io.ReadCloser, error) {
	if p.fetch != nil && prefetchable(in) {
		return p.fetch.take(ctx, idx)
	}
	return in.openContext(ctx)
}
