package fn

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestLikeCases(t *testing.T) {
	cases := []struct {
		pattern, escape, s string
		want               bool
	}{
		{"abc", "", "abc", true},
		{"abc", "", "abcd", false},
		{"a%", "", "abc", true},
		{"%c", "", "abc", true},
		{"%b%", "", "abc", true},
		{"%0.0.0.0/0%", "", `[{"cidrIp":"0.0.0.0/0"}]`, true},
		{"a_c", "", "abc", true},
		{"a_c", "", "ac", false},
		{"_", "", "é", true}, // _ is one code point
		{"%", "", "", true},
		{"", "", "", true},
		{"", "", "a", false},
		{"a%b%c", "", "aXbYc", true},
		{"a%b%c", "", "aXcYb", false},
		{"%a_b%", "", "xxaxbyy", true},
		{"a%%c", "", "ac", true},
		{"100!%", "!", "100%", true},
		{"100!%", "!", "1000", false},
		{"a!_b", "!", "a_b", true},
		{"a!_b", "!", "axb", false},
		{"a!!b", "!", "a!b", true},
		{"%_%", "", "", false},
		{"%_%", "", "x", true},
		{"_%_", "", "x", false},
	}
	for _, c := range cases {
		m, err := LikeMatcher(c.pattern, c.escape)
		if err != nil {
			t.Errorf("LikeMatcher(%q, %q): %v", c.pattern, c.escape, err)
			continue
		}
		if got := m(c.s); got != c.want {
			t.Errorf("%q LIKE %q ESCAPE %q = %v, want %v", c.s, c.pattern, c.escape, got, c.want)
		}
	}
	for _, bad := range []struct{ p, e string }{{"a!", "!"}, {"!a", "!"}, {"a", "!!"}} {
		if _, err := LikeMatcher(bad.p, bad.e); err == nil {
			t.Errorf("LikeMatcher(%q, %q) accepted an invalid pattern", bad.p, bad.e)
		}
	}
}

// likeRegexp is the naive translation of a LIKE pattern to an anchored
// regexp, the reference for the random test.
func likeRegexp(p, esc string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case esc != "" && string(r) == esc:
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`)$`)
	return regexp.MustCompile(b.String())
}

func TestLikeRandomAgainstRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("ab%_é!")
	gen := func(n int, pattern bool) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			r := alphabet[rng.IntN(len(alphabet))]
			if !pattern && (r == '%' || r == '_') {
				r = 'a'
			}
			if pattern && r == '!' { // keep escapes valid: ! is followed by a special
				b.WriteRune('!')
				r = []rune("%_!")[rng.IntN(3)]
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	for i := 0; i < 3000; i++ {
		p := gen(rng.IntN(7), true)
		m, err := LikeMatcher(p, "!")
		if err != nil {
			t.Fatalf("LikeMatcher(%q): %v", p, err)
		}
		re := likeRegexp(p, "!")
		for j := 0; j < 20; j++ {
			s := gen(rng.IntN(8), false)
			if got, want := m(s), re.MatchString(s); got != want {
				t.Fatalf("%q LIKE %q ESCAPE '!' = %v, regexp says %v", s, p, got, want)
			}
		}
	}
}
