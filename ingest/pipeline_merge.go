package ingest

// The merge side of the pipeline: dedup in input order, partition buffers,
// the flushers that write ORC files, and the commits.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/ctlake/ctlake/orcstore"
)

// merge applies dedup to one input's result, in input order, and queues the
// surviving rows for their partitions.
func (p *pipeline) merge(r *fileResult) error {
	for _, err := range r.errs {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		p.inputErr = append(p.inputErr, err)
		if p.cfg.Strict {
			return fmt.Errorf("strict: %w", err)
		}
	}
	p.mu.Lock()
	p.progress.Filtered += r.filtered
	p.progress.Expired += r.expired
	p.progress.Rejected += int64(len(r.rejects))
	p.mu.Unlock()
	for _, rej := range r.rejects {
		p.hints.Add(rej)
	}
	for _, rej := range r.rejects {
		if len(p.first) == maxFirstRejects {
			break
		}
		c := *rej
		c.Raw = nil // the summary names events; the reject file keeps their text
		p.first = append(p.first, &c)
	}
	if len(r.rejects) > 0 {
		if p.cfg.Strict {
			return fmt.Errorf("strict: %d events rejected, the first: %w", len(r.rejects), r.rejects[0])
		}
		if err := p.writeRejects(r.rejects); err != nil {
			return err
		}
	}
	// Dedup walks the events in input order across partitions, so that the
	// first occurrence of an eventID wins whichever days its copies carry
	// (walking the partitions of a map would pick one at random).
	dups, err := p.dedupInOrder(r)
	if err != nil {
		return err
	}
	if err := p.writeDropped(r.dropped); err != nil {
		return err
	}
	if err := p.writeDropped(dups); err != nil {
		return err
	}
	days := make([]int64, 0, len(r.parts))
	for day := range r.parts {
		days = append(days, day)
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	for _, day := range days {
		c := r.parts[day]
		keep := c.keep
		if len(keep) == 0 {
			c.release()
			continue
		}
		part := p.pending[day]
		if part == nil {
			part = &partition{day: day}
			p.pending[day] = part
		}
		part.chunks = append(part.chunks, c)
		part.rows += len(keep)
		size := recordBytes(c.rec)
		part.bytes += size
		p.buffered += size
	}
	// Decoded events held — buffered here plus handed to the flushers and
	// not yet written — stay within heldLimit: once over it, hand the
	// largest partition over, waiting while the flushers are busy. A
	// partition is also written once it alone holds a quarter of
	// MemoryLimit, so that one big day (an NDJSON export sorted by time) is
	// written in pieces while decoding goes on, instead of being held whole.
	for {
		big := p.largestPending()
		if big == nil || (p.buffered+p.flushingBytes() <= heldLimit(p.cfg.MemoryLimit) && big.bytes < p.cfg.MemoryLimit/4) {
			return nil
		}
		if p.track != nil {
			// A checkpoint's commit holds its own partitions only: finish
			// it before more files are written (pipeline_track.go).
			if err := p.completeCheckpoint(); err != nil {
				return err
			}
			p.track.spilled = true
		}
		if err := p.handOver(big); err != nil {
			return err
		}
	}
}

// heldShareNum/heldShareDen is the part of MemoryLimit that decoded events
// waiting to be written may fill. The rest of the process's memory does
// not shrink with it: the ORC writers' stripe buffers (a copy of the
// strings being encoded and zstd's state, ~100 MB per flusher), the
// results decoded ahead of the merge, the Builders' slices, the recycling
// pool's buffers, S3's read-ahead window, and the garbage collector's
// headroom over all of it. With the whole limit for held events, a
// 1M-event ingest of the S3 layout at --memory-limit 512MiB had 1.1 GB
// live at its peak and 1.46 GiB peak RSS, where Config.MemoryLimit
// promises about twice the limit (heap profile at the peak: 617 MB of
// records, 145 MB of ORC stripe buffers, the rest Builders and idle string
// buffers). Half, with idle Builders holding no buffers (strCol.take), at
// most maxCachedBuilders per worker, and the command's soft memory limit
// (cmd/ctlake/memlimit.go), keeps it under twice (bench/RESULTS.md). Files
// are still cut at a quarter of MemoryLimit.
const heldShareNum, heldShareDen = 1, 2

// heldLimit is the most bytes of decoded events the pipeline holds.
func heldLimit(memoryLimit int64) int64 { return memoryLimit / heldShareDen * heldShareNum }

func (p *pipeline) largestPending() *partition {
	var big *partition
	for _, part := range p.pending {
		if big == nil || part.bytes > big.bytes {
			big = part
		}
	}
	return big
}

// flushingBytes is the decoded size of the partitions handed to the flushers
// and not yet written.
func (p *pipeline) flushingBytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.flushing
}

