package orcstore

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// ScanBatch is one record of a scan and the rows of it that are inside the
// spec's time range (nil: all of them).
type ScanBatch struct {
	Rec arrow.Record
	Sel []int32
}

// ScanOptions tune how a scan runs (not what it returns).
type ScanOptions struct {
	Workers   int              // parallel readers (default: one per CPU)
	Allocator memory.Allocator // default memory.DefaultAllocator
	// Bound is the live eventTime bound of a top-N above the scan, for a
	// spec with TopN set (nil: the scan keeps its own, fed only by
	// statistics).
	Bound *TimeBound
	// Dynamic, when set, is where a join above publishes a filter on its
	// keys; the workers apply it to every batch after the time range.
	Dynamic *DynamicFilter
}

// Scanner reads one snapshot of a store for a ScanSpec. Files and stripes
// are read in parallel, so batches arrive in no particular order.
type Scanner struct {
	snap   *Manifest // kept reachable: its lease keeps the files (lease.go)
	dirs   map[string]error
	schema *arrow.Schema
	out    chan scanResult
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	stats ScanStats
	done  bool

	// Top-N pruning (nil order: none). seeds are the statistics spans of
	// the stripes planned so far; only the planning goroutine uses them.
	order *TopNOrder
	bound *TimeBound
	seeds []timeSpan
	gate  *firstGate // nil without top-N pruning
	late  []*lateJob // second passes waiting (scan_late.go); under mu
	// latePick holds the k best eventTimes of the first passes so far
	// (scan_late.go); under mu.
	latePick lateTopK

	// meta is the store's metadata snapshot (nil: plan from file tails).
	meta *metaSnapshot

	// dyn tests the key set of the dynamic filter dynFrom against bloom
	// filters (dynamic.go); under mu.
	dynFrom RowFilter
	dyn     *dynBloom
}

type scanResult struct {
	b   ScanBatch
	err error
}

// scanUnit is one stripe of one file, after pruning. Each unit opens its
// own handle (a tail read), so units of one file run on different cores
// without sharing reader state.
type scanUnit struct {
	abs    string
	stripe int
	span   timeSpan  // the stripe's eventTime statistics (top-N pruning)
	fm     *fileMeta // the file's snapshot entry, when planned from it (scan_meta.go)
	// fe is the file's manifest entry when planned from the snapshot: the
	// worker that opens the file checks its tail against it (openUnit).
	fe *FileEntry
}

