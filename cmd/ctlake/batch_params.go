package main

import (
	"fmt"
	"sort"
	"strings"
)

// Placeholders let one query file serve many investigations, as CloudTrail
// Lake's saved queries do with $EDS_ID:
//
//	$EDS_ID      the store (from --store, or --param EDS_ID=…)
//	${KEY}       replaced by the value as written (a number, a column, a store)
//	'${KEY}'     inside a string literal: replaced by the value with every '
//	             doubled, so a value cannot end the string early
//
// Placeholders in comments are left alone. Any placeholder without a value is
// an error that names it, rather than SQL that fails to parse later.

// params maps placeholder names to values; the flag form is KEY=VALUE.
type params map[string]string

func (p params) String() string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+p[k])
	}
	return strings.Join(parts, ",")
}

// Set adds one KEY=VALUE (flag.Value, so --param may repeat).
func (p params) Set(kv string) error {
	k, v, ok := strings.Cut(kv, "=")
	if !ok || !validParamName(k) {
		return fmt.Errorf("want KEY=VALUE with KEY made of letters, digits and _, got %q", kv)
	}
	p[k] = v
	return nil
}

func validParamName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isParamChar(k[i]) {
			return false
		}
	}
	return true
}

func isParamChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// substitute replaces the placeholders of query with values from p.
func substitute(query string, p params) (string, error) {
	if !strings.Contains(query, "$") {
		return query, nil
	}
	var b strings.Builder
	var missing []string
	note := func(name string) {
		for _, m := range missing {
			if m == name {
				return
			}
		}
		missing = append(missing, name)
	}
	for _, s := range sqlSegments(query) {
		text := query[s.start:s.end]
		switch s.kind {
		case segCode:
			b.WriteString(replacePlaceholders(text, true, func(v string) string { return v }, p, note))
		case segString:
			b.WriteString(replacePlaceholders(text, false, func(v string) string { return strings.ReplaceAll(v, "'", "''") }, p, note))
		default:
			b.WriteString(text)
		}
	}
	switch len(missing) {
	case 0:
		return b.String(), nil
	case 1:
		return "", fmt.Errorf("unresolved placeholder %s (%s)", missing[0], paramHint(missing[0]))
	default:
		return "", fmt.Errorf("unresolved placeholders %s (give --param KEY=VALUE for each)", strings.Join(missing, ", "))
	}
}

func paramHint(placeholder string) string {
	if placeholder == "$EDS_ID" || placeholder == "${EDS_ID}" {
		return "give --store NAME, or --param EDS_ID=…; in the shell, .param EDS_ID NAME"
	}
	key := strings.TrimSuffix(strings.TrimPrefix(placeholder, "${"), "}")
	return fmt.Sprintf("give --param %s=VALUE; in the shell, .param %s VALUE", key, key)
}

// replacePlaceholders rewrites ${KEY} (and, when bare is set, $EDS_ID) in
// one segment's text, escaping each value with esc.
func replacePlaceholders(text string, bare bool, esc func(string) string, p params, missing func(string)) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		if text[i] != '$' {
			j := strings.IndexByte(text[i:], '$')
			if j < 0 {
				b.WriteString(text[i:])
				break
			}
			b.WriteString(text[i : i+j])
			i += j
			continue
		}
		if strings.HasPrefix(text[i:], "${") {
			if end := strings.IndexByte(text[i:], '}'); end > 2 && validParamName(text[i+2:i+end]) {
				key := text[i+2 : i+end]
				if v, ok := p[key]; ok {
					b.WriteString(esc(v))
				} else {
					missing(text[i : i+end+1])
				}
				i += end + 1
				continue
			}
		}
		if bare && strings.HasPrefix(text[i:], "$EDS_ID") && (i+7 == len(text) || !isParamChar(text[i+7])) {
			if v, ok := p["EDS_ID"]; ok {
				b.WriteString(esc(v))
			} else {
				missing("$EDS_ID")
			}
			i += 7
			continue
		}
		b.WriteByte('$')
		i++
	}
	return b.String()
}
