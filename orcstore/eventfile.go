package orcstore

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/zeebo/xxh3"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// FileOptions are the ORC settings of every event file: zstd with a
// checksum in every frame (orcfile/checksum.go; what it costs is in
// bench/RESULTS.md), 64 MiB stripes, the row index every 10,000 rows, and
// bloom filters on the columns incident responders look up by equality.
func FileOptions() orcfile.WriterOptions {
	return orcfile.WriterOptions{
		Checksums:          true,
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
// at 0.1% in about one lookup in ten. A join tests all its build keys
// against every probe row group (dynamic.go): an hour's 9,457 eventIDs
// found a false positive in 61% of full row groups at 0.01%, and at
// 0.001% find one in about 9%. 0.001% costs ~24 bits per value (0.01%:
// ~19), about 17 MB per 1M events over the six filtered columns (~2% of
// the store).
const bloomFPP = 0.00001

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
	// run: compaction's intermediate files (compact_merge.go), written
	// with small stripes so that a merge holds little of each, and no bloom
	// filters.
	run bool
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
	opts := FileOptions()
	if ew.run {
		opts.StripeSize, opts.BloomFilterColumns = runStripeSize, nil
	}
	w, err := orcfile.NewWriter(out, EventSchema, opts)
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
	fw, err := tx.newEventFile(ew, date, "")
	if err != nil {
		return FileEntry{}, err
	}
	if err := fw.write(runs); err != nil {
		fw.abort()
		return FileEntry{}, err
	}
	return fw.finish(lo, hi)
}

// eventFile is an event file being written, a call of write at a time
// (compaction streams a merge into it).
type eventFile struct {
	tx   *Tx
	rel  string
	f    *os.File
	bw   *bufio.Writer
	sum  *xxh3.Hasher
	w    *orcfile.Writer
	rows int64
}

// newEventFile creates a new file in partition date. prefix, if not empty,
// starts its name: compaction's intermediate runs are "_run-…", a name
// Hive, Trino and Spark skip when they read the data folder as a table.
func (tx *Tx) newEventFile(ew *EventWriter, date, prefix string) (*eventFile, error) {
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return nil, fmt.Errorf("partition date %q: %w", date, err)
	}
	rel, f, err := tx.create(path.Join("data", "eventdate="+date, prefix+newUUID()+".orc"))
	if err != nil {
		return nil, err
	}
	// The file's checksum is taken as it is written: xxh3 runs at memory
	// speed, and reading the file back would cost a second pass.
	sum := xxh3.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, sum), 1<<20)
	if ew == nil {
		ew = &EventWriter{}
	}
	w, err := ew.start(bw)
	if err != nil {
		f.Close()
		tx.discard(rel)
		return nil, err
	}
	return &eventFile{tx: tx, rel: rel, f: f, bw: bw, sum: sum, w: w}, nil
}

// write appends runs of event-schema records. The writer keeps no
// reference to them when it returns.
func (fw *eventFile) write(runs []orcfile.Run) error {
	var last arrow.Record
	for _, r := range runs {
		if r.Rec != last && !r.Rec.Schema().Equal(EventSchema) {
			return fmt.Errorf("write events: record schema differs from the event schema")
		}
		last = r.Rec
		fw.rows += int64(r.Hi - r.Lo)
	}
	for off := 0; off < len(runs); off += writeSlice {
		if err := fw.w.WriteRuns(runs[off:min(off+writeSlice, len(runs))]); err != nil {
			return fmt.Errorf("%s: %w", fw.rel, err)
		}
	}
	return nil
}

// finish closes the file and describes it; on an error the file is gone.
func (fw *eventFile) finish(lo, hi time.Time) (FileEntry, error) {
	err := fw.w.Close()
	if err == nil {
		err = fw.bw.Flush()
	}
	var size int64
	if err == nil {
		size, err = fw.f.Seek(0, io.SeekCurrent)
	}
	if cerr := fw.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fw.tx.discard(fw.rel)
		return FileEntry{}, fmt.Errorf("%s: %w", fw.rel, err)
	}
	return FileEntry{Path: fw.rel, Date: path.Base(path.Dir(fw.rel))[len("eventdate="):], Rows: fw.rows, Bytes: size,
		MinTime: lo.UTC(), MaxTime: hi.UTC(), Checksum: formatSum(fw.sum.Sum64()), TailChecksum: formatSum(fw.w.TailSum())}, nil
}

// abort closes and deletes an unfinished file.
func (fw *eventFile) abort() {
	fw.f.Close()
	fw.tx.discard(fw.rel)
}

// EventIDs calls fn with every non-NULL eventID stored in the files of one
// eventdate partition of snapshot m. Ingest uses it to deduplicate.
func (s *Store) EventIDs(m *Manifest, date string, fn func(id string)) error {
	for _, fe := range m.Files {
		if fe.Date != date {
			continue
		}
		if err := s.eachEventID(fe, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) eachEventID(fe FileEntry, fn func(id string)) error {
	f, abs, err := s.openEntry(fe, nil)
	if err != nil {
		return err
	}
	defer f.Close()
	sc, err := f.Scan(orcfile.ScanOptions{Columns: []string{"eventID"}, PlainStrings: true})
	if err != nil {
		return s.fileError(fe.Path, abs, err)
	}
	defer sc.Close()
	for {
		rec, err := sc.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return s.fileError(fe.Path, abs, err)
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
