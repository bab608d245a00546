package main

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// echoWriter is readline's Stdout (see shell_paste.go). readline redraws
// the line after every key in two writes: a "clean" (erase down, erase the
// line's rows, carriage return) and a "render" (the prompt, the line, and
// backspaces to the cursor). When the render only extends the render on
// the screen, with the cursor at its end before and after (typing or
// pasting at the end of the line), writing the added text is the same as
// erasing and reprinting; echoWriter writes just that. Any other write
// passes through as readline made it, so the screen is always what
// readline meant.
//
// A clean is held back until the write after it shows whether it starts a
// redraw; should none follow (readline erasing the line before it hands
// over), the clean goes out after holdFor, or before the shell's next
// output (see flushed).
type echoWriter struct {
	mu    sync.Mutex
	w     io.Writer
	held  []byte // a clean not yet written
	shown []byte // the last render, if the cursor sits at its end; nil if unknown
	timer *time.Timer
	gen   int // which held clean the timer is for
}

const holdFor = 30 * time.Millisecond

func newEchoWriter(w io.Writer) *echoWriter { return &echoWriter{w: w} }

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
		e.timer = time.AfterFunc(holdFor, func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.gen == gen {
				e.flushLocked()
			}
		})
		return len(b), nil
	}
	if e.held == nil {
		e.shown = nil
		return e.w.Write(b)
	}
	// b is the render after a clean.
	e.stopTimer()
	held := e.held
	e.held = nil
	if e.shown != nil && bytes.HasPrefix(b, e.shown) {
		if add := b[len(e.shown):]; isPlain(bytes.TrimSuffix(add, []byte("\n"))) {
			if bytes.HasSuffix(add, []byte("\n")) {
				e.shown = nil
			} else {
				e.shown = append(e.shown[:0], b...)
			}
			if _, err := e.w.Write(add); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	e.shown = nil
	if isPlain(b) {
		e.shown = append([]byte(nil), b...)
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
	e.shown = nil
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
	e.shown = nil
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
