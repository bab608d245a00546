package orcfile

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// WriterOptions tunes a Writer. The zero value means the defaults below.
type WriterOptions struct {
	// Compression is the codec of every stream, the metadata and the footer.
	// The zero value is CompressionNone's constant, so "unset" cannot be told
	// apart from "none" by value alone: set Uncompressed to write NONE.
	// Unset (zero) means DefaultCompression.
	Compression Compression
	// Uncompressed forces CompressionNone (see Compression).
	Uncompressed bool
	// BlockSize is the compression block size; 0 means DefaultBlockSize.
	BlockSize int
	// StripeSize is the target of encoded (uncompressed) bytes buffered per
	// stripe; a stripe is cut when the buffered size reaches it. 0 means
	// 64 MiB.
	StripeSize int64
	// RowIndexStride is the rows per row group; 0 means 10,000 and a
	// negative value disables the row index.
	RowIndexStride int
	// BloomFilterColumns are dotted paths of string columns (matched
	// case-insensitively, e.g. "eventID", "userIdentity.arn") that get a
	// bloom filter per row group. Requires the row index.
	BloomFilterColumns []string
	// BloomFilterFPP is the false positive probability; 0 means 0.01.
	BloomFilterFPP float64
	// DictionaryThreshold: per stripe and string column, DICTIONARY_V2 is
	// used when distinct/non-null values ≤ this, else DIRECT_V2. 0 means
	// 0.8 (Apache ORC's default); a negative value disables dictionaries.
	DictionaryThreshold float64
	// DirectColumns are dotted paths of string columns (matched like
	// BloomFilterColumns) always written DIRECT_V2, for values known to be
	// (nearly) unique — CloudTrail's eventID, requestID and the event's own
	// JSON. Trying a dictionary first costs hashing and copying a row
	// group's values, per stripe, only to replay them as direct.
	DirectColumns []string
	// Metadata are user metadata items stored in the footer.
	Metadata map[string][]byte
	// Checksums writes every chunk as a zstd frame with a content
	// checksum, which readers of this package verify (checksum.go). It
	// needs zstd compression.
	Checksums bool
}

const (
	writeDefaultStripeSize = 64 << 20
	writeDefaultStride     = 10000
	writeDefaultFPP        = 0.01
	writeDefaultDictRatio  = 0.8
	// writeSegmentRows bounds the rows encoded between two stripe-size
	// checks, so that one huge record cannot overshoot a stripe by much.
	writeSegmentRows = 4096
	// writeVersion is PostScript.writerVersion: 6 (ORC-135) tells readers
	// that timestamp statistics are in UTC.
	writeVersion = 6
)

