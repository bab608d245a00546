package orcfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// readHive11Scale is the scale given to Hive 0.11 decimals (no precision in
// the type), as the C++ reader's forcedScaleOnHive11Decimal default does.
const readHive11Scale = 6

// ScanOptions choose what a Scanner reads.
type ScanOptions struct {
	// Columns are top-level names or dotted paths into structs, matched
	// case-insensitively. A path such as "userIdentity.arn" reads only that
	// field: the result has a struct column userIdentity holding just arn
	// (plus any other requested fields of userIdentity). Columns come out
	// in file order, not request order. Empty: every column.
	Columns []string
	// Stripes to read, in the order given. nil: all, in file order.
	Stripes []int
	// RowGroups, when set, picks the row groups of each stripe to read. It
	// gets the stripe and a function returning a column's row index
	// (positions and row-group statistics) and returns one bool per row
	// group (missing entries mean false). Stripes without a row index are
	// read whole.
	RowGroups func(s *Stripe, rowIndex func(col int) ([]RowGroup, error)) ([]bool, error)
	// BatchSize is the most rows per record (default 8192). Records never
	// span stripes or runs of selected row groups.
	BatchSize int
	// Allocator for the records' buffers (default memory.DefaultAllocator).
	Allocator memory.Allocator
	// Context cancels a scan between batches (default: none).
	Context context.Context
	// PlainStrings makes dictionary-encoded string columns come out as plain
	// string arrays. By default they are dictionary<int32, string> arrays
	// that share the stripe's dictionary, so a record's schema can differ
	// from Scanner.Schema (and between stripes) in exactly those columns.
	PlainStrings bool
	// Sparse says the caller will Skip most rows (a top-N fetching the
	// rest of its winning rows): the data of direct-encoded string columns
	// is then decompressed chunk by chunk as values are read, and chunks
	// that only skipped rows touch never are (see scan_lazy.go).
	Sparse bool
	// DefaultTimezone is the writer time zone assumed for stripes that do
	// not record one (ORC 0.11 files); default UTC.
	DefaultTimezone *time.Location
}

// Scanner reads a File's rows as Arrow records. It is not safe for
// concurrent use; open one per goroutine.
//
// ORC types map to Arrow as File.Schema says, with these rules:
//
//   - STRING, VARCHAR and CHAR come out as string arrays for DIRECT
//     stripes and as dictionary<int32, string> arrays for DICTIONARY
//     stripes (one dictionary per stripe, shared by its batches), unless
//     ScanOptions.PlainStrings is set.
//   - TIMESTAMP values are stored as seconds since 2015-01-01 00:00:00 in
//     the writer's time zone (the stripe footer's writerTimezone). The
//     reader returns the instant, timestamp[ns, UTC]: for files written in
//     UTC (ctlake's) that is the written value; for files written in
//     another zone it is the moment the writer's wall clock showed, which
//     is what Hive/Spark/Trino with a matching session zone and Apache's
//     orc-contents (in its local zone) display. Files without a
//     writerTimezone (ORC 0.11) assume ScanOptions.DefaultTimezone.
//   - DECIMAL keeps its scale; Hive 0.11 decimals (no precision in the
//     type, a scale per value) become decimal(38, 6) rounded half away
//     from zero, as Apache ORC's C++ reader does by default.
//   - UNION becomes a dense union; Arrow unions have no nulls of their
//     own, so a null union value reads as variant 0 holding null.
//   - A struct named by dotted paths (userIdentity.arn) holds only the
//     named fields, in file order.
type Scanner struct {
	f      *File
	opts   ScanOptions
	ctx    context.Context
	roots  []*readColumn
	all    []*readColumn
	schema *arrow.Schema

	stripes []int
	si      int // next index into stripes
	stripe  *Stripe
	runs    [][2]int // row ranges of the current stripe to read
	ri      int
	row     int // next row of the current run
	index   map[int][]RowGroup
	raw     []byte
	tz      map[string]*time.Location
	recSch  *arrow.Schema
	err     error
	// bytesRead counts the file bytes fetched for streams, for scan
	// statistics ("bytes scanned", as Lake bills them).
	bytesRead int64
}