// openUnit opens a unit's file. A file planned from its tail was checked
// against its manifest entry then (openEntry); one planned from the
// metadata snapshot is checked here, by the first worker that opens it
// (orcfile caches the parsed tail, so later units pay a comparison).
func openUnit(u scanUnit) (*orcfile.File, error) {
	f, err := orcfile.OpenFile(u.abs)
	if err != nil || u.fe == nil {
		return f, err
	}
	if err := checkTail(f, *u.fe); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// OutputSchema is the schema of a scan's records for spec: one column per
// distinct top-level name in spec.Columns, in the event schema's order,
// with structs narrowed to the requested children. String columns may
// arrive dictionary-encoded in the records themselves.
func OutputSchema(spec ScanSpec) (*arrow.Schema, error) {
	keep := map[string][][]string{} // top-level name -> child paths ("" path = whole column)
	for _, c := range spec.Columns {
		canon, _, ok := LookupField(EventSchema, c)
		if !ok {
			return nil, fmt.Errorf("no column %q in the event schema", c)
		}
		keep[canon[0]] = append(keep[canon[0]], canon[1:])
	}
	var fields []arrow.Field
	for _, f := range EventSchema.Fields() {
		paths, ok := keep[f.Name]
		if !ok {
			continue
		}
		fields = append(fields, arrow.Field{Name: f.Name, Type: narrow(f.Type, paths), Nullable: true})
	}
	return arrow.NewSchema(fields, nil), nil
}

// narrow keeps only the children of a struct type named by paths (an empty
// path keeps the whole type).
func narrow(dt arrow.DataType, paths [][]string) arrow.DataType {
	st, ok := dt.(*arrow.StructType)
	if !ok {
		return dt
	}
	sub := map[string][][]string{}
	for _, p := range paths {
		if len(p) == 0 {
			return dt
		}
		sub[p[0]] = append(sub[p[0]], p[1:])
	}
	var fields []arrow.Field
	for _, f := range st.Fields() {
		if ps, ok := sub[f.Name]; ok {
			fields = append(fields, arrow.Field{Name: f.Name, Type: narrow(f.Type, ps), Nullable: true})
		}
	}
	return arrow.StructOf(fields...)
}

// Scan starts reading snapshot m of the store for spec.
func (s *Store) Scan(ctx context.Context, m *Manifest, spec ScanSpec, opts ScanOptions) (*Scanner, error) {
	schema, err := OutputSchema(spec)
	if err != nil {
		return nil, err
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Allocator == nil {
		opts.Allocator = memory.DefaultAllocator
	}
	ctx, cancel := context.WithCancel(ctx)
	sc := &Scanner{snap: m, dirs: map[string]error{}, schema: schema, out: make(chan scanResult, opts.Workers), cancel: cancel}
	if spec.Time.Empty() && !spec.NoPruning {
		sc.stats.FilesSkipped = len(m.Files)
		close(sc.out)
		return sc, nil
	}

	// The files whose eventTime range meets the spec's.
	var files []FileEntry
	for _, f := range m.Files {
		if !spec.NoPruning && !spec.Time.Overlaps(f.MinTime.UnixNano(), f.MaxTime.UnixNano()) {
			sc.stats.FilesSkipped++
			continue
		}
		files = append(files, f)
	}
	if spec.TopN != nil && !spec.NoPruning {
		sc.order, sc.bound = spec.TopN, opts.Bound
		if sc.bound == nil {
			sc.bound = NewTimeBound(*spec.TopN)
		}
		sortFiles(files, *spec.TopN)
		sc.gate = newFirstGate()
	}
	if !spec.NoPruning {
		sc.meta = metaSnapshotOf(s.Dir)
	}
	read := readColumns(spec)
	units := make(chan scanUnit)
	sc.wg.Add(1)
	go func() {
		defer sc.wg.Done()
		defer close(units)
		for _, fe := range files {
			if sc.bound.Excludes(fileSpan(fe)) {
				sc.addStats(ScanStats{FilesSkipped: 1, TopNFilesSkipped: 1})
				continue
			}
			if err := sc.planFile(ctx, s, fe, spec, units); err != nil {
				sc.send(ctx, scanResult{err: err})
				return
			}
		}
	}()
	var workers, firstPasses sync.WaitGroup
	firstPasses.Add(opts.Workers)
	for w := 0; w < opts.Workers; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			arrived := false
			defer func() {
				if !arrived {
					firstPasses.Done()
				}
			}()
			for u := range units {
				first := false
				if sc.gate != nil {
					var ok bool
					if first, ok = sc.gate.enter(ctx); !ok {
						return
					}
				}
				if err := sc.scanUnit(ctx, u, spec, read, opts); err != nil {
					sc.send(ctx, scanResult{err: unitError(u, err)})
					cancel()
					return
				}
				if first {
					sc.gate.firstDone()
				}
			}
			// The second passes of late materialization wait for every
			// first pass (scan_late.go).
			arrived = true
			firstPasses.Done()
			firstPasses.Wait()
			for j := sc.popLate(); j != nil; j = sc.popLate() {
				if err := sc.lateRun(ctx, j); err != nil {
					sc.send(ctx, scanResult{err: err})
					cancel()
					return
				}
			}
		}()
	}
	go func() {
		workers.Wait()
		sc.wg.Wait()
		for j := sc.popLate(); j != nil; j = sc.popLate() {
			j.close() // left by an error or a cancel
		}
		close(sc.out)
	}()
	return sc, nil
}

// readColumns are the paths the reader must decode: the requested ones and
// eventTime, which the exact time filter needs.
func readColumns(spec ScanSpec) []string {
	cols := append([]string(nil), spec.Columns...)
	if !spec.Time.All() {
		cols = append(cols, "eventTime")
	}
	if len(cols) == 0 {
		cols = []string{"eventTime"} // the cheapest column, to count rows
	}
	return cols
}

func (sc *Scanner) send(ctx context.Context, r scanResult) bool {
	select {
	case sc.out <- r:
		if sc.gate != nil {
			sc.gate.sent.Add(1)
		}
		return true
	case <-ctx.Done():
		if r.b.Rec != nil {
			r.b.Rec.Release()
		}
		return false
	}
}

func (sc *Scanner) addStats(st ScanStats) {
	sc.mu.Lock()
	sc.stats.Add(st)
	sc.mu.Unlock()
}