// Writer writes one ORC file (format 0.12) from Arrow records.
//
// Encodings: integers, dates, lengths, dictionary ids and timestamp
// seconds/nanos use RLE v2 (SHORT_REPEAT, DIRECT and DELTA; never
// PATCHED_BASE); booleans and bytes use byte RLE; floats and doubles are
// IEEE little-endian; strings choose DICTIONARY_V2 or DIRECT_V2 per stripe
// and column. PRESENT streams are written only for columns that have NULLs
// in the stripe. Timestamps are stored in UTC (writerTimezone "UTC").
//
// Statistics are written per row group (row index), per stripe (metadata)
// and per file (footer), with timestamps in milliseconds. String minimum
// and maximum are left out for a column whose values exceed 1 KiB (Apache
// ORC truncates into lowerBound/upperBound fields our protobufs lack).
//
// Memory: the writer buffers one stripe's encoded streams — about
// StripeSize bytes, plus for dictionary-encoded string columns the distinct
// values, 4 bytes per value and the hash table — and never the input
// records: each Write encodes its rows immediately. DirectColumns are
// the exception that saves most: their DATA streams are compressed a block
// at a time as they fill (write_chunked.go), so a stripe holds eventJson
// compressed. Buffers keep their
// capacity across stripes (up to twice their use), and a flush adds the
// stripe's compressed streams. Measured for 1M CloudTrail rows, 64 MiB
// stripes, ZSTD: at most 146 MB live between writes, 339 MB peak HeapInuse
// with GC slack and the generator's garbage.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	w      io.Writer
	schema *arrow.Schema
	root   *Column
	types  []*orcproto.Type
	cols   []*wColumn // top-level columns (children of the root)
	all    []*wColumn // every column but the root, in column-ID order

	comp      Compression
	blockSize int
	stripeMax int64
	stride    int // rows per row group (also used internally when the index is off)
	index     bool
	metadata  map[string][]byte
	checksums bool   // WriterOptions.Checksums
	tailSum   uint64 // of the tail Close wrote (checksum.go)

	root0 wColumnRoot

	offset      uint64 // bytes written so far
	rows        uint64
	stripeRows  int
	rgRows      int
	rgOpen      bool
	groupBuf    []writeGroup  // WriteRuns' scratch
	strCols     []int         // top-level plain string columns (see write_strings.go)
	strColOf    []int         // per top-level column: its index in strCols, or -1
	strViews    wStrViews     // WriteRuns' resolved string columns
	checked     *arrow.Schema // the last schema checkRecord accepted
	stripes     []*orcproto.StripeInformation
	stripeStats []*orcproto.StripeStatistics
	buf         []byte // compressed data streams of the stripe being flushed
	err         error  // sticky: a failed write leaves the file unusable
	closed      bool
}

// wColumnRoot holds column 0's statistics (row counts).
type wColumnRoot struct {
	rg, stripe, file wStats
	entries          []*orcproto.ColumnStatistics
}

// NewWriter starts an ORC file on w for records of schema, writing the
// 3-byte header at once.
func NewWriter(w io.Writer, schema *arrow.Schema, opts WriterOptions) (*Writer, error) {
	root, types, err := ColumnsFromArrow(schema)
	if err != nil {
		return nil, err
	}
	wr := &Writer{w: w, schema: schema, root: root, types: types, metadata: opts.Metadata}
	wr.comp = opts.Compression
	if opts.Compression == CompressionNone {
		wr.comp = DefaultCompression
	}
	if opts.Uncompressed {
		wr.comp = CompressionNone
	}
	if _, ok := compressionNames[wr.comp]; !ok {
		return nil, fmt.Errorf("orc writer: unknown compression %v", wr.comp)
	}
	if opts.Checksums {
		if wr.comp != CompressionZstd {
			return nil, fmt.Errorf("orc writer: checksums need zstd compression, not %v", wr.comp)
		}
		wr.checksums = true
		md := make(map[string][]byte, len(opts.Metadata)+1)
		for k, v := range opts.Metadata {
			md[k] = v
		}
		md[ChecksumsKey] = []byte(checksumsValue)
		wr.metadata = md
	}
	wr.blockSize = opts.BlockSize
	if wr.blockSize == 0 {
		wr.blockSize = DefaultBlockSize
	}
	if wr.blockSize < 0 || wr.blockSize > maxChunkLen {
		return nil, fmt.Errorf("orc writer: block size %d out of range (1..%d)", wr.blockSize, maxChunkLen)
	}
	wr.stripeMax = opts.StripeSize
	if wr.stripeMax <= 0 {
		wr.stripeMax = writeDefaultStripeSize
	}
	wr.stride, wr.index = opts.RowIndexStride, true
	if wr.stride == 0 {
		wr.stride = writeDefaultStride
	}
	if wr.stride < 0 {
		wr.stride, wr.index = writeDefaultStride, false
	}
	dictRatio := opts.DictionaryThreshold
	if dictRatio == 0 {
		dictRatio = writeDefaultDictRatio
	}
	fpp := opts.BloomFilterFPP
	if fpp == 0 {
		fpp = writeDefaultFPP
	}
	if fpp <= 0 || fpp >= 1 {
		return nil, fmt.Errorf("orc writer: bloom filter fpp %v out of range (0, 1)", fpp)
	}
	for i, ch := range root.Children {
		wr.cols = append(wr.cols, wNewColumn(ch))
		k := -1
		if schema.Field(i).Type.ID() == arrow.STRING && wr.cols[i].str != nil {
			k = len(wr.strCols)
			wr.strCols = append(wr.strCols, i)
		}
		wr.strColOf = append(wr.strColOf, k)
	}
	var walk func(*wColumn)
	walk = func(c *wColumn) {
		wr.all = append(wr.all, c)
		if c.str != nil {
			c.str.threshold = dictRatio
			c.str.reset()
		}
		for _, ch := range c.children {
			walk(ch)
		}
	}
	for _, c := range wr.cols {
		walk(c)
	}
	wr.root0.rg.kind, wr.root0.stripe.kind, wr.root0.file.kind = orcproto.Type_STRUCT, orcproto.Type_STRUCT, orcproto.Type_STRUCT
	if err := wr.setupBlooms(opts.BloomFilterColumns, fpp); err != nil {
		return nil, err
	}
	for _, p := range opts.DirectColumns {
		c, ok := wr.root.Find(p)
		if !ok || c.Kind != orcproto.Type_STRING {
			return nil, fmt.Errorf("orc writer: direct column %q is not a string column of the schema", p)
		}
		wc := wr.all[c.ID-1]
		wc.str.threshold = -1
		wc.str.reset()
	}
	if wr.comp != CompressionNone {
		for _, c := range wr.all {
			if c.str != nil && c.str.threshold < 0 {
				c.str.chunked = newChunker(wr.comp, wr.checksums, wr.blockSize)
			}
		}
	}
	if err := wr.emit([]byte("ORC")); err != nil {
		return nil, err
	}
	return wr, nil
}

