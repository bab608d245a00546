package sql

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestDepthLimitRefusesChains checks that the inputs that used to kill the
// process (a million NOTs or unary signs, 100,000-term binary chains,
// millions of brackets) get a positioned "nested too deeply" error, and
// that refusing them allocates little: the lexer stops at the token past
// the limit instead of tokenizing, rewriting and parsing everything.
func TestDepthLimitRefusesChains(t *testing.T) {
	cases := map[string]string{
		"1M NOT":          "SELECT " + strings.Repeat("NOT ", 1_000_000) + "true",
		"1M unary plus":   "SELECT " + strings.Repeat("+", 1_000_000) + "1",
		"1M unary minus":  "SELECT " + strings.Repeat("- ", 1_000_000) + "1",
		"100k plus chain": "SELECT 1" + strings.Repeat(" + 1", 100_000),
		"100k AND chain":  "SELECT a FROM t WHERE a" + strings.Repeat(" AND a", 100_000),
		"100k OR chain":   "SELECT a FROM t WHERE a = 1" + strings.Repeat(" OR a = 1", 100_000),
		"100k concat":     "SELECT 'a'" + strings.Repeat(" || 'a'", 100_000),
		"2M parentheses":  "SELECT " + strings.Repeat("(", 2_000_000) + "1" + strings.Repeat(")", 2_000_000),
		"2M subscripts":   "SELECT a" + strings.Repeat("[1]", 2_000_000),
		"nested calls":    "SELECT " + strings.Repeat("f(1 + ", 100_000) + "1" + strings.Repeat(")", 100_000),
		"chain in call":   "SELECT f(" + strings.Repeat("1 + ", 20_000) + "1, 2)",
		// The chain's depth comes after the bracket closes: (…) + 1 + …
		"bracket then chain": "SELECT (" + strings.Repeat("1 + ", 6000) + "1)" + strings.Repeat(" + 1", 6000),
		"case chain":         "SELECT CASE WHEN " + strings.Repeat("a AND ", 20_000) + "a THEN 1 END",
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse(q)
			runtime.ReadMemStats(&after)
			var pe *Error
			if !errors.As(err, &pe) || !errors.Is(err, ErrUnsupported) || !strings.Contains(pe.Msg, "nested too deeply") {
				t.Fatalf("want a nested-too-deeply error, got %v", err)
			}
			if pe.Pos <= 0 || pe.Pos >= len(q) {
				t.Errorf("error at %d, want inside the query (length %d)", pe.Pos, len(q))
			}
			// The query text itself is up to 4 MB; everything else is a
			// few thousand tokens.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("refusing it allocated %d MB", alloc>>20)
			}
		})
	}
}

// TestDepthLimitAcceptsLongFlatQueries: depth counts nesting, not size, so
// long lists and chains under the limit still parse.
func TestDepthLimitAcceptsLongFlatQueries(t *testing.T) {
	cases := map[string]string{
		"chain at the limit": "SELECT 1" + strings.Repeat(" + 1", MaxExprDepth),
		"NOTs at the limit":  "SELECT " + strings.Repeat("NOT ", MaxExprDepth) + "true",
		"many items":         "SELECT " + strings.Repeat("a + 1, ", 50_000) + "a FROM t",
		"long IN list":       "SELECT a FROM t WHERE a IN (" + strings.Repeat("1, ", 100_000) + "1)",
		"many arguments":     "SELECT concat(" + strings.Repeat("'a' || 'b', ", 20_000) + "'c')",
		"many whens":         "SELECT CASE " + strings.Repeat("WHEN a = 1 THEN 2 ", 20_000) + "END FROM t",
		"chains in sequence": "SELECT " + strings.Repeat("(a + a + a + a + a) * ", 1500) + "1 FROM t",
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(q); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, err := Parse("SELECT 1" + strings.Repeat(" + 1", MaxExprDepth+1)); err == nil {
		t.Fatal("one operator past the limit parsed")
	}
}

// TestDepthErrorPosition: the error points at the first token past the
// limit, so the caret shows where the chain got too deep.
func TestDepthErrorPosition(t *testing.T) {
	q := "SELECT 1" + strings.Repeat(" + 1", MaxExprDepth+5)
	_, err := Parse(q)
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("got %v", err)
	}
	if want := len("SELECT 1") + 4*MaxExprDepth + 1; pe.Pos != want || q[pe.Pos] != '+' {
		t.Errorf("error at %d (%q), want %d", pe.Pos, q[pe.Pos:pe.Pos+3], want)
	}
}

// TestCheckDepthTree: trees built without the parser are bounded too.
func TestCheckDepthTree(t *testing.T) {
	var e Expr = &Literal{Pos: 7, Kind: LitInteger, Value: "1"}
	for i := 0; i < MaxTreeDepth; i++ {
		e = &Unary{Pos: 7, Op: "-", Expr: e}
	}
	q := &Query{Body: &Select{Items: []*SelectItem{{Expr: e}}}}
	if err := CheckDepth("SELECT -1", q); err == nil || !strings.Contains(err.Msg, "nested too deeply") {
		t.Fatalf("got %v", err)
	}
	if err := CheckDepth("SELECT -1", &Query{Body: &Select{Items: []*SelectItem{{Expr: e.(*Unary).Expr}}}}); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
}

// TestFormatSignChain is FuzzParse's finding: 200 unary signs formatted as
// +(+(+(…))) passed sqlparser's limit of 200 parentheses, so Format's text
// did not parse back. Signs over signs now print without parentheses.
func TestFormatSignChain(t *testing.T) {
	for _, q := range []string{
		"SELECT " + strings.Repeat("+", 200) + "0['']",
		"SELECT " + strings.Repeat("- ", 300) + "x",
		"SELECT -(-(-1)), - - 1, -+-1, -(NOT x), NOT -x",
	} {
		st, err := Parse(q)
		if err != nil {
			t.Fatalf("%.40q: %v", q, err)
		}
		text := Format(st)
		if strings.Contains(text, "--") {
			t.Errorf("%q has a comment marker", text)
		}
		st2, err := Parse(text)
		if err != nil {
			t.Fatalf("Format gave %.60q: %v", text, err)
		}
		if a, b := posRE.ReplaceAllString(Dump(st), ""), posRE.ReplaceAllString(Dump(st2), ""); a != b {
			t.Fatalf("round trip changed the tree:\n%s\n%s", a, b)
		}
	}
}

// TestCaretLongLine: the caret line of a huge one-line query is a window
// around the column, not megabytes of text.
func TestCaretLongLine(t *testing.T) {
	q := "SELECT 1" + strings.Repeat(" + 1", MaxExprDepth+500)
	_, err := Parse(q)
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	c := pe.Caret()
	lines := strings.Split(c, "\n")
	if len(lines) != 2 || len([]rune(lines[0])) > caretWidth+2 || !strings.HasPrefix(lines[0], "…") || !strings.HasSuffix(lines[0], "…") {
		t.Fatalf("caret lines %q", c)
	}
	if col := len([]rune(lines[1])) - 1; []rune(lines[0])[col] != '+' {
		t.Errorf("caret under %q, want the '+' past the limit", string([]rune(lines[0])[col]))
	}
	short := NewError("SELECT x", 7, ErrSyntax, "m")
	if got := short.Caret(); got != "SELECT x\n       ^" {
		t.Errorf("short caret %q", got)
	}
}
