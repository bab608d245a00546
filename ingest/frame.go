package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// RawEvent is one event's text as found in the input.
type RawEvent struct {
	// Data is the event object's bytes, from its '{' to its '}'. It points
	// into the Framer's buffer and is valid only until the next call to Next;
	// copy it to keep it.
	Data []byte
	// Line is the 1-based line of the event's first byte.
	Line int
	// Offset is the byte offset of the event's first byte in the
	// decompressed input.
	Offset int64

	// checked: Data was validated as strict JSON while framing (see
	// fastEvent), so the Decoder need not scan it again; hasWS is then the
	// validator's whitespace report.
	checked, hasWS bool
	// chunk, when set, is the rawChunk whose buffer Data lies in, which
	// the eventJson column may take over instead of copying (strCol.alias).
	chunk *rawChunk
	// members are the event's top-level members, found while validating
	// it, when the Framer records them (RecordMembers); valid until Next.
	members []member
}

// member is one top-level member of an event: the key's bytes between its
// quotes and the value's text, as offsets into the event's Data.
type member struct {
	key, keyEnd, val, valEnd int32
	esc                      bool // the key holds escapes
}

// DefaultMaxEventSize bounds one event's size (CloudTrail's own events stay
// far below 1 MB). It is also what bounds the Framer's memory.
const DefaultMaxEventSize = 32 << 20

const (
	initialBufSize = 256 << 10
	snippetSize    = 256 // raw bytes kept for a reject that is not inside an event
)

// Scanner states outside strings. The scanner checks JSON's structure (which
// token may follow which) but not scalars: numbers and literals are left to
// the decoder, so a bad scalar costs one event, not a resynchronisation.
const (
	stTop        = iota // depth 0, between top-level values
	stValue             // a value must follow (after ':' or ',' in an array)
	stValueOrEnd        // after '['
	stKey               // after ',' in an object
	stKeyOrEnd          // after '{'
	stColon             // after a key
	stCommaOrEnd        // after a value inside a container
)

// Framer splits a CloudTrail JSON input into events without loading it whole.
// It detects gzip by its magic bytes (multi-member streams included) and the
// shape by content; every shape may be mixed with the others in one stream:
//
//   - {"Records":[ev, ...], ...}: the Records array's elements are events,
//     wherever the key sits; other top-level keys are skipped;
//   - NDJSON or concatenated objects: each top-level object is an event;
//   - [ev, ...]: each element of a top-level array is an event.
//
// Memory is bounded by the largest event (at most MaxEventSize), not by the
// input. A damaged event is returned as a *Reject and the Framer resumes at
// the next plausible event start: the next '{' after ',' inside an event
// array, or the next line starting with '{' or '[' at the top level.
type Framer struct {
	name string
	in   io.Reader
	src  io.Reader
	gz   *gzip.Reader
	br   *bufio.Reader

	// MaxEventSize is the largest event delivered; larger ones are rejected
	// (their first MaxEventSize bytes go to the Reject). Set before the first
	// Next; 0 means DefaultMaxEventSize.
	MaxEventSize int

	started bool
	done    error // terminal result, returned by every later Next
	rerr    error // read error seen by fill, acted upon once the buffer is drained

	buf    []byte
	pos    int   // next byte to scan
	end    int   // end of valid data
	base   int64 // stream offset of buf[0]
	lineAt int   // buf index up to which newlines are counted
	line   int   // line number at buf[lineAt]

	stack   []byte // open containers: '{' or '['
	st      int
	evDepth int  // depth of the array whose elements are events; 0: top-level values are
	mark    int  // buf index of the element being collected, -1 if none
	kind    byte // first byte of the element at mark
	wrapper bool // the current top-level object is a {"Records":[...]} wrapper

	inStr    bool
	esc      bool // a backslash ended the previous buffer inside a string
	strKey   bool // the open string is an object key
	strStart int  // buf index of the open string's quote (valid while mark >= 0)
	recKey   bool // the last key at depth 1 was "Records"
	inScalar bool
	// junk: the scalar began at the top level, where only events belong,
	// so it is text that is not JSON (or a bare value): it runs to the end
	// of its line and is rejected whole, not word by word.
	junk bool

	prevSig      byte // last significant byte outside strings
	lineStart    bool // nothing but whitespace since the last newline
	resync       bool // skipping bytes after a syntax error
	resyncTop    bool // the syntax error was between top-level values
	wasLineStart bool

	bom    int      // bytes of a leading byte order mark consumed
	out    RawEvent // result of the last step that completed an element
	outErr error

	// recordMembers makes fastEvent record each event's top-level
	// members (RecordMembers), into members.
	recordMembers bool
	members       []member

	skip    bool    // the current element is oversized: track it, do not keep it
	skipRej *Reject // the reject for that element, returned when it ends
	markOff int64   // offset of the element when skip is set
	markLn  int
}