// BytesRead is the number of compressed stream bytes read so far.
func (s *Scanner) BytesRead() int64 { return s.bytesRead }

// Scan starts a scan. Unknown column names are an error naming them.
func (f *File) Scan(opts ScanOptions) (*Scanner, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 8192
	}
	if opts.Allocator == nil {
		opts.Allocator = memory.DefaultAllocator
	}
	s := &Scanner{f: f, opts: opts, ctx: opts.Context, tz: map[string]*time.Location{}}
	if s.ctx == nil {
		s.ctx = context.Background()
	}
	if err := s.buildTree(); err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	if opts.Stripes == nil {
		for i := range f.stripes {
			s.stripes = append(s.stripes, i)
		}
	} else {
		for _, i := range opts.Stripes {
			if i < 0 || i >= len(f.stripes) {
				return nil, fmt.Errorf("%s: stripe %d out of range (file has %d)", f.name, i, len(f.stripes))
			}
		}
		s.stripes = opts.Stripes
	}
	return s, nil
}

// buildTree resolves the column names into the tree of readers.
func (s *Scanner) buildTree() error {
	root := s.f.root
	if root.Bare() {
		return s.buildBare()
	}
	sel := make([]int8, len(s.f.cols)) // 2: whole subtree, 1: some struct fields
	if len(s.opts.Columns) == 0 {
		for _, c := range root.Children {
			sel[c.ID] = 2
		}
	}
	var unknown []string
	for _, name := range s.opts.Columns {
		c, ok := root.Find(name)
		if !ok || c == root {
			unknown = append(unknown, fmt.Sprintf("%q", name))
			continue
		}
		sel[c.ID] = 2
		for p := c.Parent; p != nil && p != root; p = p.Parent {
			if sel[p.ID] == 0 {
				sel[p.ID] = 1
			}
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("unknown column(s) %s", strings.Join(unknown, ", "))
	}
	var build func(c *Column, whole bool) *readColumn
	build = func(c *Column, whole bool) *readColumn {
		rc := &readColumn{col: c, outType: c.Type, mem: s.opts.Allocator, plain: s.opts.PlainStrings}
		if c.Kind == orcproto.Type_DECIMAL && c.Precision == 0 {
			// Hive 0.11 decimals carry a scale per value and none in the
			// type: use the scale Apache ORC's C++ reader forces on them.
			rc.outType = &arrow.Decimal128Type{Precision: 38, Scale: readHive11Scale}
		}
		s.all = append(s.all, rc)
		for _, ch := range c.Children {
			if whole || sel[ch.ID] > 0 {
				rc.children = append(rc.children, build(ch, whole || sel[ch.ID] == 2))
			}
		}
		if c.Kind == orcproto.Type_STRUCT && !whole {
			fields := make([]arrow.Field, len(rc.children))
			for i, ch := range rc.children {
				fields[i] = arrow.Field{Name: ch.col.Name, Type: ch.outType, Nullable: true}
			}
			rc.outType = arrow.StructOf(fields...)
		}
		return rc
	}
	var fields []arrow.Field
	for _, c := range root.Children {
		if sel[c.ID] > 0 {
			rc := build(c, sel[c.ID] == 2)
			s.roots = append(s.roots, rc)
			fields = append(fields, arrow.Field{Name: c.Name, Type: rc.outType, Nullable: true})
		}
	}
	s.schema = arrow.NewSchema(fields, nil)
	return nil
}

// buildBare reads a file whose root is one column, not a struct, as a
// table of that column (named BareColumnName).
func (s *Scanner) buildBare() error {
	root := s.f.root
	for _, name := range s.opts.Columns {
		if name != BareColumnName {
			return fmt.Errorf("unknown column(s) %q (the file's root is a bare %v column, %s)", name, root.Kind, BareColumnName)
		}
	}
	var build func(c *Column) *readColumn
	build = func(c *Column) *readColumn {
		rc := &readColumn{col: c, outType: c.Type, mem: s.opts.Allocator, plain: s.opts.PlainStrings}
		if c.Kind == orcproto.Type_DECIMAL && c.Precision == 0 {
			rc.outType = &arrow.Decimal128Type{Precision: 38, Scale: readHive11Scale}
		}
		s.all = append(s.all, rc)
		for _, ch := range c.Children {
			rc.children = append(rc.children, build(ch))
		}
		return rc
	}
	rc := build(root)
	s.roots = []*readColumn{rc}
	s.schema = arrow.NewSchema([]arrow.Field{{Name: BareColumnName, Type: rc.outType, Nullable: true}}, nil)
	return nil
}

// Schema is the scan's nominal schema (string columns typed string; see
// ScanOptions.PlainStrings).
func (s *Scanner) Schema() *arrow.Schema { return s.schema }

// Close releases the stripe dictionaries the scanner holds.
func (s *Scanner) Close() {
	for _, rc := range s.all {
		if rc.dict != nil {
			rc.dict.Release()
			rc.dict = nil
		}
		for i := range rc.streams {
			rs := &rc.streams[i]
			readPutBuf(rs.buf)
			rs.buf, rs.b, rs.chunks, rs.shared, rs.lazy = nil, nil, nil, nil, nil
		}
		rc.readPutColumnScratch() // read_scratchcache.go
	}
	readPutBuf(s.raw)
	s.raw = nil
}

// Next returns the next batch of rows, or io.EOF after the last. The
// caller releases each record. After an error, Next keeps returning it.
func (s *Scanner) Next() (arrow.Record, error) {
	if s.err != nil {
		return nil, s.err
	}
	rec, err := s.next()
	if err != nil {
		s.err = err
	}
	return rec, err
}

func (s *Scanner) next() (arrow.Record, error) { return s.nextN(s.opts.BatchSize) }

// position loads stripes until the current run has rows left, or returns
// io.EOF.
func (s *Scanner) position() error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	for s.stripe == nil || s.ri >= len(s.runs) {
		if s.si >= len(s.stripes) {
			return io.EOF
		}
		i := s.stripes[s.si]
		s.si++
		if err := s.loadStripe(i); err != nil {
			return s.wrap(i, err)
		}
	}
	return nil
}

