package lakeapi

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v17/arrow"
)

// A query's result is written to DATA/api/results/<id>.ndjson as the
// engine streams it, one line per row holding the row's wire form
// ([{"col":"value"},...]), so that no result is ever held in memory and a
// page of GetQueryResults is a run of lines copied into the response. The
// file is written as <id>.ndjson.partial and renamed when the query ends;
// only a query whose record says FINISHED or TIMED_OUT is ever read, and
// only up to the size that record holds.
//
// A NextToken is the byte offset of the next page's first line, bound to
// the query by a hash, so a page is found without an index and a token
// from another query, or a forged one, is refused.

// maxPageBytes bounds one GetQueryResults page: rows stop being added once
// a page holds this much (at least one row is always returned). Lake states
// no byte limit; 1,000 rows of whole eventJson values could otherwise make
// one response hundreds of megabytes.
const maxPageBytes = 16 << 20

// resultWriter appends a query's rows to its results file, noting where
// every indexEvery-th row starts (rowindex.go).
type resultWriter struct {
	f     *os.File
	w     *bufio.Writer
	enc   *rowEncoder
	buf   []byte
	rows  int64
	bytes int64
	index []int64
}

func createResults(path string, enc *rowEncoder) (*resultWriter, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	return &resultWriter{f: f, w: bufio.NewWriterSize(f, 256<<10), enc: enc}, nil
}

// writeRecord renders and appends every row of rec.
func (rw *resultWriter) writeRecord(rec arrow.Record) error {
	for i := 0; i < int(rec.NumRows()); i++ {
		rw.buf = rw.enc.appendRow(rw.buf[:0], rec, i)
		if err := rw.writeRaw(rw.buf); err != nil {
			return err
		}
	}
	return nil
}

// writeRaw appends one rendered row.
func (rw *resultWriter) writeRaw(line []byte) error {
	if rw.rows%indexEvery == 0 {
		rw.index = append(rw.index, rw.bytes)
	}
	rw.rows++
	rw.bytes += int64(len(line)) + 1
	if _, err := rw.w.Write(line); err != nil {
		return err
	}
	return rw.w.WriteByte('\n')
}

// finish flushes the file and closes it (no fsync: see writeRecord).
func (rw *resultWriter) finish() error {
	err := rw.w.Flush()
	if cerr := rw.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// abort closes the file without syncing (it is about to be removed).
func (rw *resultWriter) abort() { rw.f.Close() }

// pageToken encodes offset for query id.
func pageToken(id string, offset int64) string {
	var b [1 + 8 + 8]byte
	b[0] = 1
	binary.BigEndian.PutUint64(b[1:9], uint64(offset))
	sum := tokenSum(id, offset)
	copy(b[9:], sum[:8])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func tokenSum(id string, offset int64) [32]byte {
	var o [8]byte
	binary.BigEndian.PutUint64(o[:], uint64(offset))
	return sha256.Sum256(append([]byte("ctlake-results|"+id+"|"), o[:]...))
}

// parsePageToken decodes a NextToken of query id.
func parsePageToken(id, token string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 17 || b[0] != 1 {
		return 0, errors.New("malformed")
	}
	off := int64(binary.BigEndian.Uint64(b[1:9]))
	sum := tokenSum(id, off)
	if off < 0 || string(sum[:8]) != string(b[9:]) {
		return 0, errors.New("not issued for this query")
	}
	return off, nil
}

// readPage reads up to max rows starting at offset of the results file,
// which holds size bytes. It returns the rows' lines joined with commas
// and the offset after them (size at the end).
func readPage(path string, size, offset int64, max int) ([]byte, int, int64, error) {
	if offset > size {
		return nil, 0, 0, fmt.Errorf("offset %d is past the result's %d bytes", offset, size)
	}
	if offset == size {
		return nil, 0, size, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	if offset > 0 {
		// A token always points just after a newline.
		var prev [1]byte
		if _, err := f.ReadAt(prev[:], offset-1); err != nil || prev[0] != '\n' {
			return nil, 0, 0, fmt.Errorf("offset %d is not the start of a row", offset)
		}
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, offset, size-offset), 64<<10)
	var out []byte
	n := 0
	pos := offset
	for n < max && pos < size && (n == 0 || len(out) < maxPageBytes) {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			full := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = r.ReadSlice('\n')
				full = append(full, line...)
			}
			line = full
		}
		if err != nil {
			return nil, 0, 0, fmt.Errorf("results file ends mid-row at %d: %v", pos, err)
		}
		pos += int64(len(line))
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, line[:len(line)-1]...)
		n++
	}
	return out, n, pos, nil
}
