package orcstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"unsafe"

	"github.com/ctlake/ctlake/orcstore/orcfile"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// A store's pruning metadata in one small file, manifest.meta, written
// beside manifest.json at every commit (metasnap_write.go). Without it, a
// new process had to open every ORC file of the snapshot and decode its
// tail and stripe footers before it could skip anything: on a 1M-event
// store that was most of a cold point lookup's time (31 files, 41 stripe
// footers, 41 bloom filter streams, ~100 ms of CPU). With it, planning
// reads one file of ~30 KB: per file its stripes, per stripe the statistics
// of every column reachable through structs, the eventTime statistics of
// every row group and where the bloom filter streams lie. Files are opened
// (lazily, by the scan's workers, in parallel) only when they survive.
//
// The file is a cache keyed by what it describes: each entry names its ORC
// file by manifest path, size and modification time, and an entry is used
// only when the manifest lists that path with that size (the workers check
// size and mtime when they open the file). So a missing, stale, truncated
// or corrupt manifest.meta costs speed, never correctness: files without a
// usable entry are planned from their tails as before. Stores written
// before it existed get one at their next commit (any ingest or compaction),
// which adds entries for every file lacking one.
//
// Format (all integers varints unless noted):
//
//	"CTLMETA" 0x01                      magic and format version
//	crc32c (4 bytes, little endian)     of everything after it
//	manifest version, raw body length
//	body: ORC-framed zstd chunks (orcfile.CompressStream)
//
// The body lists the column layouts (schemas) once, then the files.

const (
	metaSnapName  = "manifest.meta"
	metaSnapMagic = "CTLMETA\x01"
	// metaMaxString bounds the string minimum and maximum kept: longer
	// ones (user agents, error messages) are dropped, which only means
	// their columns are not pruned by range from the snapshot.
	metaMaxString = 256
	// metaMaxBody bounds the body a reader will decompress.
	metaMaxBody = 1 << 30
)

// metaSnapshot is a decoded manifest.meta.
type metaSnapshot struct {
	version int64 // the manifest version it was written with
	schemas []*metaSchema
	files   map[string]*fileMeta // by manifest path
}

// metaSchema is one column layout: the columns statistics are kept for
// (every column whose ancestors are all structs), by column ID.
type metaSchema struct {
	paths []string // "" for a column without statistics here
	kinds []orcproto.Type_Kind
	exact map[string]int // path -> column ID
	fold  map[string]int // lower-case path -> first column ID
}

// fileMeta is what planning needs of one ORC file.
type fileMeta struct {
	path        string // manifest path
	size        int64
	modTime     int64 // Unix ns
	compression orcfile.Compression
	blockSize   int
	stride      int
	schema      *metaSchema
	schemaIdx   int
	stripes     []stripeMeta
}

// stripeMeta is one stripe's place, statistics and bloom filter streams.
type stripeMeta struct {
	info  orcfile.StripeInfo
	stats []orcfile.Statistics // by column ID; zero (unknown) where not kept
	// groups are the eventTime statistics of each row group (nil without
	// a row index).
	groups []orcfile.Statistics
	blooms []bloomLoc
}

// bloomLoc is where a column's UTF-8 bloom filter stream lies in the file.
type bloomLoc struct {
	col            int
	offset, length uint64
}

// find returns the column ID of a dotted path, matched as
// orcfile.Column.Find matches (exact case first, then ignoring case).
func (s *metaSchema) find(path string) (int, bool) {
	if id, ok := s.exact[path]; ok {
		return id, true
	}
	id, ok := s.fold[lowerASCII(path)]
	return id, ok
}

func (s *metaSchema) index() {
	s.exact, s.fold = map[string]int{}, map[string]int{}
	for id, p := range s.paths {
		if p == "" {
			continue
		}
		s.exact[p] = id
		if _, ok := s.fold[lowerASCII(p)]; !ok {
			s.fold[lowerASCII(p)] = id
		}
	}
}

