package ingest

import (
	"bufio"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/zeebo/xxh3"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// chunk is one input's events of one partition, as decoded.
type chunk struct {
	rec   arrow.Record
	times []int64
	ids   []idKey
	locs  []rowLoc // where each row came from, to list the duplicates
	keep  []int    // rows that survived dedup
}

// release drops the chunk's record, which nothing else holds, recycling its
// large string buffers.
func (c *chunk) release() {
	if c.rec != nil {
		recycleStrings(c.rec)
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
//
// The ORC writer reads the rows straight out of the decoded chunks, run by
// run, in time order: no concatenation and no gathered copy of the
// partition is made (they cost 12% of ingest's CPU and a third of its
// allocations, profiled on 1M events).
func (p *pipeline) flush(part *partition) error {
	defer part.release()
	if part.rows == 0 {
		return nil
	}
	refs := make([]rowRef, 0, part.rows)
	for ci, c := range part.chunks {
		for _, i := range c.keep {
			refs = append(refs, rowRef{c.times[i], int32(ci), int32(i)})
		}
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
		// Ties keep the input's order, which is (chunk, row) order: an
		// unstable sort on all three is a stable sort on the time, and
		// it sorts 160k refs ~8x faster than sort.SliceStable (reflection).
		slices.SortFunc(refs, func(a, b rowRef) int {
			if c := cmp.Compare(a.t, b.t); c != 0 {
				return c
			}
			if c := cmp.Compare(a.chunk, b.chunk); c != 0 {
				return c
			}
			return cmp.Compare(a.row, b.row)
		})
	}
	date := dayString(part.day)
	ew := p.eventWriter()
	defer p.writers.put(ew)
	for start := 0; start < len(refs); start += p.cfg.MaxFileRows {
		end := min(start+p.cfg.MaxFileRows, len(refs))
		runs := eventRuns(part.chunks, refs[start:end])
		lo, hi := time.Unix(0, refs[start].t).UTC(), time.Unix(0, refs[end-1].t).UTC()
		e, err := p.tx.WriteEventFile(ew, date, runs, lo, hi)
		if err != nil {
			return err
		}
		// The file and its count join the same commit: flushers commit
		// while others are between writing a file and counting it.
		p.commitMu.Lock()
		err = p.tx.AddFile(e)
		if err == nil {
			p.mu.Lock()
			p.progress.Ingested += int64(end - start)
			p.progress.FilesWritten++
			p.mu.Unlock()
		}
		p.commitMu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// writerPool keeps the ORC writers (and their stripe buffers) of the
// flushers between partitions; see orcstore.EventWriter. A channel rather
// than a sync.Pool, which is emptied at every garbage collection.
type writerPool chan *orcstore.EventWriter

func (p *pipeline) eventWriter() *orcstore.EventWriter {
	select {
	case ew := <-p.writers:
		return ew
	default:
		return &orcstore.EventWriter{}
	}
}

// put keeps ew for the next partition unless enough writers are kept.
func (wp writerPool) put(ew *orcstore.EventWriter) {
	select {
	case wp <- ew:
	default:
	}
}

// rowRef is one row of a partition: its time, chunk and row in the chunk.
type rowRef struct {
	t     int64
	chunk int32
	row   int32
}

// eventRuns turns rows in write order into runs over the chunks' records:
// consecutive rows of one chunk become one run.
func eventRuns(chunks []*chunk, refs []rowRef) []orcfile.Run {
	var runs []orcfile.Run
	for i := 0; i < len(refs); {
		c, lo := refs[i].chunk, int(refs[i].row)
		hi := lo + 1
		i++
		for i < len(refs) && refs[i].chunk == c && int(refs[i].row) == hi {
			hi++
			i++
		}
		runs = append(runs, orcfile.Run{Rec: chunks[c].rec, Lo: lo, Hi: hi})
	}
	return runs
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
	// One map operation, not a lookup then an insert: the map only grows
	// when key is new.
	n := len(d.ids)
	d.ids[key] = struct{}{}
	return len(d.ids) == n, nil
}
