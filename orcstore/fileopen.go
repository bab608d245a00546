package orcstore

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// openEntry opens a committed file for reading: its path is checked first
// (paths.go), and its tail is compared with its manifest entry before any
// of it is used: the tail checksum (which covers the postscript and the
// footer with its checksum marker), the row count and the eventTime range.
// The parsed tail is cached by orcfile, so for a file opened before this is
// a stat and a few comparisons. dirs is as for resolve.
func (s *Store) openEntry(fe FileEntry, dirs map[string]error) (*orcfile.File, string, error) {
	f, abs, err := s.openChecked(fe, dirs)
	if err != nil {
		return nil, abs, s.fileError(fe.Path, abs, err)
	}
	return f, abs, nil
}

// openChecked is openEntry with errors that do not name the store.
func (s *Store) openChecked(fe FileEntry, dirs map[string]error) (*orcfile.File, string, error) {
	abs, err := s.resolve(fe.Path, dirs)
	if err != nil {
		return nil, "", err
	}
	f, err := orcfile.OpenFile(abs)
	if err != nil {
		return nil, abs, err
	}
	if err := checkTail(f, fe); err != nil {
		f.Close()
		return nil, abs, err
	}
	return f, abs, nil
}

// fileError names the store and the file in err, once.
func (s *Store) fileError(rel, abs string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, rel) || (abs != "" && strings.Contains(msg, abs)) {
		return fmt.Errorf("store %q: %w", s.Info.Name, err)
	}
	return fmt.Errorf("store %q: %s: %w", s.Info.Name, rel, err)
}

// checkTail compares an opened file's tail with its manifest entry.
func checkTail(f *orcfile.File, fe FileEntry) error {
	if fe.TailChecksum != "" {
		want, err := parseSum(fe.TailChecksum)
		if err != nil {
			return err
		}
		if got := f.TailSum(); got != want {
			return damaged(fmt.Errorf("the file's tail (footer, metadata, postscript) hashes to %s, the manifest recorded %s", formatSum(got), fe.TailChecksum))
		}
		if !f.Checksummed() {
			return damaged(errors.New("the manifest records checksums but the file's footer does not mark its frames checksummed"))
		}
	}
	if got := int64(f.NumRows()); got != fe.Rows {
		return damaged(fmt.Errorf("the manifest says %d events, the file's footer %d", fe.Rows, got))
	}
	lo, hi, ok := footerTimeRange(f)
	if ok && fe.Rows > 0 && !fe.MinTime.IsZero() {
		if lo != fe.MinTime.UnixMilli() || hi != fe.MaxTime.UnixMilli() {
			return damaged(fmt.Errorf("the manifest gives eventTime %s .. %s, the file's footer %s .. %s",
				fe.MinTime.Format(time.RFC3339Nano), fe.MaxTime.Format(time.RFC3339Nano),
				time.UnixMilli(lo).UTC().Format(time.RFC3339Nano), time.UnixMilli(hi).UTC().Format(time.RFC3339Nano)))
		}
	}
	return nil
}

// footerTimeRange is the eventTime range (Unix milliseconds, UTC) of the
// file's footer statistics. It reads the one column's protobuf rather than
// decoding every column's statistics.
func footerTimeRange(f *orcfile.File) (lo, hi int64, ok bool) {
	c, found := f.Root().Find("eventTime")
	if !found {
		return 0, 0, false
	}
	st := f.Footer().GetStatistics()
	if c.ID >= len(st) || f.WriterVersion() < 6 {
		return 0, 0, false // no UTC statistics (ORC-135)
	}
	ts := st[c.ID].GetTimestampStatistics()
	if ts == nil || ts.MinimumUtc == nil || ts.MaximumUtc == nil || st[c.ID].GetNumberOfValues() == 0 {
		return 0, 0, false
	}
	return ts.GetMinimumUtc(), ts.GetMaximumUtc(), true
}
