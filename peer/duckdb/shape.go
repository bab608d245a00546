package duckpeer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Shape is how a file frames its events; each shape needs its own DuckDB
// reader call.
type Shape int

const (
	// Empty files (only whitespace) hold no events.
	Empty Shape = iota
	// Records is CloudTrail's S3 delivery format: {"Records":[event, ...]}.
	Records
	// NDJSON is one event object per line.
	NDJSON
	// Objects is event objects one after another, some spanning several
	// lines (pretty-printed); DuckDB reads these as format='unstructured'.
	Objects
	// Array is one JSON array of events.
	Array
)

func (s Shape) String() string {
	return [...]string{"empty", "records", "ndjson", "objects", "array"}[s]
}

// fileShape is what detect learns about one file.
type fileShape struct {
	path  string
	shape Shape
	gzip  bool
	size  int64 // uncompressed size (for gzip: ISIZE of the last member, a hint)
}

// maxPeek bounds how much of a non-Records file detect reads to find the
// end of its first object; CloudTrail events are at most 256 KB.
const maxPeek = 16 << 20

// detect reads the start of a file (decompressing gzip, recognised by its
// magic bytes rather than the name) to find its shape: '[' is an array; an
// object with a "Records" key at its top level is a Records file; any
// other object is NDJSON when it fits on one line, Objects otherwise. Only
// the first object is looked at: files mixing shapes are not supported.
func detect(path string) (fileShape, error) {
	out := fileShape{path: path}
	f, err := os.Open(path)
	if err != nil {
		return out, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return out, err
	}
	out.size = st.Size()
	br := bufio.NewReaderSize(f, 64<<10)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		out.gzip = true
		if n, ok := gzipSize(f, st.Size()); ok {
			out.size = n
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	zr := bufio.NewReaderSize(r, 64<<10)
	first, err := firstByte(zr)
	if err == io.EOF {
		return out, nil // Empty
	}
	if err != nil {
		return out, fmt.Errorf("%s: %w", path, err)
	}
	switch first {
	case '[':
		out.shape = Array
		return out, nil
	case '{':
	default:
		return out, fmt.Errorf("%s: not JSON events: starts with %q", path, first)
	}
	var seen bytes.Buffer
	dec := json.NewDecoder(io.TeeReader(io.LimitReader(zr, maxPeek), &seen))
	isRecords, err := hasRecordsKey(dec)
	if err != nil {
		return out, fmt.Errorf("%s: first object: %w", path, err)
	}
	switch {
	case isRecords:
		out.shape = Records
	case bytes.IndexByte(seen.Bytes()[:dec.InputOffset()], '\n') >= 0:
		out.shape = Objects
	default:
		out.shape = NDJSON
	}
	return out, nil
}

// firstByte skips whitespace. A UTF-8 byte order mark is an error here
// rather than later: DuckDB's JSON reader rejects it with a message about
// the file's second line.
func firstByte(r *bufio.Reader) (byte, error) {
	if bom, _ := r.Peek(3); bytes.Equal(bom, []byte{0xef, 0xbb, 0xbf}) {
		return 0, errors.New("starts with a UTF-8 byte order mark, which DuckDB's JSON reader does not accept")
	}
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, r.UnreadByte()
	}
}

// hasRecordsKey walks the first object's top-level keys, skipping their
// values, and stops at "Records" (true) or at the object's end (false).
func hasRecordsKey(dec *json.Decoder) (bool, error) {
	if _, err := dec.Token(); err != nil { // '{'
		return false, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false, err
		}
		if tok == "Records" {
			return true, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false, err
		}
	}
	_, err := dec.Token() // '}'
	return false, err
}

// gzipSize reads the ISIZE trailer: the uncompressed size (mod 2^32) of the
// last gzip member, exact for the usual single-member file.
func gzipSize(f *os.File, size int64) (int64, bool) {
	if size < 18 {
		return 0, false
	}
	var b [4]byte
	if _, err := f.ReadAt(b[:], size-4); err != nil {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint32(b[:])), true
}

// ExpandPaths turns arguments into the files to load, a subset of ctlake's
// ingest.Discover rules (this module does not import ctlake so that its
// build never depends on the main module's dependencies): a file is taken
// as given; a directory is walked in lexical order for *.json, *.jsonl,
// *.ndjson and *.gz files, skipping hidden entries and CloudTrail-Digest
// folders.
func ExpandPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if p != a && (strings.HasPrefix(name, ".") || (d.IsDir() && name == "CloudTrail-Digest")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && eventFileName(name) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	if len(out) == 0 {
		return nil, errors.New("no event files found")
	}
	return out, nil
}

func eventFileName(name string) bool {
	for _, ext := range []string{".json", ".jsonl", ".ndjson", ".gz"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
