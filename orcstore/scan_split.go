package orcstore

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// Column-split reading of one stripe. Top-N pruning often leaves a single
// stripe to read (the newest), and decompressing its streams on one core
// then dominates the query while the other cores idle. So a top-N scan
// reads each stripe with two readers on two goroutines, each decoding about
// half of the compressed bytes (whole top-level columns), and zips their
// records: both read the same row groups in the same batches, so batch i
// of one holds the same rows as batch i of the other.

// splitColumns divides read (dotted paths) into two groups of whole
// top-level columns with about equal compressed bytes in stripe st. ok is
// false when there is only one top-level column.
func splitColumns(f *orcfile.File, st *orcfile.Stripe, read []string) (groups [2][]string, ok bool) {
	bytes := map[string]uint64{} // lower-case top-level name -> stream bytes
	for _, ss := range st.Streams {
		cols := f.Columns()
		if ss.Column <= 0 || ss.Column >= len(cols) {
			continue
		}
		c := cols[ss.Column]
		for c.Parent != nil && c.Parent != f.Root() {
			c = c.Parent
		}
		bytes[strings.ToLower(c.Name)] += ss.Length
	}
	byTop := map[string][]string{}
	var tops []string
	for _, p := range read {
		top, _, _ := strings.Cut(p, ".")
		top = strings.ToLower(top)
		if _, seen := byTop[top]; !seen {
			tops = append(tops, top)
		}
		byTop[top] = append(byTop[top], p)
	}
	if len(tops) < 2 {
		return groups, false
	}
	// Largest first, each to the lighter group.
	sort.SliceStable(tops, func(i, j int) bool { return bytes[tops[i]] > bytes[tops[j]] })
	var load [2]uint64
	for _, top := range tops {
		g := 0
		if load[1] < load[0] {
			g = 1
		}
		load[g] += bytes[top]
		groups[g] = append(groups[g], byTop[top]...)
	}
	return groups, len(groups[1]) > 0
}

// zipRecords joins the columns of two records of the same rows in event
// schema order, as one reader of all the columns would return them. It
// takes ownership of a and b.
func zipRecords(a, b arrow.Record) arrow.Record {
	type col struct {
		f   arrow.Field
		arr arrow.Array
		pos int
	}
	var cols []col
	for _, r := range []arrow.Record{a, b} {
		for i, f := range r.Schema().Fields() {
			pos := len(EventSchema.Fields())
			if idx := EventSchema.FieldIndices(f.Name); len(idx) > 0 {
				pos = idx[0]
			}
			cols = append(cols, col{f, r.Column(i), pos})
		}
	}
	sort.SliceStable(cols, func(i, j int) bool { return cols[i].pos < cols[j].pos })
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		fields[i], arrs[i] = c.f, c.arr
	}
	out := array.NewRecord(arrow.NewSchema(fields, nil), arrs, a.NumRows())
	a.Release()
	b.Release()
	return out
}

type splitBatch struct {
	rec arrow.Record
	err error
}

