package orcstore

import (
	"context"
	"errors"
	"time"

	"github.com/ctlake/ctlake/orcstore/orcfile"
	"github.com/ctlake/ctlake/orcstore/orcfile/bloom"
)

// Planning from the store's metadata snapshot (metasnap.go): the planning
// goroutine prunes a file's stripes from the snapshot's statistics without
// opening the file, and each worker screens its stripe with the row
// groups' eventTime statistics and the bloom filters (read by location)
// before it opens the file for data. A file that no stripe survives is
// never opened; the files that survive are opened by the workers, in
// parallel.

// planFileMeta is planFile from snapshot entry fm.
func (sc *Scanner) planFileMeta(ctx context.Context, s *Store, fe FileEntry, fm *fileMeta, spec ScanSpec, units chan<- scanUnit) error {
	// The path is checked as for a file planned from its tail (paths.go);
	// the tail, by the worker that opens the file (openUnit).
	abs, err := s.resolve(fe.Path, sc.dirs)
	if err != nil {
		return s.fileError(fe.Path, abs, err)
	}
	sc.addStats(ScanStats{FilesRead: 1})
	entry := fe
	var queued []scanUnit
	for i := range fm.stripes {
		u := scanUnit{abs: abs, stripe: i, fm: fm, fe: &entry}
		col := func(path string) (orcfile.Statistics, bool) { return fm.stat(i, path) }
		if !mayMatchCols(col, spec) {
			sc.addStats(ScanStats{StripesSkipped: 1})
			continue
		}
		u.span = timeSpan{mayNull: true}
		if st, ok := col("eventTime"); ok {
			u.span = spanOf(st)
		}
		queued = append(queued, u)
	}
	if sc.order != nil {
		queued = sc.orderUnits(queued, spec, func(u scanUnit) {
			var spans []timeSpan
			for _, g := range fm.stripes[u.stripe].groups {
				spans = append(spans, spanOf(g))
			}
			sc.seedSpans(spans, spec)
		})
	}
	sendUnits(ctx, units, queued)
	return nil
}

// sendUnits queues a file's planned units for the workers (until the scan
// is cancelled).
func sendUnits(ctx context.Context, units chan<- scanUnit, queued []scanUnit) {
	for _, u := range queued {
		select {
		case units <- u:
		case <-ctx.Done():
			return
		}
	}
}

// screenUnit decides from the snapshot whether any row group of unit u may
// match: the row groups' eventTime statistics against the time range, and
// the UTF-8 bloom filters against string equality and IN predicates. It
// returns the number of row groups, and whether all of them are ruled out.
// It errs on the side of reading: anything it cannot tell keeps the row
// group, and a file that changed since the snapshot is left to the normal
// path.
func screenUnit(u scanUnit, spec ScanSpec) (groups int, out bool, err error) {
	fm := u.fm
	sm := &fm.stripes[u.stripe]
	if fm.stride <= 0 || spec.NoPruning {
		return 0, false, nil
	}
	n := int((sm.info.Rows + uint64(fm.stride) - 1) / uint64(fm.stride))
	keep := make([]bool, n)
	for g := range keep {
		keep[g] = true
	}
	if !spec.Time.All() && len(sm.groups) >= n {
		for g := range keep {
			keep[g] = timeMayMatch(sm.groups[g], spec.Time)
		}
	}
	ref := orcfile.FileRef{Path: u.abs, Size: fm.size, ModTime: time.Unix(0, fm.modTime), Compression: fm.compression, BlockSize: fm.blockSize,
		Checked: u.fe != nil && u.fe.TailChecksum != ""}
	for _, p := range spec.Prune {
		if !anyTrue(keep) {
			break
		}
		if (p.Op != PredEq && p.Op != PredIn) || len(p.Values) == 0 || p.Values[0].Kind != ScalarString {
			continue
		}
		loc, ok := fm.bloom(u.stripe, p.Column)
		if !ok {
			continue
		}
		err := ref.TestBloomFilterSetAt(u.stripe, loc.col, loc.offset, loc.length, func(set []*bloom.Filter) { applyBloomSet(set, p, keep) })
		if errors.Is(err, orcfile.ErrChanged) {
			return n, false, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, !anyTrue(keep), nil
}

func anyTrue(keep []bool) bool {
	for _, k := range keep {
		if k {
			return true
		}
	}
	return false
}