// setupBlooms marks the columns that get bloom filters.
func (wr *Writer) setupBlooms(paths []string, fpp float64) error {
	if len(paths) == 0 {
		return nil
	}
	if !wr.index {
		return errors.New("orc writer: bloom filters need the row index (RowIndexStride ≥ 0)")
	}
	if wNewBloomFilter == nil {
		return errors.New("orc writer: bloom filters are not available in this build")
	}
	for _, p := range paths {
		c, ok := wr.root.Find(p)
		if !ok {
			return fmt.Errorf("orc writer: bloom filter column %q is not in the schema", p)
		}
		if c.Kind != orcproto.Type_STRING {
			return fmt.Errorf("orc writer: bloom filter column %q is %v, not a string", c.Path, c.Kind)
		}
		wc := wr.all[c.ID-1]
		wc.bloomOn = true
		n := wr.stride
		wc.newBloom = func() (wBloom, error) { return wNewBloomFilter(n, fpp) }
	}
	return nil
}

// emit writes bytes to the file, keeping the offset.
func (wr *Writer) emit(b []byte) error {
	n, err := wr.w.Write(b)
	wr.offset += uint64(n)
	if err != nil {
		wr.err = fmt.Errorf("orc writer: %w", err)
		return wr.err
	}
	return nil
}

// Write encodes the rows of rec into the current stripe, cutting stripes as
// they fill. rec's schema must match the writer's (field names, order and
// types).
func (wr *Writer) Write(rec arrow.Record) error {
	return wr.WriteRuns([]Run{{rec, 0, int(rec.NumRows())}})
}

// Run is the rows [Lo, Hi) of a record.
type Run struct {
	Rec    arrow.Record
	Lo, Hi int
}

