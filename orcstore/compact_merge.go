package orcstore

import (
	"container/heap"
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// A partition is merged as an external sort, so that its memory is bounded
// by CompactOptions.MemoryLimit whatever the partition's size:
//
//  1. Its files are read one after another; their rows (those retention
//     keeps) are buffered until they hold a quarter of the limit, then sorted by
//     eventTime and written out as a "run", an intermediate ORC file with
//     small stripes. A partition that fits (the usual case) is sorted in
//     memory and written straight as its final files.
//  2. The runs are merged (a k-way merge over one batch of each) into the
//     final files, cut at MaxFileRows. More runs than a merge may hold at
//     once are first merged in groups into longer runs.
//
// The limit is shared so: a quarter for the buffered rows (or, merging, the
// runs' batches), half for the runs' decompressed stripes, and the rest for
// the file being read, the ORC writer's stripe and the garbage collector,
// which runs at GOGC=25 during a compaction as during an ingest
// (compactGCPercent).
//
// Rows are written from the records they were read into (orcfile.Run), never
// gathered into new records, so the buffered bytes are the only copy.
// Ties in eventTime keep input order (file order, then row order), as a
// stable sort would, so a merge is deterministic. Runs are named "_run-…"
// (Hive and Trino skip such files), journaled like every file a writer
// creates, and deleted when the partition is done.

const (
	// runStripeSize is the stripe size of runs: a merge holds one stripe of
	// each run decompressed.
	runStripeSize = 8 << 20
	// runCursorBytes is what a merge budgets per run it reads: one stripe
	// decompressed (the writer cuts stripes every 4,096 rows at the
	// soonest, ~12 MB of events), its compressed bytes, one decoded batch,
	// the reader's scratch: 40 MB measured per run in a heap profile.
	runCursorBytes = 40 << 20
)

type merger struct {
	ctx     context.Context
	s       *Store
	tx      *Tx
	date    string
	cutoff  int64 // rows before this (Unix ns) are dropped
	maxRows int
	limit   int64
	final   EventWriter // buffers of the final files' writer
	runs    EventWriter // of the intermediate runs'
	// rowBytes is the decoded size of a row seen so far, to size batches;
	// seenBytes and seenRows are its parts.
	rowBytes            int64
	seenBytes, seenRows int64
	// counted are the buffers of the buffered records already counted:
	// records of one file share buffers, which count once.
	counted map[*memory.Buffer]bool
	// runsWritten counts intermediate runs, merged ones included.
	runsWritten int
}

// timedRecord is a buffered record and its rows' eventTimes (Unix ns;
// minInt64 for NULL, which sorts first and is never expired).
type timedRecord struct {
	rec arrow.Record
	ts  []int64
}

// merge rewrites files (one partition) and returns the rows retention
// dropped. The old files are marked removed; the new ones added.
func (m *merger) merge(files []FileEntry) (int64, error) {
	var buf []timedRecord
	var bufBytes, expired int64
	var runs []string
	release := func() {
		for _, r := range buf {
			r.rec.Release()
		}
		buf, bufBytes = nil, 0
		clear(m.counted)
	}
	defer func() {
		release()
		for _, r := range runs {
			m.tx.discard(r)
		}
	}()
	for _, fe := range files {
		if err := m.ctx.Err(); err != nil {
			return 0, err
		}
		err := m.s.readEvents(fe, 0, func(rec arrow.Record, ts []int64) error {
			kept := 0
			for i, t := range ts {
				if t != minInt64 && t < m.cutoff {
					expired++
					ts[i] = expiredRow
				} else {
					kept++
				}
			}
			if kept == 0 {
				return nil
			}
			rec.Retain() // readEvents releases its reference after fn
			buf = append(buf, timedRecord{rec, ts})
			n := m.newBytes(rec)
			bufBytes += n
			m.noteRows(n, rec.NumRows())
			if bufBytes < m.limit/4 {
				return nil
			}
			run, err := m.spill(buf, false)
			release()
			if err != nil {
				return err
			}
			runs = append(runs, run...)
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	if len(runs) == 0 {
		if _, err := m.spill(buf, true); err != nil {
			return 0, err
		}
	} else {
		if len(buf) > 0 {
			run, err := m.spill(buf, false)
			if err != nil {
				return 0, err
			}
			runs = append(runs, run...)
		}
		release()
		fanIn := int(max(2, m.limit/2/runCursorBytes))
		for len(runs) > fanIn {
			merged, err := m.mergeRuns(runs[:fanIn], false)
			if err != nil {
				return 0, err
			}
			for _, r := range runs[:fanIn] {
				m.tx.discard(r)
			}
			runs = append(merged, runs[fanIn:]...) // first, as its rows came first
		}
		if _, err := m.mergeRuns(runs, true); err != nil {
			return 0, err
		}
	}
	for _, fe := range files {
		m.tx.RemoveFile(fe.Path)
	}
	return expired, nil
}

// expiredRow marks a row retention drops (an eventTime no kept row has).
const expiredRow = minInt64 + 1

func (m *merger) noteRows(bytes, rows int64) {
	m.seenBytes += bytes
	m.seenRows += rows
	if m.seenRows > 0 {
		m.rowBytes = m.seenBytes / m.seenRows
	}
}

// spill sorts the buffered rows by eventTime and writes them: as the
// partition's final files, or as one run. It returns the run's path.
func (m *merger) spill(buf []timedRecord, final bool) ([]string, error) {
	type ref struct {
		t        int64
		rec, row int32
	}
	var refs []ref
	for ri, r := range buf {
		for i, t := range r.ts {
			if t != expiredRow {
				refs = append(refs, ref{t, int32(ri), int32(i)})
			}
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].t < refs[j].t })
	out := m.newSink(final)
	for i := 0; i < len(refs); {
		// A run of consecutive rows of one record, cut where the file is.
		j := i + 1
		room := out.room()
		for j < len(refs) && j-i < room && refs[j].rec == refs[i].rec && refs[j].row == refs[j-1].row+1 {
			j++
		}
		r := buf[refs[i].rec]
		if err := out.add(orcfile.Run{Rec: r.rec, Lo: int(refs[i].row), Hi: int(refs[j-1].row) + 1}, r.ts); err != nil {
			out.abort()
			return nil, err
		}
		i = j
	}
	return out.close()
}

// mergeRuns merges sorted runs into the final files or into one new run.
func (m *merger) mergeRuns(runs []string, final bool) ([]string, error) {
	batch := int(max(256, min(4096, m.limit/4/int64(len(runs))/max(1, m.rowBytes))))
	h := &cursorHeap{}
	defer func() {
		for _, c := range h.cs {
			c.close()
		}
	}()
	for i, rel := range runs {
		c, err := m.openRun(rel, i, batch)
		if err != nil {
			return nil, err
		}
		if c != nil {
			h.cs = append(h.cs, c)
		}
	}
	heap.Init(h)
	out := m.newSink(final)
	for h.Len() > 0 {
		c := h.cs[0]
		// Take c's rows up to the next cursor's first (ties go to the
		// lower run index, which came first in input order).
		end := c.row + 1
		room := out.room()
		for end < len(c.ts) && end-c.row < room && (h.Len() == 1 || c.beforeOf(end, h.second())) {
			end++
		}
		if err := out.add(orcfile.Run{Rec: c.rec, Lo: c.row, Hi: end}, c.ts); err != nil {
			out.abort()
			return nil, err
		}
		c.row = end
		if c.row < len(c.ts) {
			heap.Fix(h, 0)
			continue
		}
		// c's batch is used up: the writer must be done with it first.
		if err := out.flush(); err != nil {
			out.abort()
			return nil, err
		}
		more, err := c.next()
		if err != nil {
			out.abort()
			return nil, err
		}
		if more {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h).(*cursor).close()
		}
		if err := m.ctx.Err(); err != nil {
			out.abort()
			return nil, err
		}
	}
	return out.close()
}

// readEvents scans every column of a committed file (strings plain) and
// calls fn with each record and its rows' eventTimes. The record is
// released after fn returns; fn retains it to keep it.
func (s *Store) readEvents(fe FileEntry, batch int, fn func(rec arrow.Record, ts []int64) error) error {
	f, abs, err := s.openEntry(fe, nil)
	if err != nil {
		return err
	}
	defer f.Close()
	return scanEvents(f, batch, fn, func(err error) error { return s.fileError(fe.Path, abs, err) })
}

// scanEvents is readEvents over an open file; wrap adds context to errors.
func scanEvents(f *orcfile.File, batch int, fn func(rec arrow.Record, ts []int64) error, wrap func(error) error) error {
	if batch <= 0 {
		batch = 8192
	}
	sc, err := f.Scan(orcfile.ScanOptions{PlainStrings: true, BatchSize: batch})
	if err != nil {
		return wrap(err)
	}
	defer sc.Close()
	for {
		rec, err := sc.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return wrap(err)
		}
		ev, ts, err := eventRecord(rec)
		rec.Release()
		if err != nil {
			return wrap(err)
		}
		err = fn(ev, ts)
		ev.Release()
		if err != nil {
			return err
		}
	}
}

// eventRecord checks that rec has the event schema and returns it as a
// record of EventSchema itself (the caller releases both), with its
// eventTimes in Unix nanoseconds (minInt64 for NULL). The same schema
// object matters: a writer checks a run's schema whenever the object
// changes, and a merge alternates between records of many files (deep
// schema comparisons were most of a merge's CPU).
func eventRecord(rec arrow.Record) (arrow.Record, []int64, error) {
	if !rec.Schema().Equal(EventSchema) {
		return nil, nil, fmt.Errorf("%d columns that are not the event schema's %d", rec.NumCols(), len(EventSchema.Fields()))
	}
	col := rec.Column(EventSchema.FieldIndices("eventTime")[0])
	ts, ok := col.(*array.Timestamp)
	if !ok {
		return nil, nil, fmt.Errorf("eventTime column is %s, not a timestamp", col.DataType())
	}
	conv, err := toNanos(ts.DataType().(*arrow.TimestampType).Unit)
	if err != nil {
		return nil, nil, err
	}
	out := make([]int64, ts.Len())
	for i := range out {
		out[i] = minInt64 // a NULL eventTime cannot be judged: keep it, first
		if ts.IsValid(i) {
			out[i] = int64(ts.Value(i)) * conv
		}
	}
	return array.NewRecord(EventSchema, rec.Columns(), rec.NumRows()), out, nil
}

// newBytes is the size of the buffers of rec not counted yet (see
// merger.counted). Summing each record's buffers instead counted about
// twice the memory held.
func (m *merger) newBytes(rec arrow.Record) int64 {
	if m.counted == nil {
		m.counted = map[*memory.Buffer]bool{}
	}
	var n int64
	var walk func(d arrow.ArrayData)
	walk = func(d arrow.ArrayData) {
		for _, b := range d.Buffers() {
			if b != nil && !m.counted[b] {
				m.counted[b] = true
				n += int64(b.Len())
			}
		}
		for _, c := range d.Children() {
			walk(c)
		}
	}
	for _, c := range rec.Columns() {
		walk(c.Data())
	}
	return n
}

// cursor reads one run in batches.
type cursor struct {
	idx int // the run's position: breaks ties
	f   *orcfile.File
	sc  *orcfile.Scanner
	rec arrow.Record
	ts  []int64
	row int
	rel string
}

func (m *merger) openRun(rel string, idx, batch int) (*cursor, error) {
	abs, err := m.s.resolve(rel, nil)
	if err != nil {
		return nil, err
	}
	f, err := orcfile.OpenFile(abs)
	if err != nil {
		return nil, err
	}
	sc, err := f.Scan(orcfile.ScanOptions{PlainStrings: true, BatchSize: batch})
	if err != nil {
		f.Close()
		return nil, err
	}
	c := &cursor{idx: idx, f: f, sc: sc, rel: rel}
	more, err := c.next()
	if err != nil || !more {
		c.close()
		return nil, err
	}
	return c, nil
}

// next releases the current batch and reads the next; false at the end.
func (c *cursor) next() (bool, error) {
	if c.rec != nil {
		c.rec.Release()
		c.rec = nil
	}
	rec, err := c.sc.Next()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %w", c.rel, err)
	}
	ev, ts, err := eventRecord(rec)
	rec.Release()
	if err != nil {
		return false, fmt.Errorf("%s: %w", c.rel, err)
	}
	c.rec, c.ts, c.row = ev, ts, 0
	return true, nil
}