func (s *metaSchema) equal(t *metaSchema) bool {
	if len(s.paths) != len(t.paths) {
		return false
	}
	for i := range s.paths {
		if s.paths[i] != t.paths[i] || s.kinds[i] != t.kinds[i] {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases ASCII letters (column names are ASCII; Find's
// EqualFold agrees with this on them).
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// stat returns stripe i's statistics for the column at path.
func (f *fileMeta) stat(i int, path string) (orcfile.Statistics, bool) {
	id, ok := f.schema.find(path)
	if !ok || id >= len(f.stripes[i].stats) {
		return orcfile.Statistics{}, false
	}
	return f.stripes[i].stats[id], true
}

// bloom returns the bloom filter stream of the column at path in stripe i.
func (f *fileMeta) bloom(i int, path string) (bloomLoc, bool) {
	id, ok := f.schema.find(path)
	if !ok {
		return bloomLoc{}, false
	}
	for _, b := range f.stripes[i].blooms {
		if b.col == id {
			return b, true
		}
	}
	return bloomLoc{}, false
}

// Encoding.

type metaEnc struct{ b []byte }

func (e *metaEnc) u(v uint64)    { e.b = binary.AppendUvarint(e.b, v) }
func (e *metaEnc) i(v int64)     { e.b = binary.AppendVarint(e.b, v) }
func (e *metaEnc) byte(v byte)   { e.b = append(e.b, v) }
func (e *metaEnc) str(s string)  { e.u(uint64(len(s))); e.b = append(e.b, s...) }
func (e *metaEnc) f64(v float64) { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v)) }

// Statistics kinds in the encoding.
const (
	msNone = iota
	msInt
	msDouble
	msString
	msBool
	msDate
	msTimestamp
	msBinary
)

func (e *metaEnc) stats(st orcfile.Statistics) {
	var flags byte
	if st.HasNull {
		flags |= 1
	}
	if st.HasNullKnown {
		flags |= 2
	}
	kind := msNone
	switch {
	case st.Int != nil:
		kind = msInt
	case st.Double != nil:
		kind = msDouble
	case st.String != nil:
		kind = msString
	case st.Bool != nil:
		kind = msBool
	case st.Date != nil:
		kind = msDate
	case st.Timestamp != nil:
		kind = msTimestamp
	case st.Binary != nil:
		kind = msBinary
	}
	e.byte(flags | byte(kind)<<2)
	e.u(st.Count)
	switch kind {
	case msInt:
		e.i(st.Int.Min)
		e.i(st.Int.Max)
		e.i(st.Int.Sum)
		e.byte(boolByte(st.Int.HasSum))
	case msDouble:
		e.f64(st.Double.Min)
		e.f64(st.Double.Max)
		e.f64(st.Double.Sum)
	case msString:
		s := st.String
		keep := s.HasMinMax && len(s.Min) <= metaMaxString && len(s.Max) <= metaMaxString
		e.byte(boolByte(keep) | boolByte(s.Trusted)<<1)
		if keep {
			e.str(s.Min)
			e.str(s.Max)
		}
		e.i(s.Sum)
	case msBool:
		e.u(st.Bool.TrueCount)
	case msDate:
		e.i(int64(st.Date.Min))
		e.i(int64(st.Date.Max))
	case msTimestamp:
		e.i(st.Timestamp.Min)
		e.i(st.Timestamp.Max)
		e.byte(boolByte(st.Timestamp.UTC))
	case msBinary:
		e.i(st.Binary.Sum)
	}
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// encode serialises the snapshot.
func (m *metaSnapshot) encode() ([]byte, error) {
	var body metaEnc
	body.u(uint64(len(m.schemas)))
	for _, s := range m.schemas {
		body.u(uint64(len(s.paths)))
		for i, p := range s.paths {
			body.str(p)
			body.u(uint64(s.kinds[i]))
		}
	}
	body.u(uint64(len(m.files)))
	for _, f := range sortedFiles(m.files) {
		body.str(f.path)
		body.i(f.size)
		body.i(f.modTime)
		body.u(uint64(f.compression))
		body.u(uint64(f.blockSize))
		body.u(uint64(f.stride))
		body.u(uint64(f.schemaIdx))
		body.u(uint64(len(f.stripes)))
		for _, s := range f.stripes {
			body.u(s.info.Offset)
			body.u(s.info.IndexLength)
			body.u(s.info.DataLength)
			body.u(s.info.FooterLength)
			body.u(s.info.Rows)
			for id, p := range f.schema.paths {
				if p != "" {
					body.stats(s.stats[id])
				}
			}
			body.u(uint64(len(s.groups)))
			for _, g := range s.groups {
				body.stats(g)
			}
			body.u(uint64(len(s.blooms)))
			for _, b := range s.blooms {
				body.u(uint64(b.col))
				body.u(b.offset)
				body.u(b.length)
			}
		}
	}
	comp, _, err := orcfile.CompressStream(orcfile.CompressionZstd, nil, body.b, orcfile.DefaultBlockSize)
	if err != nil {
		return nil, err
	}
	var e metaEnc
	e.b = append(e.b, metaSnapMagic...)
	e.b = append(e.b, 0, 0, 0, 0)
	e.u(uint64(m.version))
	e.u(uint64(len(body.b)))
	e.b = append(e.b, comp...)
	binary.LittleEndian.PutUint32(e.b[len(metaSnapMagic):], crc32.Checksum(e.b[len(metaSnapMagic)+4:], castagnoli))
	return e.b, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Decoding.

var errMetaSnap = errors.New("manifest.meta is damaged")

type metaDec struct {
	b   []byte
	err error
	// whole is the decoded body as a string over the same bytes (never
	// written after decoding), so that str hands out substrings instead of
	// allocating each one; the slabs hold the statistics' parts, allocated
	// a chunk at a time. A cold process decodes ~13,000 column statistics
	// of a 1M-event store's snapshot: one allocation each was 2/3 of the
	// decode.
	whole string
	slabs metaSlabs
}

type metaSlabs struct {
	ints   []orcfile.IntStats
	dbls   []orcfile.DoubleStats
	strs   []orcfile.StringStats
	bools  []orcfile.BoolStats
	dates  []orcfile.DateStats
	times  []orcfile.TimestampStats
	binars []orcfile.BinaryStats
}

// slabNext returns the next free element of a slab, starting a new chunk
// when the current one is full (chunks never move: pointers into them stay
// valid).
func slabNext[T any](s *[]T) *T {
	if len(*s) == cap(*s) {
		*s = make([]T, 0, 512)
	}
	*s = (*s)[:len(*s)+1]
	return &(*s)[len(*s)-1]
}

func (d *metaDec) fail() {
	if d.err == nil {
		d.err = errMetaSnap
	}
	d.b = nil
}

func (d *metaDec) u() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// n reads a count or index, at most limit.
func (d *metaDec) n(limit int) int {
	v := d.u()
	if v > uint64(limit) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *metaDec) i() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *metaDec) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *metaDec) str() string {
	n := d.u()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	var s string
	if d.whole != "" {
		off := len(d.whole) - len(d.b)
		s = d.whole[off : off+int(n)]
	} else {
		s = string(d.b[:n])
	}
	d.b = d.b[n:]
	return s
}

func (d *metaDec) f64() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *metaDec) stats() orcfile.Statistics {
	flags := d.byte()
	st := orcfile.Statistics{HasNull: flags&1 != 0, HasNullKnown: flags&2 != 0, Count: d.u()}
	switch flags >> 2 {
	case msNone:
	case msInt:
		st.Int = slabNext(&d.slabs.ints)
		*st.Int = orcfile.IntStats{Min: d.i(), Max: d.i(), Sum: d.i(), HasSum: d.byte() != 0}
	case msDouble:
		st.Double = slabNext(&d.slabs.dbls)
		*st.Double = orcfile.DoubleStats{Min: d.f64(), Max: d.f64(), Sum: d.f64()}
	case msString:
		f := d.byte()
		s := slabNext(&d.slabs.strs)
		*s = orcfile.StringStats{HasMinMax: f&1 != 0, Trusted: f&2 != 0}
		if s.HasMinMax {
			s.Min, s.Max = d.str(), d.str()
		}
		s.Sum = d.i()
		st.String = s
	case msBool:
		st.Bool = slabNext(&d.slabs.bools)
		*st.Bool = orcfile.BoolStats{TrueCount: d.u()}
	case msDate:
		st.Date = slabNext(&d.slabs.dates)
		*st.Date = orcfile.DateStats{Min: int32(d.i()), Max: int32(d.i())}
	case msTimestamp:
		st.Timestamp = slabNext(&d.slabs.times)
		*st.Timestamp = orcfile.TimestampStats{Min: d.i(), Max: d.i(), UTC: d.byte() != 0}
	case msBinary:
		st.Binary = slabNext(&d.slabs.binars)
		*st.Binary = orcfile.BinaryStats{Sum: d.i()}
	default:
		d.fail()
	}
	return st
}

// decodeMetaSnapshot parses a manifest.meta file.
func decodeMetaSnapshot(b []byte) (*metaSnapshot, error) {
	h := len(metaSnapMagic) + 4
	if len(b) < h || string(b[:len(metaSnapMagic)]) != metaSnapMagic {
		return nil, fmt.Errorf("%w (not a metadata snapshot of this format)", errMetaSnap)
	}
	if crc32.Checksum(b[h:], castagnoli) != binary.LittleEndian.Uint32(b[len(metaSnapMagic):]) {
		return nil, fmt.Errorf("%w (checksum mismatch)", errMetaSnap)
	}
	d := &metaDec{b: b[h:]}
	m := &metaSnapshot{version: int64(d.u()), files: map[string]*fileMeta{}}
	rawLen := d.n(metaMaxBody)
	if d.err != nil {
		return nil, d.err
	}
	raw, _, err := orcfile.DecompressStream(orcfile.CompressionZstd, make([]byte, 0, rawLen), d.b, orcfile.DefaultBlockSize)
	if err != nil || len(raw) != rawLen {
		return nil, fmt.Errorf("%w (body: %v)", errMetaSnap, err)
	}
	d = &metaDec{b: raw}
	if len(raw) > 0 {
		d.whole = unsafe.String(&raw[0], len(raw))
	}
	for n := d.n(1 << 16); n > 0 && d.err == nil; n-- {
		s := &metaSchema{}
		for c := d.n(1 << 20); c > 0 && d.err == nil; c-- {
			s.paths = append(s.paths, d.str())
			s.kinds = append(s.kinds, orcproto.Type_Kind(d.u()))
		}
		s.index()
		m.schemas = append(m.schemas, s)
	}
	for n := d.n(1 << 24); n > 0 && d.err == nil; n-- {
		f := &fileMeta{path: d.str(), size: d.i(), modTime: d.i(), compression: orcfile.Compression(d.u()),
			blockSize: d.n(1 << 30), stride: d.n(1 << 30), schemaIdx: d.n(len(m.schemas) - 1)}
		if d.err != nil {
			break
		}
		f.schema = m.schemas[f.schemaIdx]
		ns := d.n(1 << 20)
		ncol := len(f.schema.paths)
		if ns > len(d.b) { // each stripe takes at least a byte
			d.fail()
			break
		}
		all := make([]orcfile.Statistics, ns*ncol)
		f.stripes = make([]stripeMeta, 0, ns)
		for ; ns > 0 && d.err == nil; ns-- {
			s := stripeMeta{info: orcfile.StripeInfo{Offset: d.u(), IndexLength: d.u(), DataLength: d.u(), FooterLength: d.u(), Rows: d.u()}}
			s.stats, all = all[:ncol:ncol], all[ncol:]
			for id, p := range f.schema.paths {
				if p != "" {
					s.stats[id] = d.stats()
				}
			}
			for g := d.n(1 << 24); g > 0 && d.err == nil; g-- {
				s.groups = append(s.groups, d.stats())
			}
			for nb := d.n(1 << 20); nb > 0 && d.err == nil; nb-- {
				s.blooms = append(s.blooms, bloomLoc{col: d.n(len(f.schema.paths) - 1), offset: d.u(), length: d.u()})
			}
			if len(f.stripes) > 0 {
				prev := f.stripes[len(f.stripes)-1].info
				s.info.FirstRow = prev.FirstRow + prev.Rows
			}
			f.stripes = append(f.stripes, s)
		}
		m.files[f.path] = f
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	if d.err != nil {
		return nil, d.err
	}
	return m, nil
}
