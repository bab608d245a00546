package main

import (
	"sort"
	"strings"
	"unicode"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore"
)

// completer is the shell's Tab completion (readline.AutoCompleter). It looks
// at the word before the cursor: after a dot it offers the fields of the
// struct the path names (userIdentity.sessionContext. → attributes,
// sessionIssuer, …); after FROM or JOIN the stores' names and IDs (and
// --table names); otherwise keywords, function names, store names and IDs,
// and top-level columns; on a dot-command line, the commands and their
// arguments.
type completer struct {
	sh    *shell
	funcs []string // function names, loaded on first use
}

// sqlKeywords are the words of CloudTrail Lake's SELECT dialect offered by
// completion.
var sqlKeywords = []string{
	"SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "AS", "AND", "OR", "NOT",
	"IN", "IS", "NULL", "LIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END", "DISTINCT", "UNION", "ALL",
	"JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS", "ON", "WITH", "ASC", "DESC", "NULLS", "FIRST",
	"LAST", "EXPLAIN", "ANALYZE", "CAST", "TRY_CAST", "TIMESTAMP", "DATE", "INTERVAL", "TRUE", "FALSE",
	"EXISTS", "ROW", "ARRAY", "MAP", "VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "INTEGER", "UNNEST", "ESCAPE",
}

func isWordRune(r rune) bool {
	return r == '_' || r == '.' || r == '-' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Do returns the candidates' remaining text after the word being typed, and
// that word's length, as readline wants.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	start := pos
	for start > 0 && isWordRune(line[start-1]) {
		start--
	}
	word := string(line[start:pos])
	before := strings.TrimSpace(string(line[:start]))
	var cands []string
	switch {
	case before == "" && strings.HasPrefix(word, "."):
		for _, m := range metaCommands {
			cands = append(cands, m.name)
		}
	case strings.HasPrefix(before, "."):
		cands = c.metaArgs(strings.ToLower(strings.Fields(before)[0]))
	case strings.Contains(word, "."):
		i := strings.LastIndexByte(word, '.')
		fields := fieldsAt(word[:i])
		word = word[i+1:]
		for _, f := range fields {
			cands = append(cands, f.Name)
		}
	case afterTableKeyword(before):
		cands = c.stores() // FROM re<Tab>: a store or --table name, not a column
	default:
		cands = c.words(word)
	}
	return suffixes(cands, word), len([]rune(word))
}

// afterTableKeyword reports whether the text before the word being typed
// ends with FROM or JOIN, where only a table (a store's name or ID, or a
// --table name) can follow.
func afterTableKeyword(before string) bool {
	f := strings.Fields(before)
	if len(f) == 0 {
		return false
	}
	last := strings.ToUpper(f[len(f)-1])
	return last == "FROM" || last == "JOIN"
}

// suffixes keeps the candidates starting with word (ignoring case, as Lake
// SQL does) and returns what each adds after it.
func suffixes(cands []string, word string) [][]rune {
	sort.Strings(cands)
	var out [][]rune
	seen := map[string]bool{}
	for _, c := range cands {
		if len(c) < len(word) || !strings.EqualFold(c[:len(word)], word) || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, []rune(c[len(word):]))
	}
	return out
}

// words are the candidates for a word without a dot. Keywords and function
// names follow the case the user types in.
func (c *completer) words(word string) []string {
	lower := word != "" && word == strings.ToLower(word)
	var out []string
	for _, k := range sqlKeywords {
		if lower {
			k = strings.ToLower(k)
		}
		out = append(out, k)
	}
	if c.funcs == nil {
		c.funcs = c.sh.eng.eng.Functions().Names()
	}
	for _, f := range c.funcs {
		if !lower {
			f = strings.ToUpper(f)
		}
		out = append(out, f)
	}
	out = append(out, c.stores()...)
	for _, f := range orcstore.EventSchema.Fields() {
		out = append(out, f.Name)
	}
	return out
}

// stores are the names and IDs of the stores, and the --table names.
func (c *completer) stores() []string {
	var out []string
	for name := range c.sh.eng.opts.JSONTables {
		out = append(out, name)
	}
	infos, err := c.sh.catalog.List()
	if err != nil {
		return out
	}
	for _, in := range infos {
		out = append(out, in.Name, in.ID)
	}
	return out
}

func (c *completer) metaArgs(cmd string) []string {
	switch cmd {
	case ".schema":
		return c.stores()
	case ".format", ".mode":
		return textFormats
	case ".timer", ".stats":
		return []string{"on", "off"}
	case ".output", ".out":
		return []string{"stdout"}
	}
	return nil
}

// fieldsAt returns the fields of the struct a dotted column path names; a
// path that names no struct (a leaf, a map, an array) has none.
func fieldsAt(path string) []arrow.Field {
	_, f, ok := orcstore.LookupField(orcstore.EventSchema, path)
	if !ok {
		return nil
	}
	if st, ok := f.Type.(*arrow.StructType); ok {
		return st.Fields()
	}
	return nil
}
