package jsontable

import (
	"context"
	"errors"
	"io"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/zeebo/xxh3"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// Decoding runs on every worker, but dedup's "first occurrence wins" and
// the first reject named on stderr must not depend on which worker is
// faster. As in ingest (pipeline_split.go), the framer of an input puts a
// placeholder for each chunk in that input's ordered channel before handing
// the chunk to the decoders; the merge goroutine takes the inputs one after
// the other and each input's placeholders in turn, waiting for each to be
// decoded. Decoders never wait on the merge, and an input's channel holds
// at most piecesAhead placeholders, which bounds the decoded events held.

const piecesAhead = 2

// piece is one chunk of an input, decoded (once ready is closed).
type piece struct {
	ready   chan struct{}
	rec     arrow.Record     // the chunk's stored events; nil if none
	ids     []idKey          // eventID hash of each row of rec
	rejects []*ingest.Reject // in input order (Raw dropped)
}

func (p *piece) release() {
	if p.rec != nil {
		p.rec.Release()
		p.rec = nil
	}
}

type idKey struct {
	key [16]byte
	ok  bool // the event has an eventID (events without one are never duplicates)
}

// job is a chunk to decode into its piece.
type job struct {
	chunk *rawChunk
	p     *piece
}

// ordered is the scan's inputs' pieces in input order.
type ordered struct {
	results []chan *piece // one per input, closed when the input is framed
	wg      sync.WaitGroup
	inHand  *piece // taken by the merge and not yet released
}

// start frames inputs on up to workers goroutines and decodes their chunks
// on workers goroutines.
func (s *Scan) start(ctx context.Context, inputs []ingest.Input, cfg Config, workers int) *ordered {
	o := &ordered{results: make([]chan *piece, len(inputs))}
	for i := range o.results {
		o.results[i] = make(chan *piece, piecesAhead)
	}
	files := make(chan int)
	jobs := make(chan job, workers)
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer close(files)
		for i := range inputs {
			select {
			case files <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var framers sync.WaitGroup
	for w := 0; w < min(workers, len(inputs)); w++ {
		framers.Add(1)
		go func() {
			defer framers.Done()
			for i := range files {
				s.frame(ctx, inputs[i], o.results[i], jobs)
			}
		}()
	}
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		framers.Wait()
		close(jobs)
	}()
	for w := 0; w < workers; w++ {
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			dec := ingest.NewDecoder(ingest.Options{TimeField: cfg.TimeField})
			b := ingest.NewBuilder()
			defer b.Release()
			for j := range jobs {
				if ctx.Err() == nil {
					decode(dec, b, j.chunk, j.p, !cfg.NoDedup)
				}
				close(j.p.ready)
			}
		}()
	}
	return o
}

// wait waits for the framers and decoders.
func (o *ordered) wait() { o.wg.Wait() }

// release frees the pieces decoded but never merged; every goroutine has
// stopped.
func (o *ordered) release() {
	if o.inHand != nil {
		o.inHand.release()
		o.inHand = nil
	}
	for _, ch := range o.results {
		for done := false; !done; {
			select {
			case p, ok := <-ch:
				if !ok {
					done = true
					break
				}
				p.release()
			default:
				done = true
			}
		}
	}
}

// frame reads one input into chunks of raw events, placing a piece for
// each in out, in order, before handing it to the decoders.
func (s *Scan) frame(ctx context.Context, in ingest.Input, out chan<- *piece, jobs chan<- job) {
	defer close(out)
	rc, err := in.Open()
	if err != nil {
		s.fail(ctx, &ingest.InputError{File: in.Name, Err: err})
		return
	}
	defer rc.Close()
	fr := ingest.NewFramer(countingReader{rc, &s.bytes}, in.Name)
	defer fr.Close()
	c := &rawChunk{name: in.Name}
	send := func() bool {
		if len(c.ends) == 0 && len(c.rejects) == 0 {
			return true
		}
		p := &piece{ready: make(chan struct{})}
		select {
		case out <- p:
		case <-ctx.Done():
			return false
		}
		select {
		case jobs <- job{chunk: c, p: p}:
		case <-ctx.Done():
			close(p.ready)
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
				rej.Raw = nil
				c.rejects = append(c.rejects, rej)
				continue
			}
			if err != io.EOF {
				// A damaged input (truncated gzip or JSON): ingest keeps
				// the events before the damage and reports the input, so
				// the scan does too.
				s.inputErrs.Add(1)
			}
			send()
			return
		}
		c.data = append(c.data, raw.Data...)
		c.ends = append(c.ends, len(c.data))
		c.lines = append(c.lines, raw.Line)
		c.offsets = append(c.offsets, raw.Offset)
		if len(c.ends) == chunkEvents && !send() {
			return
		}
	}
}