// dedupInOrder sets each chunk's keep rows: all of them without dedup,
// else those whose eventID was not seen before, in the input's order. It
// returns the duplicates, to be listed.
func (p *pipeline) dedupInOrder(r *fileResult) ([]*Dropped, error) {
	next := make(map[int64]int, len(r.parts))
	var dups int64
	var dropped []*Dropped
	for _, day := range r.order {
		c := r.parts[day]
		i := next[day]
		next[day] = i + 1
		if c.rec == nil {
			continue
		}
		if id := c.ids[i]; p.dedup != nil && id.ok {
			seen, err := p.dedup.seen(day, id.key)
			if err != nil {
				return nil, err
			}
			if seen {
				dups++
				dropped = append(dropped, p.duplicate(r, c, i))
				continue
			}
		}
		if p.resolve != nil && c.ids[i].ok {
			p.storedLater(c.ids[i].key)
		}
		c.keep = append(c.keep, i)
	}
	p.mu.Lock()
	p.progress.Duplicates += dups
	p.mu.Unlock()
	return dropped, nil
}

// handOver gives a pending partition to a flusher, which writes it and,
// unless Strict, commits, so that memory stays bounded and a long ingest
// makes durable progress. Writing (sort, ORC encoding, zstd) runs beside
// decoding instead of stopping it: the hand-off waits only while every
// flusher is still busy with an earlier partition.
func (p *pipeline) handOver(big *partition) error {
	delete(p.pending, big.day)
	p.buffered -= big.bytes
	p.mu.Lock()
	p.flushing += big.bytes
	p.mu.Unlock()
	if !p.cfg.Strict {
		// The reject and dropped-event files so far go out with this
		// batch's commit.
		if err := p.publishRejects(); err != nil {
			return err
		}
		if err := p.publishDropped(); err != nil {
			return err
		}
	}
	p.inflight.Add(1)
	p.inflightN.Add(1)
	p.jobs <- big
	return p.flusherErr()
}

// startFlusher starts one flusher per worker. Writing a partition (ORC
// encoding, zstd) costs about as much CPU as decoding it: with one flusher,
// the merge waited for it at every hand-over while the decoders ran out of
// work, and ingest used 1.5 of 2 cores.
func (p *pipeline) startFlusher() {
	p.jobs = make(chan *partition)
	p.flusherDone = make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < p.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.flushJobs()
		}()
	}
	go func() {
		wg.Wait()
		close(p.flusherDone)
	}()
}

// flushJobs writes and commits the partitions handed over until jobs is
// closed; after an error it only releases them.
func (p *pipeline) flushJobs() {
	for part := range p.jobs {
		if p.flusherErr() != nil {
			p.mu.Lock()
			p.flushing -= part.bytes
			p.mu.Unlock()
			part.release()
			p.inflightN.Add(-1)
			p.inflight.Done()
			continue
		}
		bytes := part.bytes
		err := p.flush(part)
		// A tracked run commits only at checkpoints (pipeline_track.go).
		if err == nil && !p.cfg.Strict && p.track == nil {
			err = p.commitFiles()
		}
		p.mu.Lock()
		p.flushing -= bytes
		if err != nil && p.flushErr == nil {
			p.flushErr = err
		}
		p.mu.Unlock()
		p.inflightN.Add(-1)
		p.inflight.Done()
	}
}

