package ingest

import (
	"context"
	"errors"
	"io"
	"sync"
)

// Large inputs are framed by the worker that owns them and decoded on every
// core. A 1.6 GB NDJSON export, or one big Records file, used to be decoded
// by one worker while the others idled (38k events/s on 2 cores); framing is
// a fifth of the work, so one framer keeps all decoders busy.
//
// The framer copies each run of raw events into a rawChunk, hands it to the
// decode pool and puts a placeholder result, closed when decoded, in its
// place in the batch's ordered results: the merge still sees every event in
// input order, so dedup's first-occurrence rule is unchanged.

// splitBytes is the input size from which an input is decoded on all
// cores (it is also the most bytes of small inputs batched together, see
// makeBatches); smaller inputs are framed and decoded by one worker, which
// is cheaper per event (no copy) and parallel across inputs.
var splitBytes int64 = batchBytes

// rawChunkEvents and rawChunkBytes bound one rawChunk (variables so that
// tests can make chunks tiny); like a batch, a chunk also holds at most a
// 32nd of MemoryLimit, so that a small limit commits early and often.
var (
	rawChunkEvents = 4096
	rawChunkBytes  = 8 << 20
)

// rawChunk is a run of framed events of one input, copied out of the
// Framer's buffer.
type rawChunk struct {
	name    string
	data    []byte
	evs     []rawRef
	rejects []*Reject // framing rejects among them
	// claimed: a Builder's eventJson column aliases data (strCol.alias);
	// adopted: a record holds data as its eventJson values, so release
	// must not recycle it (recycleStrings does, once the record is written).
	claimed, adopted bool
}

type rawRef struct {
	lo, hi         int // in data
	line           int
	offset         int64
	checked, hasWS bool // as in RawEvent
}

// rawChunkBufs recycles rawChunks' byte buffers: growing a fresh one to
// ~8 MB for every 4096 events was 5% of a large NDJSON ingest's CPU.
// A channel rather than a sync.Pool: the pool is emptied at every garbage
// collection, which ingest runs often.
var rawChunkBufs = make(chan []byte, 16)

// size is the most bytes the chunk will hold (but for its last event).
func newRawChunk(name string, size int) *rawChunk {
	select {
	case b := <-rawChunkBufs:
		return &rawChunk{name: name, data: b[:0]}
	default:
	}
	if size < recycleMinCap {
		return &rawChunk{name: name}
	}
	// Most chunks' buffers become eventJson values (strCol.alias) and come
	// back through the string buffer pools once written.
	return &rawChunk{name: name, data: takeStrBuf(size)}
}

// release returns the chunk's buffer for reuse; the chunk is not used after.
func (c *rawChunk) release() {
	if c.adopted {
		c.data, c.evs = nil, nil
		return
	}
	if cap(c.data) > 0 && cap(c.data) <= 2*rawChunkBytes { // an oversized event's buffer is dropped
		select {
		case rawChunkBufs <- c.data[:0]:
		default:
		}
	}
	c.data, c.evs = nil, nil
}

// rawJob is one chunk to decode and the result it fills.
type rawJob struct {
	chunk *rawChunk
	res   *fileResult
}

// frameSplit frames fr, sending its events to the decode pool in chunks and
// their placeholder results to out in order. rb (the batch's results so far)
// goes out first. It returns a fresh resultBuilder for what follows.
func (p *pipeline) frameSplit(ctx context.Context, fr *Framer, in Input, rb *resultBuilder, out chan<- *fileResult, end inputEnd) (*resultBuilder, inputEnd) {
	out <- rb.finish()
	rb = newResultBuilder(rb.free)
	chunkBytes := int(min(int64(rawChunkBytes), p.cfg.MemoryLimit/32))
	// Chunks end at rawChunkEvents events, usually before chunkBytes: ask
	// for a buffer the size the last chunk filled, so that the eventJson
	// column can take it over (strCol.finish wants it at least half full).
	size := chunkBytes
	c := newRawChunk(in.Name, size)
	defer func() { c.release() }() // the chunk being filled, if not sent
	send := func() bool {
		res := &fileResult{parts: map[int64]*chunk{}, ready: make(chan struct{})}
		filled := len(c.data) // c belongs to the decoder once sent
		select {
		case p.rawJobs <- rawJob{c, res}:
		case <-ctx.Done():
			return false
		}
		out <- res
		size = min(chunkBytes, max(size/2, filled))
		c = newRawChunk(in.Name, size)
		return true
	}
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			end.interrupted = true
			return rb, end
		}
		if len(c.evs) >= rawChunkEvents || len(c.data) >= chunkBytes {
			if !send() {
				end.interrupted = true
				return rb, end
			}
		}
		raw, err := fr.Next()
		if err != nil {
			var rej *Reject
			if errors.As(err, &rej) {
				p.events.Add(1)
				end.events++
				c.rejects = append(c.rejects, rej)
				continue
			}
			if len(c.evs) > 0 || len(c.rejects) > 0 {
				if !send() {
					end.interrupted = true
					return rb, end
				}
			}
			if err != io.EOF {
				rb.res.errs = append(rb.res.errs, err)
				end.err = err
			}
			return rb, end
		}
		p.events.Add(1)
		end.events++
		lo := len(c.data)
		c.data = append(c.data, raw.Data...)
		c.evs = append(c.evs, rawRef{lo, len(c.data), raw.Line, raw.Offset, raw.checked, raw.hasWS})
	}
}

// startDecodePool starts the goroutines that decode rawChunks; the returned
// function closes the pool and waits for it. Every job's result is closed
// (ready), decoded or not, so nothing waiting on one can hang.
func (p *pipeline) startDecodePool(ctx context.Context) func() {
	p.rawJobs = make(chan rawJob, p.cfg.Workers)
	var wg sync.WaitGroup
	for w := 0; w < p.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dec := NewDecoder(p.cfg.Decode)
			cache := &builderCache{}
			var fieldBuf [][]byte
			for job := range p.rawJobs {
				if ctx.Err() == nil {
					p.decodeChunk(dec, cache, job, &fieldBuf)
				}
				job.chunk.release()
				close(job.res.ready)
			}
		}()
	}
	return func() {
		close(p.rawJobs)
		wg.Wait()
	}
}

// decodeChunk decodes a rawChunk into its result.
func (p *pipeline) decodeChunk(dec *Decoder, cache *builderCache, job rawJob, fieldBuf *[][]byte) {
	rb := newResultBuilder(cache)
	rb.res = job.res
	c := job.chunk
	rb.res.rejects = append(rb.res.rejects, c.rejects...)
	for _, ev := range c.evs {
		raw := RawEvent{Data: c.data[ev.lo:ev.hi], Line: ev.line, Offset: ev.offset, checked: ev.checked, hasWS: ev.hasWS, chunk: c}
		p.addEvent(dec, rb, c.name, raw, fieldBuf)
	}
	rb.finish()
}

// waitReady waits until r is decoded; false if ctx ended first, in which
// case r is released once it is.
func waitReady(ctx context.Context, r *fileResult) bool {
	if r.ready == nil {
		return true
	}
	select {
	case <-r.ready:
		return true
	case <-ctx.Done():
		go func() { <-r.ready; r.release() }()
		return false
	}
}
