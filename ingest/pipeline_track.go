package ingest

// Exactly once across runs. Inputs that carry an Object (S3 objects, the
// files a follower finds) are recorded in the store's source log with the
// commit that publishes their events, and a later run does not read them
// again. For that, a commit must hold whole inputs only: the flushers write
// files but do not commit, and the merge commits (a checkpoint) only after
// a result that ends on an input boundary, when the events of every input
// merged so far are written. A kill -9 at any instant leaves either the
// inputs and their events committed together, or neither.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// inputEnd is how the reading of one input ended.
type inputEnd struct {
	input       int   // index in the run's inputs
	events      int64 // events and rejects framed from it
	err         error // why it ended before its end, if it did
	unread      bool  // it could not be opened
	interrupted bool  // the run was cancelled while it was read
}

// tracker is the merge goroutine's state of a tracked run.
type tracker struct {
	inputs     []Input
	done       []orcstore.SourceObject // ended, merged, not in a checkpoint yet
	committing *checkpoint             // handed to the flushers, not yet committed
	recorded   int                     // objects committed by this run
	boundary   bool                    // the last merged result ended on an input boundary
	spilled    bool                    // memory forced a partition out since the last commit
	lastCommit time.Time
}

func newTracker(inputs []Input) *tracker {
	for _, in := range inputs {
		if in.Object != nil {
			return &tracker{inputs: inputs, boundary: true, lastCommit: time.Now()}
		}
	}
	return nil
}

// checkpoint is a commit under way: its partitions are with the flushers,
// and the merge goes on decoding beside them (waiting for the writes
// stalled a 1M-event ingest for most of its run time). It is committed
// once the flushers are idle, and before anything else is handed to them,
// so that the commit holds exactly its inputs' events.
type checkpoint struct {
	objects []orcstore.SourceObject
	totals  orcstore.Totals // the run's counters when it was taken (Ingested is read on commit)
}

// CutError stops a tracked run: an input failed while being read after
// some of its events were decoded, and those cannot be taken back out of
// the batch in memory, so the batch is dropped (nothing of it committed)
// and the input is read again, whole, by the next run.
type CutError struct {
	Input string
	Err   error
}

func (e *CutError) Error() string {
	return fmt.Sprintf("%s: reading failed midway (%v); stopped, keeping what was committed before", e.Input, e.Err)
}

func (e *CutError) Unwrap() error { return e.Err }

// fetchFailure reports whether err is about getting the bytes (network,
// permissions, a file gone) rather than about what they hold: such an
// input is not recorded, so the next run tries it again.
func fetchFailure(err error) bool {
	var se *s3io.Error
	var pe *fs.PathError
	return errors.As(err, &se) || errors.As(err, &pe)
}

// trackResult notes the inputs that ended in r and commits when due. It
// returns a fatal error (expired credentials, a cut input) that stops the
// run; Ingest then commits what ended on a boundary before (finishTracked).
func (p *pipeline) trackResult(r *fileResult) error {
	t := p.track
	var fatal error
	for _, e := range r.ended {
		in := t.inputs[e.input]
		switch {
		case in.Object == nil || e.interrupted:
		case e.err == nil:
			t.done = append(t.done, *in.Object)
		case fetchFailure(e.err):
			if e.events > 0 && fatal == nil {
				fatal = &CutError{Input: in.Name, Err: e.err}
			}
			if s3io.Fatal(e.err) && fatal == nil {
				fatal = e.err
			}
		default: // damaged content: the events before the damage are kept
			o := *in.Object
			o.Err = e.err.Error()
			t.done = append(t.done, o)
		}
	}
	t.boundary = r.boundary
	if fatal != nil {
		var cut *CutError
		if errors.As(fatal, &cut) {
			t.boundary = false // its events so far are in the batch
		}
		return fatal
	}
	if t.committing != nil && p.inflightN.Load() == 0 {
		if err := p.completeCheckpoint(); err != nil {
			return err
		}
	}
	if r.boundary && t.committing == nil && p.checkpointDue() {
		return p.startCheckpoint()
	}
	return nil
}

func (p *pipeline) checkpointDue() bool {
	t := p.track
	if len(t.done) == 0 {
		return false
	}
	if p.cfg.CommitInterval > 0 && time.Since(t.lastCommit) >= p.cfg.CommitInterval {
		return true
	}
	return t.spilled
}

// startCheckpoint hands every pending partition to the flushers; the
// inputs merged so far are committed with them (completeCheckpoint).
func (p *pipeline) startCheckpoint() error {
	t := p.track
	if err := p.handOverAll(); err != nil {
		return err
	}
	if err := p.publishRejects(); err != nil {
		return err
	}
	p.mu.Lock()
	totals := orcstore.Totals{Duplicates: p.progress.Duplicates, Filtered: p.progress.Filtered, Rejected: p.progress.Rejected}
	p.mu.Unlock()
	t.committing = &checkpoint{objects: t.done, totals: totals}
	t.done, t.spilled = nil, false
	return nil
}

// completeCheckpoint waits for the checkpoint's partitions to be written
// and commits them with its inputs; nothing to do without one.
func (p *pipeline) completeCheckpoint() error {
	t := p.track
	c := t.committing
	if c == nil {
		return nil
	}
	p.inflight.Wait()
	if err := p.flusherErr(); err != nil {
		return err
	}
	if err := p.tx.AddSources(c.objects); err != nil {
		return err
	}
	if err := p.commitTotals(&c.totals); err != nil {
		return err
	}
	t.committing = nil
	t.recorded += len(c.objects)
	t.lastCommit = time.Now()
	p.mu.Lock()
	p.progress.Recorded = int64(t.recorded)
	p.mu.Unlock()
	return nil
}

// recordSources adds the ended inputs to the next commit, which is the
// last: a checkpoint under way joins it.
func (p *pipeline) recordSources() error {
	t := p.track
	if t == nil {
		return nil
	}
	if c := t.committing; c != nil {
		t.done = append(c.objects, t.done...)
		t.committing = nil
	}
	if err := p.tx.AddSources(t.done); err != nil {
		return err
	}
	t.recorded += len(t.done)
	p.mu.Lock()
	p.progress.Recorded = int64(t.recorded)
	p.mu.Unlock()
	t.done = nil
	t.spilled = false
	t.lastCommit = time.Now()
	return nil
}

// handOverAll gives every pending partition to the flushers, largest
// first, so that the cores stay busy to the end.
func (p *pipeline) handOverAll() error {
	parts := make([]*partition, 0, len(p.pending))
	for _, part := range p.pending {
		parts = append(parts, part)
	}
	slices.SortFunc(parts, func(a, b *partition) int {
		if c := cmp.Compare(b.bytes, a.bytes); c != 0 {
			return c
		}
		return cmp.Compare(a.day, b.day)
	})
	for i, part := range parts {
		if err := p.handOver(part); err != nil {
			for _, rest := range parts[i+1:] {
				delete(p.pending, rest.day)
				rest.release()
			}
			return err
		}
	}
	return nil
}

// finishTracked ends a tracked run that stopped early (cancelled, or a
// fatal error such as expired credentials): if the last merged result
// ended on an input boundary, what was merged is written and committed
// with its inputs, so the next run starts from there.
func (p *pipeline) finishTracked(cause error) error {
	if p.track == nil {
		return cause
	}
	if !p.track.boundary {
		// A checkpoint under way holds whole inputs only: commit it.
		if err := p.completeCheckpoint(); err != nil {
			return errors.Join(cause, err)
		}
		return cause
	}
	if !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) && !s3io.Fatal(cause) {
		return cause
	}
	if err := p.finish(); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}
