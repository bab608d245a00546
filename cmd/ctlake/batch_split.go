package main

import (
	"regexp"
	"strings"
	"sync"

	"github.com/ctlake/ctlake/sql"
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
// block comment that runs to the end of the text without being closed; in
// recovery mode (see cutSegments) it is cut at the end of its line instead,
// and ends marks one whose line holds a ';' (the statement ends there).
type segment struct {
	kind       segKind
	start, end int
	open       bool
	ends       bool
}

// sqlSegments cuts src into segments. Code segments never contain a quote
// or the start of a comment.
func sqlSegments(src string) []segment { return cutSegments(src, false) }

// cutSegments is sqlSegments; with recover, a string, quoted identifier or
// block comment that is never closed stops at the end of the line it opened
// on, so that a batch file still finds the statements after it (a missing
// quote would otherwise swallow the rest of the file).
func cutSegments(src string, recover bool) []segment {
	var segs []segment
	code := 0 // start of the current code run
	flush := func(end int) {
		if end > code {
			segs = append(segs, segment{kind: segCode, start: code, end: end})
		}
	}
	// unclosed cuts an unclosed segment opened at i at the end of its line.
	unclosed := func(i int) (end int, ends bool) {
		end = len(src)
		if k := strings.IndexByte(src[i:], '\n'); k >= 0 {
			end = i + k
		}
		return end, strings.Contains(src[i:end], ";")
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
			seg := segment{kind: kind, start: i, end: j, open: open}
			if open && recover {
				seg.end, seg.ends = unclosed(i)
			}
			segs = append(segs, seg)
			i, code = seg.end, seg.end
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
			seg := segment{kind: segBlockComment, start: i, end: len(src), open: true}
			if k := strings.Index(src[i+2:], "*/"); k >= 0 {
				seg.end, seg.open = i+2+k+2, false
			} else if recover {
				seg.end, _ = unclosed(i) // a ';' in a comment ends nothing
			}
			segs = append(segs, seg)
			i, code = seg.end, seg.end
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
	// Err is set when the statement cannot be read as written: a string,
	// quoted identifier or block comment in it is never closed. Its
	// position counts from the start of the script. Such a statement is
	// never run.
	Err *sql.Error
}

var nameComment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^--\s*name\s*:\s*(.*?)\s*$`) })

// splitStatements cuts src at every ';' that is code. Statements that are
// only space and comments are dropped. rest is the text after the last ';'
// when it holds more than space and comments (a statement not yet ended),
// with open reporting whether it stops inside a string, identifier or block
// comment; the shell waits for more input, a script runs it as a last
// statement (scriptStatements).
func splitStatements(src string) (stmts []statement, rest string, open bool) {
	return split(src, sqlSegments(src))
}

// split is splitStatements over src's segments.
func split(src string, segs []segment) (stmts []statement, rest string, open bool) {
	var name string
	first := -1 // offset of the current statement's first code, string or identifier byte
	begin := 0  // offset where the current statement's text begins
	var bad *segment
	emit := func(end int) {
		if first < 0 && bad != nil {
			// Only a broken comment: still listed, so that nothing in
			// the script goes unreported.
			first = bad.start
		}
		if first >= 0 {
			sqlText := strings.TrimSpace(src[first:end])
			st := statement{Name: name, SQL: sqlText,
				Line: 1 + strings.Count(src[:first], "\n"), Col: first - strings.LastIndexByte(src[:first], '\n'),
				Script: src, Offset: first}
			if bad != nil {
				st.Err = unclosedError(src, *bad)
			}
			stmts = append(stmts, st)
		}
		name, first, begin, bad = "", -1, end+1, nil
	}
	for _, s := range segs {
		open = s.open
		if s.open && bad == nil {
			bad = &s
		}
		switch s.kind {
		case segLineComment:
			if first < 0 {
				if m := nameComment().FindStringSubmatch(src[s.start:s.end]); m != nil {
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
			if s.ends {
				emit(s.end)
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
			emit(s.start + off + semi)
			off += semi + 1
		}
	}
	if first >= 0 || open {
		rest = src[min(begin, len(src)):]
	}
	return stmts, rest, open
}

// unclosedError says which opening quote or comment is never closed.
func unclosedError(src string, s segment) *sql.Error {
	what := map[segKind]string{ // as the parser says it (sql/lexer.go)
		segString:       "unterminated string literal",
		segIdent:        "unterminated quoted identifier",
		segBlockComment: "unterminated comment",
	}[s.kind]
	return sql.NewError(src, s.start, sql.ErrSyntax, "%s", what)
}

func notSpace(r rune) bool { return !strings.ContainsRune(" \t\r\n\f\v", r) }

// scriptStatements cuts a whole script (a query file, piped input, the
// command line) into statements: text after the last ';' is a final
// statement. Nothing is dropped: a string, quoted identifier or comment
// left open is cut at the end of its line (see cutSegments) and its
// statement carries the error, so the statements after it are still found
// and listed.
func scriptStatements(src string) []statement {
	text := src + "\n;"
	stmts, _, _ := split(text, cutSegments(text, true))
	for i := range stmts {
		stmts[i].Script = src
		if e := stmts[i].Err; e != nil {
			stmts[i].Err = sql.NewError(src, e.Pos, e.Kind, "%s", e.Msg)
		}
	}
	return stmts
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