// NewFramer returns a Framer reading r; name is used in errors and rejects.
func NewFramer(r io.Reader, name string) *Framer {
	return &Framer{name: name, in: r, mark: -1}
}

// RecordMembers makes the Framer note where each event's top-level members
// lie while it validates the event, so that a Projection decodes the
// event without scanning it again. Call it before the first Next.
func (f *Framer) RecordMembers() { f.recordMembers = true }

// Offset is the number of decompressed bytes scanned so far (for progress
// reports).
func (f *Framer) Offset() int64 { return f.base + int64(f.pos) }

// Compressed reports whether the input was gzip (known after the first Next).
func (f *Framer) Compressed() bool { return f.gz != nil }

// Per-input buffers are pooled: CloudTrail's S3 layout is tens of
// thousands of small files, and allocating a read buffer, a scan buffer and
// a gzip decompressor for each cost 11.5% of ingest's CPU (profiled on 100k
// generated events).
var (
	framerBufio = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
	framerBufs  = sync.Pool{New: func() any { b := make([]byte, initialBufSize); return &b }}
	framerGzips sync.Pool // *gzip.Reader
)

// Close releases the decompressor and the Framer's buffers; every later
// Next returns an error. It does not close the underlying reader. Events
// returned earlier must not be used after Close.
func (f *Framer) Close() error {
	var err error
	if f.gz != nil {
		err = f.gz.Close()
		framerGzips.Put(f.gz)
		f.gz = nil
	}
	if f.br != nil {
		f.br.Reset(nil)
		framerBufio.Put(f.br)
		f.br = nil
	}
	if len(f.buf) == initialBufSize {
		b := f.buf
		framerBufs.Put(&b)
	}
	f.buf, f.src = nil, nil
	f.started = true
	if f.done == nil {
		f.done = errors.New("framer closed")
	}
	return err
}

func (f *Framer) start() error {
	f.started = true
	if f.MaxEventSize <= 0 {
		f.MaxEventSize = DefaultMaxEventSize
	}
	br := framerBufio.Get().(*bufio.Reader)
	br.Reset(f.in)
	f.br = br
	magic, _ := br.Peek(2)
	f.src = br
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		var gz *gzip.Reader
		var err error
		if v := framerGzips.Get(); v != nil {
			gz = v.(*gzip.Reader)
			err = gz.Reset(br)
		} else {
			gz, err = gzip.NewReader(br)
		}
		if err != nil {
			return &InputError{File: f.name, Offset: 0, Err: fmt.Errorf("gzip: %w", err)}
		}
		f.gz = gz
		f.src = gz
	}
	size := initialBufSize
	if size > f.MaxEventSize+1 {
		size = f.MaxEventSize + 1
	}
	if size == initialBufSize {
		f.buf = *framerBufs.Get().(*[]byte)
	} else {
		f.buf = make([]byte, size)
	}
	f.line = 1
	f.st = stTop
	f.lineStart = true
	return nil
}

// Next returns the next event. A *Reject error reports one damaged or
// unusable event; call Next again to continue. io.EOF ends a good input; an
// *InputError ends a damaged one. Next never panics and always makes
// progress, whatever the input.
func (f *Framer) Next() (RawEvent, error) {
	if f.done != nil {
		return RawEvent{}, f.done
	}
	if !f.started {
		if err := f.start(); err != nil {
			f.done = err
			return RawEvent{}, err
		}
	}
	for {
		if f.pos >= f.end {
			if f.fill() {
				continue
			}
			return f.finish()
		}
		if f.resync {
			f.resyncScan()
			continue
		}
		if f.inStr {
			if !f.scanString() {
				continue
			}
			if f.afterString() {
				return f.out, f.outErr
			}
			continue
		}
		if f.inScalar {
			if !f.scanScalar() {
				continue
			}
			if f.afterValue() {
				return f.out, f.outErr
			}
			continue
		}
		if framerFastPath && f.buf[f.pos] == '{' && f.mark < 0 && !f.skip && len(f.stack) == f.evDepth && f.valuePos() && f.fastEvent() {
			return f.out, f.outErr
		}
		if f.step() {
			return f.out, f.outErr
		}
	}
}

