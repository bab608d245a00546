package sql

import (
	"strings"
	"testing"
	"time"
)

// TestPathological checks that large or deeply nested inputs (queries are
// at most 10,000 characters in Lake) parse or fail quickly.
func TestPathological(t *testing.T) {
	cases := map[string]string{
		"parens":    "SELECT " + strings.Repeat("(", 3000) + "1" + strings.Repeat(")", 3000),
		"subscript": "SELECT a" + strings.Repeat("[1]", 2500),
		"fields":    "SELECT f(x)" + strings.Repeat(".a", 4000),
		"or-chain":  "SELECT a FROM t WHERE " + strings.Repeat("a = 1 OR ", 1000) + "b = 2",
		"calls":     "SELECT " + strings.Repeat("f(", 2000) + "1" + strings.Repeat(")", 2000),
		"unclosed":  "SELECT " + strings.Repeat("(", 5000),
		"minus":     "SELECT " + strings.Repeat("- ", 4000) + "1",
	}
	for name, q := range cases {
		start := time.Now()
		_, err := Parse(q)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %v (err %v)", name, d, err)
		}
	}
}
