package ingest

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctlake/ctlake/orcstore"
)

// Config is one ingest run into a store.
type Config struct {
	Store   *orcstore.Store
	Decode  Options // TimeField
	NoDedup bool    // keep every copy of an eventID (Lake's own behaviour)
	// Strict turns any rejected event or unreadable input into a failed
	// ingest that leaves the store exactly as it was.
	Strict bool
	// Workers decode inputs in parallel (default: one per CPU).
	Workers int
	// MemoryLimit is what the ingest may use (default 512 MiB): decoded
	// events held, buffered or being written, stay within half of it
	// (heldLimit). When reached, the largest partition is written out and
	// committed, so memory stays bounded whatever the input size; a
	// partition is also written once it holds a quarter of the limit. The
	// process stays under about twice this (decoding ahead, the ORC
	// writers' stripes, the collector's headroom; `ctlake ingest` also
	// sets the runtime's soft memory limit).
	MemoryLimit int64
	// MaxFileRows cuts ORC files at this many events (default 2,000,000).
	MaxFileRows int
	// Progress, if set, is called a few times a second and once at the end.
	Progress func(Progress)
	// Now is the clock retention is judged by (default time.Now).
	Now func() time.Time
	// EventsFrom and EventsUntil (zero: unbounded) keep only the events
	// whose eventTime is in [EventsFrom, EventsUntil]; the others count as
	// Filtered. StartImport's StartEventTime and EndEventTime. Inputs
	// read under such a window should carry no Object: the source log
	// would otherwise record them as read whole, and a later run without
	// the window would skip their other events.
	EventsFrom, EventsUntil time.Time

	// CommitInterval bounds the time between commits of a run whose
	// inputs carry an Object (S3, --follow; see pipeline_track.go), which
	// otherwise commits when memory is full and at the end. Zero: no bound.
	CommitInterval time.Duration
	// Fetchers is how many remote inputs are read at once (default 64).
	Fetchers int
	// SourceStats, if set, adds a remote source's request counters to
	// each progress report and to the summary.
	SourceStats func(*Progress)
}

// Progress is the running count of an ingest.
type Progress struct {
	Inputs, InputsDone int
	BytesRead          int64 // bytes read from the inputs (compressed size for .gz)
	Events             int64 // events framed
	Ingested           int64 // events written to committed files
	Duplicates         int64 // events dropped because their eventID is already in the store
	Filtered           int64 // events not chosen by the store's selectors, older than its retention, or outside EventsFrom..EventsUntil
	Expired            int64 // of Filtered, those older than the retention period
	StoredLater        int64 // events an earlier ingest rejected that this one stored
	Rejected           int64 // events that could not be stored (see the store's rejects)
	FilesWritten       int
	Elapsed            time.Duration
	Done               bool

	// Remote inputs (S3): the bytes listed, the bytes fetched so far, and
	// the requests made and retried (SourceStats); Recorded is how many
	// inputs this run committed to the store's source log.
	BytesTotal int64
	Fetched    int64
	Requests   int64
	Retries    int64
	Recorded   int64
}

// Summary is what an ingest did.
type Summary struct {
	Progress
	InputErrors []error  // inputs that could not be read to the end, by name
	Rejects     []string // reject files written (relative to the store)
	// FirstRejects are the first few rejected events (file, line, reason),
	// so that a caller can name them without reading the reject files.
	FirstRejects []*Reject
	// TimeHints counts rejected events by a field holding a time that
	// --time-field would take (see TimeHints.Message).
	TimeHints TimeHints
	// Dropped are the files (relative to the store) listing the events
	// left out as duplicates or past retention.
	Dropped []string
}

// Started reports whether the ingest got as far as reading its inputs; one
// refused at the start (a locked or damaged store) did not.
func (s Summary) Started() bool {
	return s.InputsDone > 0 || s.Events > 0 || s.BytesRead > 0 || s.FilesWritten > 0 || len(s.InputErrors) > 0
}

// maxFirstRejects bounds Summary.FirstRejects.
const maxFirstRejects = 5

const (
	defaultMemoryLimit = 512 << 20
	defaultMaxFileRows = 2_000_000
)

