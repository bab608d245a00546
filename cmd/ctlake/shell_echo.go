package main

import (
	"bytes"
	"io"
	"strconv"
	"sync"
	"time"
)

// echoWriter is readline's Stdout (see shell_paste.go). readline redraws
// the line after every key in two writes: a "clean" (erase down, erase the
// line's rows, carriage return) and a "render" (the prompt, the line, and
// backspaces to the cursor). When the render only extends the render on
// the screen, with the cursor at its end before and after (typing or
// pasting at the end of the line), writing the added text is the same as
// erasing and reprinting; echoWriter writes just that. An edit inside the
// line (cursor moves, typing or deleting in the middle) gets the moves to
// the first changed cell, the changed tail and the moves to the new cursor
// (redrawDiff), when the line is ASCII and the terminal's width known.
// Any other write passes through as readline made it, so the screen is
// always what readline meant.
//
// A clean is held back until the write after it shows whether it starts a
// redraw; should none follow (readline erasing the line before it hands
// over), the clean goes out after holdFor, or before the shell's next
// output (see flushed).
type echoWriter struct {
	mu    sync.Mutex
	w     io.Writer
	held  []byte // a clean not yet written
	shown shownLine
	timer *time.Timer
	gen   int // which held clean the timer is for
	// width is the terminal's width, as readline takes it (nil: unknown,
	// and edits inside the line are redrawn whole).
	width func() int
	hold  time.Duration // how long a clean waits for its render (holdFor)
}

// shownLine is the line on the screen after the last render: its text
// (prompt and line, printed from the left margin) and the cell the cursor
// sits in. text nil: unknown.
type shownLine struct {
	text   []byte
	cursor int  // a byte offset in text; a cell when ascii
	ascii  bool // text is printable ASCII: one cell per byte
	width  int  // the terminal's width when it was drawn (0: unknown)
}

const holdFor = 30 * time.Millisecond

func newEchoWriter(w io.Writer, width func() int) *echoWriter {
	return &echoWriter{w: w, width: width, hold: holdFor}
}