// planFile opens a file, prunes its stripes by statistics and queues the
// rest.
func (sc *Scanner) planFile(ctx context.Context, s *Store, fe FileEntry, spec ScanSpec, units chan<- scanUnit) error {
	if fm, ok := sc.meta.lookup(fe); ok {
		return sc.planFileMeta(ctx, s, fe, fm, spec, units)
	}
	f, abs, err := s.openEntry(fe, sc.dirs)
	if err != nil {
		return err
	}
	sc.addStats(ScanStats{FilesRead: 1})
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	var queued []scanUnit
	for i := range f.Stripes() {
		u := scanUnit{abs: abs, stripe: i}
		if !spec.NoPruning {
			stats, err := f.StripeStatistics(i)
			if err != nil {
				return s.fileError(fe.Path, abs, err)
			}
			if !mayMatch(f, stats, spec) {
				sc.addStats(ScanStats{StripesSkipped: 1})
				continue
			}
			u.span = stripeSpan(f, stats)
		}
		queued = append(queued, u)
	}
	if sc.order != nil {
		queued = sc.orderStripes(f, queued, spec)
	}
	f.Close()
	f = nil
	sendUnits(ctx, units, queued)
	return nil
}

// scanUnit reads one stripe, skipping row groups whose statistics or bloom
// filters rule them out, and applies the exact time range.
func (sc *Scanner) scanUnit(ctx context.Context, u scanUnit, spec ScanSpec, read []string, opts ScanOptions) error {
	if sc.bound.Excludes(u.span) {
		sc.addStats(ScanStats{StripesSkipped: 1, TopNStripesSkipped: 1})
		return nil
	}
	if u.fm != nil {
		n, out, err := screenUnit(u, spec)
		if err != nil {
			return err
		}
		if out {
			sc.addStats(ScanStats{StripesSkipped: 1, RowGroupsSkipped: n})
			return nil
		}
	}
	if sc.order != nil && len(read) > 1 {
		// Top-N scans read few rows of few stripes: choose the rows from
		// eventTime first (scan_late.go), or else spread each stripe over
		// two cores.
		if done, err := sc.scanUnitLate(ctx, u, spec, read, opts); done || err != nil {
			return err
		}
		if done, err := sc.scanUnitSplit(ctx, u, spec, read, opts); done || err != nil {
			return err
		}
	}
	st := ScanStats{StripesRead: 1}
	f, err := openUnit(u)
	if err != nil {
		return err
	}
	defer f.Close()
	var dyn *dynBloom
	if opts.Dynamic != nil && !spec.NoPruning {
		dyn = sc.dynBloomOf(opts.Dynamic)
	}
	// pick chooses the stripe's row groups: statistics, bloom filters of
	// the pruning predicates, then those of a join's keys (dyn).
	pick := func(s *orcfile.Stripe, rowIndex func(col int) ([]orcfile.RowGroup, error)) (keep []bool, skipped, dynSkipped int, err error) {
		if keep, skipped, err = selectRowGroups(f, s, rowIndex, spec); err != nil {
			return nil, 0, 0, err
		}
		if dynSkipped, err = dyn.prune(f, s, keep); err != nil {
			return nil, 0, 0, err
		}
		return keep, skipped + dynSkipped, dynSkipped, nil
	}
	var pre []bool // the row groups picked before building a reader
	var preSkipped, preDyn int
	if sc.order == nil && !spec.NoPruning && (len(spec.Prune) > 0 || dyn != nil) {
		// Rule the stripe out from the (cached) row index and bloom filters
		// before building a reader: a point lookup rules out all but one of
		// its stripes, and a reader per stripe was ~9% of its CPU.
		stripe, err := f.ReadStripe(u.stripe)
		if err != nil {
			return err
		}
		keep, skipped, dynSkipped, err := pick(stripe, func(c int) ([]orcfile.RowGroup, error) { return f.RowIndex(stripe, c) })
		if err != nil {
			return err
		}
		if len(keep) > 0 && skipped == len(keep) {
			sc.addStats(ScanStats{StripesSkipped: 1, RowGroupsSkipped: skipped, RowGroupsDynSkipped: dynSkipped})
			return nil
		}
		pre, preSkipped, preDyn = keep, skipped, dynSkipped
	}
	rs, err := f.Scan(orcfile.ScanOptions{
		Columns:   read,
		Stripes:   []int{u.stripe},
		Allocator: opts.Allocator,
		Context:   ctx,
		BatchSize: spec.BatchSize,
		RowGroups: func(s *orcfile.Stripe, rowIndex func(col int) ([]orcfile.RowGroup, error)) ([]bool, error) {
			keep, skipped, dynSkipped, err := pre, preSkipped, preDyn, error(nil)
			if pre == nil {
				keep, skipped, dynSkipped, err = pick(s, rowIndex)
			}
			st.RowGroupsDynSkipped += dynSkipped
			if err == nil && spec.Sample != nil {
				keep, skipped = sampleRowGroups(u, keep, skipped, spec.Sample)
			}
			if err == nil && sc.order != nil {
				var n int
				n, err = sc.pruneRowGroups(f, rowIndex, keep, spec)
				skipped += n
				st.TopNRowGroupsSkipped += n
			}
			st.RowGroupsRead += len(keep) - skipped
			st.RowGroupsSkipped += skipped
			return keep, err
		},
	})
	if err != nil {
		return err
	}
	defer rs.Close()
	for {
		rec, err := rs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		st.RowsRead += rec.NumRows()
		b, ok := sc.shape(rec, spec)
		if ok && opts.Dynamic != nil {
			b, ok = applyDynamic(opts.Dynamic, b, &st)
		}
		if !ok {
			continue
		}
		st.RowsOut += int64(b.len())
		if !sc.send(ctx, scanResult{b: b}) {
			break
		}
	}
	st.BytesRead += rs.BytesRead()
	if st.RowGroupsRead == 0 && st.RowGroupsSkipped > 0 {
		// Every row group was ruled out: the stripe's data was never read.
		st.StripesRead, st.StripesSkipped = 0, 1
		if st.TopNRowGroupsSkipped > 0 {
			st.TopNStripesSkipped = 1
		}
	}
	sc.addStats(st)
	return nil
}

