package jsontable

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// Scan reads a planned Scan whose table is a set of JSON files (any
// shape ingest accepts: CloudTrail {"Records":[…]}, NDJSON, arrays, gzip),
// with ingest's framer and its projected decoder, so a query over raw logs
// runs through the same engine as one over a store — and, by default, with
// ingest's rules, so that the same SQL gives the same answer over the files
// as over a store built from them: events ingest would reject are skipped
// and counted, and an eventID seen before is skipped as a duplicate (the
// first occurrence in input order wins, as in ingest; Config.NoDedup keeps
// every copy).
//
// Inputs are cut into parts (parts.go: a large NDJSON file into
// line-aligned ranges, anything else whole) and each worker frames and
// decodes whole parts, so every core reads. Only the columns the query
// reads are decoded (project.go); Spec.Time and the simple conjuncts of
// Spec.Prune are applied while decoding, before any column is built. One
// merge goroutine takes the workers' pieces back in input order (order.go)
// and deduplicates there, over every stored event's eventID — also those
// the time range or a predicate dropped, since a store keeps the first
// copy whatever a later query asks.
type Scan struct {
	schema *arrow.Schema
	out    chan result
	cancel context.CancelFunc
	wg     sync.WaitGroup // the merge goroutine
	pool   sync.WaitGroup // the producer and the workers
	prev   arrow.Record
	closed bool
	slots  chan *slot // the parts in input order, for Close to release

	files    int
	bytes    atomic.Int64
	rowsRead atomic.Int64
	rowsOut  atomic.Int64
	rejected atomic.Int64
	dups     atomic.Int64
	// inputErrs counts inputs that could not be read to the end.
	inputErrs atomic.Int64

	mu          sync.Mutex
	firstReject string // "file:line: reason" of the first reject in input order
	hints       ingest.TimeHints
}

// Config is how the files of a JSON table are read.
type Config struct {
	Workers int // parallel decoders (≤ 0: one per CPU)
	// TimeField is ingest's --time-field: a fallback for events without a
	// parseable eventTime, e.g. "@timestamp".
	TimeField string
	// NoDedup keeps every copy of an eventID, as ingest's --no-dedup does.
	NoDedup bool
}

type result struct {
	b   exec.Batch
	err error
}

// New starts reading node.JSON (files, folders or globs, expanded as ingest
// does).
func New(ctx context.Context, node *planner.Scan, cfg Config) (*Scan, error) {
	schema, err := orcstore.OutputSchema(node.Spec)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", node.Table, err)
	}
	inputs, problems := ingest.Discover(node.JSON, ingest.DiscoverOptions{})
	if len(problems) > 0 {
		return nil, fmt.Errorf("scan %s: %w", node.Table, problems[0])
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ws := make([]*worker, workers)
	for i := range ws {
		if ws[i], err = newWorker(schema, node.Spec, cfg); err != nil {
			for _, w := range ws[:i] {
				w.release()
			}
			return nil, fmt.Errorf("scan %s: %w", node.Table, err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Scan{schema: schema, out: make(chan result, 1), cancel: cancel, files: len(inputs), hints: ingest.TimeHints{}}
	s.slots = s.start(ctx, inputs, ws)
	m := &merger{s: s, lines: map[int]*lineCount{}}
	if !cfg.NoDedup {
		m.seen = map[[16]byte]struct{}{}
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(s.out)
		m.run(ctx, s.slots, inputs)
	}()
	return s, nil
}

// fail reports a scan error and stops the scan; it returns false.
func (s *Scan) fail(ctx context.Context, err error) bool {
	select {
	case s.out <- result{err: err}:
	case <-ctx.Done():
	}
	s.cancel()
	return false
}

// narrowData keeps the struct children want names (recursively), sharing
// their buffers.
func narrowData(d arrow.ArrayData, want arrow.DataType) arrow.ArrayData {
	st, ok := want.(*arrow.StructType)
	src, ok2 := d.DataType().(*arrow.StructType)
	if !ok || !ok2 {
		d.Retain()
		return d
	}
	children := make([]arrow.ArrayData, st.NumFields())
	for i, f := range st.Fields() {
		j, _ := src.FieldIdx(f.Name)
		children[i] = narrowData(d.Children()[j], f.Type)
	}
	out := array.NewData(want, d.Len(), d.Buffers(), children, d.NullN(), d.Offset())
	for _, c := range children {
		c.Release()
	}
	return out
}

func (s *Scan) Schema() *arrow.Schema { return s.schema }

// Next returns the next batch, releasing the previous one.
func (s *Scan) Next(ctx context.Context) (exec.Batch, error) {
	if s.prev != nil {
		s.prev.Release()
		s.prev = nil
	}
	select {
	case r, ok := <-s.out:
		if !ok {
			return exec.Batch{}, nil
		}
		if r.err != nil {
			return exec.Batch{}, r.err
		}
		s.prev = r.b.Rec
		return r.b, nil
	case <-ctx.Done():
		return exec.Batch{}, ctx.Err()
	}
}

// Close stops the scan and waits for its goroutines.
func (s *Scan) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.prev != nil {
		s.prev.Release()
		s.prev = nil
	}
	s.cancel()
	for r := range s.out {
		if r.b.Rec != nil {
			r.b.Rec.Release()
		}
	}
	s.wg.Wait()
	releaseSlots(s.slots)
	return nil
}

// Rejected is the number of events skipped because ingest would reject
// them (broken JSON, no usable eventTime, …).
func (s *Scan) Rejected() int64 { return s.rejected.Load() }

// Duplicates is the number of events skipped because an earlier event had
// their eventID (0 with Config.NoDedup).
func (s *Scan) Duplicates() int64 { return s.dups.Load() }

// FirstReject names the first rejected event in input order, with its
// location and reason ("" when none was rejected).
func (s *Scan) FirstReject() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstReject
}

// TimeHints counts the rejected events by a field holding a time that
// Config.TimeField would take.
func (s *Scan) TimeHints() ingest.TimeHints {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := ingest.TimeHints{}
	h.Merge(s.hints)
	return h
}

// InputErrors is the number of inputs that could not be read to the end
// (their events before the damage were read).
func (s *Scan) InputErrors() int64 { return s.inputErrs.Load() }

// ScanStats reports files and bytes read and rows decoded; JSON has nothing
// to skip.
func (s *Scan) ScanStats() orcstore.ScanStats {
	return orcstore.ScanStats{FilesRead: s.files, BytesRead: s.bytes.Load(), RowsRead: s.rowsRead.Load(), RowsOut: s.rowsOut.Load()}
}

// Extra gives EXPLAIN ANALYZE the scan's own figures.
func (s *Scan) Extra() map[string]string {
	return map[string]string{
		"files":            strconv.Itoa(s.files),
		"bytes read":       exec.FormatBytes(s.bytes.Load()),
		"rows read":        strconv.FormatInt(s.rowsRead.Load(), 10),
		"rejected events":  strconv.FormatInt(s.rejected.Load(), 10),
		"duplicate events": strconv.FormatInt(s.dups.Load(), 10),
		"damaged inputs":   strconv.FormatInt(s.inputErrs.Load(), 10),
	}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
