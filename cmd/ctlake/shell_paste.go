package main

import (
	"bytes"
	"io"
	"sync"
	"unicode/utf8"
)

// Pasting into the shell. github.com/chzyer/readline v1.5.1 handles input
// one rune at a time, and each rune redraws the whole line: it erases the
// line (RuneBuffer.Refresh: clean) and prints the prompt and every rune
// again (print), besides copying the line for the history. A pasted query
// of n characters therefore cost O(n²) in bytes written to the terminal
// (4.5 KB pasted: about 10 MB of output, 2.7 s before it ran). The library
// has no hook to insert text in one step, and no bracketed paste, so the
// shell works around it from outside, in three parts:
//
//   - pasteReader, between the terminal and readline, turns a paste (a
//     bracketed paste, or printable text arriving in one burst) into a
//     single placeholder rune per line, and remembers the text;
//   - pasteListener, readline's Listener (called after every key),
//     replaces the placeholder with the text in one SetWithIdx: one
//     redraw per pasted line instead of one per character;
//   - echoWriter (shell_echo.go), between readline and the terminal,
//     writes only what a redraw adds when it extends the line that is
//     shown (typing at the end of a long statement), and only the moves
//     and the changed tail for an edit inside it, instead of erasing and
//     reprinting it.
//
// Placeholders are private-use runes of plane 16 (U+100000…), which no
// terminal sends; the painter keeps them off the screen.

// burstMin is the shortest run of printable bytes in one read taken as
// pasted rather than typed. Typing delivers one key per read; even a fast
// typist's keys rarely arrive together, and four together edit the line
// exactly as one at a time would.
const burstMin = 4

const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
	// bracketedPasteOn asks the terminal to mark pastes with pasteStart
	// and pasteEnd; bracketedPasteOff restores it.
	bracketedPasteOn  = "\x1b[?2004h"
	bracketedPasteOff = "\x1b[?2004l"
	placeholderBase   = 0x100000
	placeholderCount  = 0xfffe
)

func isPlaceholder(r rune) bool { return r >= placeholderBase && r < placeholderBase+placeholderCount }

// pastes holds the text of each placeholder until the listener takes it.
type pastes struct {
	mu   sync.Mutex
	next int
	text map[rune][]rune
}

func (p *pastes) put(text []byte) rune {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.text == nil || len(p.text) > 1024 { // placeholders readline never showed the listener
		p.text = map[rune][]rune{}
	}
	r := rune(placeholderBase + p.next%placeholderCount)
	p.next++
	p.text[r] = []rune(string(text))
	return r
}

func (p *pastes) take(r rune) ([]rune, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.text[r]
	delete(p.text, r)
	return t, ok
}

// pasteReader is readline's Stdin: the terminal's bytes, with pastes
// turned into placeholders. Keys, escape sequences and control characters
// pass through unchanged.
type pasteReader struct {
	in     io.Reader
	pastes *pastes
	raw    []byte // read from the terminal, not yet processed
	out    []byte // processed, for readline
	tmp    [4096]byte
	err    error

	inPaste   bool   // between pasteStart and pasteEnd
	line      []byte // the pasted line being collected
	searching bool   // readline is in history search (Ctrl-R/Ctrl-S): keys stay keys
}

func newPasteReader(in io.Reader, p *pastes) *pasteReader {
	return &pasteReader{in: in, pastes: p}
}

func (r *pasteReader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		n, err := r.in.Read(r.tmp[:])
		r.raw = append(r.raw, r.tmp[:n]...)
		r.err = err
		r.process(err != nil)
	}
	n := copy(p, r.out)
	r.out = r.out[:copy(r.out, r.out[n:])]
	return n, nil
}

// Close does nothing: readline only closes its own wrapper, and the
// terminal is not the shell's to close.
func (r *pasteReader) Close() error { return nil }