// scanUnitSplit reads stripe u with two readers (see above). It returns
// false, having read nothing, when the stripe is not worth splitting.
func (sc *Scanner) scanUnitSplit(ctx context.Context, u scanUnit, spec ScanSpec, read []string, opts ScanOptions) (bool, error) {
	f, err := openUnit(u)
	if err != nil {
		return false, err
	}
	defer f.Close()
	stripe, err := f.ReadStripe(u.stripe)
	if err != nil {
		return false, err
	}
	groups, ok := splitColumns(f, stripe, read)
	if !ok {
		return false, nil
	}
	// Row groups are chosen once, for both readers: the bound may tighten
	// between their choices, and they must read the same rows.
	st := ScanStats{StripesRead: 1}
	keep, none, err := sc.chooseRowGroups(f, stripe, spec, &st)
	if err != nil || none {
		return true, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	open := func(cols []string) (*orcfile.File, *orcfile.Scanner, error) {
		return openStripe(ctx, u, keep, orcfile.ScanOptions{Columns: cols, Allocator: opts.Allocator, BatchSize: spec.BatchSize})
	}
	fa, ra, err := open(groups[0])
	if err != nil {
		return true, err
	}
	defer fa.Close()
	defer ra.Close()
	fb, rb, err := open(groups[1])
	if err != nil {
		return true, err
	}
	defer fb.Close()
	defer rb.Close()

	ch := make(chan splitBatch, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		for {
			rec, err := rb.Next()
			if err == io.EOF {
				return
			}
			select {
			case ch <- splitBatch{rec, err}:
			case <-ctx.Done():
				if rec != nil {
					rec.Release()
				}
				return
			}
			if err != nil {
				return
			}
		}
	}()
	defer func() {
		cancel()
		for b := range ch {
			if b.rec != nil {
				b.rec.Release()
			}
		}
		<-done
	}()
	err = sc.zipLoop(ctx, ra, ch, spec, &st)
	if err == nil {
		<-done // rb is idle now: its byte count is final
		st.BytesRead += ra.BytesRead() + rb.BytesRead()
		sc.addStats(st)
	}
	return true, err
}

// openStripe opens a reader of stripe u over the row groups keep (nil:
// all), each on its own file handle: the readers of one stripe run on
// different goroutines.
func openStripe(ctx context.Context, u scanUnit, keep []bool, o orcfile.ScanOptions) (*orcfile.File, *orcfile.Scanner, error) {
	g, err := openUnit(u)
	if err != nil {
		return nil, nil, err
	}
	o.Stripes, o.Context = []int{u.stripe}, ctx
	if keep != nil {
		o.RowGroups = func(*orcfile.Stripe, func(int) ([]orcfile.RowGroup, error)) ([]bool, error) {
			return append([]bool(nil), keep...), nil
		}
	}
	rs, err := g.Scan(o)
	if err != nil {
		g.Close()
		return nil, nil, err
	}
	return g, rs, nil
}

// chooseRowGroups picks the row groups of a stripe to read (statistics,
// bloom filters, the top-N bound) once for all the readers of the stripe,
// and counts them in st. done reports that none is left; st is then
// recorded.
func (sc *Scanner) chooseRowGroups(f *orcfile.File, stripe *orcfile.Stripe, spec ScanSpec, st *ScanStats) (keep []bool, done bool, err error) {
	rowIndex := func(col int) ([]orcfile.RowGroup, error) { return f.RowIndex(stripe, col) }
	keep, skipped, err := selectRowGroups(f, stripe, rowIndex, spec)
	if err == nil && sc.order != nil {
		var n int
		n, err = sc.pruneRowGroups(f, rowIndex, keep, spec)
		skipped += n
		st.TopNRowGroupsSkipped += n
	}
	if err != nil {
		return nil, false, err
	}
	st.RowGroupsRead, st.RowGroupsSkipped = len(keep)-skipped, skipped
	if len(keep) > 0 && skipped == len(keep) {
		st.StripesRead, st.StripesSkipped = 0, 1
		if st.TopNRowGroupsSkipped > 0 {
			st.TopNStripesSkipped = 1
		}
		sc.addStats(*st)
		return nil, true, nil
	}
	return keep, false, nil
}

// zipLoop pairs the two readers' batches, shapes and sends them.
func (sc *Scanner) zipLoop(ctx context.Context, ra *orcfile.Scanner, ch <-chan splitBatch, spec ScanSpec, st *ScanStats) error {
	for {
		a, err := ra.Next()
		if err != nil && err != io.EOF {
			return err
		}
		b, more := <-ch
		if b.err != nil {
			if a != nil {
				a.Release()
			}
			return b.err
		}
		if a == nil || !more {
			if a != nil {
				a.Release()
			}
			if b.rec != nil {
				b.rec.Release()
			}
			if a == nil && !more {
				return nil
			}
			return fmt.Errorf("column-split readers returned different batch counts")
		}
		if a.NumRows() != b.rec.NumRows() {
			n, m := a.NumRows(), b.rec.NumRows()
			a.Release()
			b.rec.Release()
			return fmt.Errorf("column-split readers returned batches of %d and %d rows", n, m)
		}
		rec := zipRecords(a, b.rec)
		st.RowsRead += rec.NumRows()
		out, ok := sc.shape(rec, spec)
		if !ok {
			continue
		}
		st.RowsOut += int64(out.len())
		if !sc.send(ctx, scanResult{b: out}) {
			return nil
		}
	}
}