// Ingest reads inputs into cfg.Store. Inputs are decoded in parallel; their
// events are deduplicated in input order (the first occurrence wins), sorted
// by eventTime within each file written, and committed in batches. A failed
// or cancelled ingest keeps what earlier batches committed (with Strict,
// nothing), and a rerun of the same inputs adds only what is missing.
func Ingest(ctx context.Context, cfg Config, inputs []Input) (Summary, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.MemoryLimit <= 0 {
		cfg.MemoryLimit = defaultMemoryLimit
	}
	if cfg.MaxFileRows <= 0 {
		cfg.MaxFileRows = defaultMaxFileRows
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	defer tuneGC()()
	tx, err := cfg.Store.Begin()
	if err != nil {
		return Summary{}, err
	}
	defer tx.Close()

	p := &pipeline{cfg: cfg, tx: tx, start: time.Now(), pending: map[int64]*partition{}, hints: TimeHints{}}
	p.writers = make(writerPool, cfg.Workers)
	p.progress.Inputs = len(inputs)
	for _, in := range inputs {
		p.progress.BytesTotal += in.Size
	}
	p.selectors = cfg.Store.Info.Selectors
	p.cutoff = cfg.Now().Add(-time.Duration(cfg.Store.Info.RetentionDays) * 24 * time.Hour).UnixNano()
	p.from, p.until = math.MinInt64, math.MaxInt64
	if !cfg.EventsFrom.IsZero() {
		p.from = cfg.EventsFrom.UnixNano()
	}
	if !cfg.EventsUntil.IsZero() {
		p.until = cfg.EventsUntil.UnixNano()
	}
	if !cfg.NoDedup {
		p.dedup = newDedup(cfg.Store, tx.Current())
	}
	p.loadRejectIDs(tx.Current())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	stopTicker := p.startTicker()
	p.startFlusher()
	// Stop the flushers before tx.Close (deferred above, so run after this)
	// deletes the files of an unfinished batch.
	defer p.stopFlusher()
	p.track = newTracker(inputs)
	err = p.run(ctx, inputs)
	stopTicker()
	if err == nil {
		err = p.finish()
	} else {
		err = p.finishTracked(err)
	}
	sum := p.summary()
	if err != nil {
		return sum, err
	}
	return sum, nil
}

type pipeline struct {
	cfg       Config
	tx        *orcstore.Tx
	start     time.Time
	selectors []orcstore.Selector
	cutoff    int64 // events before this (Unix ns) are past retention
	from      int64 // Config.EventsFrom in Unix ns (MinInt64: unbounded)
	until     int64 // Config.EventsUntil in Unix ns (MaxInt64: unbounded)
	dedup     *dedup

	pending   map[int64]*partition // by day number
	buffered  int64                // bytes of decoded events in pending
	rejects   *rejectWriter
	inputErr  []error
	committed orcstore.Totals // counters already added to the manifest
	written   []string        // reject files committed; guarded by mu
	first     []*Reject       // the first rejects, for the summary
	hints     TimeHints       // rejects by the --time-field that would take them

	dropped      *droppedWriter      // the open dropped-event file (dropped.go)
	droppedFiles []string            // dropped-event files published; guarded by mu
	resolve      map[[16]byte]string // eventIDs of earlier rejects → their reject file
	resolved     map[string]int64    // reject file → events stored since the last commit; guarded by mu
	complete     bool                // the last commit: every input merged

	// The flusher goroutines write and commit the partitions handed to
	// them on jobs while the merge goroutine goes on merging; see handOver.
	jobs        chan *partition
	flusherDone chan struct{}
	stopOnce    sync.Once
	flushErr    error      // guarded by mu
	flushing    int64      // bytes handed to the flushers, not yet written; guarded by mu
	writers     writerPool // one per worker at most
	// commitMu makes a commit and adding a file with its count exclusive,
	// so that every commit's totals match its files.
	commitMu sync.Mutex

	rawJobs chan rawJob // large inputs' chunks, to the decode pool

	track     *tracker       // inputs recorded in the source log (pipeline_track.go); nil if none
	inflight  sync.WaitGroup // partitions handed to the flushers and not yet written
	inflightN atomic.Int64   // the same, to check without waiting
	fetch     *fetcher       // remote inputs read ahead (fetch.go); nil if none
	fetched   countingBytes

	mu       sync.Mutex
	progress Progress
	bytes    atomic.Int64
	events   atomic.Int64
}

// run decodes inputs on cfg.Workers goroutines and merges their results in
// input order on this one, which is the only goroutine touching the Tx.
func (p *pipeline) run(ctx context.Context, inputs []Input) error {
	ctx, cancel := context.WithCancel(ctx)
	// A batch's decoded events should be a small part of MemoryLimit, so
	// that a small limit still commits early and often.
	batchMax := min(splitBytes, p.cfg.MemoryLimit/32)
	batches := makeBatches(inputs, batchMax)
	jobs := make(chan int)
	// Each batch's results arrive on its own channel, closed when the batch
	// is done, so the merge takes them in input order.
	results := make([]chan *fileResult, len(batches))
	for i := range results {
		results[i] = make(chan *fileResult, 2*p.cfg.Workers)
	}
	stopPool := p.startDecodePool(ctx)
	var wg sync.WaitGroup
	// A worker may run ahead of the merge by at most this many batches,
	// which bounds the memory of decoded-but-unmerged results.
	ahead := make(chan struct{}, p.cfg.Workers+1)
	for w := 0; w < p.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dec := NewDecoder(p.cfg.Decode)
			cache := &builderCache{}
			for i := range jobs {
				p.decodeBatch(ctx, dec, cache, batches[i].lo, inputs[batches[i].lo:batches[i].hi], batches[i].split, results[i])
				close(results[i])
			}
		}()
	}
	pf := p.startPrefetch(ctx, inputs, batches)
	p.fetch = p.startFetcher(ctx, inputs, batchMax)
	go func() {
		defer close(jobs)
		defer pf.stop()
		for i := range batches {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			pf.dispatched(i)
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	// On any return: stop the producer and workers first, then wait for
	// them, then free results that were decoded but never merged.
	defer func() {
		cancel()
		stop := make(chan struct{})
		var drained sync.WaitGroup
		for _, ch := range results {
			drained.Add(1)
			go func() {
				defer drained.Done()
				for {
					select {
					case r, ok := <-ch:
						if !ok {
							return
						}
						if r.ready != nil {
							<-r.ready
						}
						r.release()
					case <-stop:
						return
					}
				}
			}()
		}
		wg.Wait()
		stopPool()
		if p.fetch != nil {
			p.fetch.wait()
		}
		close(stop)
		drained.Wait()
	}()
	for i := range batches {
		for {
			var r *fileResult
			var ok bool
			select {
			case r, ok = <-results[i]:
			case <-ctx.Done():
				return ctx.Err()
			}
			if !ok {
				break
			}
			if !waitReady(ctx, r) {
				return ctx.Err()
			}
			if err := p.merge(r); err != nil {
				r.release()
				return err
			}
			p.mu.Lock()
			p.progress.InputsDone += r.inputsDone
			p.mu.Unlock()
			if p.track != nil {
				if err := p.trackResult(r); err != nil {
					return err
				}
			}
		}
		<-ahead
	}
	return ctx.Err()
}

// batch is a run of consecutive inputs decoded by one worker into one set
// of builders. Real trails deliver many small files (CloudTrail writes one
// per account, region and ~5 minutes, often a few KB); setting up builders,
// records and partition chunks per file cost more than decoding them.
type batch struct {
	lo, hi int
	// split: the batch is one large input (maxBytes or more, or of unknown
	// size), decoded on every core (see pipeline_split.go).
	split bool
}

const (
	batchBytes = 2 << 20 // file bytes (compressed, as stored) per batch
	batchFiles = 1024
)

// partialEvents is how many events a batch holds before its result goes to
// the merge, so that one huge file neither waits whole in memory nor
// escapes MemoryLimit. A variable so that tests can make it small.
var partialEvents = 64 << 10

func makeBatches(inputs []Input, maxBytes int64) []batch {
	sizes := inputSizes(inputs, maxBytes)
	var out []batch
	lo, size := 0, int64(0)
	for i := range inputs {
		n := sizes[i]
		if i > lo && (size+n > maxBytes || i-lo >= batchFiles) {
			out = append(out, batch{lo, i, i-lo == 1 && size >= maxBytes})
			lo, size = i, 0
		}
		size += n
	}
	if lo < len(inputs) {
		out = append(out, batch{lo, len(inputs), len(inputs)-lo == 1 && size >= maxBytes})
	}
	return out
}

// countingReader counts bytes for the progress display.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// fileResult is the decoded events of a batch of inputs (or of a part of
// one large input), by eventdate partition.
type fileResult struct {
	parts      map[int64]*chunk
	order      []int64 // the partition (day) of each stored event, in input order
	rejects    []*Reject
	errs       []error // inputs that could not be read to their end
	filtered   int64
	expired    int64      // of filtered, past retention (listed in dropped)
	dropped    []*Dropped // events past retention, to list
	names      []string   // input names, indexed by the chunks' rowLocs
	inputsDone int
	// ended are the inputs that ended in this result (see pipeline_track.go);
	// boundary: every input with events in this result or before has ended.
	ended    []inputEnd
	boundary bool
	// ready, if not nil, is closed when the decode pool has filled this
	// result (see pipeline_split.go); the merge waits for it.
	ready chan struct{}
}

func (r *fileResult) release() {
	for _, c := range r.parts {
		c.release()
	}
}

// resultBuilder accumulates one fileResult.
type resultBuilder struct {
	res      *fileResult
	builders map[int64]*Builder
	events   int
	free     *builderCache
}

// builderCache keeps one decoding worker's Builders between results, so
// that their column slices, grown once, are reused.
type builderCache struct{ free []*Builder }

// maxCachedBuilders bounds a builderCache. A result needs one Builder per
// day its inputs hold, usually one or two; a batch of CloudTrail-Insight
// files can span every day of the trail. Each Builder keeps its columns'
// slices at the size of its largest batch, and keeping them all (11
// Builders in a 1M-event ingest of the S3 layout) held over 100 MB that no
// --memory-limit accounting saw; the rare extra Builder is made afresh.
const maxCachedBuilders = 2

func (c *builderCache) get() *Builder {
	if n := len(c.free); n > 0 {
		b := c.free[n-1]
		c.free = c.free[:n-1]
		return b
	}
	return NewBuilder()
}

func newResultBuilder(free *builderCache) *resultBuilder {
	return &resultBuilder{res: &fileResult{parts: map[int64]*chunk{}}, builders: map[int64]*Builder{}, free: free}
}

func (rb *resultBuilder) finish() *fileResult {
	for day, b := range rb.builders {
		rb.res.parts[day].rec = b.NewRecord()
		if len(rb.free.free) < maxCachedBuilders {
			rb.free.free = append(rb.free.free, b)
		}
	}
	return rb.res
}

// decodeBatch decodes inputs in order and sends their events to out, one
// result for the batch, or more when an input is large.
func (p *pipeline) decodeBatch(ctx context.Context, dec *Decoder, cache *builderCache, lo int, inputs []Input, split bool, out chan<- *fileResult) {
	rb := newResultBuilder(cache)
	var fieldBuf [][]byte
	whole := true
	for i, in := range inputs {
		if ctx.Err() != nil {
			break
		}
		var end inputEnd
		rb, end = p.decodeInput(ctx, dec, lo+i, in, split, rb, out, &fieldBuf)
		rb.res.inputsDone++
		rb.res.ended = append(rb.res.ended, end)
		whole = whole && !end.interrupted
	}
	if ctx.Err() != nil {
		rb.res.errs = append(rb.res.errs, ctx.Err())
	}
	res := rb.finish()
	res.boundary = whole
	out <- res
}

// decodeInput adds one input's events to rb, sending rb on and starting a
// new one every partialEvents events. It returns the builder to go on with.
func (p *pipeline) decodeInput(ctx context.Context, dec *Decoder, idx int, in Input, split bool, rb *resultBuilder, out chan<- *fileResult, fieldBuf *[][]byte) (*resultBuilder, inputEnd) {
	end := inputEnd{input: idx}
	var rc io.ReadCloser
	if split && in.Path != "" {
		rc = openDirect(in.Path) // a large file, read once: around the page cache
	}
	if rc == nil {
		var err error
		if rc, err = p.openInput(ctx, idx, in); err != nil {
			rb.res.errs = append(rb.res.errs, &InputError{File: in.Name, Err: err})
			end.err, end.unread = err, true
			return rb, end
		}
	}
	defer rc.Close()
	fr := NewFramer(countingReader{rc, &p.bytes}, in.Name)
	defer fr.Close()
	if split {
		return p.frameSplit(ctx, fr, in, rb, out, end)
	}
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			end.interrupted = true
			return rb, end
		}
		if rb.events >= partialEvents {
			out <- rb.finish()
			rb = newResultBuilder(rb.free)
		}
		raw, err := fr.Next()
		if err != nil {
			var rej *Reject
			if errors.As(err, &rej) {
				p.events.Add(1)
				end.events++
				rb.res.rejects = append(rb.res.rejects, rej)
				continue
			}
			if err != io.EOF {
				rb.res.errs = append(rb.res.errs, err)
				end.err = err
			}
			return rb, end
		}
		p.events.Add(1)
		end.events++
		p.addEvent(dec, rb, in.Name, raw, fieldBuf)
	}
}