// decode parses a chunk's events into p: a record of those that can be
// stored, their eventIDs' hashes when dedup is on, and the rejects.
func decode(dec *ingest.Decoder, b *ingest.Builder, c *rawChunk, p *piece, dedup bool) {
	p.rejects = c.rejects
	start := 0
	for i, end := range c.ends {
		data := c.data[start:end]
		start = end
		ev, err := dec.Parse(data)
		if err != nil {
			rej := ingest.RejectEvent(c.name, ingest.RawEvent{Data: data, Line: c.lines[i], Offset: c.offsets[i]}, err)
			rej.Raw = nil
			p.rejects = append(p.rejects, rej)
			continue
		}
		if dedup {
			var k idKey
			if id, ok := ev.ID(); ok {
				k = idKey{key: xxh3.Hash128(id).Bytes(), ok: true}
			}
			p.ids = append(p.ids, k)
		}
		b.Append(ev)
	}
	sort.SliceStable(p.rejects, func(i, j int) bool { return p.rejects[i].Offset < p.rejects[j].Offset })
	if b.Len() > 0 {
		p.rec = b.NewRecord()
	}
}

// merger turns the pieces, in input order, into the scan's batches.
type merger struct {
	s       *Scan
	spec    orcstore.ScanSpec
	idx     []int
	timeIdx int
	seen    map[[16]byte]struct{} // nil without dedup
}

func (m *merger) run(ctx context.Context, o *ordered) {
	defer func() {
		o.wg.Wait() // the framers may still report an error on s.out
	}()
	for _, ch := range o.results {
		for {
			var p *piece
			var ok bool
			select {
			case p, ok = <-ch:
			case <-ctx.Done():
				return
			}
			if !ok {
				break
			}
			o.inHand = p
			select {
			case <-p.ready:
			case <-ctx.Done():
				return
			}
			b, ok := m.merge(p)
			p.release()
			o.inHand = nil
			if !ok {
				continue
			}
			select {
			case m.s.out <- result{b: b}:
			case <-ctx.Done():
				b.Rec.Release()
				return
			}
		}
	}
}

// merge counts a piece's rejects and returns its rows that are new (dedup)
// and inside the time range.
func (m *merger) merge(p *piece) (exec.Batch, bool) {
	s := m.s
	if len(p.rejects) > 0 {
		s.rejected.Add(int64(len(p.rejects)))
		s.mu.Lock()
		for _, r := range p.rejects {
			s.hints.Add(r)
		}
		if s.firstReject == "" {
			r := p.rejects[0]
			s.firstReject = r.Error()
		}
		s.mu.Unlock()
	}
	if p.rec == nil {
		return exec.Batch{}, false
	}
	n := int(p.rec.NumRows())
	s.rowsRead.Add(int64(n))
	tr := m.spec.Time
	var ts []arrow.Timestamp
	if !tr.All() {
		ts = p.rec.Column(m.timeIdx).(*array.Timestamp).TimestampValues()
	}
	sel := make([]int32, 0, n)
	var dups int64
	for i := 0; i < n; i++ {
		if m.seen != nil && p.ids[i].ok {
			before := len(m.seen)
			m.seen[p.ids[i].key] = struct{}{}
			if len(m.seen) == before {
				dups++
				continue
			}
		}
		if ts != nil && !tr.Contains(int64(ts[i])) {
			continue
		}
		sel = append(sel, int32(i))
	}
	s.dups.Add(dups)
	s.rowsOut.Add(int64(len(sel)))
	if len(sel) == 0 {
		return exec.Batch{}, false
	}
	if len(sel) == n {
		sel = nil
	}
	return s.project(p.rec, sel, m.idx), true
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