// consumed moves past k rows of the current run, seeking the decoders to
// the next run when this one is done.
func (s *Scanner) consumed(k int) error {
	s.row += k
	if s.row >= s.runs[s.ri][1] {
		s.ri++
		if s.ri < len(s.runs) {
			if err := s.seekRun(); err != nil {
				return s.wrap(s.stripe.Index, err)
			}
		}
	}
	return nil
}

// advance runs fn over the next k ≤ limit rows of the current run (loading
// the next stripe first if needed) and moves past them.
func (s *Scanner) advance(limit int, fn func(k int) error) (int, error) {
	if err := s.position(); err != nil {
		return 0, err
	}
	k := min(limit, s.runs[s.ri][1]-s.row)
	if err := fn(k); err != nil {
		return 0, s.wrap(s.stripe.Index, err)
	}
	return k, s.consumed(k)
}

func (s *Scanner) nextN(limit int) (arrow.Record, error) {
	cols := make([]arrow.Array, len(s.roots))
	release := func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}
	n, err := s.advance(limit, func(n int) error {
		for i, rc := range s.roots {
			d, err := rc.read(n, nil)
			if err != nil {
				return err
			}
			cols[i] = array.MakeFromData(d)
			d.Release()
		}
		return nil
	})
	if err != nil {
		release()
		return nil, err
	}
	rec := array.NewRecord(s.recordSchema(cols), cols, int64(n))
	release()
	return rec, nil
}

