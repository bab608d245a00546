package orcstore

import (
	"context"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// Late materialization for top-N scans. `SELECT * … ORDER BY eventTime
// DESC LIMIT 10` needs every column of ten rows, but a row group holds
// 10,000: decoding all its columns to keep ten rows cost ~2 ms per row
// group, and stores whose files overlap in time (a fresh S3-layout ingest)
// make the newest row groups of several files candidates. So a stripe is
// read in two passes:
//
//  1. eventTime alone, for the kept row groups. The k-th best eventTime
//     among the stripe's rows (inside the time range) bounds the top-N, as
//     the top-N operator's own k-th row would; it is offered to the
//     shared bound.
//  2. once every stripe's first pass is done (see deferLate), the rows the
//     bound does not rule out, with every requested column, by a sparse
//     reader (orcfile ScanOptions.Sparse) that skips the other rows: the
//     chunks of eventJson, eventID, requestID and of the dictionaries that
//     hold only skipped rows are never read or decompressed.
//
// It applies only when every row the scan returns reaches the top-N
// (TopNOrder.Limit > 0): the bound from a batch's own k-th row is then
// valid. Rows that tie the bound are kept, since a later sort key may
// rank them in.

// lateRead is the share of a batch's rows above which the second pass
// reads the whole batch rather than skipping between chosen rows.
const lateRead = 4

// scanUnitLate reads stripe u in the two passes above. It returns false,
// having read nothing, when they do not apply.
func (sc *Scanner) scanUnitLate(ctx context.Context, u scanUnit, spec ScanSpec, read []string, opts ScanOptions) (bool, error) {
	if sc.order == nil || sc.order.lateRows() <= 0 || len(read) < 2 {
		return false, nil
	}
	f, err := openUnit(u)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if _, ok := f.Root().Find("eventTime"); !ok {
		return false, nil
	}
	stripe, err := f.ReadStripe(u.stripe)
	if err != nil {
		return false, err
	}
	st := ScanStats{StripesRead: 1}
	keep, done, err := sc.chooseRowGroups(f, stripe, spec, &st)
	if err != nil || done {
		return true, err
	}
	open := func(cols []string, sparse bool) (*orcfile.File, *orcfile.Scanner, error) {
		return openStripe(ctx, u, keep, orcfile.ScanOptions{Columns: cols, Allocator: opts.Allocator, BatchSize: spec.BatchSize, Sparse: sparse, PlainStrings: sparse})
	}
	fk, keys, err := open(filterColumns(spec), false)
	if err != nil {
		return true, err
	}
	defer fk.Close()
	defer keys.Close()
	// The second pass reads the requested columns only: the time range
	// was applied in the first.
	cols := spec.Columns
	if len(cols) == 0 {
		cols = []string{"eventTime"}
	}
	fr, rows, err := open(cols, true)
	if err != nil {
		return true, err
	}
	j := &lateJob{f: fr, rows: rows, spec: spec, time: spec.Time, st: st}
	j.spec.Time = TimeRange{}
	// Pass 1 over the whole stripe: the k-th best eventTime of all its
	// rows is a tighter bound than a batch's.
	var pick lateTopK
	pick.reset(int(sc.order.lateRows()), sc.order.Desc)
	for {
		kb, err := keys.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			j.close()
			return true, err
		}
		mask, err := filterMask(kb, spec.Filter)
		if err != nil {
			kb.Release()
			j.close()
			return true, err
		}
		j.keys = append(j.keys, lateKeys{rec: kb, mask: mask})
		j.st.RowsRead += kb.NumRows()
		sc.lateOffer(lateTimes(kb), spec.Time, mask, &pick)
	}
	j.st.BytesRead += keys.BytesRead()
	// The k best of every stripe's first pass so far bound the top-N, as
	// the rows would once sent: stripes with fewer than k matching rows
	// (a filter) still tighten it together, so later stripes are skipped.
	if t, ok := sc.lateMerge(&pick); ok {
		sc.bound.Offer(t)
	}
	if sc.deferLate(j) {
		return true, nil
	}
	return true, sc.lateRun(ctx, j)
}

