package fn

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// LikeMatcher compiles a SQL LIKE pattern once: % matches any sequence of
// characters, _ exactly one code point, and escape (empty for none, else one
// character) makes the next %, _ or escape character literal. Patterns
// that are one literal with % only at the ends compile to
// equality/prefix/suffix/contains tests; the rest run a segment matcher that
// never backtracks more than one segment (no regexp).
func LikeMatcher(pattern, escape string) (func(string) bool, error) {
	var esc rune = -1
	if escape != "" {
		if utf8.RuneCountInString(escape) != 1 {
			return nil, errors.New("Escape string must be a single character")
		}
		esc, _ = utf8.DecodeRuneInString(escape)
	}
	// Parse into segments separated by %; each segment is items that are
	// either literal text or a single-character wildcard.
	var segs []likeSeg
	cur := likeSeg{}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			cur.items = append(cur.items, likeItem{lit: lit.String()})
			lit.Reset()
		}
	}
	leadingPct, trailingPct := false, false
	for i := 0; i < len(pattern); {
		r, w := utf8.DecodeRuneInString(pattern[i:])
		i += w
		switch {
		case r == esc:
			if i >= len(pattern) {
				return nil, errors.New("Escape character must be followed by '%', '_' or the escape character")
			}
			r2, w2 := utf8.DecodeRuneInString(pattern[i:])
			if r2 != '%' && r2 != '_' && r2 != esc {
				return nil, errors.New("Escape character must be followed by '%', '_' or the escape character")
			}
			i += w2
			lit.WriteRune(r2)
			trailingPct = false
		case r == '%':
			flush()
			if len(segs) == 0 && len(cur.items) == 0 {
				leadingPct = true
			}
			segs = append(segs, cur)
			cur = likeSeg{}
			trailingPct = true
		case r == '_':
			flush()
			cur.items = append(cur.items, likeItem{any: true})
			trailingPct = false
		default:
			lit.WriteRune(r)
			trailingPct = false
		}
	}
	flush()
	segs = append(segs, cur)
	// Drop empty segments created by runs of % (they match anything).
	anchoredStart, anchoredEnd := !leadingPct, !trailingPct
	var nonEmpty []likeSeg
	for _, s := range segs {
		if len(s.items) > 0 {
			nonEmpty = append(nonEmpty, s)
		}
	}
	if len(segs) == 1 { // no %
		s := segs[0]
		if len(s.items) == 0 {
			return func(x string) bool { return x == "" }, nil
		}
		if len(s.items) == 1 && !s.items[0].any {
			lit := s.items[0].lit
			return func(x string) bool { return x == lit }, nil
		}
		return func(x string) bool { end, ok := s.matchAt(x, 0); return ok && end == len(x) }, nil
	}
	if len(nonEmpty) == 0 {
		return func(string) bool { return true }, nil
	}
	if len(nonEmpty) == 1 && len(nonEmpty[0].items) == 1 && !nonEmpty[0].items[0].any {
		lit := nonEmpty[0].items[0].lit
		switch {
		case anchoredStart && !anchoredEnd:
			return func(x string) bool { return strings.HasPrefix(x, lit) }, nil
		case !anchoredStart && anchoredEnd:
			return func(x string) bool { return strings.HasSuffix(x, lit) }, nil
		case !anchoredStart && !anchoredEnd:
			return func(x string) bool { return strings.Contains(x, lit) }, nil
		}
	}
	m := &likeProg{segs: nonEmpty, anchoredStart: anchoredStart, anchoredEnd: anchoredEnd}
	return m.match, nil
}

type likeItem struct {
	lit string
	any bool // _
}

type likeSeg struct{ items []likeItem }

// matchAt matches the segment at byte offset i of x, returning the end.
func (s *likeSeg) matchAt(x string, i int) (int, bool) {
	for _, it := range s.items {
		if it.any {
			if i >= len(x) {
				return 0, false
			}
			_, w := utf8.DecodeRuneInString(x[i:])
			i += w
			continue
		}
		if !strings.HasPrefix(x[i:], it.lit) {
			return 0, false
		}
		i += len(it.lit)
	}
	return i, true
}

// find returns the leftmost match of the segment at or after byte i.
func (s *likeSeg) find(x string, i int) (start, end int, ok bool) {
	first := s.items[0]
	for i <= len(x) {
		if !first.any {
			j := strings.Index(x[i:], first.lit)
			if j < 0 {
				return 0, 0, false
			}
			i += j
		}
		if e, ok := s.matchAt(x, i); ok {
			return i, e, true
		}
		if i >= len(x) {
			break
		}
		_, w := utf8.DecodeRuneInString(x[i:])
		i += w
	}
	return 0, 0, false
}

// likeProg matches segments separated by %: the first at the start when
// anchored, the last at the end when anchored, the rest leftmost-first
// (leftmost placement of each %-separated segment is always optimal).
type likeProg struct {
	segs                       []likeSeg
	anchoredStart, anchoredEnd bool
}

func (p *likeProg) match(x string) bool {
	segs := p.segs
	pos := 0
	if p.anchoredStart {
		e, ok := segs[0].matchAt(x, 0)
		if !ok {
			return false
		}
		pos = e
		segs = segs[1:]
	}
	var last *likeSeg
	if p.anchoredEnd && len(segs) > 0 {
		last = &segs[len(segs)-1]
		segs = segs[:len(segs)-1]
	}
	for i := range segs {
		_, e, ok := segs[i].find(x, pos)
		if !ok {
			return false
		}
		pos = e
	}
	if last == nil {
		return !p.anchoredEnd || pos == len(x)
	}
	// The last segment must end exactly at len(x), starting at or after pos.
	for i := pos; i <= len(x); {
		if e, ok := last.matchAt(x, i); ok && e == len(x) {
			return true
		}
		if i >= len(x) {
			break
		}
		_, w := utf8.DecodeRuneInString(x[i:])
		i += w
	}
	return false
}