// recordSchema is the schema for a batch's arrays, reused while the types
// stay the same.
func (s *Scanner) recordSchema(cols []arrow.Array) *arrow.Schema {
	if s.f.root.Bare() {
		return arrow.NewSchema([]arrow.Field{{Name: BareColumnName, Type: cols[0].DataType(), Nullable: true}}, nil)
	}
	if s.recSch != nil {
		same := true
		for i, c := range cols {
			if !arrow.TypeEqual(s.recSch.Field(i).Type, c.DataType()) {
				same = false
				break
			}
		}
		if same {
			return s.recSch
		}
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: s.roots[i].col.Name, Type: c.DataType(), Nullable: true}
	}
	s.recSch = arrow.NewSchema(fields, nil)
	return s.recSch
}

func (s *Scanner) wrap(stripe int, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ce *readColErr
	if errors.As(err, &ce) {
		return fmt.Errorf("%s: stripe %d, %w", s.f.name, stripe, err)
	}
	return fmt.Errorf("%s: stripe %d: %w", s.f.name, stripe, err)
}

// location resolves a writer time zone name.
func (s *Scanner) location(name string) (*time.Location, error) {
	if name == "" {
		if s.opts.DefaultTimezone != nil {
			return s.opts.DefaultTimezone, nil
		}
		return time.UTC, nil
	}
	if l, ok := s.tz[name]; ok {
		return l, nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("writer time zone %q: %v", name, err)
	}
	s.tz[name] = l
	return l, nil
}

// loadStripe reads the streams the scan needs from stripe i, resets the
// decoders and works out which rows to read.
func (s *Scanner) loadStripe(i int) error {
	st, err := s.f.readStripe(i)
	if err != nil {
		return err
	}
	if err := s.selectRuns(st); err != nil || len(s.runs) == 0 {
		return err
	}
	rows := int(st.Info.Rows)
	if err := s.readStreams(st); err != nil {
		return err
	}
	var loc *time.Location
	for _, rc := range s.all {
		enc := st.Encodings[rc.col.ID]
		rc.dictLen = int(enc.GetDictionarySize())
		if rc.col.Kind == orcproto.Type_TIMESTAMP && loc == nil {
			if loc, err = s.location(st.WriterTimezone); err != nil {
				return err
			}
		}
		if err := rc.startStripe(enc.GetKind(), loc); err != nil {
			return err
		}
	}
	// Every row consumes at least a bit of some scanned stream, and no
	// encoding packs more than 520 values into a byte, so a row count
	// beyond that comes from a corrupt footer; without this check it would
	// spin through empty batches (a struct<> scan) for a very long time.
	budget := 1 << 16
	for _, rc := range s.roots {
		budget += 1024 * rc.streamBytes()
	}
	if rows > budget {
		return fmt.Errorf("claims %d rows but its streams hold at most %d values: %w", rows, budget, ErrCorrupt)
	}
	if s.runs[0] != [2]int{0, rows} || len(s.runs) > 1 {
		return s.seekRun()
	}
	return nil
}

// selectRuns makes st the current stripe and works out its runs of rows
// to read: the row groups ScanOptions.RowGroups keeps, or every row.
// Choosing them first means that when the row index and bloom filters
// rule out every row group (a point lookup), the stripe's data streams are
// never read or decompressed.
func (s *Scanner) selectRuns(st *Stripe) error {
	s.stripe, s.runs, s.ri, s.row, s.index = st, nil, 0, 0, nil
	rows := int(st.Info.Rows)
	if rows == 0 {
		return nil
	}
	stride := s.f.RowIndexStride()
	if s.opts.RowGroups == nil || stride <= 0 || !s.hasRowIndex(st) {
		s.runs = [][2]int{{0, rows}}
		return nil
	}
	groups := (rows + stride - 1) / stride
	want, err := s.opts.RowGroups(st, s.rowIndex)
	if err != nil {
		return err
	}
	for g := 0; g < groups; g++ {
		if g >= len(want) || !want[g] {
			continue
		}
		start, end := g*stride, min((g+1)*stride, rows)
		if k := len(s.runs); k > 0 && s.runs[k-1][1] == start {
			s.runs[k-1][1] = end
		} else {
			s.runs = append(s.runs, [2]int{start, end})
		}
	}
	return nil
}