// addEvent decodes one framed event into rb: stored, filtered or rejected.
func (p *pipeline) addEvent(dec *Decoder, rb *resultBuilder, name string, raw RawEvent, fieldBuf *[][]byte) {
	ev, err := dec.ParseFramed(raw)
	if err != nil {
		rb.res.rejects = append(rb.res.rejects, RejectEvent(name, raw, err))
		return
	}
	t := ev.Time()
	if t < p.cutoff {
		p.expired(rb, name, raw, ev)
		rb.res.filtered++
		return
	}
	if t < p.from || t > p.until || len(p.selectors) > 0 && !p.selected(ev, fieldBuf) {
		rb.res.filtered++
		return
	}
	day := dayOf(t)
	b := rb.builders[day]
	c := rb.res.parts[day]
	if b == nil {
		b = rb.free.get()
		rb.builders[day] = b
		c = &chunk{}
		rb.res.parts[day] = c
	}
	b.Append(ev)
	rb.events++
	rb.res.order = append(rb.res.order, day)
	c.times = append(c.times, t)
	c.locs = append(c.locs, rowLoc{name: rb.res.nameIndex(name), line: raw.Line, offset: raw.Offset})
	id, ok := ev.ID()
	c.ids = append(c.ids, idKeyOf(id, ok))
}

