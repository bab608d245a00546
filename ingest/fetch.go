package ingest

import (
	"bytes"
	"context"
	"io"
	"math/bits"
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
//
// The window only has to keep the decoders fed: they work on at most
// Workers+1 batches beyond the merge (pipeline.run's ahead), so twice
// Workers+2 batches of bytes never make a decoder wait for room, and
// bytes/latency is far below what the fetchers sustain. A window of an
// eighth of MemoryLimit (64 MB at the default) held 8,000 objects ahead
// that no accounting of held events saw, and kept the heap nearer the soft
// memory limit, where the collector runs more often (bench/RESULTS.md).
//
// Objects are read into pooled buffers, returned when their decoder is
// done: a million events of the S3 layout are 300 MB in 36,537 objects,
// which otherwise become garbage one by one.

const (
	// defaultFetchers is how many GETs are in flight at most: at S3's
	// ~20–50 ms to the first byte, 64 of them sustain 1,300–3,000 small
	// objects a second, about what one core decodes.
	defaultFetchers = 64
	maxPrefetch     = 16 << 20 // larger objects are streamed, not held
	minFetchWindow  = 8 << 20
)

// fetchWindow is how many bytes the fetcher holds ahead at most, for
// batches of up to batchMax bytes decoded by workers goroutines.
func fetchWindow(memoryLimit, batchMax int64, workers int) int64 {
	return max(min(2*int64(workers+2)*batchMax, memoryLimit/8), minFetchWindow)
}

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
	bufs fetchBufs
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
func (p *pipeline) startFetcher(ctx context.Context, inputs []Input, batchMax int64) *fetcher {
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
	f.window = fetchWindow(p.cfg.MemoryLimit, batchMax, p.cfg.Workers)
	f.bufs.limit = f.window
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

// blocked reports whether the next input must wait for room in the
// window (an input bigger than the window goes alone). Called with f.mu.
func (f *fetcher) blocked() bool {
	return f.next < len(f.inputs) && prefetchable(f.inputs[f.next]) &&
		f.held > 0 && f.held+f.inputs[f.next].Size > f.window
}

// work fetches inputs in order, each once the window has room for it.
// The workers wait on one condition, so a release wakes one of them
// (Signal), which passes the wake-up on while there is room: a Broadcast
// per object woke every idle worker to find the window full again.
func (f *fetcher) work() {
	defer f.wg.Done()
	for {
		f.mu.Lock()
		for !f.stop && f.blocked() {
			f.cond.Wait()
		}
		if f.stop || f.next >= len(f.inputs) {
			f.cond.Signal() // let the next idle worker see the end too
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
		if !f.blocked() {
			f.cond.Signal()
		}
		f.mu.Unlock()
		data, err := in.fetch(f.ctx, f.bufs.get(in.Size+1)) // +1: EOF without growing
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
	data := f.slots[i].data
	f.slots[i].data = nil
	f.cond.Signal()
	f.mu.Unlock()
	if data != nil {
		f.bufs.put(data)
	}
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

// Fetch buffers are kept for reuse by power-of-two capacity, from 4 KB to
// maxPrefetch+1 rounded up, in the fetcher's own free lists: a sync.Pool
// lost them at every garbage collection (an ingest near its soft memory
// limit collects about twice a second), and a 1M-event S3 ingest made 122
// MB of them afresh, 3% of all it allocated. The free lists hold at most
// the window's bytes, and go with the fetcher at the end of the run.
const (
	minFetchBufShift = 12
	maxFetchBufShift = 25
)

type fetchBufs struct {
	mu    sync.Mutex
	free  [maxFetchBufShift + 1][][]byte
	bytes int64 // capacity held in free
	limit int64
}

func fetchBufClass(n int64) int { return max(bits.Len64(uint64(n-1)), minFetchBufShift) }

// get returns an empty buffer of at least n bytes' capacity.
func (fb *fetchBufs) get(n int64) []byte {
	shift := fetchBufClass(n)
	if shift > maxFetchBufShift {
		return make([]byte, 0, n)
	}
	fb.mu.Lock()
	if l := fb.free[shift]; len(l) > 0 {
		b := l[len(l)-1]
		fb.free[shift] = l[:len(l)-1]
		fb.bytes -= int64(cap(b))
		fb.mu.Unlock()
		return b
	}
	fb.mu.Unlock()
	return make([]byte, 0, 1<<shift)
}

// put keeps b for the class of the largest buffer it can serve, unless
// the free lists are full.
func (fb *fetchBufs) put(b []byte) {
	shift := bits.Len64(uint64(cap(b))) - 1
	if shift < minFetchBufShift {
		return
	}
	shift = min(shift, maxFetchBufShift)
	fb.mu.Lock()
	if fb.bytes+int64(cap(b)) <= fb.limit {
		fb.free[shift] = append(fb.free[shift], b[:0])
		fb.bytes += int64(cap(b))
	}
	fb.mu.Unlock()
}