// stopFlusher waits for the partition being written, if any. It may be
// called more than once.
func (p *pipeline) stopFlusher() {
	p.stopOnce.Do(func() {
		close(p.jobs)
		<-p.flusherDone
	})
}

func (p *pipeline) flusherErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.flushErr
}

// finish writes every pending partition and makes the last commit.
func (p *pipeline) finish() error {
	// Decoding is over: the flushers take the remaining partitions as they
	// finish the ones in hand, largest first, so that the cores stay busy
	// to the end (waiting for the flushers and then writing the rest left
	// one core idle for most of the last second).
	if err := p.handOverAll(); err != nil {
		p.stopFlusher()
		return err
	}
	p.stopFlusher()
	if err := p.flusherErr(); err != nil {
		return err
	}
	if p.cfg.Strict && (len(p.inputErr) > 0 || p.progress.Rejected > 0) {
		return errors.New("strict: the ingest had problems; the store is unchanged")
	}
	if err := p.publishRejects(); err != nil {
		return err
	}
	if err := p.recordSources(); err != nil {
		return err
	}
	if err := p.publishDropped(); err != nil {
		return err
	}
	p.mu.Lock()
	p.complete = true
	p.mu.Unlock()
	return p.commitFiles()
}

// publishRejects closes the open reject file, if any, and adds it to the
// next commit. Only the merge goroutine calls it.
func (p *pipeline) publishRejects() error {
	if p.rejects == nil {
		return nil
	}
	rf, err := p.rejects.close()
	if err != nil {
		return err
	}
	if err := p.tx.AddRejects(rf); err != nil {
		return err
	}
	p.mu.Lock()
	p.written = append(p.written, rf.Path)
	p.mu.Unlock()
	p.rejects = nil
	return nil
}

// commitFiles commits with the counters since the last commit. Only one
// goroutine commits at a time (commitMu): a flusher, or finish after they
// stopped.
func (p *pipeline) commitFiles() error { return p.commitTotals(nil) }

// commitTotals commits; base, if not nil, holds the Duplicates, Filtered
// and Rejected counters to commit (a checkpoint's, taken when it started)
// instead of the current ones. Ingested is read under commitMu, so that it
// counts exactly the files added.
func (p *pipeline) commitTotals(base *orcstore.Totals) error {
	p.commitMu.Lock()
	defer p.commitMu.Unlock()
	p.mu.Lock()
	t := orcstore.Totals{Ingested: p.progress.Ingested, Duplicates: p.progress.Duplicates, Filtered: p.progress.Filtered, Rejected: p.progress.Rejected}
	p.mu.Unlock()
	if base != nil {
		t.Duplicates, t.Filtered, t.Rejected = base.Duplicates, base.Filtered, base.Rejected
	}
	// Totals in the manifest are cumulative; add what happened since the
	// last commit.
	delta := orcstore.Totals{
		Ingested:   t.Ingested - p.committed.Ingested,
		Duplicates: t.Duplicates - p.committed.Duplicates,
		Filtered:   t.Filtered - p.committed.Filtered,
		Rejected:   t.Rejected - p.committed.Rejected,
	}
	p.tx.Count(delta)
	p.mu.Lock()
	resolved, complete := p.resolved, p.complete
	p.resolved = nil
	p.mu.Unlock()
	for rel, n := range resolved {
		p.tx.StoredLater(rel, n)
	}
	p.tx.SetIngest(p.record(t, complete))
	if err := p.tx.Commit(); err != nil {
		return err
	}
	p.committed = t
	return nil
}
