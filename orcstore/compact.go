package orcstore

import (
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
}

// Compact merges each eventdate partition's small files into as few files
// as MaxFileRows allows, sorted by eventTime, and applies the store's
// retention: events older than now − RetentionDays are dropped, and files
// holding only such events are removed without being read. Everything is
// published in one commit, so a reader sees either the old files or the new
// ones, and a compaction that dies midway leaves the store as it was (the
// next writer removes the files it had written).
//
// A partition is merged in memory: its files are read whole, so memory is
// about the partition's decoded size.
func (s *Store) Compact(ctx context.Context, opts CompactOptions) (CompactResult, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxFileRows <= 0 {
		opts.MaxFileRows = 2_000_000
	}
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
	for _, date := range dates {
		var merge []FileEntry
		partlyExpired := false
		for _, f := range byDate[date] {
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
		expired, err := s.mergePartition(tx, date, merge, cutoff, opts.MaxFileRows)
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
	return res, nil
}

const minInt64 = -1 << 63

// mergePartition reads files (all of one eventdate), drops rows before
// cutoff, writes the rest sorted by eventTime in files of at most maxRows,
// and marks the old files removed. It returns the rows dropped.
func (s *Store) mergePartition(tx *Tx, date string, files []FileEntry, cutoff int64, maxRows int) (int64, error) {
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, fe := range files {
		rs, err := readAll(s.FilePath(fe.Path))
		if err != nil {
			return 0, err
		}
		recs = append(recs, rs...)
	}
	timeCol := EventSchema.FieldIndices("eventTime")[0]
	type ref struct {
		t   int64
		row int
	}
	var refs []ref
	var expired int64
	base := 0
	for _, r := range recs {
		ts, ok := r.Column(timeCol).(*array.Timestamp)
		if !ok {
			return 0, fmt.Errorf("eventTime column is %s, not a timestamp", r.Column(timeCol).DataType())
		}
		conv, err := toNanos(ts.DataType().(*arrow.TimestampType).Unit)
		if err != nil {
			return 0, err
		}
		for i := 0; i < ts.Len(); i++ {
			t := int64(minInt64) // a NULL eventTime cannot be judged: keep it, first
			if ts.IsValid(i) {
				t = int64(ts.Value(i)) * conv
				if t < cutoff {
					expired++
					continue
				}
			}
			refs = append(refs, ref{t, base + i})
		}
		base += int(r.NumRows())
	}
	// Each file is already in time order; a stable sort keeps ties in file
	// order, so the merge is deterministic.
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].t < refs[j].t })

	if len(refs) > 0 {
		cols, err := concatColumns(recs)
		if err != nil {
			return 0, err
		}
		defer func() {
			for _, c := range cols {
				c.Release()
			}
		}()
		for start := 0; start < len(refs); start += maxRows {
			end := min(start+maxRows, len(refs))
			rows := make([]int, end-start)
			for i := range rows {
				rows[i] = refs[start+i].row
			}
			rec, err := gatherEvents(cols, rows)
			if err != nil {
				return 0, err
			}
			lo, hi := time.Unix(0, refs[start].t).UTC(), time.Unix(0, refs[end-1].t).UTC()
			_, err = tx.WriteEvents(date, rec, lo, hi)
			rec.Release()
			if err != nil {
				return 0, err
			}
		}
	}
	for _, fe := range files {
		tx.RemoveFile(fe.Path)
	}
	return expired, nil
}

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

// readAll reads every column of an event file, strings plain.
func readAll(path string) ([]arrow.Record, error) {
	f, err := orcfile.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc, err := f.Scan(orcfile.ScanOptions{PlainStrings: true, BatchSize: 64 << 10})
	if err != nil {
		return nil, err
	}
	defer sc.Close()
	var out []arrow.Record
	for {
		rec, err := sc.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			for _, r := range out {
				r.Release()
			}
			return nil, err
		}
		if rec.NumCols() != int64(len(EventSchema.Fields())) {
			rec.Release()
			for _, r := range out {
				r.Release()
			}
			return nil, fmt.Errorf("%s: %d columns, the event schema has %d", path, rec.NumCols(), len(EventSchema.Fields()))
		}
		out = append(out, rec)
	}
}

// concatColumns joins the records column by column.
func concatColumns(recs []arrow.Record) ([]arrow.Array, error) {
	n := len(EventSchema.Fields())
	cols := make([]arrow.Array, 0, n)
	for c := 0; c < n; c++ {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		if len(parts) == 1 {
			parts[0].Retain()
			cols = append(cols, parts[0])
			continue
		}
		a, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			for _, x := range cols {
				x.Release()
			}
			return nil, fmt.Errorf("column %s: %w", EventSchema.Field(c).Name, err)
		}
		cols = append(cols, a)
	}
	return cols, nil
}

// gatherEvents builds an event-schema record of the given rows of cols.
func gatherEvents(cols []arrow.Array, rows []int) (arrow.Record, error) {
	fields := EventSchema.Fields()
	out := make([]arrow.Array, len(cols))
	defer func() {
		for _, a := range out {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, c := range cols {
		b := array.NewBuilder(memory.DefaultAllocator, fields[i].Type)
		if err := AppendRows(b, c, rows); err != nil {
			b.Release()
			return nil, fmt.Errorf("column %s: %w", fields[i].Name, err)
		}
		out[i] = b.NewArray()
		b.Release()
	}
	return array.NewRecord(EventSchema, out, int64(len(rows))), nil
}
