package ingest

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/klauspost/compress/gzip"
	"github.com/valyala/fastjson"
	"github.com/zeebo/xxh3"

	"github.com/ctlake/ctlake/orcstore"
)

// Nothing read is lost without a trace: events an ingest leaves out on
// purpose — a duplicate eventID, an eventTime past the store's retention —
// are listed in a gzip-compressed NDJSON file per ingest under the store's
// dropped/ folder, as rejects/ lists the events that could not be stored.
// (Events the store's selectors do not choose are only counted: choosing
// is what selectors are for, and a narrow store would otherwise list most
// of its input.)

// Dropped is one event left out on purpose.
type Dropped struct {
	EventID   string `json:"eventID"`
	EventTime string `json:"eventTime"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Offset    int64  `json:"offset"`
	Reason    string `json:"reason"`
}

const (
	reasonDuplicate = "duplicate eventID: an event with this eventID is already stored or came earlier in this ingest (the first occurrence is kept)"
	reasonExpired   = "past retention: eventTime is older than the store's retention period of %d days"
)

// rowLoc is where a decoded event came from: an index into its result's
// names, and its line and offset in that input.
type rowLoc struct {
	name   int32
	line   int
	offset int64
}

// nameIndex returns the index of name in the result's input names, adding
// it when it differs from the last one (events arrive input by input).
func (r *fileResult) nameIndex(name string) int32 {
	if n := len(r.names); n > 0 && r.names[n-1] == name {
		return int32(n - 1)
	}
	r.names = append(r.names, name)
	return int32(len(r.names) - 1)
}

// expired records an event filtered out by retention.
func (p *pipeline) expired(rb *resultBuilder, name string, raw RawEvent, ev *Event) {
	id, _ := ev.ID()
	rb.res.dropped = append(rb.res.dropped, &Dropped{EventID: string(id), EventTime: formatTime(ev.Time()),
		File: name, Line: raw.Line, Offset: raw.Offset, Reason: fmt.Sprintf(reasonExpired, p.cfg.Store.Info.RetentionDays)})
	rb.res.expired++
}

// duplicate records row i of chunk c, dropped by dedup.
func (p *pipeline) duplicate(r *fileResult, c *chunk, i int) *Dropped {
	d := &Dropped{Reason: reasonDuplicate, EventTime: formatTime(c.times[i])}
	if col, ok := c.rec.Column(eventIDColumn).(*array.String); ok && col.IsValid(i) {
		d.EventID = col.Value(i)
	}
	if i < len(c.locs) {
		l := c.locs[i]
		d.File, d.Line, d.Offset = r.names[l.name], l.line, l.offset
	}
	return d
}

var eventIDColumn = orcstore.EventSchema.FieldIndices("eventID")[0]

func formatTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

// droppedWriter appends to one dropped-event file.
type droppedWriter struct {
	rel                 string
	f                   *os.File
	zw                  *gzip.Writer
	w                   *bufio.Writer
	duplicates, expired int64
}

// writeDropped lists ds in the ingest's dropped-event file, creating it
// on first use. Only the merge goroutine calls it.
func (p *pipeline) writeDropped(ds []*Dropped) error {
	if len(ds) == 0 {
		return nil
	}
	if p.dropped == nil {
		rel, f, err := p.tx.NewDroppedFile()
		if err != nil {
			return fmt.Errorf("dropped events: %w", err)
		}
		zw := gzip.NewWriter(f)
		p.dropped = &droppedWriter{rel: rel, f: f, zw: zw, w: bufio.NewWriterSize(zw, 64<<10)}
	}
	enc := json.NewEncoder(p.dropped.w)
	for _, d := range ds {
		if err := enc.Encode(d); err != nil {
			return fmt.Errorf("dropped events: %w", err)
		}
		if d.Reason == reasonDuplicate {
			p.dropped.duplicates++
		} else {
			p.dropped.expired++
		}
	}
	return nil
}

// publishDropped closes the open dropped-event file, if any, and adds it
// to the next commit.
func (p *pipeline) publishDropped() error {
	w := p.dropped
	if w == nil {
		return nil
	}
	p.dropped = nil
	err := w.w.Flush()
	if cerr := w.zw.Close(); err == nil {
		err = cerr
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("dropped events: %w", err)
	}
	if err := p.tx.AddDropped(orcstore.DroppedFile{Path: w.rel, Duplicates: w.duplicates, Expired: w.expired}); err != nil {
		return err
	}
	p.mu.Lock()
	p.droppedFiles = append(p.droppedFiles, w.rel)
	p.mu.Unlock()
	return nil
}

// maxResolve bounds how many earlier rejects an ingest checks against the
// events it stores.
const maxResolve = 1 << 20

// loadRejectIDs reads the eventIDs of the store's earlier rejects, so that
// an ingest that stores one of them after all (say, again with
// --time-field) can say so, and `store describe` stops counting it as
// rejected.
func (p *pipeline) loadRejectIDs(m *orcstore.Manifest) {
	var total int64
	for _, r := range m.Rejects {
		total += r.Count - r.Stored
	}
	if total == 0 || total > maxResolve {
		return
	}
	p.resolve = map[[16]byte]string{}
	var parser fastjson.Parser
	for _, rf := range m.Rejects {
		if rf.Count == rf.Stored {
			continue
		}
		abs, err := p.cfg.Store.ListedPath(rf.Path)
		if err != nil {
			continue // a missing (or unsafe) reject file changes no event
		}
		f, err := os.Open(abs)
		if err != nil {
			continue // a missing reject file changes no event
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, DefaultMaxEventSize*2)
		for sc.Scan() {
			var l rejectLine
			if json.Unmarshal(sc.Bytes(), &l) != nil {
				continue
			}
			raw := []byte(l.Raw)
			if l.RawBase64 != "" {
				raw, _ = base64.StdEncoding.DecodeString(l.RawBase64)
			}
			v, err := parser.ParseBytes(raw)
			if err != nil {
				continue
			}
			if id := v.GetStringBytes("eventID"); len(id) > 0 {
				p.resolve[xxh3.Hash128(id).Bytes()] = rf.Path
			}
		}
		f.Close()
	}
}

// storedLater notes a kept event that an earlier ingest rejected.
func (p *pipeline) storedLater(key [16]byte) {
	if rel, ok := p.resolve[key]; ok {
		delete(p.resolve, key)
		p.mu.Lock()
		if p.resolved == nil {
			p.resolved = map[string]int64{}
		}
		p.resolved[rel]++
		p.progress.StoredLater++
		p.mu.Unlock()
	}
}

// record is the ingest so far, as the manifest keeps it.
func (p *pipeline) record(t orcstore.Totals, complete bool) orcstore.IngestRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := orcstore.IngestRecord{StartedAt: p.start.UTC(), Complete: complete, Inputs: p.progress.Inputs, InputsRead: p.progress.InputsDone,
		Totals: t, StoredLater: p.progress.StoredLater}
	r.Rejects = append(r.Rejects, p.written...)
	r.Dropped = append(r.Dropped, p.droppedFiles...)
	if complete {
		r.FinishedAt = time.Now().UTC()
	}
	return r
}
