package ingest

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/zeebo/xxh3"

	"github.com/ctlake/ctlake/orcstore"
)

// chunk is one input's events of one partition, as decoded.
type chunk struct {
	rec   arrow.Record
	times []int64
	ids   []idKey
	keep  []int // rows that survived dedup
}

func (c *chunk) release() {
	if c.rec != nil {
		c.rec.Release()
		c.rec = nil
	}
}

// idKey is a 128-bit hash of an eventID: dedup keeps hashes, not strings,
// so that remembering millions of IDs costs 16 bytes each.
type idKey struct {
	key [16]byte
	ok  bool
}

func idKeyOf(id []byte, ok bool) idKey {
	if !ok {
		return idKey{}
	}
	return idKey{key: xxh3.Hash128(id).Bytes(), ok: true}
}

// partition collects the surviving rows of one eventdate until written.
type partition struct {
	day    int64
	chunks []*chunk
	rows   int
	bytes  int64
}

// recordBytes is the memory a record holds, for the memory bound.
func recordBytes(rec arrow.Record) int64 {
	var n int64
	var walk func(d arrow.ArrayData)
	walk = func(d arrow.ArrayData) {
		for _, b := range d.Buffers() {
			if b != nil {
				n += int64(b.Cap()) // capacity: builders over-allocate as they grow
			}
		}
		for _, c := range d.Children() {
			walk(c)
		}
		if d.DataType().ID() == arrow.DICTIONARY {
			walk(d.Dictionary())
		}
	}
	for _, col := range rec.Columns() {
		walk(col.Data())
	}
	return n
}

func (part *partition) release() {
	for _, c := range part.chunks {
		c.release()
	}
}

// flush sorts a partition's rows by eventTime and writes them to files of at
// most MaxFileRows events. The caller has taken part out of p.pending.
func (p *pipeline) flush(part *partition) error {
	defer part.release()
	if part.rows == 0 {
		return nil
	}
	// Concatenate the chunks column by column, then gather rows in time
	// order with one AppendRows call per column.
	type ref struct {
		t   int64
		row int
	}
	refs := make([]ref, 0, part.rows)
	arrays := make([][]arrow.Array, len(orcstore.EventSchema.Fields()))
	base := 0
	for _, c := range part.chunks {
		for _, i := range c.keep {
			refs = append(refs, ref{c.times[i], base + i})
		}
		for col := range arrays {
			arrays[col] = append(arrays[col], c.rec.Column(col))
		}
		base += int(c.rec.NumRows())
	}
	// Inputs usually arrive in time order (CloudTrail's S3 layout is by
	// date), so check before paying for a sort.
	sorted := true
	for i := 1; i < len(refs); i++ {
		if refs[i].t < refs[i-1].t {
			sorted = false
			break
		}
	}
	if !sorted {
		sort.SliceStable(refs, func(i, j int) bool { return refs[i].t < refs[j].t })
	}
	if len(refs) <= p.cfg.MaxFileRows {
		return p.flushOne(part, arrays, refs[0].t, refs[len(refs)-1].t, func() []int {
			if sorted && len(refs) == base {
				return nil // every row, in order: no gather needed
			}
			rows := make([]int, len(refs))
			for i, r := range refs {
				rows[i] = r.row
			}
			return rows
		}())
	}
	cols := make([]arrow.Array, len(arrays))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, parts := range arrays {
		if len(parts) == 1 {
			parts[0].Retain()
			cols[i] = parts[0]
			continue
		}
		a, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return fmt.Errorf("partition %s: %w", dayString(part.day), err)
		}
		cols[i] = a
	}
	date := dayString(part.day)
	for start := 0; start < len(refs); start += p.cfg.MaxFileRows {
		end := min(start+p.cfg.MaxFileRows, len(refs))
		rows := make([]int, end-start)
		for i := range rows {
			rows[i] = refs[start+i].row
		}
		rec, err := gather(cols, rows)
		if err != nil {
			return fmt.Errorf("partition %s: %w", date, err)
		}
		lo, hi := time.Unix(0, refs[start].t).UTC(), time.Unix(0, refs[end-1].t).UTC()
		_, err = p.tx.WriteEvents(date, rec, lo, hi)
		rec.Release()
		if err != nil {
			return err
		}
		p.mu.Lock()
		p.progress.Ingested += int64(len(rows))
		p.progress.FilesWritten++
		p.mu.Unlock()
	}
	return nil
}