// step consumes one byte outside strings and scalars.
func (f *Framer) step() bool {
	c := f.buf[f.pos]
	switch c {
	case ' ', '\t', '\r':
		f.pos++
		return false
	case '\n':
		f.pos++
		f.lineStart = true
		return false
	}
	if c >= 0xBB && f.base+int64(f.pos) < 3 && f.skipBOM(c) {
		return false
	}
	f.wasLineStart, f.lineStart = f.lineStart, false
	switch c {
	case '{', '[':
		if !f.valuePos() {
			return f.syntaxError(c)
		}
		depth := len(f.stack)
		if c == '[' && depth == 0 {
			// A top-level array: its elements are events.
			f.push(c, stValueOrEnd)
			f.evDepth = 1
			return false
		}
		if c == '[' && depth == 1 && f.recKey && f.evDepth == 0 && f.mark >= 0 {
			// {"Records":[ ... : the object was a wrapper, not an event.
			f.wrapper = true
			f.mark = -1
			f.skip = false
			f.push(c, stValueOrEnd)
			f.evDepth = 2
			return false
		}
		if depth == f.evDepth && !(depth == 1 && f.wrapper) {
			f.beginElement(c)
		}
		if c == '{' {
			f.push(c, stKeyOrEnd)
		} else {
			f.push(c, stValueOrEnd)
		}
		return false
	case '}', ']':
		depth := len(f.stack)
		open := byte('{')
		if c == ']' {
			open = '['
		}
		if depth == 0 || f.stack[depth-1] != open {
			return f.syntaxError(c)
		}
		if c == '}' && f.st != stKeyOrEnd && f.st != stCommaOrEnd || c == ']' && f.st != stValueOrEnd && f.st != stCommaOrEnd {
			return f.syntaxError(c)
		}
		f.stack = f.stack[:depth-1]
		f.pos++
		f.prevSig = c
		if c == ']' && depth == f.evDepth {
			// The event array closed.
			f.evDepth = 0
		}
		return f.afterValue()
	case ',':
		if f.st != stCommaOrEnd {
			return f.syntaxError(c)
		}
		if f.stack[len(f.stack)-1] == '{' {
			f.st = stKey
		} else {
			f.st = stValue
		}
		f.pos++
		f.prevSig = c
		return false
	case ':':
		if f.st != stColon {
			return f.syntaxError(c)
		}
		f.st = stValue
		f.pos++
		f.prevSig = c
		return false
	case '"':
		switch {
		case f.st == stKey || f.st == stKeyOrEnd:
			f.strKey = true
		case f.valuePos():
			f.strKey = false
			if len(f.stack) == f.evDepth {
				f.beginElement(c)
			}
		default:
			return f.syntaxError(c)
		}
		f.strStart = f.pos
		f.inStr = true
		f.pos++
		return false
	default:
		if isScalarByte(c) && f.valuePos() {
			if len(f.stack) == f.evDepth {
				f.beginElement(c)
			}
			f.inScalar = true
			f.junk = len(f.stack) == 0
			f.pos++
			return false
		}
		return f.syntaxError(c)
	}
}

// skipBOM consumes the UTF-8 byte order mark (EF BB BF) that some tools
// write at the start of a file; c is the byte at f.pos, within the first
// three bytes of the input.
func (f *Framer) skipBOM(c byte) bool {
	off := f.base + int64(f.pos)
	if c != "\xEF\xBB\xBF"[off] || off != int64(f.bom) {
		return false
	}
	f.bom++
	f.pos++
	return true
}

// emit stores Next's result; step and its helpers return true after it.
func (f *Framer) emit(ev RawEvent, rej *Reject) bool {
	f.out, f.outErr = ev, nil
	if rej != nil {
		f.outErr = rej
	}
	return true
}

func (f *Framer) valuePos() bool {
	return f.st == stValue || f.st == stValueOrEnd || f.st == stTop
}

func (f *Framer) push(c byte, st int) {
	f.stack = append(f.stack, c)
	f.st = st
	f.pos++
	f.prevSig = c
}

func isScalarByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '+' || c == '.'
}