// process turns r.raw into r.out as far as it can; an escape sequence or
// UTF-8 character cut by the end of the read waits for the rest, unless
// the input ended.
func (r *pasteReader) process(eof bool) {
	b := r.raw
	i := 0
	for i < len(b) {
		c := b[i]
		if r.inPaste {
			switch {
			case c == 0x1b && bytes.HasPrefix(b[i:], []byte(pasteEnd)):
				r.inPaste = false
				r.emit(r.line)
				r.line = r.line[:0]
				i += len(pasteEnd)
			case c == 0x1b && bytes.HasPrefix([]byte(pasteEnd), b[i:]) && !eof:
				r.raw = append(r.raw[:0], b[i:]...)
				return
			case c == '\r' || c == '\n':
				// Each pasted line is entered as typed lines are: the
				// shell joins them into statements.
				r.emit(r.line)
				r.line = r.line[:0]
				r.out = append(r.out, '\r')
				if c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
				i++
			case c == '\t' || c >= 0x20 && c != 0x7f:
				r.line = append(r.line, c) // a pasted Tab is text, not completion
				i++
			default:
				i++ // other control characters in a paste do nothing
			}
			continue
		}
		switch {
		case c == 0x1b:
			if bytes.HasPrefix(b[i:], []byte(pasteStart)) {
				r.inPaste = true
				i += len(pasteStart)
				continue
			}
			n := escapeLen(b[i:])
			if n == 0 {
				if !eof {
					r.raw = append(r.raw[:0], b[i:]...)
					return
				}
				n = len(b) - i
			}
			r.out = append(r.out, b[i:i+n]...)
			r.searching = false
			i += n
		case c >= 0x20 && c != 0x7f:
			j := i
			for j < len(b) && b[j] >= 0x20 && b[j] != 0x7f {
				j++
			}
			run := b[i:j]
			if j == len(b) && !eof {
				// Keep a character cut by the end of the read for later.
				if k := lastRuneStart(run); !utf8.FullRune(run[k:]) {
					run, j = run[:k], i+k
				}
			}
			if len(run) >= burstMin && !r.searching {
				r.emit(run)
			} else {
				r.out = append(r.out, run...)
			}
			i = j
			if j < len(b) && b[j] >= 0x80 && !eof {
				r.raw = append(r.raw[:0], b[j:]...)
				return
			}
		default:
			r.out = append(r.out, c)
			switch c {
			case 0x12, 0x13: // Ctrl-R, Ctrl-S: history search takes the keys that follow
				r.searching = true
			case 0x7f, 0x08: // Backspace stays in the search
			default:
				r.searching = false
			}
			i++
		}
	}
	r.raw = r.raw[:0]
}

// emit queues text as one placeholder (or as keys, while readline searches
// its history, where a placeholder would be searched for).
func (r *pasteReader) emit(text []byte) {
	if len(text) == 0 {
		return
	}
	if r.searching {
		r.out = append(r.out, text...)
		return
	}
	r.out = utf8.AppendRune(r.out, r.pastes.put(text))
}

// lastRuneStart is the index where the last (maybe incomplete) UTF-8
// character of b starts.
func lastRuneStart(b []byte) int {
	for k := len(b) - 1; k >= 0 && k >= len(b)-utf8.UTFMax; k-- {
		if utf8.RuneStart(b[k]) {
			return k
		}
	}
	return len(b)
}

// escapeLen is the length of the escape sequence at the start of b (which
// starts with ESC), or 0 if b ends before it does: CSI (ESC [ params
// final), SS3 (ESC O x), or ESC and one key (Meta).
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '[':
		for k := 2; k < len(b); k++ {
			if b[k] >= 0x40 && b[k] <= 0x7e {
				return k + 1
			}
			if b[k] < 0x20 || b[k] > 0x3f {
				return k // not a CSI byte: let readline make of it what it does
			}
		}
		return 0
	case 'O':
		if len(b) < 3 {
			return 0
		}
		return 3
	}
	return 2
}

// pasteListener replaces a placeholder readline has just inserted with its
// text, in one step.
type pasteListener struct{ pastes *pastes }

func (l pasteListener) OnChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	if !isPlaceholder(key) {
		return nil, 0, false
	}
	text, ok := l.pastes.take(key)
	at := -1
	if pos > 0 && pos <= len(line) && line[pos-1] == key {
		at = pos - 1
	} else {
		for k, r := range line {
			if r == key {
				at = k
				break
			}
		}
	}
	if at < 0 || !ok {
		return nil, 0, false // readline put the key elsewhere (a search): nothing to replace
	}
	out := make([]rune, 0, len(line)-1+len(text))
	out = append(append(append(out, line[:at]...), text...), line[at+1:]...)
	return out, at + len(text), true
}

// placeholderPainter keeps placeholders off the screen for the moment
// between readline inserting one and the listener replacing it.
type placeholderPainter struct{}

func (placeholderPainter) Paint(line []rune, _ int) []rune {
	for k, r := range line {
		if isPlaceholder(r) {
			out := append([]rune(nil), line[:k]...)
			for _, r := range line[k+1:] {
				if !isPlaceholder(r) {
					out = append(out, r)
				}
			}
			return out
		}
	}
	return line
}