// lateMerge adds a stripe's k best eventTimes to the scan's and returns
// the k-th best over all first passes so far.
func (sc *Scanner) lateMerge(pick *lateTopK) (int64, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.latePick.k == 0 {
		sc.latePick.reset(pick.k, pick.desc)
	}
	for _, v := range pick.h {
		sc.latePick.offer(v)
	}
	return sc.latePick.kth()
}

// lateJob is a stripe whose first pass is done, waiting for its second.
type lateJob struct {
	f    *orcfile.File
	rows *orcfile.Scanner // the sparse reader of pass 2
	keys []lateKeys       // pass 1's batches
	spec ScanSpec         // the scan's spec without the time range
	time TimeRange        // the time range, applied when choosing rows
	st   ScanStats
}

// lateKeys is one batch of pass 1 (eventTime and the filter's columns) and
// which rows passed
// the exact filter (nil: all).
type lateKeys struct {
	rec  arrow.Record
	mask []bool
}

// lateTimes is a pass-1 batch's eventTime column.
func lateTimes(rec arrow.Record) *array.Timestamp {
	return rec.Column(rec.Schema().FieldIndices("eventTime")[0]).(*array.Timestamp)
}

func (j *lateJob) close() {
	for _, kb := range j.keys {
		kb.rec.Release()
	}
	j.keys = nil
	j.rows.Close()
	j.f.Close()
}

// lateMaxDeferred bounds the stripes whose second pass waits (each holds
// an open file and its eventTime batches).
const lateMaxDeferred = 32

// deferLate queues j's second pass until every stripe's first pass is
// done (Scan's workers run the queue then): the bound is then the k-th
// best eventTime over all the stripes read, so each fetches only rows of
// the final top k (and ties). Fetching stripe by stripe, each against the
// bound of the stripes before it, fetched ~3× more rows from stores whose
// files overlap in time. It reports false when the queue is full.
func (sc *Scanner) deferLate(j *lateJob) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.late) >= lateMaxDeferred {
		return false
	}
	sc.late = append(sc.late, j)
	return true
}

// popLate takes a queued second pass, or nil.
func (sc *Scanner) popLate() *lateJob {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.late) == 0 {
		return nil
	}
	j := sc.late[0]
	sc.late = sc.late[1:]
	return j
}

// lateRun fetches j's rows the bound leaves in, each batch checked against
// the bound as it is then, and closes j.
func (sc *Scanner) lateRun(ctx context.Context, j *lateJob) error {
	defer j.close()
	for _, kb := range j.keys {
		ts := lateTimes(kb.rec)
		if err := sc.lateFetch(ctx, j.rows, sc.lateChoose(ts, j.time, kb.mask), ts.Len(), j.spec, &j.st); err != nil {
			return err
		}
	}
	j.st.BytesRead += j.rows.BytesRead()
	sc.addStats(j.st)
	return nil
}

// lateOffer offers pick the eventTimes of the batch's rows inside the time
// range that pass the filter (mask nil: all).
func (sc *Scanner) lateOffer(ts *array.Timestamp, r TimeRange, mask []bool, pick *lateTopK) {
	all := r.All()
	for i := 0; i < ts.Len(); i++ {
		if (mask == nil || mask[i]) && ts.IsValid(i) && (all || r.Contains(int64(ts.Value(i)))) {
			pick.offer(int64(ts.Value(i)))
		}
	}
}

// lateChoose returns the runs of rows ([start, end)) of a batch that pass
// the filter (mask nil: all) and the bound leaves in.
func (sc *Scanner) lateChoose(ts *array.Timestamp, r TimeRange, mask []bool) [][2]int {
	o := sc.order
	n := ts.Len()
	all := r.All()
	bound, has := sc.bound.Get()
	var runs [][2]int
	for i := 0; i < n; i++ {
		var in bool
		switch {
		case mask != nil && !mask[i]:
			in = false
		case ts.IsNull(i):
			// NULL eventTimes are outside every time range.
			in = all && (o.NullsFirst || !has)
		case !all && !r.Contains(int64(ts.Value(i))):
			in = false
		case !has:
			in = true
		case o.Desc:
			in = int64(ts.Value(i)) >= bound
		default:
			in = int64(ts.Value(i)) <= bound
		}
		if !in {
			continue
		}
		if k := len(runs); k > 0 && runs[k-1][1] == i {
			runs[k-1][1] = i + 1
		} else {
			runs = append(runs, [2]int{i, i + 1})
		}
	}
	return runs
}

