package querytest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Case is one directive of a golden file, in the cockroachdb/datadriven
// shape:
//
//	command [args]
//	input (the query, possibly several lines)
//	----
//	expected output (ends at the first blank line)
//
// Lines starting with # between cases are comments and are kept on
// rewrite.
type Case struct {
	Pos      string // file:line of the command, for messages
	Comment  string // comment lines before the command, verbatim
	Command  string // query, explain, explain analyze, error
	Input    string
	Expected string
}

// ParseFile reads the cases of a golden file.
func ParseFile(path string) ([]Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(filepath.Base(path), string(data))
}

// Parse reads golden cases from text (name is used in positions).
func Parse(name, text string) ([]Case, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var cases []Case
	var comment []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.TrimSpace(l) == "":
			if len(comment) > 0 {
				comment = append(comment, "")
			}
			continue
		case strings.HasPrefix(l, "#"):
			comment = append(comment, l)
			continue
		}
		c := Case{Pos: fmt.Sprintf("%s:%d", name, i+1), Command: strings.TrimSpace(l)}
		c.Comment = strings.Join(trimBlank(comment), "\n")
		comment = nil
		var in []string
		i++
		for ; i < len(lines) && lines[i] != "----"; i++ {
			// A comment line inside the input is the next case's: this
			// case lost its ---- line and would swallow that case whole.
			if strings.HasPrefix(lines[i], "#") {
				return nil, fmt.Errorf("%s:%d: a comment inside the input of %q (line %d): is its ---- line missing?", name, i+1, c.Command, i-len(in))
			}
			in = append(in, lines[i])
		}
		if i >= len(lines) {
			return nil, fmt.Errorf("%s: %q has no ---- line", c.Pos, c.Command)
		}
		c.Input = strings.TrimSpace(strings.Join(in, "\n"))
		var out []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			out = append(out, lines[i])
		}
		c.Expected = strings.Join(out, "\n")
		cases = append(cases, c)
	}
	return cases, nil
}

func trimBlank(ls []string) []string {
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// Format writes cases back as a golden file.
func Format(cases []Case) string {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteString("\n")
		}
		if c.Comment != "" {
			b.WriteString(c.Comment + "\n")
		}
		b.WriteString(c.Command + "\n" + c.Input + "\n----\n")
		if c.Expected != "" {
			b.WriteString(c.Expected + "\n")
		}
	}
	return b.String()
}

// GoldenFiles lists the *.test files of dir.
func GoldenFiles(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.test"))
	sort.Strings(files)
	return files, err
}

// FormatRows prints a result as an aligned table: a header of column
// names, then one line per row. Unordered results are sorted so that the
// text does not depend on scan order. Empty strings print as "".
func FormatRows(r *Result) string {
	cells := [][]string{r.Names}
	var body [][]string
	for _, row := range r.Rows {
		line := make([]string, len(row))
		for j, v := range row {
			s := Render(v, r.Types[j])
			if s == "" {
				s = `""`
			}
			line[j] = strings.ReplaceAll(s, "\n", `\n`)
		}
		body = append(body, line)
	}
	if !r.Ordered {
		sort.SliceStable(body, func(a, b int) bool {
			return strings.Join(body[a], "\x00") < strings.Join(body[b], "\x00")
		})
	}
	cells = append(cells, body...)
	width := make([]int, len(r.Names))
	for _, line := range cells {
		for j, s := range line {
			if n := len([]rune(s)); n > width[j] {
				width[j] = n
			}
		}
	}
	var b strings.Builder
	for i, line := range cells {
		var parts []string
		for j, s := range line {
			parts = append(parts, s+strings.Repeat(" ", width[j]-len([]rune(s))))
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, "  "), " "))
		if i < len(cells)-1 {
			b.WriteString("\n")
		}
	}
	if len(r.Rows) == 0 {
		b.WriteString("\n(no rows)")
	}
	return b.String()
}
