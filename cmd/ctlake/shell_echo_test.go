package main

import (
	"fmt"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chzyer/readline"
)

// screen is a small terminal emulator: enough of xterm for what readline
// writes (printing with a pending wrap at the right margin, CR, LF as CR
// LF — the terminal's ONLCR, which readline leaves on —, BS, CSI A B C D
// J K), so that tests can compare what two byte streams leave on the
// screen rather than the bytes.
type screen struct {
	mu         sync.Mutex
	w, h       int
	rows       [][]rune
	r, c       int
	wrap       bool // the cursor sits past the last column until the next character
	esc        []byte
	pend       []byte // an incomplete UTF-8 character
	bytesTotal int
}

func newScreen(w, h int) *screen {
	s := &screen{w: w, h: h}
	for i := 0; i < h; i++ {
		s.rows = append(s.rows, []rune(strings.Repeat(" ", w)))
	}
	return s
}

func (s *screen) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bytesTotal += len(b)
	for _, c := range b {
		s.byte(c)
	}
	return len(b), nil
}

func (s *screen) byte(c byte) {
	if s.esc != nil {
		s.esc = append(s.esc, c)
		if len(s.esc) == 2 && c != '[' {
			s.esc = nil // ESC x: ignored
			return
		}
		if len(s.esc) > 2 && c >= 0x40 && c <= 0x7e {
			s.csi(string(s.esc[2:len(s.esc)-1]), c)
			s.esc = nil
		}
		return
	}
	switch {
	case c == 0x1b:
		s.esc = []byte{c}
	case c == '\r':
		s.c, s.wrap = 0, false
	case c == '\n':
		s.c, s.wrap = 0, false
		s.down()
	case c == '\b':
		if s.wrap {
			s.wrap = false
		} else if s.c > 0 {
			s.c--
		}
	case c == 0x07:
	case c < 0x20:
	default:
		s.pend = append(s.pend, c)
		if !utf8.FullRune(s.pend) {
			return
		}
		r, _ := utf8.DecodeRune(s.pend)
		s.pend = s.pend[:0]
		if s.wrap {
			s.c, s.wrap = 0, false
			s.down()
		}
		s.rows[s.r][s.c] = r
		if s.c == s.w-1 {
			s.wrap = true
		} else {
			s.c++
		}
	}
}

func (s *screen) down() {
	if s.r == s.h-1 {
		s.rows = append(s.rows[1:], []rune(strings.Repeat(" ", s.w)))
		return
	}
	s.r++
}

func (s *screen) csi(params string, final byte) {
	if strings.HasPrefix(params, "?") {
		return // modes (bracketed paste)
	}
	n, err := strconv.Atoi(params)
	if err != nil {
		n = 0
	}
	one := max(n, 1)
	s.wrap = false
	switch final {
	case 'A':
		s.r = max(0, s.r-one)
	case 'B':
		s.r = min(s.h-1, s.r+one)
	case 'C':
		s.c = min(s.w-1, s.c+one)
	case 'D':
		s.c = max(0, s.c-one)
	case 'J':
		for c := s.c; c < s.w; c++ {
			s.rows[s.r][c] = ' '
		}
		for r := s.r + 1; r < s.h; r++ {
			s.rows[r] = []rune(strings.Repeat(" ", s.w))
		}
	case 'K':
		from, to := s.c, s.w
		if n == 2 {
			from = 0
		}
		for c := from; c < to; c++ {
			s.rows[s.r][c] = ' '
		}
	}
}

// text is the screen's rows, trailing spaces and empty rows at the bottom
// dropped, with the cursor's position.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []string
	for _, r := range s.rows {
		rows = append(rows, strings.TrimRight(string(r), " "))
	}
	for len(rows) > 0 && rows[len(rows)-1] == "" {
		rows = rows[:len(rows)-1]
	}
	return fmt.Sprintf("%s\n[cursor %d,%d wrap=%v]", strings.Join(rows, "\n"), s.r, s.c, s.wrap)
}

// lineEditor is readline driven by a test: keys go in through a pipe, one
// write per read as a terminal delivers them, and the screen receives
// what it prints.
type lineEditor struct {
	rl   *readline.Instance
	keys *io.PipeWriter
	scr  *screen
	echo *echoWriter
}

