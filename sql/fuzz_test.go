package sql

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is an *Error
// positioned inside the query, that every node of a successful parse is
// positioned inside the query, and that Format's output parses back to
// the same tree. Seeds are the golden queries. Run longer with
//
//	go test ./sql -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	for _, path := range goldenFiles(f) {
		for _, c := range readGolden(f, path) {
			f.Add(c.input)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		st, err := Parse(q)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if pe.Pos < 0 || pe.Pos > len(q) {
				t.Fatalf("error position %d outside query of length %d: %v", pe.Pos, len(q), err)
			}
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error without kind: %v", err)
			}
			_ = pe.Caret()
			return
		}
		Walk(st, func(n Node) bool {
			if p := n.Position(); p < 0 || p >= len(q) {
				t.Fatalf("%T at %d outside query of length %d", n, p, len(q))
			}
			if c, ok := n.(*ColumnRef); ok {
				for i, part := range c.Parts {
					if p := c.PartPos[i]; !strings.HasPrefix(q[p:], part) && !strings.HasPrefix(q[p:], `"`) {
						t.Fatalf("part %q at %d: text there is %q", part, p, q[p:])
					}
				}
			}
			return true
		})
		text := Format(st)
		st2, err := Parse(text)
		if err != nil {
			t.Fatalf("Format output %q does not parse: %v", text, err)
		}
		if a, b := posRE.ReplaceAllString(Dump(st), ""), posRE.ReplaceAllString(Dump(st2), ""); a != b {
			t.Fatalf("round trip of %q via %q changed the tree:\n%s\n%s", q, text, a, b)
		}
	})
}