// WriteRuns encodes the given runs of rows, in that order, as if they were
// one record. It lets a caller write rows in an order of its own (ingest
// sorts events by time across the chunks it decoded, and neighbouring
// events mostly come from different chunks) without gathering them into a
// new record first: the encoders copy the values anyway, so a gather would
// copy every byte twice.
func (wr *Writer) WriteRuns(runs []Run) error {
	if wr.err != nil {
		return wr.err
	}
	if wr.closed {
		return errors.New("orc writer: Write after Close")
	}
	for _, r := range runs {
		if err := wr.checkRecord(r.Rec); err != nil {
			return err
		}
		if n := int(r.Rec.NumRows()); r.Lo < 0 || r.Hi > n || r.Lo > r.Hi {
			return fmt.Errorf("orc writer: rows [%d, %d) outside the record's %d rows", r.Lo, r.Hi, n)
		}
	}
	groups := wr.groupBuf[:0]
	views := &wr.strViews
	views.reset()
	defer views.reset() // do not keep the caller's records alive
	ri, at := 0, 0      // the next row to write is runs[ri].Lo + at
	for ri < len(runs) {
		// One segment: up to seg rows taken from consecutive runs, grouped
		// by record so that each column is called once per record.
		seg := min(wr.stride-wr.rgRows, writeSegmentRows)
		for i := range groups {
			groups[i].rs = groups[i].rs[:0]
		}
		groups = groups[:0]
		got := 0
		for ri < len(runs) && got < seg {
			r := runs[ri]
			lo := r.Lo + at
			take := min(r.Hi-lo, seg-got)
			if take > 0 {
				if len(groups) == 0 || groups[len(groups)-1].rec != r.Rec {
					if len(groups) < cap(groups) {
						groups = groups[:len(groups)+1]
						groups[len(groups)-1].rec = r.Rec
						groups[len(groups)-1].rs = groups[len(groups)-1].rs[:0]
					} else {
						groups = append(groups, writeGroup{rec: r.Rec})
					}
					if len(wr.strCols) > 0 {
						groups[len(groups)-1].ri = views.index(r.Rec, wr.strCols)
					}
				}
				g := &groups[len(groups)-1]
				if k := len(g.rs); k > 0 && g.rs[k-1].hi == lo {
					g.rs[k-1].hi = lo + take
				} else {
					g.rs = append(g.rs, wRange{lo, lo + take})
				}
				got += take
			}
			if lo+take == r.Hi {
				ri, at = ri+1, 0
			} else {
				at += take
			}
		}
		if got == 0 {
			break
		}
		if !wr.rgOpen {
			if err := wr.openRowGroup(); err != nil {
				return err
			}
		}
		for i, c := range wr.cols {
			if k := wr.strColOf[i]; k >= 0 && views.ok && len(groups) > 1 {
				c.writeStringViews(k, len(wr.strCols), groups, views.views)
				continue
			}
			for _, g := range groups {
				if err := c.write(g.rec.Column(i), g.rs); err != nil {
					wr.err = err
					return err
				}
			}
		}
		wr.root0.rg.n += uint64(got)
		wr.rgRows += got
		wr.stripeRows += got
		wr.rows += uint64(got)
		if wr.rgRows == wr.stride {
			wr.closeRowGroup()
		}
		if wr.bufferedSize() >= wr.stripeMax {
			if err := wr.flushStripe(); err != nil {
				return err
			}
		}
	}
	for i := range groups {
		groups[i].rec = nil // do not keep the caller's records alive
	}
	wr.groupBuf = groups
	return nil
}

// writeGroup is the rows of one record inside a segment.
type writeGroup struct {
	rec arrow.Record
	ri  int // rec's index in the call's string views
	rs  []wRange
}

// checkRecord checks a record's schema against the file's, once per schema
// object: ingest writes thousands of runs of the same few records.
func (wr *Writer) checkRecord(rec arrow.Record) error {
	s := rec.Schema()
	if s == wr.checked {
		return nil
	}
	if err := wr.checkSchema(s); err != nil {
		return err
	}
	wr.checked = s
	return nil
}

