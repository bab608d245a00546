package orcstore

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Selector is one CloudTrail advanced event selector, in the JSON shape of
// the CLI and API: {"Name": …, "FieldSelectors": [{"Field": …, "Equals": […]}, …]}.
//
// An event is selected when any selector matches (OR across selectors); a
// selector matches when all its field selectors match (AND within a
// selector).
type Selector struct {
	Name           string          `json:"Name,omitempty"`
	FieldSelectors []FieldSelector `json:"FieldSelectors"`
}

// FieldSelector tests one field with Lake's six operators. Several values of
// a positive operator (Equals, StartsWith, EndsWith) are ORed; a negative
// operator (NotEquals, NotStartsWith, NotEndsWith) must hold for every value
// listed; several operators on one field must all hold.
type FieldSelector struct {
	Field         string   `json:"Field"`
	Equals        []string `json:"Equals,omitempty"`
	NotEquals     []string `json:"NotEquals,omitempty"`
	StartsWith    []string `json:"StartsWith,omitempty"`
	NotStartsWith []string `json:"NotStartsWith,omitempty"`
	EndsWith      []string `json:"EndsWith,omitempty"`
	NotEndsWith   []string `json:"NotEndsWith,omitempty"`
}

// SelectorFields are the fields advanced event selectors may test, across
// the management, data and network activity categories.
var SelectorFields = []string{
	"eventCategory", "eventSource", "eventName", "eventType", "readOnly",
	"resources.type", "resources.ARN", "userIdentity.arn",
	"sessionCredentialFromConsole", "errorCode", "vpcEndpointId",
}

// MaxSelectorValues is Lake's quota of condition values across all selectors.
const MaxSelectorValues = 500

// LoadSelectors reads selectors from a JSON file holding either a list of
// selectors or {"AdvancedEventSelectors": [...]} as the CLI prints it.
func LoadSelectors(path string) ([]Selector, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []Selector
	if err := json.Unmarshal(b, &list); err != nil {
		var wrapped struct {
			AdvancedEventSelectors []Selector
		}
		if err2 := json.Unmarshal(b, &wrapped); err2 != nil || wrapped.AdvancedEventSelectors == nil {
			return nil, fmt.Errorf("%s: not a list of advanced event selectors: %w", path, err)
		}
		list = wrapped.AdvancedEventSelectors
	}
	if err := ValidateSelectors(list); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return list, nil
}

// ValidateSelectors applies Lake's rules: known fields, eventCategory in
// every selector and only with Equals, readOnly only "true"/"false", at most
// one resources.type per selector, at most 500 values in all.
func ValidateSelectors(sels []Selector) error {
	total := 0
	for i, s := range sels {
		where := fmt.Sprintf("selector %d", i+1)
		if s.Name != "" {
			where = fmt.Sprintf("selector %q", s.Name)
		}
		if len(s.FieldSelectors) == 0 {
			return fmt.Errorf("%s has no field selectors", where)
		}
		hasCategory := false
		for _, fs := range s.FieldSelectors {
			field, ok := canonicalSelectorField(fs.Field)
			if !ok {
				return fmt.Errorf("%s: unknown field %q (fields: %s)", where, fs.Field, strings.Join(SelectorFields, ", "))
			}
			n := len(fs.Equals) + len(fs.NotEquals) + len(fs.StartsWith) + len(fs.NotStartsWith) + len(fs.EndsWith) + len(fs.NotEndsWith)
			if n == 0 {
				return fmt.Errorf("%s: field %s has no condition", where, field)
			}
			total += n
			switch field {
			case "eventCategory":
				hasCategory = true
				if n != len(fs.Equals) {
					return fmt.Errorf("%s: eventCategory takes only Equals", where)
				}
			case "readOnly":
				for _, v := range append(append([]string{}, fs.Equals...), fs.NotEquals...) {
					if v != "true" && v != "false" {
						return fmt.Errorf("%s: readOnly takes \"true\" or \"false\", not %q", where, v)
					}
				}
				if len(fs.StartsWith)+len(fs.NotStartsWith)+len(fs.EndsWith)+len(fs.NotEndsWith) > 0 {
					return fmt.Errorf("%s: readOnly takes only Equals or NotEquals", where)
				}
			case "resources.type":
				if n != len(fs.Equals) || len(fs.Equals) != 1 {
					return fmt.Errorf("%s: resources.type takes exactly one Equals value", where)
				}
			}
		}
		if !hasCategory {
			return fmt.Errorf("%s: eventCategory is required", where)
		}
	}
	if total > MaxSelectorValues {
		return fmt.Errorf("selectors use %d condition values; CloudTrail Lake allows %d", total, MaxSelectorValues)
	}
	return nil
}

func canonicalSelectorField(f string) (string, bool) {
	for _, known := range SelectorFields {
		if strings.EqualFold(f, known) {
			return known, true
		}
	}
	return "", false
}

// MatchSelectors reports whether an event is selected. values returns the
// event's values of a selector field (in SelectorFields spelling); fields
// with several values (resources.type, resources.ARN) return them all, an
// absent field none. No selectors select everything.
func MatchSelectors(sels []Selector, values func(field string) []string) bool {
	if len(sels) == 0 {
		return true
	}
	for _, s := range sels {
		if matchSelector(s, values) {
			return true
		}
	}
	return false
}

func matchSelector(s Selector, values func(string) []string) bool {
	for _, fs := range s.FieldSelectors {
		field, _ := canonicalSelectorField(fs.Field)
		vals := values(field)
		if len(vals) == 0 {
			// An absent field satisfies only purely negative conditions.
			if len(fs.Equals)+len(fs.StartsWith)+len(fs.EndsWith) > 0 {
				return false
			}
			continue
		}
		ok := false
		for _, v := range vals {
			if matchField(fs, v) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchField tests one value against every operator of a field selector.
func matchField(fs FieldSelector, v string) bool {
	anyOf := func(list []string, f func(string, string) bool) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if f(v, x) {
				return true
			}
		}
		return false
	}
	noneOf := func(list []string, f func(string, string) bool) bool {
		for _, x := range list {
			if f(v, x) {
				return false
			}
		}
		return true
	}
	eq := func(a, b string) bool { return a == b }
	return anyOf(fs.Equals, eq) && noneOf(fs.NotEquals, eq) &&
		anyOf(fs.StartsWith, strings.HasPrefix) && noneOf(fs.NotStartsWith, strings.HasPrefix) &&
		anyOf(fs.EndsWith, strings.HasSuffix) && noneOf(fs.NotEndsWith, strings.HasSuffix)
}
