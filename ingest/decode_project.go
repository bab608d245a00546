package ingest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/valyala/fastjson"

	"github.com/ctlake/ctlake/orcstore"
)

// A Projection decodes only the top-level columns a query reads: it walks
// an event's top-level keys without building the rest of the object, and
// parses just the values it keeps, with the Builder's own column rules (the
// same key matching, the same JSON-to-column mapping). Querying JSON files
// without ingesting them decoded every event into all 34 columns and then
// kept two or three: 60% of a JSON scan's CPU went to columns nobody read
// (eventJson alone copies every byte).
//
// Decode finds the event's values and its time; the caller may then drop
// the event (outside the time range, failing a predicate) or Append it.
// Events are validated as Parse validates them — the Framer's validation
// of an event (RawEvent) is trusted, as ParseFramed trusts it — and the
// same events are rejected, with the same reasons.
type Projection struct {
	cols   []int // top-level column indexes, schema order
	byTop  []int // top-level column index -> position in cols, or -1
	bnodes []*bnode
	schema *arrow.Schema
	p      fastjson.Parser
	kp     fastjson.Parser // for escaped keys and eventIDs
	timeP  []string        // TimeField path, nil without one
	// want are the keys Decode looks for (the projected columns and
	// eventTime): compared by length first, which rules out most of an
	// event's keys without hashing them.
	want    []wantKey
	fullDec *Decoder // the fallback for TimeField

	// The last decoded event.
	raw     []byte
	hasWS   bool
	time    int64
	vals    [][]byte // raw value per top-level column (nil: absent)
	exact   []bool
	buf     []byte
	timeRaw []byte
	rows    int
}

// NewProjection returns a Projection of the named top-level columns of
// orcstore.EventSchema (each once, any order; the record keeps schema
// order). The eventTime is always decoded: an event without one is
// rejected, as ingest rejects it.
func NewProjection(columns []string, opts Options) (*Projection, error) {
	p := &Projection{byTop: make([]int, len(plan.root.fields))}
	for i := range p.byTop {
		p.byTop[i] = -1
	}
	want := map[int]bool{}
	for _, c := range columns {
		i, ok := plan.root.exact[c]
		if !ok {
			return nil, fmt.Errorf("no top-level column %q in the event schema", c)
		}
		want[i] = true
	}
	var fields []arrow.Field
	for i, f := range orcstore.EventSchema.Fields() {
		if !want[i] {
			continue
		}
		p.byTop[i] = len(p.cols)
		p.cols = append(p.cols, i)
		p.bnodes = append(p.bnodes, bind(plan.root.fields[i], f.Type))
		fields = append(fields, f)
	}
	p.schema = arrow.NewSchema(fields, nil)
	for i, f := range plan.root.fields {
		if i == plan.eventTime || i == plan.eventID || p.byTop[i] >= 0 {
			p.want = append(p.want, wantKey{col: i, name: f.name})
		}
	}
	p.vals = make([][]byte, len(plan.root.fields))
	p.exact = make([]bool, len(plan.root.fields))
	if opts.TimeField != "" {
		p.timeP = strings.Split(opts.TimeField, ".")
		p.fullDec = NewDecoder(opts)
	}
	return p, nil
}

// Schema is the schema of the records NewRecord returns.
func (p *Projection) Schema() *arrow.Schema { return p.schema }

// Len is the number of events appended since the last NewRecord.
func (p *Projection) Len() int { return p.rows }

// Time is the last decoded event's time (Unix ns, UTC).
func (p *Projection) Time() int64 { return p.time }

// Value returns the raw JSON text of top-level column col (an index into
// orcstore.EventSchema) in the last decoded event, or nil when absent.
// Only projected columns, eventTime and eventID are found.
func (p *Projection) Value(col int) []byte { return p.vals[col] }

// ID returns the last decoded event's eventID as Event.ID does (the
// string's bytes, unescaped; false when absent, empty or not a string),
// for deduplication. The bytes may point into the event: use them before
// the next Decode.
func (p *Projection) ID() ([]byte, bool) {
	raw := p.vals[plan.eventID]
	if len(raw) < 2 || raw[0] != '"' {
		return nil, false
	}
	body := raw[1 : len(raw)-1]
	if quoteOrBackslash(body) == len(body) {
		return body, len(body) > 0
	}
	v, err := p.kp.ParseBytes(raw)
	if err != nil {
		return nil, false
	}
	b, _ := v.StringBytes()
	return b, len(b) > 0
}

