package lakeapi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// GetQueryResults walks a result in order, page after page; the console's
// grid jumps: a scroll to row 60,000 of 100,000 asks for rows 60,000 to
// 60,200 only. So that such a page is found without reading what comes
// before it, a finished query's results file has an index beside it,
// DATA/api/results/<id>.idx: the byte offset where every indexEvery-th row
// starts, as little-endian int64s (8 bytes per 256 rows). A page then
// costs one seek and at most indexEvery-1 skipped lines.

const indexEvery = 256

func writeIndex(path string, offsets []int64) error {
	b := make([]byte, 8*len(offsets))
	for i, o := range offsets {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(o))
	}
	return os.WriteFile(path, b, 0o600)
}

// rowOffset is where row n of query id starts, as far as the index knows:
// the offset of the nearest indexed row at or before n, and that row's
// number. A missing index (results written before there was one) answers
// from the file's start.
func (m *queryManager) rowOffset(id string, n int64, size int64) (offset, row int64, err error) {
	f, err := os.Open(m.indexPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	slot := n / indexEvery
	var b [8]byte
	if _, err := f.ReadAt(b[:], slot*8); err != nil {
		return 0, 0, fmt.Errorf("results index of %s: row %d: %v", id, n, err)
	}
	offset = int64(binary.LittleEndian.Uint64(b[:]))
	if offset > size {
		return 0, 0, fmt.Errorf("results index of %s points past the results", id)
	}
	return offset, slot * indexEvery, nil
}

// rowsAt reads up to count rows of a finished query from row start: the
// rows' wire forms joined by commas, and how many there are.
func (m *queryManager) rowsAt(rec QueryRecord, start int64, count int) ([]byte, int, error) {
	if !rec.hasResults() {
		return nil, 0, errorf("InvalidParameterException", "the query is %s; it has no rows to read", rec.Status)
	}
	if start < 0 || count <= 0 {
		return nil, 0, errorf("InvalidParameterException", "rows from %d, count %d: want start >= 0 and count > 0", start, count)
	}
	if start >= rec.Rows {
		return nil, 0, nil
	}
	path := m.resultPath(rec.ID)
	off, row, err := m.rowOffset(rec.ID, start, rec.ResultBytes)
	if err != nil {
		return nil, 0, err
	}
	for row < start {
		skip := int(min(start-row, 1<<20))
		_, n, next, err := readPage(path, rec.ResultBytes, off, skip)
		if err != nil {
			return nil, 0, err
		}
		if n == 0 {
			return nil, 0, nil
		}
		off, row = next, row+int64(n)
	}
	rows, n, _, err := readPage(path, rec.ResultBytes, off, count)
	return rows, n, err
}
