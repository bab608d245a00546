package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// What the Framer does with damage: rejects, resynchronisation after a
// syntax error, oversized events, and the end of a damaged input.

// reject builds a Reject for buf[start:end], copying the bytes.
func (f *Framer) reject(start, end int, reason string) *Reject {
	return &Reject{File: f.name, Line: f.lineOf(start), Offset: f.base + int64(start),
		Reason: reason, Raw: bytes.Clone(f.buf[start:end])}
}

// syntaxError rejects the element being collected (or a snippet of the
// input when none is) and switches to resynchronisation.
func (f *Framer) syntaxError(c byte) bool {
	var rej *Reject
	switch {
	case f.skip:
		rej = f.skipRej
	case f.mark >= 0:
		rej = f.reject(f.mark, f.pos, "") // before lineOf(f.pos): lines are counted forward only
	default:
		rej = f.reject(f.pos, min(f.pos+snippetSize, f.end), "")
	}
	reason := fmt.Sprintf("invalid JSON: unexpected %q at line %d, offset %d", c, f.lineOf(f.pos), f.base+int64(f.pos))
	if rej.Reason != "" {
		reason = rej.Reason + "; and " + reason
	}
	rej.Reason = reason
	f.resyncTop = len(f.stack) == 0
	f.lineStart = f.wasLineStart
	f.mark, f.skip, f.skipRej = -1, false, nil
	f.inStr, f.inScalar, f.esc, f.junk = false, false, false, false
	f.resync = true
	return f.emit(RawEvent{}, rej)
}

// resyncScan skips to the next plausible event start: a '{' after ',', '}'
// or '[' inside an event array, else a '{' or '[' opening a line (or after
// a stray ',' between top-level values).
func (f *Framer) resyncScan() {
	for f.pos < f.end {
		c := f.buf[f.pos]
		switch c {
		case ' ', '\t', '\r':
		case '\n':
			f.lineStart = true
		case '{', '[':
			if f.evDepth > 0 && c == '{' && (f.prevSig == ',' || f.prevSig == '}' || f.prevSig == '[') {
				f.stack = f.stack[:f.evDepth]
				f.st = stValue
				f.resync = false
				return
			}
			if f.lineStart || f.resyncTop && f.prevSig == ',' {
				f.stack = f.stack[:0]
				f.evDepth = 0
				f.wrapper = false
				f.st = stTop
				f.resync = false
				return
			}
			f.prevSig, f.lineStart = c, false
		default:
			f.prevSig, f.lineStart = c, false
		}
		f.pos++
	}
}

// oversize turns the element filling the whole buffer into a reject and
// keeps scanning it without storing it.
func (f *Framer) oversize() {
	rej := f.reject(f.mark, f.end, fmt.Sprintf("event larger than %d bytes (MaxEventSize)", f.MaxEventSize))
	f.lineOf(f.end)
	f.skip, f.skipRej = true, rej
	f.mark = -1
}

// finish ends the input: it reports what the end interrupted, then EOF or
// the read error.
func (f *Framer) finish() (RawEvent, error) {
	rerr := f.rerr
	if rerr == io.EOF {
		rerr = nil
	}
	var rej *Reject
	reason := "input ends inside the event"
	if rerr != nil {
		reason += ": " + rerr.Error()
	}
	switch {
	case f.skip:
		rej = f.skipRej
		rej.Reason += "; " + reason
	case f.mark >= 0 && (len(f.stack) > f.evDepth || f.inStr || f.inScalar && len(f.stack) > 0):
		rej = f.reject(f.mark, f.end, reason)
	case f.mark >= 0 && f.inScalar:
		// A top-level scalar (or line of text) ending the input.
		rej = f.reject(f.mark, f.end, notObject(f.buf[f.mark:f.end]))
	}
	f.mark, f.skip, f.skipRej, f.inStr, f.inScalar, f.junk = -1, false, nil, false, false, false
	switch {
	case rerr != nil:
		if errors.Is(rerr, io.ErrUnexpectedEOF) && f.gz != nil {
			rerr = fmt.Errorf("truncated gzip stream: %w", rerr)
		}
		f.done = &InputError{File: f.name, Offset: f.base + int64(f.end), Err: rerr}
	case len(f.stack) > 0 && !f.resync:
		f.done = &InputError{File: f.name, Offset: f.base + int64(f.end),
			Err: fmt.Errorf("input ends inside %d unclosed JSON containers (truncated file?)", len(f.stack))}
	default:
		f.done = io.EOF
	}
	if rej != nil {
		return RawEvent{}, rej
	}
	return RawEvent{}, f.done
}

// notObject is the reason for rejecting a value found where an event
// belongs: a JSON value that is not an object, or a line that is not JSON
// at all (rejected whole, see Framer.junk).
func notObject(raw []byte) string {
	if json.Valid(raw) {
		return "event is not a JSON object"
	}
	return "not JSON: a line of text where an event belongs"
}
