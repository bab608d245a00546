package orcfile

import (
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// File is an open ORC file: its tail (postscript, footer, metadata) parsed
// and validated. Stripe data is read on demand by scans and by the stripe
// accessors. A File is safe for concurrent use by several scanners (ReadAt
// must be, as io.ReaderAt promises).
type File struct {
	r    io.ReaderAt
	size int64
	name string
	// closer is set by OpenFile.
	closer io.Closer
	// cacheKey names this version of the file in the metadata cache
	// (read_metacache.go); set by OpenFile, nil for Open.
	cacheKey *tailKey

	ps     *orcproto.PostScript
	footer *orcproto.Footer
	meta   *orcproto.Metadata

	root        *Column
	cols        []*Column // by column ID
	compression Compression
	blockSize   int
	stripes     []StripeInfo
	// checked: every chunk is a checksummed zstd frame (checksum.go).
	checked bool
	tailSum uint64 // xxh3-64 of the tail (checksum.go)
}

// StripeInfo locates one stripe: its index streams, data streams and footer
// follow each other from Offset.
type StripeInfo struct {
	Offset, IndexLength, DataLength, FooterLength uint64
	Rows                                          uint64
	// FirstRow is the file-wide number of the stripe's first row.
	FirstRow uint64
}

// readMaxTail is the most bytes the first tail read fetches. The footer
// and metadata of a store file (93 columns, a few stripes) take ~7 KB
// compressed; larger tails need a second read. (It was 256 KB: opening
// the 31 files of a 1M-event store copied 8 MB from the page cache, a
// fifth of a cold point lookup's CPU.)
const readMaxTail = 16 << 10

// readMaxBlockSize bounds the compression block size a postscript may claim:
// every chunk expands to at most this much, so it caps the memory a chunk
// can demand.
const readMaxBlockSize = 1 << 26

// OpenFile opens the ORC file at path. Close releases it. The parsed tail
// of an unchanged file is reused from earlier opens (read_tailcache.go).
func OpenFile(path string) (*File, error) {
	return openCached(path)
}

// Close closes the underlying file when the File came from OpenFile.
func (f *File) Close() error {
	if f.closer != nil {
		c := f.closer
		f.closer = nil
		return c.Close()
	}
	return nil
}

// Open reads and validates the tail of the ORC file r of size bytes. name is
// used in error messages only.
func Open(r io.ReaderAt, size int64, name string) (*File, error) {
	f := &File{r: r, size: size, name: name}
	if err := f.readTail(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

func (f *File) readTail() error {
	if f.size < 4 {
		return fmt.Errorf("%d bytes is too small for an ORC file: %w", f.size, ErrCorrupt)
	}
	n := min(f.size, readMaxTail)
	tail := make([]byte, n)
	if _, err := f.r.ReadAt(tail, f.size-n); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read tail: %w", err)
	}
	psLen := int(tail[n-1])
	if psLen == 0 || int64(psLen)+1 > n {
		return fmt.Errorf("postscript length %d does not fit the file: %w", psLen, ErrCorrupt)
	}
	psBytes := tail[n-1-int64(psLen) : n-1]
	ps := &orcproto.PostScript{}
	if err := orcproto.Unmarshal(psBytes, ps); err != nil {
		return fmt.Errorf("not an ORC file (postscript: %v): %w", err, ErrCorrupt)
	}
	if ps.GetMagic() != "ORC" {
		return fmt.Errorf("not an ORC file (no ORC magic in the postscript): %w", ErrCorrupt)
	}
	f.ps = ps
	if v := ps.GetVersion(); len(v) > 0 && (v[0] > 1 || v[0] == 1 && len(v) > 1 && v[1] > 0) {
		return fmt.Errorf("unsupported ORC version %v (this reader knows 0.11, 0.12 and 1.0)", v)
	}
	c, err := compressionFromKind(ps.GetCompression())
	if err != nil {
		return err
	}
	f.compression = c
	if c != CompressionNone {
		bs := ps.GetCompressionBlockSize()
		if bs == 0 {
			bs = DefaultBlockSize
		}
		if bs > readMaxBlockSize {
			return fmt.Errorf("compression block size %d is larger than %d: %w", bs, readMaxBlockSize, ErrCorrupt)
		}
		f.blockSize = int(bs)
	}
	footLen, metaLen := ps.GetFooterLength(), ps.GetMetadataLength()
	tailLen := footLen + metaLen + uint64(psLen) + 1
	if footLen == 0 || footLen > uint64(f.size) || metaLen > uint64(f.size) || tailLen > uint64(f.size) {
		return fmt.Errorf("footer (%d bytes) and metadata (%d bytes) do not fit the file of %d bytes: %w", footLen, metaLen, f.size, ErrCorrupt)
	}
	var tb []byte // footer and metadata bytes
	if int64(tailLen) <= n {
		tb = tail[n-int64(tailLen) : n-1-int64(psLen)]
	} else {
		tb = make([]byte, footLen+metaLen)
		if _, err := f.r.ReadAt(tb, f.size-int64(tailLen)); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read footer: %w", err)
		}
	}
	f.tailSum = tailHash(tb, tail[n-1-int64(psLen):n])
	footer := &orcproto.Footer{}
	if err := f.readSection(tb[metaLen:], footer); err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	f.footer = footer
	for _, m := range footer.GetMetadata() {
		if m.GetName() == ChecksumsKey && string(m.GetValue()) == checksumsValue {
			// The footer was decoded before this was known: check its
			// chunks now, and the metadata's before decoding it.
			if err := checkFramed(f.compression, tb); err != nil {
				return fmt.Errorf("footer or metadata: %w", err)
			}
			f.checked = true
		}
	}
	meta := &orcproto.Metadata{}
	if metaLen > 0 {
		if err := f.readSection(tb[:metaLen], meta); err != nil {
			return fmt.Errorf("metadata: %w", err)
		}
	}
	f.meta = meta
	root, err := ColumnsFromTypes(footer.GetTypes())
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	f.root = root
	f.cols = root.Columns()
	if st := footer.GetStatistics(); len(st) != 0 && len(st) != len(f.cols) {
		return fmt.Errorf("footer has statistics for %d columns, schema has %d: %w", len(st), len(f.cols), ErrCorrupt)
	}
	// Stripes must lie inside the file before the tail.
	limit := uint64(f.size) - tailLen
	var rows uint64
	for i, s := range footer.GetStripes() {
		si := StripeInfo{Offset: s.GetOffset(), IndexLength: s.GetIndexLength(), DataLength: s.GetDataLength(),
			FooterLength: s.GetFooterLength(), Rows: s.GetNumberOfRows(), FirstRow: rows}
		end := si.Offset + si.IndexLength + si.DataLength + si.FooterLength
		if si.Offset < 3 || end > limit || end < si.Offset || si.IndexLength > limit || si.DataLength > limit || si.FooterLength > limit || si.FooterLength == 0 {
			return fmt.Errorf("stripe %d (offset %d, %d+%d+%d bytes) lies outside the file's %d data bytes: %w",
				i, si.Offset, si.IndexLength, si.DataLength, si.FooterLength, limit, ErrCorrupt)
		}
		if si.Rows > 1<<40 {
			return fmt.Errorf("stripe %d claims %d rows: %w", i, si.Rows, ErrCorrupt)
		}
		rows += si.Rows
		f.stripes = append(f.stripes, si)
	}
	if footer.NumberOfRows != nil && rows != footer.GetNumberOfRows() {
		return fmt.Errorf("stripes hold %d rows, footer says %d: %w", rows, footer.GetNumberOfRows(), ErrCorrupt)
	}
	if ss := meta.GetStripeStats(); len(ss) > len(f.stripes) {
		return fmt.Errorf("metadata has statistics for %d stripes, file has %d: %w", len(ss), len(f.stripes), ErrCorrupt)
	}
	return nil
}

// readSection decompresses a tail section (footer or metadata) with the
// file's codec and parses it.
func (f *File) readSection(b []byte, m orcproto.Message) error {
	if f.compression != CompressionNone {
		out, _, err := decompressStream(f.compression, f.checked, nil, b, f.blockSize)
		if err != nil {
			return err
		}
		b = out
	}
	if err := orcproto.Unmarshal(b, m); err != nil {
		return fmt.Errorf("%v: %w", err, ErrCorrupt)
	}
	return nil
}

// Name is the name given to Open (the path for OpenFile).
func (f *File) Name() string { return f.name }

// Size is the file's length in bytes.
func (f *File) Size() int64 { return f.size }

// Root is the file's type tree; column IDs index Columns.
func (f *File) Root() *Column { return f.root }

// Columns lists every column in ID order (the root struct is column 0).
func (f *File) Columns() []*Column { return f.cols }

// Schema is the Arrow schema of the file's top-level columns as a scan of
// all columns produces them, except that dictionary-encoded strings come
// out as dictionary arrays (see ScanOptions).
func (f *File) Schema() *arrow.Schema { return f.root.Schema() }

// NumRows is the file's row count.
func (f *File) NumRows() uint64 { return f.footer.GetNumberOfRows() }

// Compression is the file's codec; BlockSize its compression block size
// (0 for uncompressed files).
func (f *File) Compression() Compression { return f.compression }

// BlockSize is the compression block size (0 when uncompressed).
func (f *File) BlockSize() int { return f.blockSize }

// RowIndexStride is the number of rows per row group (0: no row index).
func (f *File) RowIndexStride() int { return int(f.footer.GetRowIndexStride()) }

// Stripes lists the file's stripes in order.
func (f *File) Stripes() []StripeInfo { return f.stripes }

// Version is the file format version, e.g. [0 12].
func (f *File) Version() []uint32 { return f.ps.GetVersion() }

// WriterVersion is the postscript's writer version (0 = original Hive 0.11
// writer; 1 = HIVE-8732 fixed string statistics; 6 = ORC-135 UTC
// timestamp statistics; ...).
func (f *File) WriterVersion() uint32 { return f.ps.GetWriterVersion() }

// Writer is the footer's writer ID (0 = Java ORC, 1 = C++ ORC, 2 = Presto,
// ...), or -1 when absent (older files).
func (f *File) Writer() int {
	if f.footer.Writer == nil {
		return -1
	}
	return int(f.footer.GetWriter())
}

// UserMetadata returns the footer's user metadata as name/value pairs in
// file order.
func (f *File) UserMetadata() []UserMetadata {
	var out []UserMetadata
	for _, m := range f.footer.GetMetadata() {
		out = append(out, UserMetadata{Name: m.GetName(), Value: m.GetValue()})
	}
	return out
}

// UserMetadata is one user metadata entry of the footer.
type UserMetadata struct {
	Name  string
	Value []byte
}

// Footer and Metadata give the raw protobuf sections for tools that need
// fields this API does not surface. Do not modify them.
func (f *File) Footer() *orcproto.Footer { return f.footer }

// Metadata is the raw metadata section (stripe statistics).
func (f *File) Metadata() *orcproto.Metadata { return f.meta }
