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
	var members *[]member
	if f.recordMembers {
		f.members = f.members[:0]
		members = &f.members
	}
	n, ok := fastObject(f.buf[start:f.end], members, len(f.stack) == 0)
	ws := false
	if !ok {
		v := validator{b: f.buf[start:f.end], wrapperCheck: len(f.stack) == 0, members: members}
		if members != nil {
			f.members = f.members[:0]
		}
		if v.object(1) != nil {
			return false
		}
		n, ws = v.i, v.ws
	}
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
	ev := RawEvent{Data: f.buf[start:f.pos], Line: line, Offset: f.base + int64(start), checked: true, hasWS: ws}
	if f.recordMembers {
		ev.members = f.members
	}
	return f.emit(ev, nil)
}
