package orcstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/zeebo/xxh3"
)

// manifestFormat 2 adds checksums: each file's (FileEntry.Checksum and
// TailChecksum) and the manifest's own, a trailing "checksum" member
// holding the xxh3-64 of every byte before it:
//
//	{
//	  "format": 2,
//	  ...
//	  "totals": {...},
//	  "checksum": "xxh3:0123456789abcdef"
//	}
//
// The file stays plain JSON (jq reads it). A manifest without the member
// (format 1, written before ctlake kept checksums) still loads: its files
// have no checksums either and are verified by decoding only (see
// doc.go). A manifest that claims format 2 or lists a file checksum must
// carry a valid trailer, so one flipped bit cannot pass for an old
// manifest: it either breaks the trailer (and format or a file checksum
// says one is required) or leaves it intact (and the sum no longer
// matches).
const manifestFormat = 2

const (
	manifestSumHead = ",\n  \"checksum\": \"xxh3:"
	manifestSumTail = "\"\n}\n"
	manifestSumLen  = len(manifestSumHead) + 16 + len(manifestSumTail)
)

// ErrDamaged marks a store whose metadata (store.json, manifest.json) or
// files fail their checks.
var ErrDamaged = errors.New("damaged")

// damage is an error that is ErrDamaged (errors.Is) without saying so in
// its message, which says what is wrong.
type damage struct{ err error }

func (d damage) Error() string   { return d.err.Error() }
func (d damage) Unwrap() []error { return []error{d.err, ErrDamaged} }

// damaged marks err as ErrDamaged.
func damaged(err error) error {
	if err == nil || errors.Is(err, ErrDamaged) {
		return err
	}
	return damage{err}
}

// encodeManifest is the bytes of m as manifest.json: indented JSON with the
// checksum trailer.
func encodeManifest(m Manifest) ([]byte, error) {
	m.Format = manifestFormat
	m.Checksum = ""
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(b, []byte("\n}")) {
		return nil, fmt.Errorf("manifest encodes as %q…, not an indented object", b[:min(len(b), 20)])
	}
	body := b[:len(b)-2]
	out := make([]byte, 0, len(body)+manifestSumLen)
	out = append(out, body...)
	out = append(out, manifestSumHead...)
	out = fmt.Appendf(out, "%016x", xxh3.Hash(body))
	return append(out, manifestSumTail...), nil
}

// decodeManifest parses manifest.json, checking its checksum and then its
// entries (validate).
func decodeManifest(b []byte) (*Manifest, error) {
	hasSum := false
	if n := len(b); n >= manifestSumLen && bytes.HasSuffix(b, []byte(manifestSumTail)) &&
		bytes.HasPrefix(b[n-manifestSumLen:], []byte(manifestSumHead)) {
		hex := string(b[n-len(manifestSumTail)-16 : n-len(manifestSumTail)])
		want, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return nil, damaged(fmt.Errorf("checksum %q is not 16 hex digits", hex))
		}
		if got := xxh3.Hash(b[:n-manifestSumLen]); got != want {
			return nil, damaged(fmt.Errorf("checksum mismatch (recorded %016x, content hashes to %016x): the file is damaged or was edited", want, got))
		}
		hasSum = true
	}
	m := &Manifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, damaged(err)
	}
	if !hasSum && (m.Format >= manifestFormat || m.Checksum != "" || m.hasFileChecksums()) {
		return nil, damaged(fmt.Errorf("its checksum is missing or unreadable, though it is a format %d manifest with checksums", manifestFormat))
	}
	if err := m.validate(); err != nil {
		return nil, damaged(err)
	}
	return m, nil
}

func (m *Manifest) hasFileChecksums() bool {
	for _, f := range m.Files {
		if f.Checksum != "" || f.TailChecksum != "" {
			return true
		}
	}
	return false
}

// validate checks what can be checked without opening a data file: every
// path (paths.go), no file listed twice, counts not negative, each file's
// eventTime range ordered and inside its eventdate partition, checksums
// well formed. A file's own footer is compared with its entry when the
// file is opened (checkEntry) and by `store verify`.
func (m *Manifest) validate() error {
	if m.Version < 0 {
		return fmt.Errorf("version %d is negative", m.Version)
	}
	seen := make(map[string]int, len(m.Files))
	for i, f := range m.Files {
		if j, dup := seen[f.Path]; dup {
			return fmt.Errorf("file entry %d (%q): listed twice (also entry %d)", i+1, f.Path, j+1)
		}
		seen[f.Path] = i
		if err := checkEntry(f); err != nil {
			return fmt.Errorf("file entry %d (%q): %w", i+1, f.Path, err)
		}
	}
	for i, r := range m.Retired {
		if err := checkStorePath(r.Path); err != nil {
			return fmt.Errorf("retired entry %d: %w", i+1, err)
		}
		if _, live := seen[r.Path]; live {
			return fmt.Errorf("retired entry %d (%q) is also a committed file", i+1, r.Path)
		}
	}
	rejects := map[string]bool{}
	for i, r := range m.Rejects {
		if err := checkRejectPath(r.Path); err != nil {
			return fmt.Errorf("reject entry %d: %w", i+1, err)
		}
		if rejects[r.Path] {
			return fmt.Errorf("reject entry %d (%q): listed twice", i+1, r.Path)
		}
		rejects[r.Path] = true
		if r.Count < 0 {
			return fmt.Errorf("reject entry %d (%q): count %d is negative", i+1, r.Path, r.Count)
		}
	}
	if err := m.validateLogs(); err != nil {
		return err
	}
	t := m.Totals
	if t.Ingested < 0 || t.Duplicates < 0 || t.Filtered < 0 || t.Rejected < 0 {
		return fmt.Errorf("totals %+v: a count is negative", t)
	}
	return nil
}

