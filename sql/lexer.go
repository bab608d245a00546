package sql

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token of the Lake dialect. Whether a word is a
// keyword is decided later, by context (Trino has few reserved words, and
// CloudTrail columns such as "type" or functions such as date() collide
// with MySQL keywords).
type tokKind uint8

const (
	tkWord   tokKind = iota + 1 // bare word; up holds it upper-cased
	tkQuoted                    // "quoted identifier"; val holds it unescaped
	tkString                    // 'string literal'; val holds it unescaped
	tkNumber                    // 12, 1.5, .5, 1e-3
	tkUUID                      // bare event data store ID (may start with a digit)
	tkARN                       // arn:aws:cloudtrail:…:eventdatastore/…
	tkOp                        // punctuation and operators; text holds it
)

// token is one lexeme with its byte span in the user's text.
type token struct {
	kind     tokKind
	pos, end int
	text     string // source text
	val      string // unescaped content for strings and quoted identifiers
	up       string // upper-cased text for words
	match    int    // for "(" and "[": index of the closing token, and back
}

func (t *token) isOp(s string) bool   { return t.kind == tkOp && t.text == s }
func (t *token) isWord(s string) bool { return t.kind == tkWord && t.up == s }

// lexer turns a query into tokens, skipping whitespace and comments.
type lexer struct {
	src  string
	pos  int
	toks []token
}

// lex tokenizes src. Brackets are matched here so that every later stage
// can jump over a parenthesised region in O(1). It stops at the first token
// that makes an expression nested deeper than MaxExprDepth (depth.go).
func lex(src string) ([]token, *Error) {
	l := &lexer{src: src}
	var depth depthCheck
	for {
		if err := l.skipSpace(); err != nil {
			return nil, err
		}
		if l.pos >= len(src) {
			break
		}
		if err := l.next(); err != nil {
			return nil, err
		}
		if err := depth.add(src, &l.toks[len(l.toks)-1]); err != nil {
			return nil, err
		}
	}
	if err := matchBrackets(src, l.toks); err != nil {
		return nil, err
	}
	return l.toks, nil
}

func (l *lexer) errorf(pos int, format string, args ...any) *Error {
	return NewError(l.src, pos, ErrSyntax, format, args...)
}

func (l *lexer) skipSpace() *Error {
	s := l.src
	for l.pos < len(s) {
		c := s[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '-' && l.pos+1 < len(s) && s[l.pos+1] == '-':
			nl := strings.IndexByte(s[l.pos:], '\n')
			if nl < 0 {
				l.pos = len(s)
			} else {
				l.pos += nl + 1
			}
		case c == '/' && l.pos+1 < len(s) && s[l.pos+1] == '*':
			end := strings.Index(s[l.pos+2:], "*/")
			if end < 0 {
				return l.errorf(l.pos, "unterminated comment")
			}
			l.pos += 2 + end + 2
		default:
			return nil
		}
	}
	return nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }
func isHex(c byte) bool       { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isARNPart(c byte) bool   { return isIdentPart(c) || strings.IndexByte(":/-.+=@", c) >= 0 }

// identEnd returns the end of the identifier starting at i. Non-ASCII
// letters and digits belong to identifiers; other non-ASCII characters
// (a non-breaking space pasted from a web page, say) end them and are then
// reported as unexpected.
func identEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !isIdentPart(c) {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return i
		}
		i += n
	}
	return i
}

// uuidLen returns 36 if s starts with a UUID (8-4-4-4-12 hex digits) that is
// not followed by an identifier character, else 0. Event data store IDs are
// written bare in FROM and may begin with a digit, which a standard SQL
// lexer would read as a number followed by a subtraction.
func uuidLen(s string) int {
	if len(s) < 36 {
		return 0
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return 0
			}
		default:
			if !isHex(s[i]) {
				return 0
			}
		}
	}
	if len(s) > 36 && isIdentPart(s[36]) {
		return 0
	}
	return 36
}

func (l *lexer) add(kind tokKind, start int, val string) {
	t := token{kind: kind, pos: start, end: l.pos, text: l.src[start:l.pos], val: val, match: -1}
	if kind == tkWord {
		t.up = strings.ToUpper(t.text)
	}
	l.toks = append(l.toks, t)
}

