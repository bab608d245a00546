package sql

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Golden files in testdata/sql/*.test use the cockroachdb/datadriven shape:
//
//	command
//	<query, one or more lines>
//	----
//	<expected output>
//
// separated by blank lines; lines starting with # between cases are
// comments. An expected section that contains blank lines is written
// between "----\n----" and "----\n----". Commands:
//
//	parse   Dump of the tree, preceded by "sql: " and Format's output
//	error   the *Error as "line:col: msg [kind]" and its Caret rendering
//	names   OutputName of each item of the top-level SELECT
//
// Run "go test ./sql -rewrite" to regenerate expected sections, then
// review the diff by hand.
var rewrite = flag.Bool("rewrite", false, "rewrite expected output in testdata/sql/*.test")

type goldenCase struct {
	cmd, input, want string
	line             int
}

func readGolden(t testing.TB, path string) []goldenCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var cases []goldenCase
	for i := 0; i < len(lines); {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			i++
			continue
		}
		c := goldenCase{cmd: strings.TrimSpace(l), line: i + 1}
		i++
		var in []string
		for i < len(lines) && lines[i] != "----" {
			in = append(in, lines[i])
			i++
		}
		if i >= len(lines) {
			t.Fatalf("%s:%d: missing ----", path, c.line)
		}
		i++
		c.input = strings.Join(in, "\n")
		var out []string
		if i < len(lines) && lines[i] == "----" {
			i++
			for i+1 < len(lines) && !(lines[i] == "----" && lines[i+1] == "----") {
				out = append(out, lines[i])
				i++
			}
			i += 2
		} else {
			for i < len(lines) && lines[i] != "" {
				out = append(out, lines[i])
				i++
			}
		}
		c.want = strings.Join(out, "\n")
		cases = append(cases, c)
	}
	return cases
}

func writeGolden(t *testing.T, path string, header string, cases []goldenCase) {
	var b strings.Builder
	b.WriteString(header)
	for k, c := range cases {
		if k > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s\n%s\n----\n", c.cmd, c.input)
		if c.want == "" || strings.Contains(c.want, "\n\n") || strings.HasPrefix(c.want, "\n") || strings.HasSuffix(c.want, "\n") {
			fmt.Fprintf(&b, "----\n%s\n----\n----\n", c.want)
		} else {
			fmt.Fprintf(&b, "%s\n", c.want)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// header returns the leading comment block of a golden file.
func header(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var h strings.Builder
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasPrefix(l, "#") && strings.TrimSpace(l) != "" {
			break
		}
		h.WriteString(l)
	}
	return h.String()
}

func goldenFiles(t testing.TB) []string {
	files, err := filepath.Glob("../testdata/sql/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, path := range goldenFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cases := readGolden(t, path)
			for k := range cases {
				c := &cases[k]
				got := runGolden(t, c)
				if *rewrite {
					c.want = got
					continue
				}
				if got != c.want {
					t.Errorf("%s:%d: %s\n%s\ngot:\n%s\nwant:\n%s", path, c.line, c.cmd, c.input, got, c.want)
				}
			}
			if *rewrite {
				writeGolden(t, path, header(t, path), cases)
			}
		})
	}
}

var posRE = regexp.MustCompile(`@\d+`)

func runGolden(t *testing.T, c *goldenCase) string {
	st, err := Parse(c.input)
	switch c.cmd {
	case "parse", "names":
		if err != nil {
			return "unexpected error: " + err.Error()
		}
		checkRoundTrip(t, c, st)
		if c.cmd == "names" {
			q, ok := st.(*Query)
			if !ok {
				return "not a query"
			}
			sel, ok := q.Body.(*Select)
			if !ok {
				return "not a SELECT"
			}
			var names []string
			for i, it := range sel.Items {
				if it.Star {
					names = append(names, "(star)")
					continue
				}
				names = append(names, OutputName(it, i))
			}
			return strings.Join(names, "\n")
		}
		return "sql: " + Format(st) + "\n" + strings.TrimSuffix(Dump(st), "\n")
	case "error":
		if err == nil {
			return "unexpected success:\n" + strings.TrimSuffix(Dump(st), "\n")
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("line %d: error %T is not *Error", c.line, err)
		}
		kind := "syntax"
		if errors.Is(err, ErrUnsupported) {
			kind = "unsupported"
		} else if !errors.Is(err, ErrSyntax) {
			kind = "no kind"
		}
		return fmt.Sprintf("%s [%s]\n%s", err, kind, pe.Caret())
	}
	t.Fatalf("line %d: unknown command %q", c.line, c.cmd)
	return ""
}

// checkRoundTrip parses Format's output again and expects the same tree
// (positions aside) and the same text.
func checkRoundTrip(t *testing.T, c *goldenCase, st Statement) {
	t.Helper()
	text := Format(st)
	st2, err := Parse(text)
	if err != nil {
		t.Errorf("line %d: Format output does not parse: %v\n%s", c.line, err, text)
		return
	}
	if a, b := posRE.ReplaceAllString(Dump(st), ""), posRE.ReplaceAllString(Dump(st2), ""); a != b {
		t.Errorf("line %d: round trip changed the tree\n%s\nfirst:\n%s\nsecond:\n%s", c.line, text, a, b)
	}
	if text2 := Format(st2); text2 != text {
		t.Errorf("line %d: Format not stable:\n%s\n%s", c.line, text, text2)
	}
}