// validateLogs checks the source log's and the dropped-event files'
// entries: paths, no file listed twice, counts not negative.
func (m *Manifest) validateLogs() error {
	seen := map[string]bool{}
	for i, l := range m.Sources {
		if err := checkStorePath(l.Path); err != nil || !strings.HasPrefix(l.Path, "sources/") {
			return fmt.Errorf("source log entry %d: %q is not sources/NAME.ndjson: %w", i+1, l.Path, ErrUnsafePath)
		}
		if seen[l.Path] {
			return fmt.Errorf("source log entry %d (%q): listed twice", i+1, l.Path)
		}
		seen[l.Path] = true
		if l.Count < 0 {
			return fmt.Errorf("source log entry %d (%q): count %d is negative", i+1, l.Path, l.Count)
		}
	}
	for i, d := range m.Dropped {
		if err := checkStorePath(d.Path); err != nil || !strings.HasPrefix(d.Path, droppedDir+"/") {
			return fmt.Errorf("dropped-event entry %d: %q is not %s/NAME.ndjson.gz: %w", i+1, d.Path, droppedDir, ErrUnsafePath)
		}
		if seen[d.Path] {
			return fmt.Errorf("dropped-event entry %d (%q): listed twice", i+1, d.Path)
		}
		seen[d.Path] = true
		if d.Duplicates < 0 || d.Expired < 0 {
			return fmt.Errorf("dropped-event entry %d (%q): a count is negative", i+1, d.Path)
		}
	}
	return nil
}

// checkEntry checks one file entry on its own.
func checkEntry(f FileEntry) error {
	if err := checkDataPath(f.Path, ""); err != nil {
		return err
	}
	day, err := time.Parse("2006-01-02", f.Date)
	if err != nil {
		return fmt.Errorf("eventDate %q is not a date", f.Date)
	}
	if err := checkDataPath(f.Path, f.Date); err != nil {
		return err
	}
	if f.Rows < 0 || f.Bytes < 0 {
		return fmt.Errorf("%d rows, %d bytes: a count is negative", f.Rows, f.Bytes)
	}
	if !f.MinTime.IsZero() && !f.MaxTime.IsZero() {
		if f.MaxTime.Before(f.MinTime) {
			return fmt.Errorf("eventTime range %s .. %s is reversed", f.MinTime.Format(time.RFC3339Nano), f.MaxTime.Format(time.RFC3339Nano))
		}
		if f.MinTime.Before(day) || !f.MaxTime.Before(day.Add(24*time.Hour)) {
			return fmt.Errorf("eventTime range %s .. %s is not inside partition %s", f.MinTime.Format(time.RFC3339Nano), f.MaxTime.Format(time.RFC3339Nano), f.Date)
		}
	}
	for _, c := range []string{f.Checksum, f.TailChecksum} {
		if c == "" {
			continue
		}
		if _, err := parseSum(c); err != nil {
			return err
		}
	}
	if (f.Checksum == "") != (f.TailChecksum == "") {
		return errors.New("has one of its two checksums (xxh3, tailXxh3) but not the other")
	}
	return nil
}

// formatSum and parseSum convert an xxh3-64 to and from its manifest form,
// 16 lower-case hex digits.
func formatSum(v uint64) string { return fmt.Sprintf("%016x", v) }

func parseSum(s string) (uint64, error) {
	if len(s) != 16 {
		return 0, fmt.Errorf("checksum %q is not 16 hex digits", s)
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("checksum %q is not 16 hex digits", s)
	}
	return v, nil
}

// readManifest reads and checks the store's manifest.json.
func (s *Store) readManifest() (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(s.Dir, manifestName))
	if err != nil {
		return nil, fmt.Errorf("store %q: %w", s.Info.Name, err)
	}
	m, err := decodeManifest(b)
	if err != nil {
		return nil, fmt.Errorf("store %q: %s: %w", s.Info.Name, manifestName, err)
	}
	return m, nil
}

// writeManifest atomically replaces the store's manifest.json with m.
func (s *Store) writeManifest(m Manifest) error {
	b, err := encodeManifest(m)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(s.Dir, manifestName), b)
}

// ReadManifest reads the committed manifest without taking a reader's
// lease: for figures (store list, describe), not for reading files. A
// query uses Snapshot.
func (s *Store) ReadManifest() (*Manifest, error) { return s.readManifest() }