// flushOne writes a partition that fits one file. Column by column it
// concatenates the chunks and gathers rows (nil: all, in order, which needs
// no gather), freeing each intermediate at once, and frees the chunks before
// the ORC encoding, so that a flush holds about one extra copy of the
// partition instead of three.
func (p *pipeline) flushOne(part *partition, arrays [][]arrow.Array, lo, hi int64, rows []int) error {
	date := dayString(part.day)
	fields := orcstore.EventSchema.Fields()
	out := make([]arrow.Array, len(arrays))
	defer func() {
		for _, a := range out {
			if a != nil {
				a.Release()
			}
		}
	}()
	n := part.rows
	for i, parts := range arrays {
		var col arrow.Array
		if len(parts) == 1 {
			parts[0].Retain()
			col = parts[0]
		} else {
			a, err := array.Concatenate(parts, memory.DefaultAllocator)
			if err != nil {
				return fmt.Errorf("partition %s: column %s: %w", date, fields[i].Name, err)
			}
			col = a
		}
		if rows == nil {
			out[i] = col
			continue
		}
		b := array.NewBuilder(memory.DefaultAllocator, fields[i].Type)
		err := orcstore.AppendRows(b, col, rows)
		col.Release()
		if err != nil {
			b.Release()
			return fmt.Errorf("partition %s: column %s: %w", date, fields[i].Name, err)
		}
		out[i] = b.NewArray()
		b.Release()
	}
	part.release()
	rec := array.NewRecord(orcstore.EventSchema, out, int64(n))
	_, err := p.tx.WriteEvents(date, rec, time.Unix(0, lo).UTC(), time.Unix(0, hi).UTC())
	rec.Release()
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.progress.Ingested += int64(n)
	p.progress.FilesWritten++
	p.mu.Unlock()
	return nil
}

// gather builds a record of the given rows of cols, in that order.
func gather(cols []arrow.Array, rows []int) (arrow.Record, error) {
	fields := orcstore.EventSchema.Fields()
	out := make([]arrow.Array, len(cols))
	defer func() {
		for _, a := range out {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, c := range cols {
		b := array.NewBuilder(memory.DefaultAllocator, fields[i].Type)
		if err := orcstore.AppendRows(b, c, rows); err != nil {
			b.Release()
			return nil, fmt.Errorf("column %s: %w", fields[i].Name, err)
		}
		out[i] = b.NewArray()
		b.Release()
	}
	return array.NewRecord(orcstore.EventSchema, out, int64(len(rows))), nil
}

// rejectWriter appends rejected events to an NDJSON file in the store:
// {"file","line","offset","reason","raw"} with the raw text as a JSON string,
// or "rawBase64" when it is not valid UTF-8, so no byte is lost.
type rejectWriter struct {
	rel   string
	f     *os.File
	w     *bufio.Writer
	count int64
}

type rejectLine struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Offset    int64  `json:"offset"`
	Reason    string `json:"reason"`
	Raw       string `json:"raw,omitempty"`
	RawBase64 string `json:"rawBase64,omitempty"`
}

func (p *pipeline) writeRejects(rs []*Reject) error {
	if p.rejects == nil {
		rel, f, err := p.tx.NewRejectFile()
		if err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
		p.rejects = &rejectWriter{rel: rel, f: f, w: bufio.NewWriter(f)}
	}
	enc := json.NewEncoder(p.rejects.w)
	for _, r := range rs {
		l := rejectLine{File: r.File, Line: r.Line, Offset: r.Offset, Reason: r.Reason}
		if utf8.Valid(r.Raw) {
			l.Raw = string(r.Raw)
		} else {
			l.RawBase64 = base64.StdEncoding.EncodeToString(r.Raw)
		}
		if err := enc.Encode(l); err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
		p.rejects.count++
	}
	return nil
}

func (w *rejectWriter) close() (orcstore.RejectFile, error) {
	if err := w.w.Flush(); err != nil {
		w.f.Close()
		return orcstore.RejectFile{}, err
	}
	if err := w.f.Close(); err != nil {
		return orcstore.RejectFile{}, err
	}
	return orcstore.RejectFile{Path: w.rel, Count: w.count}, nil
}

// dedup remembers the eventIDs of the store and of this ingest. A
// partition's committed IDs are loaded the first time the ingest touches
// that eventdate: duplicates share their eventTime, so only partitions the
// input touches need checking.
type dedup struct {
	store    *orcstore.Store
	snapshot *orcstore.Manifest
	loaded   map[int64]bool
	ids      map[[16]byte]struct{}
}

func newDedup(s *orcstore.Store, m *orcstore.Manifest) *dedup {
	return &dedup{store: s, snapshot: m, loaded: map[int64]bool{}, ids: map[[16]byte]struct{}{}}
}

// seen reports whether key was already stored or ingested, and remembers it.
func (d *dedup) seen(day int64, key [16]byte) (bool, error) {
	if !d.loaded[day] {
		d.loaded[day] = true
		err := d.store.EventIDs(d.snapshot, dayString(day), func(id string) {
			d.ids[xxh3.HashString128(id).Bytes()] = struct{}{}
		})
		if err != nil {
			return false, fmt.Errorf("dedup: reading the eventIDs stored for %s: %w", dayString(day), err)
		}
	}
	if _, ok := d.ids[key]; ok {
		return true, nil
	}
	d.ids[key] = struct{}{}
	return false, nil
}
