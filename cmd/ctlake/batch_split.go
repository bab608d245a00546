package main

import (
	"regexp"
	"strings"
)

// Scripts (query -f files, the shell's input, .read files) hold several
// statements separated by ';'. A ';' inside a string, a quoted identifier or
// a comment does not end a statement, so the text is first cut into
// segments that say which of those each byte is in; splitting, placeholder
// substitution and the shell's "is this statement complete?" all walk the
// same segments.

type segKind uint8

const (
	segCode         segKind = iota
	segString               // '…' with '' as an escaped quote
	segIdent                // "…" with "" as an escaped quote
	segLineComment          // -- to the end of the line
	segBlockComment         // /* … */
)

// segment is src[start:end] of one kind. open marks a string, identifier or
// block comment that runs to the end of the text without being closed.
type segment struct {
	kind       segKind
	start, end int
	open       bool
}

// sqlSegments cuts src into segments. Code segments never contain a quote
// or the start of a comment.
func sqlSegments(src string) []segment {
	var segs []segment
	code := 0 // start of the current code run
	flush := func(end int) {
		if end > code {
			segs = append(segs, segment{kind: segCode, start: code, end: end})
		}
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\'' || c == '"':
			flush(i)
			kind := segString
			if c == '"' {
				kind = segIdent
			}
			j, open := i+1, true
			for j < len(src) {
				if src[j] == c {
					if j+1 < len(src) && src[j+1] == c {
						j += 2
						continue
					}
					j++
					open = false
					break
				}
				j++
			}
			segs = append(segs, segment{kind: kind, start: i, end: j, open: open})
			i, code = j, j
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			flush(i)
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src)
			} else {
				j += i
			}
			segs = append(segs, segment{kind: segLineComment, start: i, end: j})
			i, code = j, j
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			flush(i)
			j, open := len(src), true
			if k := strings.Index(src[i+2:], "*/"); k >= 0 {
				j, open = i+2+k+2, false
			}
			segs = append(segs, segment{kind: segBlockComment, start: i, end: j, open: open})
			i, code = j, j
		default:
			i++
		}
	}
	flush(len(src))
	return segs
}

// statement is one statement of a script.
type statement struct {
	Name string // from a "-- name: …" comment line before it; "" if none
	SQL  string // the text without its ';', trimmed of surrounding space and leading comments
	Line int    // 1-based line of the script where SQL starts
	Col  int    // 1-based byte column of that line where SQL starts
	// Script is the whole text and Offset where SQL starts in it
	// (SQL == Script[Offset:Offset+len(SQL)]), so that an error shows the
	// script's line, not the statement's.
	Script string
	Offset int
}

var nameComment = regexp.MustCompile(`^--\s*name\s*:\s*(.*?)\s*$`)

// splitStatements cuts src at every ';' that is code. Statements that are
// only space and comments are dropped. rest is the text after the last ';'
// when it holds more than space and comments (a statement not yet ended),
// with open reporting whether it stops inside a string, identifier or block
// comment; a batch file runs rest as a last statement, the shell waits for
// more input.
func splitStatements(src string) (stmts []statement, rest string, open bool) {
	var name string
	first := -1 // offset of the current statement's first code, string or identifier byte
	begin := 0  // offset where the current statement's text begins
	for _, s := range sqlSegments(src) {
		open = s.open
		switch s.kind {
		case segLineComment:
			if first < 0 {
				if m := nameComment.FindStringSubmatch(src[s.start:s.end]); m != nil {
					name = m[1]
				}
			}
			continue
		case segBlockComment:
			continue
		case segString, segIdent:
			if first < 0 {
				first = s.start
			}
			continue
		}
		text := src[s.start:s.end]
		for off := 0; off < len(text); {
			semi := strings.IndexByte(text[off:], ';')
			chunk := text[off:]
			if semi >= 0 {
				chunk = text[off : off+semi]
			}
			if first < 0 {
				if k := strings.IndexFunc(chunk, notSpace); k >= 0 {
					first = s.start + off + k
				}
			}
			if semi < 0 {
				break
			}
			end := s.start + off + semi
			if first >= 0 {
				stmts = append(stmts, statement{Name: name, SQL: strings.TrimSpace(src[first:end]),
					Line: 1 + strings.Count(src[:first], "\n"), Col: first - strings.LastIndexByte(src[:first], '\n'),
					Script: src, Offset: first})
			}
			name, first, begin = "", -1, end+1
			off += semi + 1
		}
	}
	if first >= 0 || open {
		rest = src[begin:]
	}
	return stmts, rest, open
}

func notSpace(r rune) bool { return !strings.ContainsRune(" \t\r\n\f\v", r) }

// scriptStatements is splitStatements for a whole file: text after the last
// ';' is a final statement.
func scriptStatements(src string) []statement {
	stmts, rest, open := splitStatements(src)
	if rest == "" {
		return stmts
	}
	before := src[:len(src)-len(rest)]
	last, _, _ := splitStatements(rest + "\n;")
	if len(last) == 0 && open {
		// An unterminated string, identifier or comment swallowed the ';':
		// run the rest as it is, so the parser reports where it opens
		// (it used to vanish without a word).
		k := strings.IndexFunc(rest, notSpace)
		last = []statement{{SQL: strings.TrimSpace(rest), Line: 1 + strings.Count(rest[:k], "\n"),
			Col: k - strings.LastIndexByte(rest[:k], '\n'), Offset: k}}
	}
	for i := range last {
		if last[i].Line == 1 {
			last[i].Col += len(before) - strings.LastIndexByte(before, '\n') - 1
		}
		last[i].Line += strings.Count(before, "\n")
		last[i].Script, last[i].Offset = src, last[i].Offset+len(before)
	}
	return append(stmts, last...)
}

// oneLine folds a statement onto one line for the shell's history file,
// which keeps one entry per line: line comments are dropped, runs of space
// outside strings become one space, and a newline inside a string becomes a
// space (the one change of meaning, accepted for history).
func oneLine(src string) string {
	var b strings.Builder
	space := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
	}
	for _, s := range sqlSegments(src) {
		text := src[s.start:s.end]
		switch s.kind {
		case segLineComment:
			space()
		case segString, segIdent:
			b.WriteString(strings.NewReplacer("\r\n", " ", "\n", " ").Replace(text))
		default:
			for i, f := range strings.FieldsFunc(text, func(r rune) bool { return !notSpace(r) }) {
				if i > 0 || !notSpace(rune(text[0])) {
					space()
				}
				b.WriteString(f)
			}
			if text != "" && !notSpace(rune(text[len(text)-1])) {
				space()
			}
		}
	}
	return strings.TrimSpace(b.String())
}