// beginElement starts collecting an element (an event, or a value that is
// rejected for not being one) at f.pos.
func (f *Framer) beginElement(c byte) {
	f.mark = f.pos
	f.kind = c
	f.skip = false
	f.skipRej = nil
	if len(f.stack) == 0 {
		f.wrapper = false
		f.recKey = false
	}
}

// scanString advances through a string; it reports whether the string closed.
func (f *Framer) scanString() bool {
	if f.esc {
		f.esc = false
		f.pos++
		if f.pos > f.end {
			f.pos = f.end
		}
	}
	for f.pos < f.end {
		f.pos += quoteOrBackslash(f.buf[f.pos:f.end])
		if f.pos >= f.end {
			return false
		}
		if f.buf[f.pos] == '\\' {
			f.pos += 2
			if f.pos > f.end {
				f.pos = f.end
				f.esc = true
			}
			continue
		}
		f.pos++
		f.inStr = false
		return true
	}
	return false
}

func (f *Framer) afterString() bool {
	f.prevSig = '"'
	if f.strKey {
		f.st = stColon
		if len(f.stack) == 1 && f.evDepth == 0 && (f.mark >= 0 || f.wrapper) {
			f.recKey = f.mark >= 0 && string(f.buf[f.strStart+1:f.pos-1]) == "Records"
		}
		return false
	}
	return f.afterValue()
}

func (f *Framer) scanScalar() bool {
	if f.junk {
		if i := bytes.IndexByte(f.buf[f.pos:f.end], '\n'); i >= 0 {
			f.pos += i
			f.inScalar, f.junk = false, false
			f.prevSig = 'a'
			return true
		}
		f.pos = f.end
		return false
	}
	for f.pos < f.end {
		if !isScalarByte(f.buf[f.pos]) {
			f.inScalar = false
			f.prevSig = 'a'
			return true
		}
		f.pos++
	}
	return false
}

// afterValue runs when a value ended at f.pos; it completes an element when
// the value was one.
func (f *Framer) afterValue() bool {
	if len(f.stack) == 0 {
		f.st = stTop
	} else {
		f.st = stCommaOrEnd
	}
	if len(f.stack) != f.evDepth || (f.mark < 0 && !f.skip) {
		if len(f.stack) == 0 {
			f.wrapper = false
		}
		return false
	}
	if f.skip {
		rej := f.skipRej
		f.skip, f.skipRej = false, nil
		return f.emit(RawEvent{}, rej)
	}
	start := f.mark
	f.mark = -1
	if f.kind != '{' {
		return f.emit(RawEvent{}, f.reject(start, f.pos, notObject(f.buf[start:f.pos])))
	}
	if f.pos-start > f.MaxEventSize {
		// The buffer holds one byte more than the limit.
		return f.emit(RawEvent{}, f.reject(start, f.pos, fmt.Sprintf("event larger than %d bytes (MaxEventSize)", f.MaxEventSize)))
	}
	return f.emit(RawEvent{Data: f.buf[start:f.pos], Line: f.lineOf(start), Offset: f.base + int64(start)}, nil)
}

// lineOf returns the line of buf[i]. Lines are counted forward only: i
// must not precede an earlier query's position (callers ask in order).
func (f *Framer) lineOf(i int) int {
	if i > f.lineAt {
		f.line += bytes.Count(f.buf[f.lineAt:i], []byte{'\n'})
		f.lineAt = i
	}
	return f.line
}

// fill reads more input, keeping the element being collected. It reports
// whether there is something new to scan.
func (f *Framer) fill() bool {
	for f.rerr == nil {
		keep := f.pos
		if f.mark >= 0 {
			keep = f.mark
		}
		if keep > 0 {
			f.lineOf(keep)
			n := copy(f.buf, f.buf[keep:f.end])
			f.end = n
			f.pos -= keep
			f.lineAt -= keep
			f.strStart -= keep
			if f.mark >= 0 {
				f.mark -= keep
			}
			f.base += int64(keep)
		}
		if f.end == len(f.buf) && f.mark >= 0 {
			if len(f.buf) > f.MaxEventSize {
				f.oversize()
				continue
			}
			nb := make([]byte, min(2*len(f.buf), f.MaxEventSize+1))
			copy(nb, f.buf[:f.end])
			f.buf = nb
		}
		n, err := f.src.Read(f.buf[f.end:])
		f.end += n
		if err != nil {
			f.rerr = err
		}
		if n > 0 {
			return true
		}
	}
	return false
}
