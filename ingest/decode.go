package ingest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/valyala/fastjson"
)

// Options configure decoding.
type Options struct {
	// TimeField names a fallback field for events whose eventTime is
	// absent, null or unparseable, e.g. "@timestamp" for events exported by
	// Logstash. A dotted name ("a.b") walks nested objects. The fallback's
	// value also fills the eventTime column. Empty: no fallback.
	TimeField string
}

// Decoder parses events. It is not safe for concurrent use: give each worker
// its own (it reuses its parser and scratch memory between events).
type Decoder struct {
	p        fastjson.Parser
	timePath []string
	ev       Event
}

// NewDecoder returns a Decoder applying opts.
func NewDecoder(opts Options) *Decoder {
	d := &Decoder{}
	if opts.TimeField != "" {
		d.timePath = strings.Split(opts.TimeField, ".")
	}
	n := len(plan.root.fields)
	d.ev.top = make([]*fastjson.Value, n)
	d.ev.topExact = make([]bool, n)
	d.ev.slots = make([]*fastjson.Value, n)
	d.ev.slotsExact = make([]bool, n)
	return d
}

// Event is one parsed event. It is owned by its Decoder and valid until the
// Decoder's next Parse: inspect it (Time, ID, Values), then append it to a
// Builder or drop it.
type Event struct {
	raw        []byte
	root       *fastjson.Value
	top        []*fastjson.Value // top-level column values, schema order
	topExact   []bool
	time       int64
	hasWS      bool              // raw has whitespace outside strings: eventJson needs compacting
	chunk      *rawChunk         // the buffer raw lies in, if the eventJson column may alias it
	slots      []*fastjson.Value // scratch for nested lookups
	slotsExact []bool
}

// Parse decodes one event's raw bytes (as a Framer delivers them). It returns
// an error saying why the event cannot be stored: invalid UTF-8 (with the
// byte offset), invalid JSON, not an object, or no parseable eventTime. The
// caller turns that into a Reject with the event's location. raw must stay
// unchanged while the Event is in use.
func (d *Decoder) Parse(raw []byte) (*Event, error) {
	return d.ParseFramed(RawEvent{Data: raw})
}

// ParseFramed is Parse of an event as the Framer delivered it: one the
// Framer already validated is not checked again.
func (d *Decoder) ParseFramed(rawEv RawEvent) (*Event, error) {
	raw, hasWS := rawEv.Data, rawEv.hasWS
	if !rawEv.checked {
		// fastjson's parser accepts some non-JSON (NaN, control characters
		// in strings); eventJson must be valid JSON, so check first.
		var err error
		if hasWS, err = checkJSON(raw); err != nil {
			return nil, err
		}
	}
	v, err := d.p.ParseBytes(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	o, err := v.Object()
	if err != nil {
		return nil, errors.New("event is not a JSON object")
	}
	ev := &d.ev
	ev.raw, ev.root, ev.hasWS, ev.chunk = raw, v, hasWS, rawEv.chunk
	plan.root.resolve(o, ev.top, ev.topExact)
	t, ok := timeOf(ev.top[plan.eventTime])
	if !ok && d.timePath != nil {
		t, ok = timeOf(v.Get(d.timePath...))
	}
	if !ok {
		return nil, &TimeError{Value: describe(ev.top[plan.eventTime]), Hint: timeHint(o, d.timePath)}
	}
	ev.time = t
	return ev, nil
}

// timeOf parses a JSON string value as a timestamp.
func timeOf(v *fastjson.Value) (int64, bool) {
	if v == nil || v.Type() != fastjson.TypeString {
		return 0, false
	}
	b, _ := v.StringBytes()
	return parseTime(b)
}

// describe names a bad value for a reject reason, briefly.
func describe(v *fastjson.Value) string {
	if v == nil {
		return "absent"
	}
	s := v.MarshalTo(nil)
	if len(s) > 64 {
		s = append(s[:61], "..."...)
	}
	return string(s)
}

// Time returns the event's time in Unix nanoseconds, UTC (eventTime, or the
// TimeField fallback).
func (e *Event) Time() int64 { return e.time }

// Raw returns the event's bytes as given to Parse.
func (e *Event) Raw() []byte { return e.raw }

// ID returns the eventID when it is a non-empty JSON string. The slice is
// valid as long as the Event.
func (e *Event) ID() ([]byte, bool) {
	v := e.top[plan.eventID]
	if v == nil || v.Type() != fastjson.TypeString {
		return nil, false
	}
	b, _ := v.StringBytes()
	return b, len(b) > 0
}