func (l *lexer) next() *Error {
	s, start := l.src, l.pos
	c := s[start]
	if n := uuidLen(s[start:]); n > 0 {
		l.pos += n
		l.add(tkUUID, start, "")
		return nil
	}
	if c >= utf8.RuneSelf {
		if r, _ := utf8.DecodeRuneInString(s[start:]); !unicode.IsLetter(r) {
			return l.errorf(start, "unexpected character %q", r)
		}
	}
	switch {
	case isIdentStart(c):
		l.pos = identEnd(s, l.pos)
		if strings.EqualFold(s[start:l.pos], "arn") && l.pos < len(s) && s[l.pos] == ':' {
			for l.pos < len(s) && isARNPart(s[l.pos]) {
				l.pos++
			}
			l.add(tkARN, start, "")
			return nil
		}
		l.add(tkWord, start, "")
		return nil
	case isDigit(c) || c == '.' && start+1 < len(s) && isDigit(s[start+1]):
		return l.number()
	case c == '\'':
		v, err := l.quoted('\'', "unterminated string literal")
		if err != nil {
			return err
		}
		l.add(tkString, start, v)
		return nil
	case c == '"':
		v, err := l.quoted('"', "unterminated quoted identifier")
		if err != nil {
			return err
		}
		if v == "" {
			return l.errorf(start, "zero-length quoted identifier")
		}
		l.add(tkQuoted, start, v)
		return nil
	case c == '`':
		return l.errorf(start, "backquoted identifiers are not supported; use double quotes")
	case c == '$':
		return l.errorf(start, "unexpected '$': replace placeholders such as $EDS_ID with an event data store ID")
	}
	for _, op := range [...]string{"<=", ">=", "<>", "!=", "||", "->", "=>"} {
		if strings.HasPrefix(s[start:], op) {
			l.pos += 2
			l.add(tkOp, start, "")
			return nil
		}
	}
	if strings.IndexByte("=<>+-*/%(),.;[]?", c) >= 0 {
		l.pos++
		l.add(tkOp, start, "")
		return nil
	}
	r := []rune(s[start:min(len(s), start+4)])[0]
	return l.errorf(start, "unexpected character %q", r)
}

// quoted scans a '…' or "…" token where a doubled quote stands for one.
func (l *lexer) quoted(q byte, unterminated string) (string, *Error) {
	s, start := l.src, l.pos
	var b strings.Builder
	i := start + 1
	for {
		j := strings.IndexByte(s[i:], q)
		if j < 0 {
			return "", l.errorf(start, "%s", unterminated)
		}
		b.WriteString(s[i : i+j])
		i += j + 1
		if i < len(s) && s[i] == q {
			b.WriteByte(q)
			i++
			continue
		}
		break
	}
	l.pos = i
	return b.String(), nil
}

// number scans digits [. digits] [e [+-] digits]. A letter right after a
// number is an error, as in Trino (identifiers cannot start with a digit).
func (l *lexer) number() *Error {
	s, start := l.src, l.pos
	for l.pos < len(s) && isDigit(s[l.pos]) {
		l.pos++
	}
	if l.pos < len(s) && s[l.pos] == '.' {
		l.pos++
		for l.pos < len(s) && isDigit(s[l.pos]) {
			l.pos++
		}
	}
	if l.pos < len(s) && (s[l.pos] == 'e' || s[l.pos] == 'E') {
		p := l.pos + 1
		if p < len(s) && (s[p] == '+' || s[p] == '-') {
			p++
		}
		if p < len(s) && isDigit(s[p]) {
			for p < len(s) && isDigit(s[p]) {
				p++
			}
			l.pos = p
		}
	}
	if l.pos < len(s) && isIdentPart(s[l.pos]) {
		return l.errorf(start, "invalid number %q: identifiers cannot start with a digit", s[start:l.pos+1])
	}
	l.add(tkNumber, start, "")
	return nil
}

// matchBrackets pairs ( with ) and [ with ], recording each partner's index.
func matchBrackets(src string, toks []token) *Error {
	var stack []int
	for i := range toks {
		t := &toks[i]
		if t.kind != tkOp {
			continue
		}
		switch t.text {
		case "(", "[":
			stack = append(stack, i)
		case ")", "]":
			want := "("
			if t.text == "]" {
				want = "["
			}
			if len(stack) == 0 || toks[stack[len(stack)-1]].text != want {
				return NewError(src, t.pos, ErrSyntax, "unexpected '%s'", t.text)
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			toks[o].match, t.match = i, o
		}
	}
	if len(stack) > 0 {
		o := toks[stack[len(stack)-1]]
		return NewError(src, o.pos, ErrSyntax, "unclosed '%s'", o.text)
	}
	return nil
}