func (s *Scanner) hasRowIndex(st *Stripe) bool {
	for _, rc := range s.all {
		if _, ok := st.stream(rc.col.ID, orcproto.Stream_ROW_INDEX); !ok {
			return false
		}
	}
	return true
}

func (s *Scanner) rowIndex(col int) ([]RowGroup, error) {
	if g, ok := s.index[col]; ok {
		return g, nil
	}
	g, err := s.f.RowIndex(s.stripe, col)
	if err != nil {
		return nil, err
	}
	if s.index == nil {
		s.index = map[int][]RowGroup{}
	}
	s.index[col] = g
	return g, nil
}

// seekRun positions every decoder at the start of the current run.
func (s *Scanner) seekRun() error {
	run := s.runs[s.ri]
	s.row = run[0]
	if run[0] == 0 {
		return nil // decoders start there after loadStripe
	}
	g := run[0] / s.f.RowIndexStride()
	for _, rc := range s.all {
		idx, err := s.rowIndex(rc.col.ID)
		if err != nil {
			return err
		}
		if g >= len(idx) {
			return rc.fail(-1, fmt.Errorf("row index has %d entries, row group %d needed: %w", len(idx), g, ErrCorrupt))
		}
		if err := rc.seek(idx[g].Positions, s.f.compression); err != nil {
			return err
		}
	}
	return nil
}

// readWant is one stream part a stripe's read fetches.
type readWant struct {
	ss   StripeStream // the part of the stream to read
	from int          // where that part starts in the stream
	rc   *readColumn
	slot int
	rk   int // index of the merged range holding it
}

// readRange is one ReadAt of a stripe's read: file bytes [off, end), placed
// at raw[at:].
type readRange struct{ off, end, at uint64 }

// planReads works out which parts of which streams a stripe's read
// fetches and the merged file ranges that hold them. Streams read lazily
// (ScanOptions.Sparse) are not among them: lazy calls back for each one.
func (s *Scanner) planReads(st *Stripe, lazy func(rc *readColumn, slot int, ss StripeStream, from int) error) ([]readWant, []readRange, uint64, error) {
	// Read and decompress each positioned stream from the chunk where the
	// first selected row group starts (see scan_partial.go).
	starts, err := s.partialStarts(st)
	if err != nil {
		return nil, nil, 0, err
	}
	var wants []readWant
	for _, rc := range s.all {
		for slot, kind := range readSlotKinds {
			rs := &rc.streams[slot]
			rs.present, rs.kind, rs.b, rs.chunks, rs.lazy = false, kind, nil, nil, nil
			ss, ok := st.stream(rc.col.ID, kind)
			if !ok {
				continue
			}
			from := 0
			if at, ok := starts[rc]; ok && at[slot] > 0 && at[slot] < int64(ss.Length) {
				from = int(at[slot])
			}
			if s.lazySlot(st, rc, slot) {
				if err := lazy(rc, slot, ss, from); err != nil {
					return nil, nil, 0, err
				}
				continue
			}
			ss.Offset += uint64(from)
			ss.Length -= uint64(from)
			wants = append(wants, readWant{ss: ss, from: from, rc: rc, slot: slot})
		}
	}
	sort.Slice(wants, func(a, b int) bool { return wants[a].ss.Offset < wants[b].ss.Offset })
	// Merge into ranges with gaps under readMaxGap: one ReadAt per range.
	// A sparse scan's gaps are mostly the lazy streams it means not to
	// read: merge only across small ones.
	readMaxGap := uint64(64 << 10)
	if s.opts.Sparse {
		readMaxGap = 4 << 10
	}
	var ranges []readRange
	total := uint64(0)
	for i := range wants {
		w := &wants[i]
		e := w.ss.Offset + w.ss.Length
		if k := len(ranges); k > 0 && w.ss.Offset <= ranges[k-1].end+readMaxGap {
			if e > ranges[k-1].end {
				total += e - ranges[k-1].end
				ranges[k-1].end = e
			}
			w.rk = k - 1
			continue
		}
		ranges = append(ranges, readRange{w.ss.Offset, e, total})
		total += e - w.ss.Offset
		w.rk = len(ranges) - 1
	}
	return wants, ranges, total, nil
}

