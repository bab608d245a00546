package sql

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sentinel kinds carried by *Error (test with errors.Is).
var (
	// ErrSyntax marks text that is not valid CloudTrail Lake SQL.
	ErrSyntax = errors.New("syntax error")
	// ErrUnsupported marks valid Trino SQL that ctlake does not (yet) accept,
	// including every statement that is not a query.
	ErrUnsupported = errors.New("not supported")
)

// Error is the only error type Parse returns. Pos is a byte offset into
// Query (0 <= Pos <= len(Query)); Line and Col are 1-based, Col counting
// characters, so that "3:14" is what an editor shows.
type Error struct {
	Pos       int
	Line, Col int
	Msg       string
	Query     string
	Kind      error // ErrSyntax or ErrUnsupported
}

// Error renders "line:col: msg", the form every ctlake layer uses.
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Unwrap exposes the kind to errors.Is.
func (e *Error) Unwrap() error { return e.Kind }

// Caret returns the offending line of the query followed by a line with a
// caret under the error column, e.g.
//
//	SELECT evntName FROM t
//	       ^
//
// Tabs before the column are kept so the caret lines up in a terminal.
func (e *Error) Caret() string {
	start := strings.LastIndexByte(e.Query[:e.Pos], '\n') + 1
	end := strings.IndexByte(e.Query[start:], '\n')
	if end < 0 {
		end = len(e.Query)
	} else {
		end += start
	}
	line := strings.TrimRight(e.Query[start:end], "\r")
	before := e.Query[start:e.Pos]
	// A very long line (a generated query, a million-character
	// expression) is cut to a window around the column.
	if len(line) > caretWidth {
		lr, br := []rune(line), []rune(before)
		from := max(0, len(br)-caretWidth*2/3)
		to := min(len(lr), from+caretWidth)
		line, before = string(lr[from:to]), string(br[from:])
		if from > 0 {
			line, before = "…"+line, "…"+before
		}
		if to < len(lr) {
			line += "…"
		}
	}
	var pad strings.Builder
	for _, r := range before {
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	return line + "\n" + pad.String() + "^"
}

// caretWidth is the most characters of a line Caret shows.
const caretWidth = 150

// NewError builds a positioned error against query; later layers (binder,
// planner) use it so that every message has the same shape. pos is clamped
// into the query.
func NewError(query string, pos int, kind error, format string, args ...any) *Error {
	if pos < 0 {
		pos = 0
	}
	if pos > len(query) {
		pos = len(query)
	}
	for pos > 0 && pos < len(query) && !utf8.RuneStart(query[pos]) {
		pos--
	}
	line := 1 + strings.Count(query[:pos], "\n")
	col := 1 + utf8.RuneCountInString(query[strings.LastIndexByte(query[:pos], '\n')+1:pos])
	return &Error{Pos: pos, Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Query: query, Kind: kind}
}
