package jsontable

import (
	"context"
	"errors"
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
// with ingest's framer and decoder, so a query over raw logs runs through
// the same engine as one over a store.
//
// Each input is framed on its own goroutine (up to one per worker; gunzip
// happens there) into chunks of raw events, and the chunks are decoded on
// the workers, so even one large NDJSON file uses every core. Every event is
// decoded into the whole orcstore.EventSchema (ingest's Builder) and the
// columns the query asks for are then selected: the cost of a JSON scan is
// the same whatever the projection, which is the point of comparing it with
// a columnar scan. Spec.Time is applied exactly, as a selection vector;
// Spec.Prune is ignored (JSON has no statistics). Events ingest would
// reject are skipped and counted (Rejected).
type Scan struct {
	schema *arrow.Schema
	out    chan result
	cancel context.CancelFunc
	wg     sync.WaitGroup
	prev   arrow.Record
	closed bool

	files    int
	bytes    atomic.Int64
	rowsRead atomic.Int64
	rowsOut  atomic.Int64
	rejected atomic.Int64
	// inputErrs counts inputs that could not be read to the end.
	inputErrs atomic.Int64
}

type result struct {
	b   exec.Batch
	err error
}

// rawChunk is a run of framed events copied out of the framer's buffer.
type rawChunk struct {
	name string
	data []byte
	ends []int // end offset of each event in data
}

const chunkEvents = 4096

// New starts reading node.JSON (files, folders or globs, expanded
// as ingest does). workers ≤ 0 means one per CPU.
func New(ctx context.Context, node *planner.Scan, workers int) (*Scan, error) {
	schema, err := orcstore.OutputSchema(node.Spec)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", node.Table, err)
	}
	inputs, problems := ingest.Discover(node.JSON, ingest.DiscoverOptions{})
	if len(problems) > 0 {
		return nil, fmt.Errorf("scan %s: %w", node.Table, problems[0])
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	idx := make([]int, schema.NumFields())
	for i, f := range schema.Fields() {
		is := orcstore.EventSchema.FieldIndices(f.Name)
		if len(is) != 1 {
			return nil, fmt.Errorf("scan %s: no column %q in the event schema", node.Table, f.Name)
		}
		idx[i] = is[0]
	}
	timeIdx := orcstore.EventSchema.FieldIndices("eventTime")[0]

	ctx, cancel := context.WithCancel(ctx)
	s := &Scan{schema: schema, out: make(chan result, workers), cancel: cancel, files: len(inputs)}
	chunks := make(chan *rawChunk, 2*workers)
	files := make(chan ingest.Input)
	fail := func(err error) {
		select {
		case s.out <- result{err: err}:
		case <-ctx.Done():
		}
		cancel()
	}

	var framers sync.WaitGroup
	for w := 0; w < min(workers, len(inputs)); w++ {
		framers.Add(1)
		go func() {
			defer framers.Done()
			for in := range files {
				if err := s.frame(ctx, in, chunks); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	go func() {
		defer close(files)
		for _, in := range inputs {
			select {
			case files <- in:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { framers.Wait(); close(chunks) }()

	for w := 0; w < workers; w++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			dec := ingest.NewDecoder(ingest.Options{})
			b := ingest.NewBuilder()
			defer b.Release()
			for c := range chunks {
				if ctx.Err() != nil {
					continue // drain so the framers finish
				}
				s.decode(dec, b, c)
				if b.Len() == 0 {
					continue
				}
				rec := b.NewRecord()
				batch, ok := s.project(rec, node.Spec.Time, idx, timeIdx)
				rec.Release()
				if !ok {
					continue
				}
				select {
				case s.out <- result{b: batch}:
				case <-ctx.Done():
					batch.Rec.Release()
				}
			}
		}()
	}
	go func() { s.wg.Wait(); close(s.out) }()
	return s, nil
}

// frame reads one input into chunks of raw events.
func (s *Scan) frame(ctx context.Context, in ingest.Input, chunks chan<- *rawChunk) error {
	rc, err := in.Open()
	if err != nil {
		return &ingest.InputError{File: in.Name, Err: err}
	}
	defer rc.Close()
	fr := ingest.NewFramer(countingReader{rc, &s.bytes}, in.Name)
	defer fr.Close()
	c := &rawChunk{name: in.Name}
	send := func() bool {
		if len(c.ends) == 0 {
			return true
		}
		select {
		case chunks <- c:
		case <-ctx.Done():
			return false
		}
		c = &rawChunk{name: in.Name, data: make([]byte, 0, cap(c.data))}
		return true
	}
	for {
		raw, err := fr.Next()
		if err != nil {
			var rej *ingest.Reject
			if errors.As(err, &rej) {
				s.rejected.Add(1)
				continue
			}
			if err != io.EOF {
				// A damaged input (truncated gzip or JSON): ingest keeps
				// the events before the damage and reports the input, so
				// the scan does too.
				s.inputErrs.Add(1)
			}
			send()
			return ctx.Err()
		}
		c.data = append(c.data, raw.Data...)
		c.ends = append(c.ends, len(c.data))
		if len(c.ends) == chunkEvents && !send() {
			return ctx.Err()
		}
	}
}

// decode parses a chunk's events into b, counting rejects.
func (s *Scan) decode(dec *ingest.Decoder, b *ingest.Builder, c *rawChunk) {
	start := 0
	for _, end := range c.ends {
		ev, err := dec.Parse(c.data[start:end])
		start = end
		if err != nil {
			s.rejected.Add(1)
			continue
		}
		b.Append(ev)
	}
}

// project selects the scan's columns from a record of the whole event
// schema and marks the rows inside the time range.
func (s *Scan) project(rec arrow.Record, tr orcstore.TimeRange, idx []int, timeIdx int) (exec.Batch, bool) {
	n := int(rec.NumRows())
	s.rowsRead.Add(int64(n))
	var sel []int32
	if !tr.All() {
		ts := rec.Column(timeIdx).(*array.Timestamp).TimestampValues()
		sel = make([]int32, 0, n)
		for i, t := range ts {
			if tr.Contains(int64(t)) {
				sel = append(sel, int32(i))
			}
		}
		if len(sel) == 0 {
			return exec.Batch{}, false
		}
		if len(sel) == n {
			sel = nil
		}
	}
	if sel != nil {
		s.rowsOut.Add(int64(len(sel)))
	} else {
		s.rowsOut.Add(int64(n))
	}
	cols := make([]arrow.Array, len(idx))
	for i, j := range idx {
		want := s.schema.Field(i).Type
		col := rec.Column(j)
		if arrow.TypeEqual(col.DataType(), want) {
			col.Retain()
			cols[i] = col
			continue
		}
		d := narrowData(col.Data(), want)
		cols[i] = array.MakeFromData(d)
		d.Release()
	}
	out := array.NewRecord(s.schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return exec.Batch{Rec: out, Sel: sel}, true
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
	return nil
}

// Rejected is the number of events skipped because ingest would reject
// them (broken JSON, no usable eventTime, …).
func (s *Scan) Rejected() int64 { return s.rejected.Load() }

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
		"files":           strconv.Itoa(s.files),
		"bytes read":      exec.FormatBytes(s.bytes.Load()),
		"rows read":       strconv.FormatInt(s.rowsRead.Load(), 10),
		"rejected events": strconv.FormatInt(s.rejected.Load(), 10),
		"damaged inputs":  strconv.FormatInt(s.inputErrs.Load(), 10),
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