// readStreams fetches the needed streams of every scanned column, merging
// reads of streams that lie close together, and decompresses them.
func (s *Scanner) readStreams(st *Stripe) error {
	wants, ranges, total, err := s.planReads(st, func(rc *readColumn, slot int, ss StripeStream, from int) error {
		l, _, err := newLazyStream(s.f.compression, s.f.checked, s.f.r, int64(ss.Offset), int(ss.Length), from, s.f.blockSize, &s.bytesRead)
		if err != nil {
			return rc.fail(slot, err)
		}
		rs := &rc.streams[slot]
		rs.present, rs.shared, rs.lazy, rs.chunks = true, nil, l, l.chunks
		return nil
	})
	if err != nil {
		return err
	}
	if uint64(cap(s.raw)) < total || cap(s.raw) > oversized(int(total)) {
		readPutBuf(s.raw)
		s.raw = readGetBuf(int(total))
	}
	raw := s.raw[:total]
	for _, r := range ranges {
		if _, err := s.f.r.ReadAt(raw[r.at:r.at+r.end-r.off], int64(r.off)); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read streams: %w", err)
		}
		s.bytesRead += int64(r.end - r.off)
	}
	for _, w := range wants {
		r := ranges[w.rk]
		b := raw[r.at+w.ss.Offset-r.off:][:w.ss.Length]
		rs := &w.rc.streams[w.slot]
		rs.present = true
		rs.shared = nil
		if s.f.compression == CompressionNone {
			rs.b = b
			continue
		}
		if need := decompressReserve(s.f.compression, b, s.f.blockSize); cap(rs.buf) < need || cap(rs.buf) > oversized(need) {
			readPutBuf(rs.buf)
			rs.buf = readGetBuf(need)
		}
		// Chunk offsets stay relative to the stream.
		out, chunks, err := decompressStream(s.f.compression, s.f.checked, rs.buf[:0], b, s.f.blockSize)
		if err != nil {
			return w.rc.fail(w.slot, err)
		}
		for i := range chunks {
			chunks[i].Offset += w.from
		}
		rs.buf, rs.b, rs.chunks = out, out, chunks
	}
	return nil
}

// RowGroupsWhere builds a ScanOptions.RowGroups function that keeps the
// row groups whose statistics for the column at path (case-insensitive,
// dotted into structs) satisfy keep. Row groups without statistics are
// kept: statistics can only rule rows out.
func (f *File) RowGroupsWhere(path string, keep func(Statistics) bool) (func(*Stripe, func(int) ([]RowGroup, error)) ([]bool, error), error) {
	c, ok := f.root.Find(path)
	if !ok || c == f.root {
		return nil, fmt.Errorf("%s: unknown column %q", f.name, path)
	}
	return func(_ *Stripe, rowIndex func(int) ([]RowGroup, error)) ([]bool, error) {
		groups, err := rowIndex(c.ID)
		if err != nil {
			return nil, err
		}
		sel := make([]bool, len(groups))
		for i, g := range groups {
			sel[i] = g.Stats.Count == 0 && !g.Stats.HasNullKnown || keep(g.Stats)
		}
		return sel, nil
	}, nil
}