func (e *echoWriter) Write(b []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if isClean(b) {
		if err := e.flushLocked(); err != nil {
			return 0, err
		}
		e.held = append(e.held[:0], b...)
		e.gen++
		gen := e.gen
		e.stopTimer()
		e.timer = time.AfterFunc(e.hold, func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.gen == gen {
				e.flushLocked()
			}
		})
		return len(b), nil
	}
	if e.held == nil {
		e.shown = shownLine{}
		return e.w.Write(b)
	}
	// b is the render after a clean.
	e.stopTimer()
	held := e.held
	e.held = nil
	old := e.shown
	if old.text != nil && old.cursor == len(old.text) && bytes.HasPrefix(b, old.text) {
		if add := b[len(old.text):]; isPlain(bytes.TrimSuffix(add, []byte("\n"))) {
			e.shown = shownLine{}
			if !bytes.HasSuffix(add, []byte("\n")) {
				e.shown = shownLine{text: append(old.text, add...), cursor: len(b), ascii: old.ascii && isASCII(add), width: old.width}
			}
			if _, err := e.w.Write(add); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	width := 0
	if e.width != nil {
		width = e.width()
	}
	e.shown = parseRender(b, width)
	if out, ok := redrawDiff(old, e.shown, upsIn(held)); ok {
		if _, err := e.w.Write(out); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if _, err := e.w.Write(append(held, b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (e *echoWriter) stopTimer() {
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
}

// flushLocked writes a held clean, if any; the screen is then unknown.
func (e *echoWriter) flushLocked() error {
	if e.held == nil {
		return nil
	}
	e.shown = shownLine{}
	held := e.held
	e.held = nil
	e.stopTimer()
	_, err := e.w.Write(held)
	return err
}

// flush writes a held clean before other output reaches the terminal,
// which moves the cursor: the next redraw is written whole.
func (e *echoWriter) flush() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.flushLocked()
	e.shown = shownLine{}
}

// flushed is a writer to the same terminal (the shell's results and
// messages) whose writes come after whatever readline wrote.
func (e *echoWriter) flushed(w io.Writer) io.Writer { return flushedWriter{e: e, w: w} }

type flushedWriter struct {
	e *echoWriter
	w io.Writer
}

func (f flushedWriter) Write(b []byte) (int, error) {
	f.e.flush()
	return f.w.Write(b)
}

// parseRender reads a render of readline (RuneBuffer.output): the prompt
// and the line as printable text, then the moves back to the cursor, one
// cell each: a backspace, followed at a row's start by "up, carriage
// return, right width" (getBackspaceSequence). A line ending at the right
// margin is followed by " \b", which moves the cursor to the next row; the
// space is kept in the text. Anything else gives an unknown line.
func parseRender(b []byte, width int) shownLine {
	n := 0
	for n < len(b) && b[n] >= 0x20 && b[n] != 0x7f {
		n++
	}
	text, back := b[:n], b[n:]
	ascii := isASCII(text)
	if len(back) > 0 && !ascii {
		return shownLine{}
	}
	wrapUp := []byte("\x1b[A\r\x1b[" + strconv.Itoa(width) + "C")
	moves := 0
	for len(back) > 0 {
		switch {
		case back[0] == '\b':
			moves++
			back = back[1:]
		case width > 0 && bytes.HasPrefix(back, wrapUp):
			back = back[len(wrapUp):]
		default:
			return shownLine{}
		}
	}
	if moves > len(text) {
		return shownLine{}
	}
	return shownLine{text: append([]byte(nil), text...), cursor: len(text) - moves, ascii: ascii, width: width}
}

// redrawDiff is what turns the line shown (old) into the one readline
// just rendered (cur), the clean before it having moved up ups rows:
// from the cursor, move to the first cell that differs, print the rest of
// the new line, erase what is left of the old one and move to the new
// cursor. ok is false when the fast path does not apply (cells unknown,
// the width changed, readline's idea of the cursor's row differs from
// ours, or a line ending at the right margin, where the cursor's row is
// ambiguous); the caller then writes readline's clean and render.
func redrawDiff(old, cur shownLine, ups int) (out []byte, ok bool) {
	w := cur.width
	if old.text == nil || cur.text == nil || !old.ascii || !cur.ascii || w <= 0 || old.width != w ||
		old.cursor/w != ups || len(cur.text)%w == 0 || len(old.text)%w == 0 {
		return nil, false
	}
	d := 0
	for d < len(old.text) && d < len(cur.text) && old.text[d] == cur.text[d] {
		d++
	}
	if d == len(old.text) && d == len(cur.text) { // only the cursor moved
		return moveCursor(nil, old.cursor, cur.cursor, w), true
	}
	out = moveCursor(nil, old.cursor, d, w)
	out = append(out, cur.text[d:]...)
	if len(cur.text) < len(old.text) {
		out = append(out, "\x1b[J"...)
	}
	return moveCursor(out, len(cur.text), cur.cursor, w), true
}

// moveCursor appends the moves from cell from to cell to (cells counted
// from the left margin of the line's first row, width w per row).
func moveCursor(out []byte, from, to, w int) []byte {
	if from == to {
		return out
	}
	switch fr, tr := from/w, to/w; {
	case tr < fr:
		out = append(out, "\x1b["+strconv.Itoa(fr-tr)+"A"...)
	case tr > fr:
		out = append(out, "\x1b["+strconv.Itoa(tr-fr)+"B"...)
	}
	out = append(out, '\r')
	if c := to % w; c > 0 {
		out = append(out, "\x1b["+strconv.Itoa(c)+"C"...)
	}
	return out
}

// upsIn counts the rows a clean moves up.
func upsIn(clean []byte) int { return bytes.Count(clean, []byte("\x1b[A")) }

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// isClean reports whether b is readline's clean: erase below, erase the
// rows of the line moving up, carriage return (RuneBuffer.cleanOutput).
func isClean(b []byte) bool {
	if !bytes.Contains(b, []byte("\x1b[J")) {
		return false
	}
	for len(b) > 0 {
		switch {
		case bytes.HasPrefix(b, []byte("\x1b[J")), bytes.HasPrefix(b, []byte("\x1b[A")):
			b = b[3:]
		case bytes.HasPrefix(b, []byte("\x1b[2K")):
			b = b[4:]
		case b[0] == '\r' || b[0] == '\b':
			b = b[1:]
		default:
			return false
		}
	}
	return true
}

// isPlain reports whether b only prints: no control bytes, so that the
// cursor ends right after it.
func isPlain(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}