func newLineEditor(t *testing.T, width int, withPaste bool) *lineEditor {
	t.Helper()
	pr, pw := io.Pipe()
	scr := newScreen(width, 60)
	cfg := &readline.Config{
		Prompt:              "ctlake> ",
		HistoryLimit:        -1,
		FuncIsTerminal:      func() bool { return true },
		FuncMakeRaw:         func() error { return nil },
		FuncExitRaw:         func() error { return nil },
		FuncGetWidth:        func() int { return width },
		FuncOnWidthChanged:  func(func()) {},
		ForceUseInteractive: true,
		Stdin:               io.NopCloser(pr),
		Stdout:              scr,
		Stderr:              scr,
	}
	e := &lineEditor{keys: pw, scr: scr}
	if withPaste {
		ps := &pastes{}
		e.echo = newEchoWriter(scr, func() int { return width })
		// A render comes right after its clean, but a loaded machine can
		// hold readline's goroutine between the two for longer than
		// holdFor; the clean then goes out alone and the line is redrawn
		// whole: right on the screen, but the byte counts below would
		// depend on the machine's load.
		e.echo.hold = 10 * time.Second
		cfg.Stdin = newPasteReader(pr, ps)
		cfg.Stdout = e.echo
		cfg.Listener = pasteListener{pastes: ps}
		cfg.Painter = placeholderPainter{}
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.rl = rl
	t.Cleanup(func() { pw.Close(); rl.Close() })
	return e
}

// edit types keys, one write each, then Enter, and returns the line.
func (e *lineEditor) edit(t *testing.T, keys []string) string {
	t.Helper()
	type res struct {
		line string
		err  error
	}
	done := make(chan res, 1)
	go func() {
		l, err := e.rl.Readline()
		done <- res{l, err}
	}()
	for _, k := range keys {
		if _, err := e.keys.Write([]byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	e.keys.Write([]byte("\r"))
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.line
	case <-time.After(30 * time.Second):
		t.Fatal("readline did not return the line")
		return ""
	}
}

// randomKeys is an editing session: typing, pastes (bursts and bracketed),
// Backspace, cursor moves, Home and End.
func randomKeys(rng *rand.Rand, ascii bool) []string {
	var keys []string
	word := func(n int) string {
		chars := "abcdefghijklmnopqrstuvwxyz SELECT*,'()=<>_.0123456789é"
		if ascii { // echoWriter's cell arithmetic applies
			chars = strings.TrimSuffix(chars, "é")
		}
		var b strings.Builder
		rs := []rune(chars)
		for i := 0; i < n; i++ {
			b.WriteRune(rs[rng.Intn(len(rs))])
		}
		return b.String()
	}
	for i := 0; i < 40; i++ {
		switch x := rng.Intn(20); {
		case x < 10:
			keys = append(keys, word(1)) // a typed key
		case x < 13:
			keys = append(keys, word(4+rng.Intn(60))) // a burst
		case x < 14:
			keys = append(keys, pasteStart+word(1+rng.Intn(80))+pasteEnd)
		case x < 16:
			keys = append(keys, "\x7f")
		case x < 17:
			keys = append(keys, "\x1b[D")
		case x < 18:
			keys = append(keys, "\x1b[C")
		case x < 19:
			keys = append(keys, "\x01")
		default:
			keys = append(keys, "\x05")
		}
	}
	return keys
}

// The paste path and echoWriter leave the screen, cursor included, and the
// line exactly as readline alone does, for random editing sessions on a
// narrow terminal (lines wrap, cross the margin, get shorter again).
func TestPasteAndEchoKeepTheScreen(t *testing.T) {
	for seed := int64(1); seed <= 80; seed++ {
		rng := rand.New(rand.NewSource(seed))
		keys := randomKeys(rng, seed%2 == 0)
		plain, fast := newLineEditor(t, 23+int(seed%17), false), newLineEditor(t, 23+int(seed%17), true)
		// readline alone sees a bracketed paste's text as typed keys.
		var plainKeys []string
		for _, k := range keys {
			plainKeys = append(plainKeys, strings.TrimSuffix(strings.TrimPrefix(k, pasteStart), pasteEnd))
		}
		want := plain.edit(t, plainKeys)
		got := fast.edit(t, keys)
		if got != want {
			t.Fatalf("seed %d: line %q, readline alone gives %q (keys %q)", seed, got, want, keys)
		}
		if g, w := fast.scr.text(), plain.scr.text(); g != w {
			t.Fatalf("seed %d: screen\n%s\nreadline alone shows\n%s\n(keys %q)", seed, g, w, keys)
		}
	}
}

// Typing at the end of a long line writes what it adds, not the line:
// output grows linearly, where readline alone redraws the whole line for
// every key.
func TestEchoTypingAtTheEndIsIncremental(t *testing.T) {
	var keys []string
	for i := 0; i < 2000; i++ {
		keys = append(keys, string(rune('a'+i%26)))
	}
	plain, fast := newLineEditor(t, 200, false), newLineEditor(t, 200, true)
	want := plain.edit(t, keys)
	if got := fast.edit(t, keys); got != want {
		t.Fatalf("line %q, want %q", got, want)
	}
	if g, w := fast.scr.text(), plain.scr.text(); g != w {
		t.Fatalf("screen\n%s\nwant\n%s", g, w)
	}
	t.Logf("2,000 keys typed at the end of the line: %d bytes to the terminal, readline alone %d", fast.scr.bytesTotal, plain.scr.bytesTotal)
	if fast.scr.bytesTotal > 20*2000 || plain.scr.bytesTotal < 100*2000 {
		t.Fatalf("bytes written: %d with echoWriter, %d without", fast.scr.bytesTotal, plain.scr.bytesTotal)
	}
}

// Edits inside a long line (cursor moves, typing and deleting in the
// middle) write the cursor moves and the changed tail, not the line: the
// screen is readline's, for far fewer bytes.
func TestEchoMidLineEditsAreIncremental(t *testing.T) {
	var keys []string
	for i := 0; i < 800; i++ {
		keys = append(keys, string(rune('a'+i%26)))
	}
	typed := len(keys)
	for i := 0; i < 150; i++ {
		keys = append(keys, "\x1b[D") // Left, across rows
	}
	for i := 0; i < 60; i++ {
		keys = append(keys, string(rune('A'+i%26))) // typed 150 from the end
	}
	for i := 0; i < 30; i++ {
		keys = append(keys, "\x7f", "\x1b[C") // Backspace, Right
	}
	keys = append(keys, "\x01", "Z", "\x05") // Home, a key at the start, End
	// Bytes of the edits: a session with them less one without.
	bytesOf := func(withPaste bool) (int, string, string) {
		t.Helper()
		typing, all := newLineEditor(t, 80, withPaste), newLineEditor(t, 80, withPaste)
		typing.edit(t, keys[:typed])
		line := all.edit(t, keys)
		return all.scr.bytesTotal - typing.scr.bytesTotal, line, all.scr.text()
	}
	plainBytes, want, wantScreen := bytesOf(false)
	fastBytes, got, gotScreen := bytesOf(true)
	if got != want {
		t.Fatalf("line %q, want %q", got, want)
	}
	if gotScreen != wantScreen {
		t.Fatalf("screen\n%s\nwant\n%s", gotScreen, wantScreen)
	}
	t.Logf("%d edits inside an 800-character line: %d bytes to the terminal, readline alone %d", len(keys)-typed, fastBytes, plainBytes)
	// 150 moves of a few bytes, 120 edits rewriting at most ~200 bytes of
	// tail, one at the start rewriting the line: well under a tenth.
	if fastBytes*10 > plainBytes {
		t.Fatalf("bytes written: %d with echoWriter, %d without", fastBytes, plainBytes)
	}
}

// chunks is a reader that returns one chunk per Read, as a terminal
// delivers what arrived together.
type chunks []string

func (c *chunks) Read(p []byte) (int, error) {
	if len(*c) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*c)[0])
	(*c)[0] = (*c)[0][n:]
	if (*c)[0] == "" {
		*c = (*c)[1:]
	}
	return n, nil
}