// selected applies the store's advanced event selectors.
func (p *pipeline) selected(ev *Event, buf *[][]byte) bool {
	return orcstore.MatchSelectors(p.selectors, func(field string) []string {
		f, err := ParseField(field)
		if err != nil {
			return nil
		}
		return ev.Strings(f)
	})
}

// dayOf is the eventdate partition of a Unix-nanosecond time, as a day
// number (floor division, so times before 1970 land on the right day).
func dayOf(t int64) int64 {
	const day = int64(24 * time.Hour)
	d := t / day
	if t%day < 0 {
		d--
	}
	return d
}

func dayString(d int64) string {
	return time.Unix(d*86400, 0).UTC().Format("2006-01-02")
}

func (p *pipeline) summary() Summary {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Summary{Progress: p.progress, InputErrors: p.inputErr, Rejects: p.written, FirstRejects: p.first, TimeHints: p.hints, Dropped: p.droppedFiles}
	s.BytesRead = p.bytes.Load()
	s.Events = p.events.Load()
	s.Elapsed = time.Since(p.start)
	s.Done = true
	p.sourceProgress(&s.Progress)
	return s
}

// sourceProgress adds the remote source's figures to pr.
func (p *pipeline) sourceProgress(pr *Progress) {
	pr.Fetched = p.fetched.load()
	if p.cfg.SourceStats != nil {
		p.cfg.SourceStats(pr)
	}
}

// startTicker reports progress until the returned function is called.
func (p *pipeline) startTicker() func() {
	if p.cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.mu.Lock()
				pr := p.progress
				p.mu.Unlock()
				pr.BytesRead = p.bytes.Load()
				pr.Events = p.events.Load()
				pr.Elapsed = time.Since(p.start)
				p.sourceProgress(&pr)
				p.cfg.Progress(pr)
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// inputSizes stats the inputs on several goroutines: with the file
// metadata of a large S3 layout not cached, one stat after another left
// both cores idle for most of the first second of an ingest. Stdin and
// files that cannot be stat'ed get unknown (they go alone in a batch).
func inputSizes(inputs []Input, unknown int64) []int64 {
	sizes := make([]int64, len(inputs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(16, len(inputs)/64+1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(inputs) {
					return
				}
				sizes[i] = unknown
				if n := inputs[i].Size; n > 0 || inputs[i].fetch != nil {
					sizes[i] = n
				} else if p := inputs[i].Path; p != "" {
					if st, err := os.Stat(p); err == nil {
						sizes[i] = st.Size()
					}
				}
			}
		}()
	}
	wg.Wait()
	return sizes
}
