package orcstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/zeebo/xxh3"
)

// VerifyOptions choose how far Verify goes.
type VerifyOptions struct {
	// Deep decodes every value of every file (checking each frame's
	// checksum and each eventTime against its file's range) on top of the
	// whole-file checksums. Files without a recorded checksum are always
	// decoded: it is the only check they have.
	Deep bool
	// Progress, if set, is called after each file.
	Progress func(done, total int)
}

// Finding is one thing Verify found, about a file (a path relative to the
// store) or the manifest.
type Finding struct {
	Path string `json:"path"`
	What string `json:"what"`
}

func (f Finding) String() string { return f.Path + ": " + f.What }

// VerifyReport is what Verify checked and found.
type VerifyReport struct {
	Files   int   `json:"files"`
	Bytes   int64 `json:"bytes"`   // read from disk
	Events  int64 `json:"events"`  // per the manifest
	Decoded int64 `json:"decoded"` // rows decoded (Deep, or files without checksums)
	// Problems are damage: checksums that do not match, a manifest that
	// disagrees with a file's footer or contents, files missing, files
	// under data/ that the manifest does not list.
	Problems []Finding `json:"problems"`
	// Notes are not damage: files written before checksums were kept,
	// replaced files still held for running queries.
	Notes   []Finding     `json:"notes"`
	Elapsed time.Duration `json:"elapsedNs"`
}

// Verify checks the store against its manifest: the manifest's own
// checksum and entries (as every load does), each file's whole-file xxh3,
// its tail against the manifest (tail checksum, row count, eventTime range,
// checksum marker), two entries with the same content, files the manifest
// does not list; with Deep, every value decoded. Verify reads and never
// changes anything. A manifest that cannot be read is the one problem
// reported.
func (s *Store) Verify(ctx context.Context, opts VerifyOptions) (rep VerifyReport, err error) {
	start := time.Now()
	defer func() { rep.Elapsed = time.Since(start) }()
	m, err := s.readManifest()
	if err != nil {
		rep.Problems = append(rep.Problems, Finding{manifestName, err.Error()})
		return rep, nil
	}
	if m.Format < manifestFormat {
		rep.Notes = append(rep.Notes, Finding{manifestName, "written before ctlake kept checksums: it has none of its own"})
	}
	rep.Files, rep.Events = len(m.Files), m.Rows()
	sums := map[string]string{}
	for i, fe := range m.Files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if fe.Checksum != "" {
			if other, dup := sums[fe.Checksum]; dup {
				rep.Problems = append(rep.Problems, Finding{fe.Path, "has the same content (checksum " + fe.Checksum + ") as " + other + ": one file listed twice?"})
			}
			sums[fe.Checksum] = fe.Path
		}
		rep.Problems = append(rep.Problems, s.verifyFile(fe, opts.Deep, &rep)...)
		if opts.Progress != nil {
			opts.Progress(i+1, len(m.Files))
		}
	}
	known := map[string]bool{}
	for _, f := range m.Files {
		known[f.Path] = true
	}
	for _, r := range m.Rejects {
		known[r.Path] = true
		if _, err := s.resolve(r.Path, nil); err != nil {
			rep.Problems = append(rep.Problems, Finding{r.Path, err.Error()})
		}
	}
	held := 0
	for _, r := range m.Retired {
		if _, err := s.resolve(r.Path, nil); err == nil {
			known[r.Path] = true
			held++
		}
	}
	if held > 0 {
		rep.Notes = append(rep.Notes, Finding{"data/", fmt.Sprintf("%d replaced files are kept until the queries reading them finish", held)})
	}
	left, err := s.journaled()
	if err != nil {
		return rep, err
	}
	pending := 0
	for _, rel := range left {
		if !known[rel] {
			if _, err := s.resolve(rel, nil); err == nil {
				known[rel] = true
				pending++
			}
		}
	}
	if pending > 0 {
		rep.Notes = append(rep.Notes, Finding{journalName, fmt.Sprintf("%d files of an unfinished or interrupted write, deleted by the next writer unless that write commits them", pending)})
	}
	strays, err := s.unlisted(known)
	if err != nil {
		return rep, err
	}
	for _, p := range strays {
		rep.Problems = append(rep.Problems, Finding{p, "is not listed in the manifest (ctlake never reads or deletes it; if it belongs to the store, the manifest lost it)"})
	}
	return rep, nil
}

// verifyFile checks one committed file.
func (s *Store) verifyFile(fe FileEntry, deep bool, rep *VerifyReport) []Finding {
	var out []Finding
	bad := func(format string, a ...any) { out = append(out, Finding{fe.Path, fmt.Sprintf(format, a...)}) }
	abs, err := s.resolve(fe.Path, nil)
	if err != nil {
		bad("%s", trimPath(err, fe.Path))
		return out
	}
	if fe.Checksum == "" {
		rep.Notes = append(rep.Notes, Finding{fe.Path, "written before ctlake kept checksums: checked by decoding it"})
		deep = true
	} else {
		sum, n, err := hashFile(abs)
		rep.Bytes += n
		switch {
		case err != nil:
			bad("%v", err)
			return out
		case n != fe.Bytes:
			bad("is %d bytes, the manifest says %d", n, fe.Bytes)
		case formatSum(sum) != fe.Checksum:
			bad("checksum mismatch: the file hashes to %s, the manifest recorded %s (the file is damaged)", formatSum(sum), fe.Checksum)
		}
	}
	f, abs, err := s.openChecked(fe, nil)
	if err != nil {
		bad("%s", trimPath(err, abs))
		return out
	}
	defer f.Close()
	if !deep {
		return out
	}
	var rows int64
	lo, hi := fe.MinTime.UnixNano(), fe.MaxTime.UnixNano()
	outside := 0
	err = scanEvents(f, 0, func(rec arrow.Record, ts []int64) error {
		rows += rec.NumRows()
		for _, t := range ts {
			if t != minInt64 && !fe.MinTime.IsZero() && (t < lo || t > hi) {
				outside++
			}
		}
		return nil
	}, func(err error) error { return errors.New(trimPath(err, abs)) })
	rep.Decoded += rows
	switch {
	case err != nil:
		bad("cannot be decoded: %v", err)
	case rows != fe.Rows:
		bad("decodes to %d events, the manifest says %d", rows, fe.Rows)
	}
	if outside > 0 {
		bad("%d events lie outside the manifest's eventTime range %s .. %s", outside, fe.MinTime.Format(time.RFC3339Nano), fe.MaxTime.Format(time.RFC3339Nano))
	}
	return out
}

// trimPath drops a leading "path: " from a finding about path.
func trimPath(err error, rel string) string {
	return strings.TrimPrefix(err.Error(), rel+": ")
}

// hashFile is the xxh3-64 and size of a file.
func hashFile(p string) (uint64, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	h := xxh3.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, n, err
	}
	return h.Sum64(), n, nil
}