// What readline receives for typed keys, bursts and bracketed pastes, with
// each placeholder shown as <text>.
func TestPasteReader(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want string
	}{
		{"typed keys pass", []string{"a", "b", "\x7f", "\x1b[D", "\t"}, "ab\x7f\x1b[D\t"},
		{"a burst is one paste", []string{"SELECT 1;\r"}, "<SELECT 1;>\r"},
		{"short runs stay keys", []string{"abc"}, "abc"},
		{"bracketed, lines and a Tab", []string{pasteStart + "SELECT a,\r\n\tb\rFROM t;" + pasteEnd}, "<SELECT a,>\r<\tb>\r<FROM t;>"},
		{"markers split across reads", []string{"\x1b[20", "0~x", "yz\x1b[2", "01~", "q"}, "<xyz>q"},
		{"escape sequences split", []string{"\x1b", "[", "A", "\x1bOH"}, "\x1b[A\x1bOH"},
		{"UTF-8 split in a burst", []string{"héllo wé\xc3", "\xa9!!!"}, "<héllo wé><é!!!>"},
		{"history search keeps keys", []string{"\x12", "SELECT", "\x7f", "xyzw", "\x1b[C", "more text"}, "\x12SELECT\x7fxyzw\x1b[C<more text>"},
	}
	for _, c := range cases {
		ps := &pastes{}
		in := chunks(append([]string(nil), c.in...))
		r := newPasteReader(&in, ps)
		b, _ := io.ReadAll(r)
		var got strings.Builder
		for _, x := range string(b) {
			if isPlaceholder(x) {
				text, ok := ps.take(x)
				if !ok {
					t.Fatalf("%s: placeholder without text", c.name)
				}
				got.WriteString("<" + string(text) + ">")
				continue
			}
			got.WriteRune(x)
		}
		if got.String() != c.want {
			t.Errorf("%s: readline gets %q, want %q", c.name, got.String(), c.want)
		}
	}
}