func (c *cursor) close() {
	if c.rec != nil {
		c.rec.Release()
		c.rec = nil
	}
	c.sc.Close()
	c.f.Close()
}

// beforeOf reports whether c's row i goes before o's current row.
func (c *cursor) beforeOf(i int, o *cursor) bool {
	a, b := c.ts[i], o.ts[o.row]
	return a < b || a == b && c.idx < o.idx
}

// cursorHeap orders cursors by their current row.
type cursorHeap struct{ cs []*cursor }

func (h *cursorHeap) Len() int           { return len(h.cs) }
func (h *cursorHeap) Less(i, j int) bool { return h.cs[i].beforeOf(h.cs[i].row, h.cs[j]) }
func (h *cursorHeap) Swap(i, j int)      { h.cs[i], h.cs[j] = h.cs[j], h.cs[i] }
func (h *cursorHeap) Push(x any)         { h.cs = append(h.cs, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	c := h.cs[len(h.cs)-1]
	h.cs = h.cs[:len(h.cs)-1]
	return c
}

// second is the cursor that goes next after the top one.
func (h *cursorHeap) second() *cursor {
	if h.Len() == 2 || h.Less(1, 2) {
		return h.cs[1]
	}
	return h.cs[2]
}

// sink writes sorted runs of rows to the final files (cut at maxRows,
// each added to the commit) or to one intermediate run.
type sink struct {
	m       *merger
	final   bool
	fw      *eventFile
	pending []orcfile.Run
	rows    int   // rows in the current file, pending included
	lo, hi  int64 // its eventTime range (non-NULL rows)
	timed   bool  // lo, hi are set
	out     []string
}

func (m *merger) newSink(final bool) *sink { return &sink{m: m, final: final} }

// room is how many more rows the current file takes.
func (k *sink) room() int {
	if !k.final || k.rows == 0 {
		return k.m.maxRows
	}
	return k.m.maxRows - k.rows
}

// add queues run (ts: its record's eventTimes), starting a file if none
// is open and closing it when it is full.
func (k *sink) add(run orcfile.Run, ts []int64) error {
	if k.fw == nil {
		ew, prefix := &k.m.final, ""
		if !k.final {
			ew, prefix = &k.m.runs, "_run-"
		}
		fw, err := k.m.tx.newEventFile(ew, k.m.date, prefix)
		if err != nil {
			return err
		}
		k.fw, k.rows, k.timed = fw, 0, false
	}
	for _, t := range ts[run.Lo:run.Hi] {
		if t == minInt64 {
			continue
		}
		if !k.timed || t < k.lo {
			k.lo = t
		}
		if !k.timed || t > k.hi {
			k.hi = t
		}
		k.timed = true
	}
	k.pending = append(k.pending, run)
	k.rows += run.Hi - run.Lo
	if len(k.pending) >= writeSlice {
		if err := k.flush(); err != nil {
			return err
		}
	}
	if k.final && k.rows >= k.m.maxRows {
		return k.finishFile()
	}
	return nil
}

// flush hands the queued runs to the writer, which copies them.
func (k *sink) flush() error {
	if k.fw == nil || len(k.pending) == 0 {
		return nil
	}
	err := k.fw.write(k.pending)
	clear(k.pending)
	k.pending = k.pending[:0]
	return err
}

func (k *sink) finishFile() error {
	if err := k.flush(); err != nil {
		return err
	}
	var lo, hi time.Time
	if k.timed {
		lo, hi = time.Unix(0, k.lo).UTC(), time.Unix(0, k.hi).UTC()
	}
	fw := k.fw
	k.fw = nil
	e, err := fw.finish(lo, hi)
	if err != nil {
		return err
	}
	k.out = append(k.out, e.Path)
	if k.final {
		return k.m.tx.AddFile(e)
	}
	k.m.runsWritten++
	return nil
}

// close finishes the open file and returns the paths written.
func (k *sink) close() ([]string, error) {
	if k.fw != nil {
		if err := k.finishFile(); err != nil {
			k.abort()
			return nil, err
		}
	}
	return k.out, nil
}

// abort deletes what the sink wrote.
func (k *sink) abort() {
	clear(k.pending)
	k.pending = nil
	if k.fw != nil {
		k.fw.abort()
		k.fw = nil
	}
	for _, rel := range k.out {
		k.m.tx.discard(rel)
	}
	k.out = nil
}
