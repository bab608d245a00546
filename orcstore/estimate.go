package orcstore

import (
	"context"
	"fmt"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// ScanEstimate is what a scan would read after pruning, worked out from
// metadata alone: EXPLAIN prints it, and a query with a scan limit is
// refused on it before anything is read.
type ScanEstimate struct {
	// Files and Stripes count those with rows to read; RowGroups the row
	// groups read in them; Events the rows decoded.
	Files, Stripes, RowGroups int
	Events                    int64
	// Bytes are the compressed bytes the scan would fetch (as
	// ScanStats.BytesRead counts them).
	Bytes int64
	// UpperBound is set for top-N scans: their pruning is decided by the
	// rows they read, so they may read much less than estimated.
	UpperBound bool
}

// Add accumulates o into e.
func (e *ScanEstimate) Add(o ScanEstimate) {
	e.Files += o.Files
	e.Stripes += o.Stripes
	e.RowGroups += o.RowGroups
	e.Events += o.Events
	e.Bytes += o.Bytes
	e.UpperBound = e.UpperBound || o.UpperBound
}

// Estimate works out what Scan(ctx, m, spec, …) would read. It prunes as
// the scan does — files by the manifest's time ranges, stripes by
// statistics, row groups by the row index and bloom filters — from the
// metadata snapshot, file tails, stripe footers, row indexes and bloom
// filters, and never reads a data stream. Top-N pruning depends on the
// rows read and is left out: for such specs the estimate is an upper
// bound (UpperBound).
func (s *Store) Estimate(ctx context.Context, m *Manifest, spec ScanSpec) (ScanEstimate, error) {
	e := ScanEstimate{UpperBound: spec.TopN != nil && !spec.NoPruning}
	if spec.Time.Empty() && !spec.NoPruning {
		return e, nil
	}
	var snap *metaSnapshot
	if !spec.NoPruning {
		snap = metaSnapshotOf(s.Dir)
	}
	read := readColumns(spec)
	for _, fe := range m.Files {
		if err := ctx.Err(); err != nil {
			return e, err
		}
		if !spec.NoPruning && !spec.Time.Overlaps(fe.MinTime.UnixNano(), fe.MaxTime.UnixNano()) {
			continue
		}
		fe, err := s.estimateFile(fe, spec, snap, read)
		if err != nil {
			return e, fmt.Errorf("store %q: %w", s.Info.Name, err)
		}
		e.Add(fe)
	}
	return e, nil
}

// estimateFile estimates one file's part of a scan.
func (s *Store) estimateFile(fe FileEntry, spec ScanSpec, snap *metaSnapshot, read []string) (ScanEstimate, error) {
	var e ScanEstimate
	// The path is checked as a scan checks it (paths.go), and the tail
	// when the file is opened.
	abs, err := s.resolve(fe.Path, nil)
	if err != nil {
		return e, err
	}
	fm, planned := snap.lookup(fe)
	var stripes []int
	if planned {
		// As the scan plans and screens from the snapshot (scan_meta.go):
		// a file no stripe survives is not opened.
		for i := range fm.stripes {
			if !mayMatchCols(func(path string) (orcfile.Statistics, bool) { return fm.stat(i, path) }, spec) {
				continue
			}
			_, out, err := screenUnit(scanUnit{abs: abs, stripe: i, fm: fm, fe: &fe}, spec)
			if err != nil {
				return e, err
			}
			if !out {
				stripes = append(stripes, i)
			}
		}
		if len(stripes) == 0 {
			return e, nil
		}
	}
	f, err := openUnit(scanUnit{abs: abs, fe: &fe})
	if err != nil {
		return e, err
	}
	defer f.Close()
	if !planned {
		for i := range f.Stripes() {
			if !spec.NoPruning {
				stats, err := f.StripeStatistics(i)
				if err != nil {
					return e, err
				}
				if !mayMatch(f, stats, spec) {
					continue
				}
			}
			stripes = append(stripes, i)
		}
		if len(stripes) == 0 {
			return e, nil
		}
	}
	sc, err := f.Scan(orcfile.ScanOptions{
		Columns: read,
		Stripes: stripes,
		RowGroups: func(st *orcfile.Stripe, rowIndex func(col int) ([]orcfile.RowGroup, error)) ([]bool, error) {
			keep, _, err := selectRowGroups(f, st, rowIndex, spec)
			return keep, err
		},
	})
	if err != nil {
		return e, err
	}
	defer sc.Close()
	re, err := sc.Estimate()
	if err != nil {
		return e, err
	}
	if re.Stripes > 0 {
		e.Files = 1
	}
	e.Stripes, e.RowGroups, e.Events, e.Bytes = re.Stripes, re.RowGroups, re.Rows, re.Bytes
	return e, nil
}
