package orcstore

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// FileOptions are the ORC settings of every event file: zstd, 64 MiB
// stripes, the row index every 10,000 rows, and bloom filters on the
// columns incident responders look up by equality.
func FileOptions() orcfile.WriterOptions {
	return orcfile.WriterOptions{
		Compression:        orcfile.CompressionZstd,
		StripeSize:         64 << 20,
		RowIndexStride:     10_000,
		BloomFilterColumns: BloomFilterColumns,
		BloomFilterFPP:     bloomFPP,
		DirectColumns:      []string{"eventID", "requestID", "eventJson"},
	}
}

// bloomFPP is the bloom filters' false positive rate. A lookup of one
// eventID in 1M events (112 row groups) must read only its own row group:
// at 1% it read a false positive in most lookups (98% skipped, measured),
// at 0.1% in about one lookup in ten. 0.01% costs ~19 bits per value, about
// 13 MB per 1M events over the five filtered columns (1.5% of the store).
const bloomFPP = 0.0001

// writeSlice is how many runs are handed to the ORC writer at a time; the
// writer encodes each call immediately, so this bounds nothing but its
// checks and scratch space.
const writeSlice = 64 << 10

// WriteEvents writes rec — events of one eventdate, sorted by eventTime,
// between lo and hi — to a new ORC file and adds it to the next commit.
func (tx *Tx) WriteEvents(date string, rec arrow.Record, lo, hi time.Time) (FileEntry, error) {
	return tx.WriteEventRuns(date, []orcfile.Run{{Rec: rec, Lo: 0, Hi: int(rec.NumRows())}}, lo, hi)
}

// WriteEventRuns writes the rows of runs, in order, to a new ORC file and
// adds it to the next commit; like WriteEvents, the rows are events of one
// eventdate sorted by eventTime, between lo and hi. Ingest writes a file
// straight from the chunks it decoded this way, without gathering them.
func (tx *Tx) WriteEventRuns(date string, runs []orcfile.Run, lo, hi time.Time) (FileEntry, error) {
	e, err := tx.WriteEventFile(nil, date, runs, lo, hi)
	if err != nil {
		return FileEntry{}, err
	}
	if err := tx.AddFile(e); err != nil {
		return FileEntry{}, err
	}
	return e, nil
}

// EventWriter writes event files one after another with one ORC writer,
// whose stripe buffers (tens of MB) are reused from file to file instead of
// being allocated afresh. The zero value is ready to use; an EventWriter is
// not safe for concurrent use, and holds its buffers until dropped.
type EventWriter struct {
	w *orcfile.Writer
}

// start returns the ORC writer for a new file on out.
func (ew *EventWriter) start(out io.Writer) (*orcfile.Writer, error) {
	if ew.w != nil {
		if err := ew.w.Reset(out); err != nil {
			ew.w = nil
			return nil, err
		}
		return ew.w, nil
	}
	w, err := orcfile.NewWriter(out, EventSchema, FileOptions())
	if err != nil {
		return nil, err
	}
	ew.w = w
	return w, nil
}

// WriteEventFile is WriteEventRuns without the AddFile: the file is written
// and closed but joins no commit until the caller adds it. Ingest writes
// files on several goroutines and adds each one together with its row count,
// so that a commit never holds a file without its count or the reverse.
// ew, if not nil, is the EventWriter whose buffers to use.
func (tx *Tx) WriteEventFile(ew *EventWriter, date string, runs []orcfile.Run, lo, hi time.Time) (FileEntry, error) {
	var last arrow.Record
	var n int64
	for _, r := range runs {
		if r.Rec != last && !r.Rec.Schema().Equal(EventSchema) {
			return FileEntry{}, fmt.Errorf("write events: record schema differs from the event schema")
		}
		last = r.Rec
		n += int64(r.Hi - r.Lo)
	}
	rel, f, err := tx.NewFile(date)
	if err != nil {
		return FileEntry{}, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if ew == nil {
		ew = &EventWriter{}
	}
	w, err := ew.start(bw)
	if err != nil {
		f.Close()
		return FileEntry{}, err
	}
	for off := 0; off < len(runs); off += writeSlice {
		if err := w.WriteRuns(runs[off:min(off+writeSlice, len(runs))]); err != nil {
			f.Close()
			return FileEntry{}, fmt.Errorf("%s: %w", rel, err)
		}
	}
	if err := w.Close(); err != nil {
		f.Close()
		return FileEntry{}, fmt.Errorf("%s: %w", rel, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return FileEntry{}, fmt.Errorf("%s: %w", rel, err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return FileEntry{}, fmt.Errorf("%s: %w", rel, err)
	}
	return FileEntry{Path: rel, Date: date, Rows: n, Bytes: size, MinTime: lo.UTC(), MaxTime: hi.UTC()}, nil
}

// EventIDs calls fn with every non-NULL eventID stored in the files of one
// eventdate partition of snapshot m. Ingest uses it to deduplicate.
func (s *Store) EventIDs(m *Manifest, date string, fn func(id string)) error {
	for _, fe := range m.Files {
		if fe.Date != date {
			continue
		}
		if err := eachEventID(s.FilePath(fe.Path), fn); err != nil {
			return err
		}
	}
	return nil
}

func eachEventID(path string, fn func(id string)) error {
	f, err := orcfile.OpenFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc, err := f.Scan(orcfile.ScanOptions{Columns: []string{"eventID"}, PlainStrings: true})
	if err != nil {
		return err
	}
	defer sc.Close()
	for {
		rec, err := sc.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		col := rec.Column(0).(*array.String)
		for i := 0; i < col.Len(); i++ {
			if col.IsValid(i) {
				fn(col.Value(i))
			}
		}
		rec.Release()
	}
}