var errNotObject = errors.New("event is not a JSON object")

// Decode reads one event: its projected values and its time. It returns
// the reason the event cannot be stored (as Parse does) or nil.
func (p *Projection) Decode(ev RawEvent) error {
	raw, hasWS := ev.Data, ev.hasWS
	if !ev.checked {
		var err error
		if hasWS, err = checkJSON(raw); err != nil {
			return err
		}
	}
	p.raw, p.hasWS = raw, hasWS
	clear(p.vals)
	clear(p.exact)
	i := skipWSBytes(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return errNotObject
	}
	if ev.members != nil {
		for _, m := range ev.members {
			key := raw[m.key:m.keyEnd]
			if m.esc {
				key = p.unescapeKey(key)
			}
			p.match(key, raw[m.val:m.valEnd])
		}
	} else {
		walkObject(raw, i, func(key []byte, esc bool, val []byte) {
			if esc {
				key = p.unescapeKey(key)
			}
			p.match(key, val)
		})
	}
	t, ok := timeOfRaw(p.vals[plan.eventTime])
	if !ok && p.timeP != nil {
		// The fallback field may be nested anywhere: decode the event whole.
		full, err := p.fullDec.ParseFramed(ev)
		if err != nil {
			return err
		}
		t, ok = full.Time(), true
	}
	if !ok {
		// Rare: the whole event is parsed only to name a field that
		// --time-field would take (as Parse's reject names it).
		te := &TimeError{Value: describeRaw(p.vals[plan.eventTime])}
		if v, err := p.kp.ParseBytes(raw); err == nil {
			if o, err := v.Object(); err == nil {
				te.Hint = timeHint(o, p.timeP)
			}
		}
		return te
	}
	p.time = t
	return nil
}

type wantKey struct {
	col  int
	name string
}

// match records val for the top-level key, following resolve's rule: an
// exact-case key wins, else the first key equal ignoring case. (No two
// schema fields differ only in case, so a key equal to one field's name
// is never another's case-insensitive match.)
func (p *Projection) match(key, val []byte) {
	for _, w := range p.want {
		if len(key) != len(w.name) {
			continue
		}
		i := w.col
		if string(key) == w.name {
			if !p.exact[i] {
				p.vals[i], p.exact[i] = val, true
			}
			return
		}
		if equalFoldASCII(key, w.name) {
			if p.vals[i] == nil {
				p.vals[i] = val
			}
			return
		}
	}
}

