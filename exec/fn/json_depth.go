package fn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/valyala/fastjson"
)

// JSON nesting limits. fastjson's parser stops at fastjson.MaxDepth (300)
// levels, and ingest rejects deeper events with the same limit, but
// fastjson.Validate recurses without any: json_parse of two million '['
// overflowed the stack and killed the process. Every JSON function that
// validates or parses goes through these checks, which walk the text
// iteratively.

// errJSONTooDeep is the reason a document deeper than fastjson.MaxDepth
// is refused.
var errJSONTooDeep = fmt.Errorf("JSON nested deeper than %d levels", fastjson.MaxDepth)

// jsonTooDeep reports whether s nests arrays and objects deeper than
// fastjson.MaxDepth. Brackets inside strings do not count; malformed text
// is left for the validator to reject.
func jsonTooDeep(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			if depth++; depth > fastjson.MaxDepth {
				return true
			}
		case ']', '}':
			depth--
		}
	}
	return false
}

// validateJSON is fastjson.Validate behind the depth limit.
func validateJSON(s string) error {
	if jsonTooDeep(s) {
		return errJSONTooDeep
	}
	if err := fastjson.Validate(s); err != nil {
		return err
	}
	if i := rawControlInString(s); i >= 0 {
		return fmt.Errorf("control character 0x%02x at offset %d must be escaped inside a string", s[i], i)
	}
	return nil
}

// rawControlInString returns the offset of the first byte below 0x20
// inside a string of valid JSON text s, or -1. JSON (RFC 8259 §7), Trino's
// parser and encoding/json refuse them unescaped; fastjson.Validate lets
// them through (FuzzJSONFunctions found "\x15" inside a string).
func rawControlInString(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		for i++; i < len(s) && s[i] != '"'; i++ {
			switch {
			case s[i] == '\\':
				i++
			case s[i] < 0x20:
				return i
			}
		}
	}
	return -1
}

// clipText shortens a value quoted in an error message: a 2 MB document
// should not become a 2 MB message.
func clipText(s string) string {
	const max = 120
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

// jsonParseError is json_parse's error for text that is not JSON.
func jsonParseError(text string, err error) error {
	if errors.Is(err, errJSONTooDeep) {
		return fmt.Errorf("Cannot convert value to JSON: %v: '%s'", err, clipText(text))
	}
	return fmt.Errorf("Cannot convert value to JSON: '%s'", clipText(text))
}

// errInvalidJSON replaces fastjson's parse errors, which repeat "cannot
// parse array:" once per level and quote the unparsed tail.
var errInvalidJSON = errors.New("invalid JSON")

// parseJSON is p.Parse with a short error. fastjson's parser keeps its own
// depth limit (the same fastjson.MaxDepth), so no extra pass is needed.
func parseJSON(p *fastjson.Parser, s string) (*fastjson.Value, error) {
	v, err := p.Parse(s)
	if err != nil {
		if strings.Contains(err.Error(), "too big depth") {
			return nil, errJSONTooDeep
		}
		return nil, errInvalidJSON
	}
	return v, nil
}
