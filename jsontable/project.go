package jsontable

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/zeebo/xxh3"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// Each worker frames its parts and decodes each event with an
// ingest.Projection: only the columns the query reads are built, events
// outside the time range and events failing a simple predicate are
// dropped before any column is appended, and the Framer's buffer is read
// in place (no copy of the raw events).

// batchRows is the most rows per record a worker emits.
const batchRows = 8192

// rawPred is a pushed-down conjunct tested on an event's raw JSON value of
// a top-level string column: equality, IN, prefix, IS [NOT] NULL. Values it
// cannot judge without decoding (escaped strings, non-strings, which the
// column holds as JSON text) are kept: the filter above the scan decides.
type rawPred struct {
	col  int
	op   orcstore.PredOp
	strs []string
}

// rawPreds picks the conjuncts of spec.Prune a raw test can apply.
func rawPreds(spec orcstore.ScanSpec) []rawPred {
	var out []rawPred
	for _, p := range spec.Prune {
		if strings.Contains(p.Column, ".") {
			continue
		}
		col, ok := ingest.TopColumn(p.Column)
		if !ok || orcstore.EventSchema.Field(col).Type.ID() != arrow.STRING {
			continue
		}
		rp := rawPred{col: col, op: p.Op}
		switch p.Op {
		case orcstore.PredIsNull, orcstore.PredIsNotNull:
		case orcstore.PredEq, orcstore.PredIn, orcstore.PredPrefix:
			for _, v := range p.Values {
				if v.Kind != orcstore.ScalarString {
					rp.strs = nil
					break
				}
				rp.strs = append(rp.strs, v.Str)
			}
			if len(rp.strs) == 0 {
				continue
			}
		default:
			continue
		}
		out = append(out, rp)
	}
	return out
}

// keep tests the raw value (nil: absent).
func (p rawPred) keep(raw []byte) bool {
	null := raw == nil || string(raw) == "null"
	switch p.op {
	case orcstore.PredIsNull:
		return null
	case orcstore.PredIsNotNull:
		return !null
	}
	if null {
		return false
	}
	if raw[0] != '"' || bytes.IndexByte(raw, '\\') >= 0 {
		return true
	}
	body := raw[1 : len(raw)-1]
	for _, s := range p.strs {
		if p.op == orcstore.PredPrefix {
			if len(body) >= len(s) && string(body[:len(s)]) == s {
				return true
			}
		} else if string(body) == s {
			return true
		}
	}
	return false
}

// worker is one decoding goroutine's state.
type worker struct {
	schema *arrow.Schema
	spec   orcstore.ScanSpec
	proj   *ingest.Projection
	preds  []rawPred
	dedup  bool
}

func newWorker(schema *arrow.Schema, spec orcstore.ScanSpec, cfg Config) (*worker, error) {
	var cols []string
	for _, f := range schema.Fields() {
		cols = append(cols, f.Name)
	}
	proj, err := ingest.NewProjection(cols, ingest.Options{TimeField: cfg.TimeField})
	if err != nil {
		return nil, err
	}
	return &worker{schema: schema, spec: spec, proj: proj, preds: rawPreds(spec), dedup: !cfg.NoDedup}, nil
}

// Limits of one piece: kept rows, stored events (their eventIDs) and
// rejects.
const (
	pieceIDs     = 4 * batchRows
	pieceRejects = batchRows
)

// run frames and decodes the slot's part into pieces sent to the slot.
func (w *worker) run(ctx context.Context, s *Scan, sl *slot) {
	defer close(sl.ch)
	if ctx.Err() != nil {
		return
	}
	p := sl.p
	rc, err := p.open()
	if err != nil {
		s.fail(ctx, &ingest.InputError{File: p.in.Name, Err: err})
		return
	}
	defer rc.Close()
	fr := ingest.NewFramer(countingReader{rc, &s.bytes}, p.in.Name)
	fr.RecordMembers()
	defer fr.Close()
	pc := &piece{}
	send := func() bool {
		if w.proj.Len() > 0 {
			pc.rec = w.record()
		}
		if pc.rec == nil && len(pc.ids) == 0 && len(pc.rejects) == 0 && pc.decoded == 0 {
			return true
		}
		select {
		case sl.ch <- pc:
		case <-ctx.Done():
			pc.release()
			return false
		}
		pc = &piece{}
		return true
	}
	tr := w.spec.Time
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return
		}
		raw, err := fr.Next()
		if err != nil {
			var rej *ingest.Reject
			if errors.As(err, &rej) {
				rej.Raw = nil
				rej.Offset += p.off
				pc.rejects = append(pc.rejects, rej)
				if len(pc.rejects) >= pieceRejects && !send() {
					return
				}
				continue
			}
			if err != io.EOF {
				// A damaged input (truncated gzip or JSON): ingest keeps
				// the events before the damage and reports the input, so
				// the scan does too.
				s.inputErrs.Add(1)
			}
			break
		}
		if err := w.proj.Decode(raw); err != nil {
			rej := ingest.RejectEvent(p.in.Name, raw, err)
			rej.Raw = nil
			rej.Offset += p.off
			pc.rejects = append(pc.rejects, rej)
			if len(pc.rejects) >= pieceRejects && !send() {
				return
			}
			continue
		}
		pc.decoded++
		id := idKey{row: -1}
		if w.dedup {
			if b, ok := w.proj.ID(); ok {
				id.key, id.ok = xxh3.Hash128(b).Bytes(), true
			}
		}
		if (tr.All() || tr.Contains(w.proj.Time())) && w.matches() {
			id.row = int32(w.proj.Len())
			w.proj.Append()
		}
		if w.dedup {
			pc.ids = append(pc.ids, id)
		}
		if (w.proj.Len() >= batchRows || len(pc.ids) >= pieceIDs) && !send() {
			return
		}
	}
	send()
}

func (w *worker) matches() bool {
	for _, p := range w.preds {
		if !p.keep(w.proj.Value(p.col)) {
			return false
		}
	}
	return true
}

// record returns the rows decoded so far as one record of the scan's
// schema.
func (w *worker) record() arrow.Record {
	rec := w.proj.NewRecord()
	defer rec.Release()
	n := rec.NumRows()
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		want := w.schema.Field(i).Type
		col := rec.Column(i)
		if arrow.TypeEqual(col.DataType(), want) {
			col.Retain()
			cols[i] = col
			continue
		}
		d := narrowData(col.Data(), want)
		cols[i] = array.MakeFromData(d)
		d.Release()
	}
	out := array.NewRecord(w.schema, cols, n)
	for _, c := range cols {
		c.Release()
	}
	return out
}

// release drops what the worker holds.
func (w *worker) release() { w.proj.Release() }
