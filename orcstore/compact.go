package orcstore

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

// CompactOptions tune a compaction.
type CompactOptions struct {
	// Now is the clock retention is judged by (default time.Now).
	Now func() time.Time
	// MaxFileRows cuts the merged files at this many events (default
	// 2,000,000, as ingest does). Files that already hold this many are
	// left alone unless retention cuts into them.
	MaxFileRows int
	// NoRetention keeps expired events (merge only).
	NoRetention bool
	// MemoryLimit bounds the decoded events a merge holds at once
	// (default 512 MiB, as ingest's): a larger partition is merged as an
	// external sort (compact_merge.go). The process needs more beside it:
	// the ORC writers' stripe buffers and the Go heap's headroom; the
	// README gives measured peaks.
	MemoryLimit int64

	// beforeCommit, when set, runs after the new files are written and
	// before the commit; an error from it abandons the compaction. Tests use
	// it to show that an interrupted compaction leaves the store as it was.
	beforeCommit func() error
}

// CompactResult is what a compaction did.
type CompactResult struct {
	PartitionsMerged int   // eventdate partitions whose files were rewritten
	FilesBefore      int   // files in the snapshot before
	FilesAfter       int   // files in the snapshot after
	FilesExpired     int   // files dropped whole because every event was past retention
	EventsExpired    int64 // events dropped by retention (whole files included)
	BytesBefore      int64
	BytesAfter       int64
	EventsBefore     int64
	EventsAfter      int64
	// Runs counts the intermediate sorted runs written for partitions
	// larger than the memory limit (compact_merge.go).
	Runs int
	// KeptForReaders counts replaced files left on disk because running
	// queries still read them; the next writer deletes them (lease.go).
	KeptForReaders int
}

// Compact merges each eventdate partition's small files into as few files
// as MaxFileRows allows, sorted by eventTime, and applies the store's
// retention: events older than now − RetentionDays are dropped, and files
// holding only such events are removed without being read. Everything is
// published in one commit, so a reader sees either the old files or the new
// ones, and a compaction that dies midway leaves the store as it was (the
// next writer removes the files it had written, named in its journal).
// Queries that took their snapshot before the commit go on reading the old
// files, which are deleted once they finish (lease.go).
//
// Memory is bounded by opts.MemoryLimit (compact_merge.go).
func (s *Store) Compact(ctx context.Context, opts CompactOptions) (CompactResult, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxFileRows <= 0 {
		opts.MaxFileRows = 2_000_000
	}
	if opts.MemoryLimit <= 0 {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	defer tuneGC()()
	tx, err := s.Begin()
	if err != nil {
		return CompactResult{}, err
	}
	defer tx.Close()
	m := tx.Current()
	res := CompactResult{FilesBefore: len(m.Files), BytesBefore: m.Bytes(), EventsBefore: m.Rows()}
	cutoff := int64(minInt64)
	if !opts.NoRetention && s.Info.RetentionDays > 0 {
		cutoff = opts.Now().Add(-time.Duration(s.Info.RetentionDays) * 24 * time.Hour).UnixNano()
	}

	byDate := map[string][]FileEntry{}
	var dates []string
	for _, f := range m.Files {
		if byDate[f.Date] == nil {
			dates = append(dates, f.Date)
		}
		byDate[f.Date] = append(byDate[f.Date], f)
	}
	sort.Strings(dates)
	changed := false
	dirs := map[string]error{}
	mg := &merger{ctx: ctx, s: s, tx: tx, cutoff: cutoff, maxRows: opts.MaxFileRows, limit: opts.MemoryLimit}
	for _, date := range dates {
		var merge []FileEntry
		partlyExpired := false
		for _, f := range byDate[date] {
			if _, err := s.resolve(f.Path, dirs); err != nil {
				return res, fmt.Errorf("store %q: %w", s.Info.Name, err)
			}
			switch {
			case f.MaxTime.UnixNano() < cutoff:
				tx.RemoveFile(f.Path)
				res.FilesExpired++
				res.EventsExpired += f.Rows
				changed = true
			case f.MinTime.UnixNano() < cutoff:
				partlyExpired = true
				merge = append(merge, f)
			case f.Rows < int64(opts.MaxFileRows):
				merge = append(merge, f)
			}
		}
		if len(merge) < 2 && !partlyExpired {
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		mg.date = date
		expired, err := mg.merge(merge)
		if err != nil {
			return res, fmt.Errorf("compact %s: %w", date, err)
		}
		res.EventsExpired += expired
		res.PartitionsMerged++
		changed = true
	}
	if !changed {
		res.FilesAfter, res.BytesAfter, res.EventsAfter = res.FilesBefore, res.BytesBefore, res.EventsBefore
		return res, nil
	}
	if opts.beforeCommit != nil {
		if err := opts.beforeCommit(); err != nil {
			return res, err
		}
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	after := tx.Current()
	res.FilesAfter, res.BytesAfter, res.EventsAfter = len(after.Files), after.Bytes(), after.Rows()
	res.KeptForReaders = tx.KeptForReaders()
	res.Runs = mg.runsWritten
	return res, nil
}

const minInt64 = -1 << 63

// compactGCPercent is the garbage collector's target while a compaction
// runs: its garbage is column data, cheap to mark, and Go's default of 100
// lets the heap grow to twice what is live, which the memory limit does not
// count (measured in README).
const compactGCPercent = 25

// tuneGC sets compactGCPercent unless the user set GOGC, and returns the
// function that restores the previous setting.
func tuneGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(compactGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// DefaultMemoryLimit bounds the decoded events a compaction holds when
// CompactOptions.MemoryLimit is not set.
const DefaultMemoryLimit = 512 << 20

func toNanos(u arrow.TimeUnit) (int64, error) {
	switch u {
	case arrow.Nanosecond:
		return 1, nil
	case arrow.Microsecond:
		return 1e3, nil
	case arrow.Millisecond:
		return 1e6, nil
	case arrow.Second:
		return 1e9, nil
	}
	return 0, fmt.Errorf("unknown time unit %v", u)
}