// equalFoldASCII compares ASCII letters case-insensitively (schema names
// are ASCII; resolve lower-cases the same way).
func equalFoldASCII(k []byte, name string) bool {
	for j := 0; j < len(k); j++ {
		a, b := k[j], name[j]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// unescapeKey decodes a key written with escapes (rare: CloudTrail's keys
// are plain ASCII).
func (p *Projection) unescapeKey(key []byte) []byte {
	q := make([]byte, 0, len(key)+2)
	q = append(append(append(q, '"'), key...), '"')
	v, err := p.kp.ParseBytes(q)
	if err != nil {
		return key
	}
	s, _ := v.StringBytes()
	return append([]byte(nil), s...)
}

// Append adds the last decoded event as one row.
func (p *Projection) Append() {
	for k, i := range p.cols {
		b := p.bnodes[k]
		switch {
		case i == plan.eventTime:
			b.ts.append(p.time)
		case i == plan.eventJSON:
			if p.hasWS {
				p.buf = appendCompact(p.buf[:0], p.raw)
				b.str.append(p.buf)
			} else {
				b.str.append(p.raw)
			}
		case i == plan.eventJSONSum:
			b.str.appendNull()
		default:
			p.appendValue(b, p.vals[i])
		}
	}
	p.rows++
}

// appendValue appends one raw value under the Builder's rules: plain
// strings go in without a parse; anything else is parsed alone.
func (p *Projection) appendValue(b *bnode, raw []byte) {
	if raw == nil {
		b.append(nil, &p.buf)
		return
	}
	if b.n.kind == kString && len(raw) >= 2 && raw[0] == '"' && quoteOrBackslash(raw[1:]) == len(raw)-2 {
		b.str.append(raw[1 : len(raw)-1])
		return
	}
	v, err := p.p.ParseBytes(raw)
	if err != nil {
		v = nil // cannot happen for a validated event
	}
	b.append(v, &p.buf)
}

// NewRecord returns the rows appended so far (schema: Schema) and resets.
// The caller releases the record.
func (p *Projection) NewRecord() arrow.Record {
	rec := finishRecord(p.schema, p.bnodes, p.rows)
	p.rows = 0
	return rec
}

// Release drops pending rows.
func (p *Projection) Release() {
	if p.rows > 0 {
		p.NewRecord().Release()
	}
}

// timeOfRaw parses a raw JSON value as an event time: a string without
// escapes in one of the accepted formats (an escaped one is parsed by
// fastjson's rules through timeOf).
func timeOfRaw(raw []byte) (int64, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return 0, false
	}
	body := raw[1 : len(raw)-1]
	if quoteOrBackslash(body) == len(body) {
		return parseTime(body)
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(raw)
	if err != nil {
		return 0, false
	}
	return timeOf(v)
}

// describeRaw is describe for a raw value.
func describeRaw(raw []byte) string {
	if raw == nil {
		return "absent"
	}
	if len(raw) > 64 {
		return string(raw[:61]) + "..."
	}
	return string(raw)
}

// walkObject calls fn for each member of the JSON object starting at
// b[i] ('{'), which must be valid JSON: the key's bytes between its quotes
// (esc: it holds escapes) and the value's raw text. Values are skipped, not
// parsed.
func walkObject(b []byte, i int, fn func(key []byte, esc bool, val []byte)) {
	i = skipWSBytes(b, i+1)
	if i < len(b) && b[i] == '}' {
		return
	}
	for i < len(b) {
		// b[i] == '"': a key.
		ks := i + 1
		ke, esc := stringBodyEnd(b, ks)
		i = skipWSBytes(b, ke+1)
		i = skipWSBytes(b, i+1) // ':'
		ve := skipValue(b, i)
		fn(b[ks:ke], esc, b[i:ve])
		i = skipWSBytes(b, ve)
		if i >= len(b) || b[i] == '}' {
			return
		}
		i = skipWSBytes(b, i+1) // ','
	}
}

// stringBodyEnd returns the index of the closing quote of the string whose
// body starts at i, and whether the body holds escapes.
func stringBodyEnd(b []byte, i int) (int, bool) {
	esc := false
	for {
		j := i + quoteOrBackslash(b[i:])
		if j >= len(b) || b[j] == '"' {
			return j, esc
		}
		esc = true
		i = j + 2 // the backslash and the escaped byte
	}
}

// skipValue returns the index just past the valid JSON value at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		e, _ := stringBodyEnd(b, i+1)
		return e + 1
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				e, _ := stringBodyEnd(b, i+1)
				i = e + 1
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

func skipWSBytes(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Rebase returns r with its bytes at data (a copy the caller keeps beyond
// the Framer's next call): the Framer's validation of the event still
// holds.
func (r RawEvent) Rebase(data []byte) RawEvent {
	r.Data = data
	r.members = append([]member(nil), r.members...)
	return r
}

// TopColumn returns the index in orcstore.EventSchema of a top-level
// column, as Projection.Value takes it.
func TopColumn(name string) (int, bool) {
	i, ok := plan.root.exact[name]
	return i, ok
}

// IsEventLine reports whether line (without its newline) is one whole
// event object, strict JSON, and not a {"Records":[...]} wrapper: the test
// a reader applies before cutting an NDJSON file into ranges at line
// starts.
func IsEventLine(line []byte) bool {
	i := skipWSBytes(line, 0)
	if i >= len(line) || line[i] != '{' {
		return false
	}
	v := validator{b: line, i: i, wrapperCheck: true}
	if v.object(1) != nil {
		return false
	}
	return skipWSBytes(line, v.i) == len(line)
}