// lateFetch reads the chosen runs of the next n rows from the sparse
// reader, skipping the rest, and sends them. When most rows are chosen it
// reads them all and sends the chosen ones as a selection.
func (sc *Scanner) lateFetch(ctx context.Context, rows *orcfile.Scanner, runs [][2]int, n int, spec ScanSpec, st *ScanStats) error {
	chosen := 0
	for _, r := range runs {
		chosen += r[1] - r[0]
	}
	if chosen*lateRead > n {
		return sc.lateFetchAll(ctx, rows, runs, n, spec, st)
	}
	pos := 0
	for _, r := range runs {
		if err := rows.Skip(r[0] - pos); err != nil {
			return err
		}
		for pos = r[0]; pos < r[1]; {
			rec, err := rows.NextN(r[1] - pos)
			if err != nil {
				return err
			}
			pos += int(rec.NumRows())
			st.RowsLate += rec.NumRows()
			if err := sc.lateSend(ctx, ScanBatch{Rec: rec}, spec, st); err != nil {
				return err
			}
		}
	}
	return rows.Skip(n - pos)
}

// lateFetchAll reads all n rows and sends the chosen runs as selections.
func (sc *Scanner) lateFetchAll(ctx context.Context, rows *orcfile.Scanner, runs [][2]int, n int, spec ScanSpec, st *ScanStats) error {
	ri := 0
	for pos := 0; pos < n; {
		rec, err := rows.NextN(n - pos)
		if err != nil {
			return err
		}
		end := pos + int(rec.NumRows())
		var sel []int32
		for ; ri < len(runs) && runs[ri][0] < end; ri++ {
			for i := max(runs[ri][0], pos); i < min(runs[ri][1], end); i++ {
				sel = append(sel, int32(i-pos))
			}
			if runs[ri][1] > end {
				break // the run goes on in the next record
			}
		}
		st.RowsLate += rec.NumRows()
		pos = end
		if len(sel) == 0 {
			rec.Release()
			continue
		}
		if len(sel) == int(rec.NumRows()) {
			sel = nil
		}
		if err := sc.lateSend(ctx, ScanBatch{Rec: rec, Sel: sel}, spec, st); err != nil {
			return err
		}
	}
	return nil
}

// lateSend drops the columns read only for pass 1 and sends b.
func (sc *Scanner) lateSend(ctx context.Context, b ScanBatch, spec ScanSpec, st *ScanStats) error {
	out, ok := sc.shape(b.Rec, spec)
	if !ok {
		return nil
	}
	out.Sel = b.Sel
	st.RowsOut += int64(out.len())
	if !sc.send(ctx, scanResult{b: out}) {
		return ctx.Err()
	}
	return nil
}

// lateTopK keeps the k best eventTimes offered in a heap whose root is
// the worst of them, the k-th best.
type lateTopK struct {
	k    int
	desc bool
	h    []int64
}

func (p *lateTopK) reset(k int, desc bool) { p.k, p.desc, p.h = k, desc, p.h[:0] }

// worse reports whether a ranks after b.
func (p *lateTopK) worse(a, b int64) bool {
	if p.desc {
		return a < b
	}
	return a > b
}

func (p *lateTopK) offer(v int64) {
	h := p.h
	if len(h) < p.k {
		// Sift up.
		h = append(h, v)
		for i := len(h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !p.worse(h[i], h[parent]) {
				break
			}
			h[i], h[parent] = h[parent], h[i]
			i = parent
		}
		p.h = h
		return
	}
	if len(h) == 0 || !p.worse(h[0], v) {
		return
	}
	// Replace the root and sift down.
	h[0] = v
	for i := 0; ; {
		w, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && p.worse(h[l], h[w]) {
			w = l
		}
		if r < len(h) && p.worse(h[r], h[w]) {
			w = r
		}
		if w == i {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

// kth is the k-th best value offered, once k were.
func (p *lateTopK) kth() (int64, bool) {
	if p.k <= 0 || len(p.h) < p.k {
		return 0, false
	}
	return p.h[0], true
}
