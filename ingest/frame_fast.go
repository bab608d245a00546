package ingest

// framerFastPath switches fastEvent on; tests turn it off to compare.
var framerFastPath = true

// fastEvent frames the event object starting at f.pos by validating it: when
// the whole object is in the buffer and is strict JSON, one pass both finds
// its end and checks it, where the byte-at-a-time structural scan (step)
// followed by the Decoder's checkJSON read every byte twice (the two were a
// fifth of an S3-layout ingest's CPU). It reports whether it emitted the
// event; when it did not (the object runs past the buffer, is invalid, is
// too large, or is a {"Records":[...]} wrapper), nothing has changed and
// step frames the object as before, so damaged input is reported exactly as
// it was.
func (f *Framer) fastEvent() bool {
	start := f.pos
	v := validator{b: f.buf[start:f.end], wrapperCheck: len(f.stack) == 0}
	if f.recordMembers {
		f.members = f.members[:0]
		v.members = &f.members
	}
	if v.object(1) != nil {
		return false
	}
	n := v.i
	if n > f.MaxEventSize {
		return false
	}
	// The state step would leave after the object's closing brace.
	if len(f.stack) == 0 {
		f.wrapper, f.recKey = false, false
		f.st = stTop
	} else {
		f.st = stCommaOrEnd
	}
	f.wasLineStart, f.lineStart = f.lineStart, false
	f.kind = '{'
	f.skipRej = nil
	f.prevSig = '}'
	line := f.lineOf(start)
	f.pos = start + n
	ev := RawEvent{Data: f.buf[start:f.pos], Line: line, Offset: f.base + int64(start), checked: true, hasWS: v.ws}
	if f.recordMembers {
		ev.members = f.members
	}
	return f.emit(ev, nil)
}