// unitError names the unit's file in err unless orcfile did.
func unitError(u scanUnit, err error) error {
	if strings.Contains(err.Error(), u.abs) {
		return err
	}
	return fmt.Errorf("%s: %w", u.abs, err)
}

func (b ScanBatch) len() int {
	if b.Sel != nil {
		return len(b.Sel)
	}
	return int(b.Rec.NumRows())
}

// shape applies the exact time range and drops the columns read only for
// it. It takes ownership of rec.
func (sc *Scanner) shape(rec arrow.Record, spec ScanSpec) (ScanBatch, bool) {
	var sel []int32
	if !spec.Time.All() {
		idx := rec.Schema().FieldIndices("eventTime")
		ts := rec.Column(idx[0]).(*array.Timestamp)
		n := ts.Len()
		all := true
		for i := 0; i < n; i++ {
			if ts.IsNull(i) || !spec.Time.Contains(int64(ts.Value(i))) {
				all = false
				break
			}
		}
		if !all {
			sel = make([]int32, 0, n)
			for i := 0; i < n; i++ {
				if ts.IsValid(i) && spec.Time.Contains(int64(ts.Value(i))) {
					sel = append(sel, int32(i))
				}
			}
			if len(sel) == 0 {
				rec.Release()
				return ScanBatch{}, false
			}
		}
	}
	// Keep exactly the output schema's columns.
	want := sc.schema.Fields()
	if int(rec.NumCols()) == len(want) {
		return ScanBatch{Rec: rec, Sel: sel}, true
	}
	cols := make([]arrow.Array, 0, len(want))
	fields := make([]arrow.Field, 0, len(want))
	for _, f := range want {
		i := rec.Schema().FieldIndices(f.Name)[0]
		cols = append(cols, rec.Column(i))
		fields = append(fields, rec.Schema().Field(i))
	}
	rows := rec.NumRows()
	if len(want) == 0 && sel != nil {
		rows, sel = int64(len(sel)), nil
	}
	out := array.NewRecord(arrow.NewSchema(fields, nil), cols, rows)
	rec.Release()
	return ScanBatch{Rec: out, Sel: sel}, true
}

// Schema is the scan's output schema (see OutputSchema).
func (sc *Scanner) Schema() *arrow.Schema { return sc.schema }

// Next returns the next batch, or io.EOF after the last one. The caller
// releases batches' records.
func (sc *Scanner) Next() (ScanBatch, error) {
	sc.gate.call()
	r, ok := <-sc.out
	if !ok {
		return ScanBatch{}, io.EOF
	}
	if r.err != nil {
		sc.Close()
		return ScanBatch{}, r.err
	}
	return r.b, nil
}

// Stats reports what the scan read and skipped so far.
func (sc *Scanner) Stats() ScanStats {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.stats
}

// Close stops the scan and releases pending batches.
func (sc *Scanner) Close() {
	sc.cancel()
	for r := range sc.out {
		if r.b.Rec != nil {
			r.b.Rec.Release()
		}
	}
}
