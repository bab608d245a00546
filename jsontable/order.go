package jsontable

import (
	"bytes"
	"context"
	"io"
	"os"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/ingest"
)

// Decoding runs on every worker, but dedup's "first occurrence wins" and
// the first reject named on stderr must not depend on which worker is
// faster. The producer hands out parts in input order and, before each,
// puts the part's slot in the ordered slots channel; the merge goroutine
// takes the slots in turn and each slot's pieces in turn. A worker sends
// the pieces of its part into the part's slot, which holds slotPieces of
// them: a worker ahead of the merge decodes on until its slot is full,
// which bounds the decoded events held to about
// cap(slots) × slotPieces × batchRows. Parts are small (parts.go), so a
// part's pieces fit in its slot and workers rarely wait. No deadlock: the
// part the merge waits for was handed out before any later one, so a
// worker holds it and is not waiting on another slot.

const slotPieces = 2

// slot is one part's place in input order.
type slot struct {
	p  part
	in int         // index of the part's input
	ch chan *piece // the part's pieces; closed when the part is done
}

// piece is a run of one part's events, decoded.
type piece struct {
	rec     arrow.Record     // the kept rows (scan schema); nil if none
	ids     []idKey          // every stored event, in order (nil without dedup)
	rejects []*ingest.Reject // in order; lines count from the part's start
	decoded int64            // events that could be stored
}

func (p *piece) release() {
	if p.rec != nil {
		p.rec.Release()
		p.rec = nil
	}
}

// idKey is one stored event's eventID hash and its row in the piece's
// record (-1: dropped by the time range or a predicate, but still the
// first copy of its eventID).
type idKey struct {
	key [16]byte
	ok  bool // the event has an eventID (events without one are never duplicates)
	row int32
}

// start hands the parts of inputs out to the workers and returns the
// slots in input order.
func (s *Scan) start(ctx context.Context, inputs []ingest.Input, ws []*worker) chan *slot {
	slots := make(chan *slot, 2*len(ws))
	units := make(chan *slot)
	s.pool.Add(1)
	go func() {
		defer s.pool.Done()
		defer close(units)
		defer close(slots)
		for i, in := range inputs {
			for _, p := range parts(in, len(ws)) {
				sl := &slot{p: p, in: i, ch: make(chan *piece, slotPieces)}
				select {
				case slots <- sl:
				case <-ctx.Done():
					return
				}
				select {
				case units <- sl:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	for _, w := range ws {
		s.pool.Add(1)
		go func() {
			defer s.pool.Done()
			defer w.release()
			for sl := range units {
				w.run(ctx, s, sl)
			}
		}()
	}
	return slots
}

// releaseSlots frees the pieces decoded but never merged; every goroutine
// has stopped.
func releaseSlots(slots chan *slot) {
	for sl := range slots {
		for done := false; !done; {
			select {
			case p, ok := <-sl.ch:
				if !ok {
					done = true
					break
				}
				p.release()
			default:
				done = true // a slot never handed to a worker
			}
		}
	}
}

// merger turns the pieces, in input order, into the scan's batches.
type merger struct {
	s     *Scan
	seen  map[[16]byte]struct{} // nil without dedup
	lines map[int]*lineCount    // per split input, for rejects' lines
}

func (m *merger) run(ctx context.Context, slots chan *slot, inputs []ingest.Input) {
	defer m.s.pool.Wait() // workers may still report an error on s.out
	for {
		var sl *slot
		var ok bool
		select {
		case sl, ok = <-slots:
		case <-ctx.Done():
			return
		}
		if !ok {
			return
		}
		for {
			var p *piece
			select {
			case p, ok = <-sl.ch:
			case <-ctx.Done():
				return
			}
			if !ok {
				break
			}
			b, ok := m.merge(p, sl, inputs)
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

// merge counts a piece's rejects and returns its kept rows that are new
// (dedup). The piece's record goes to the batch or is released.
func (m *merger) merge(p *piece, sl *slot, inputs []ingest.Input) (exec.Batch, bool) {
	s := m.s
	if len(p.rejects) > 0 {
		base := m.lineBase(sl, inputs)
		s.rejected.Add(int64(len(p.rejects)))
		s.mu.Lock()
		for _, r := range p.rejects {
			r.Line += base
			s.hints.Add(r)
		}
		if s.firstReject == "" {
			s.firstReject = p.rejects[0].Error()
		}
		s.mu.Unlock()
	}
	s.rowsRead.Add(p.decoded)
	var sel []int32
	if m.seen != nil {
		var dups int64
		for _, id := range p.ids {
			if id.ok {
				before := len(m.seen)
				m.seen[id.key] = struct{}{}
				if len(m.seen) == before {
					dups++
					continue
				}
			}
			if id.row >= 0 {
				sel = append(sel, id.row)
			}
		}
		s.dups.Add(dups)
	}
	if p.rec == nil {
		return exec.Batch{}, false
	}
	n := int(p.rec.NumRows())
	if m.seen == nil || len(sel) == n {
		sel = nil
	} else if len(sel) == 0 {
		p.release()
		return exec.Batch{}, false
	}
	kept := n
	if sel != nil {
		kept = len(sel)
	}
	s.rowsOut.Add(int64(kept))
	rec := p.rec
	p.rec = nil
	return exec.Batch{Rec: rec, Sel: sel}, true
}

// lineCount is the number of lines of an input before offset off.
type lineCount struct {
	off   int64
	lines int
}

// lineBase is the number of lines of the slot's input before its part, so
// that a reject in a part after the first names the line of the file. It
// is counted only when a part has rejects (rarely), incrementally: the
// parts of an input are merged in order.
func (m *merger) lineBase(sl *slot, inputs []ingest.Input) int {
	if sl.p.off == 0 {
		return 0
	}
	lc := m.lines[sl.in]
	if lc == nil {
		lc = &lineCount{}
		m.lines[sl.in] = lc
	}
	if lc.off < sl.p.off {
		f, err := os.Open(inputs[sl.in].Path)
		if err != nil {
			return lc.lines
		}
		defer f.Close()
		buf := make([]byte, 256<<10)
		r := io.NewSectionReader(f, lc.off, sl.p.off-lc.off)
		for {
			n, err := r.Read(buf)
			lc.lines += bytes.Count(buf[:n], []byte{'\n'})
			lc.off += int64(n)
			if err != nil {
				break
			}
		}
	}
	return lc.lines
}