func (wr *Writer) checkSchema(s *arrow.Schema) error {
	want := wr.schema.Fields()
	got := s.Fields()
	if len(got) != len(want) {
		return fmt.Errorf("orc writer: record has %d columns, the file has %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name {
			return fmt.Errorf("orc writer: column %d is %q, the file has %q", i, got[i].Name, want[i].Name)
		}
		if !arrow.TypeEqual(got[i].Type, want[i].Type) {
			return fmt.Errorf("orc writer: column %q is %v, the file has %v", want[i].Name, got[i].Type, want[i].Type)
		}
	}
	return nil
}

func (wr *Writer) bufferedSize() int64 {
	var n int64
	for _, c := range wr.cols {
		n += int64(c.size())
	}
	return n
}

func (wr *Writer) openRowGroup() error {
	for _, c := range wr.cols {
		if err := c.openRowGroup(); err != nil {
			wr.err = err
			return err
		}
	}
	wr.rgOpen = true
	return nil
}

func (wr *Writer) closeRowGroup() {
	r := &wr.root0
	r.entries = append(r.entries, r.rg.proto())
	r.stripe.merge(&r.rg)
	r.rg.reset()
	for _, c := range wr.cols {
		c.closeRowGroup()
	}
	wr.rgOpen = false
	wr.rgRows = 0
}

// Close flushes the last stripe (a file with no rows has no stripes) and
// writes the metadata, footer and postscript. It does not close the
// underlying writer.
func (wr *Writer) Close() error {
	if wr.err != nil {
		return wr.err
	}
	if wr.closed {
		return nil
	}
	wr.closed = true
	if wr.stripeRows > 0 {
		if err := wr.flushStripe(); err != nil {
			return err
		}
	}
	return wr.writeTail()
}

// writeTail writes the metadata section, the footer and the postscript.
func (wr *Writer) writeTail() error {
	meta, err := wr.compressed(&orcproto.Metadata{StripeStats: wr.stripeStats})
	if err != nil {
		return err
	}
	contentLength := wr.offset
	if err := wr.emit(meta); err != nil {
		return err
	}
	footer := &orcproto.Footer{
		HeaderLength:  wU64(3),
		ContentLength: wU64(contentLength),
		Stripes:       wr.stripes,
		Types:         wr.types,
		NumberOfRows:  wU64(wr.rows),
	}
	if wr.index {
		footer.RowIndexStride = wU32(uint32(wr.stride))
	} else {
		footer.RowIndexStride = wU32(0)
	}
	footer.Statistics = append(footer.Statistics, wr.root0.file.proto())
	for _, c := range wr.all {
		footer.Statistics = append(footer.Statistics, c.file.proto())
	}
	keys := make([]string, 0, len(wr.metadata))
	for k := range wr.metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		footer.Metadata = append(footer.Metadata, &orcproto.UserMetadataItem{Name: wStr(k), Value: wr.metadata[k]})
	}
	fb, err := wr.compressed(footer)
	if err != nil {
		return err
	}
	if err := wr.emit(fb); err != nil {
		return err
	}
	ps := &orcproto.PostScript{
		FooterLength:   wU64(uint64(len(fb))),
		Compression:    wr.comp.Kind().Enum(),
		Version:        []uint32{0, 12},
		MetadataLength: wU64(uint64(len(meta))),
		WriterVersion:  wU32(writeVersion),
		Magic:          wStr("ORC"),
	}
	if wr.comp != CompressionNone {
		ps.CompressionBlockSize = wU64(uint64(wr.blockSize))
	}
	pb, err := writeMarshal(ps)
	if err != nil {
		return err
	}
	if len(pb) > 255 {
		return fmt.Errorf("orc writer: postscript is %d bytes, more than 255", len(pb))
	}
	pb = append(pb, byte(len(pb)))
	wr.tailSum = tailHash(meta, fb, pb)
	return wr.emit(pb)
}
