package ingest

import (
	"fmt"
	"strings"

	"github.com/valyala/fastjson"
)

// Field names a value that advanced event selectors (and other pipeline
// decisions) read from a parsed event without building a row: a top-level
// scalar column (eventCategory, eventSource, eventName, eventType, readOnly,
// errorCode, vpcEndpointId, sessionCredentialFromConsole, ...), a string
// field of userIdentity (userIdentity.arn), or a field of the resources
// elements (resources.type, resources.ARN; multi-valued).
type Field struct {
	col int // top-level column index
	sub int // field index inside userIdentity or resources elements; -1 for none
}

// ParseField resolves a selector field name, case-insensitively, as
// CloudTrail matches them.
func ParseField(name string) (Field, error) {
	top, rest, nested := strings.Cut(name, ".")
	col, ok := plan.root.fold[strings.ToLower(top)]
	if !ok {
		return Field{}, fmt.Errorf("unknown event field %q", name)
	}
	n := plan.root.fields[col]
	if !nested {
		switch n.kind {
		case kString, kBool, kTime:
			return Field{col: col, sub: -1}, nil
		}
		return Field{}, fmt.Errorf("event field %q is not a scalar", name)
	}
	if col == plan.resources {
		n = n.elem
	} else if col != plan.userIdentity {
		return Field{}, fmt.Errorf("event field %q: only userIdentity and resources fields can be selected", name)
	}
	sub, ok := n.fold[strings.ToLower(rest)]
	if !ok || n.fields[sub].kind != kString {
		return Field{}, fmt.Errorf("unknown event field %q", name)
	}
	return Field{col: col, sub: sub}, nil
}

// MustField is ParseField for names known to be valid; it panics otherwise
// (use it only for constants).
func MustField(name string) Field {
	f, err := ParseField(name)
	if err != nil {
		panic(err)
	}
	return f
}

// Values appends the field's values in e to dst and returns it: none when
// the field is absent or null, one for scalar fields, one per element for
// resources fields. Values follow the column rules: strings as they are,
// numbers and booleans as their JSON text, objects and arrays as compact
// JSON; readOnly-style boolean columns give "true"/"false" or nothing. The
// slices are valid as long as the Event.
func (e *Event) Values(f Field, dst [][]byte) [][]byte {
	v := e.top[f.col]
	if v == nil {
		return dst
	}
	n := plan.root.fields[f.col]
	switch {
	case f.sub < 0 && n.kind == kBool:
		if b, ok := boolOf(v); ok {
			if b {
				return append(dst, trueText)
			}
			return append(dst, falseText)
		}
		return dst
	case f.sub < 0:
		if t, ok := scalarText(v); ok {
			dst = append(dst, t)
		}
		return dst
	case f.col == plan.resources:
		arr, err := v.Array()
		if err != nil {
			return dst
		}
		for _, el := range arr {
			if t, ok := scalarText(n.elem.field(el, f.sub, e.slots, e.slotsExact)); ok {
				dst = append(dst, t)
			}
		}
		return dst
	default:
		if t, ok := scalarText(n.field(v, f.sub, e.slots, e.slotsExact)); ok {
			dst = append(dst, t)
		}
		return dst
	}
}

// Strings is Values as strings, for callers off the hot path.
func (e *Event) Strings(f Field) []string {
	var out []string
	for _, b := range e.Values(f, nil) {
		out = append(out, string(b))
	}
	return out
}

var (
	trueText  = []byte("true")
	falseText = []byte("false")
)

// scalarText is the string-column rule: the text a value is stored as, or
// false for JSON null / absent.
func scalarText(v *fastjson.Value) ([]byte, bool) {
	if v == nil {
		return nil, false
	}
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return b, true
	case fastjson.TypeNull:
		return nil, false
	case fastjson.TypeTrue:
		return trueText, true
	case fastjson.TypeFalse:
		return falseText, true
	}
	return v.MarshalTo(nil), true
}

// boolOf is the boolean-column rule: JSON true/false, or the strings
// "true"/"false" in any case.
func boolOf(v *fastjson.Value) (val, ok bool) {
	switch v.Type() {
	case fastjson.TypeTrue:
		return true, true
	case fastjson.TypeFalse:
		return false, true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		switch {
		case strings.EqualFold(string(b), "true"):
			return true, true
		case strings.EqualFold(string(b), "false"):
			return false, true
		}
	}
	return false, false
}
