package lakeapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// model.json holds the input shapes of the Lake operations, extracted from
// botocore's CloudTrail model by testdata/extract_model.py. The clients
// check only required members, types and minimums, so the server checks
// every constraint the model states — lengths, ranges, patterns, enums —
// for every operation, from the same source the clients are built from.
//
//go:embed model.json
var modelJSON []byte

type shape struct {
	Type     string            `json:"type"`
	Required []string          `json:"required"`
	Members  map[string]string `json:"members"`
	Member   string            `json:"member"`
	Key      string            `json:"key"`
	Value    string            `json:"value"`
	Min      *float64          `json:"min"`
	Max      *float64          `json:"max"`
	Pattern  string            `json:"pattern"`
	Enum     []string          `json:"enum"`
	re       *regexp.Regexp
}

type operation struct {
	Input  string   `json:"input"`
	Errors []string `json:"errors"`
}

type serviceModel struct {
	AllOperations []string             `json:"allOperations"`
	Operations    map[string]operation `json:"operations"`
	Shapes        map[string]*shape    `json:"shapes"`
}

// lakeModel parses the embedded model on first use: at package init it
// cost every ctlake process, `ctlake query` included, 2 ms and 0.3 MB.
var lakeModel = sync.OnceValue(mustLoadModel)

func mustLoadModel() *serviceModel {
	m := &serviceModel{}
	if err := json.Unmarshal(modelJSON, m); err != nil {
		panic("lakeapi: model.json: " + err.Error()) // embedded at build time; a test loads it
	}
	for name, s := range m.Shapes {
		if s.Pattern != "" {
			// Smithy patterns are not anchored: a value matches when the
			// expression matches somewhere in it, as here.
			re, err := regexp.Compile(s.Pattern)
			if err != nil {
				panic(fmt.Sprintf("lakeapi: model.json: shape %s: %v", name, err))
			}
			s.re = re
		}
	}
	return m
}

// hasError reports whether op's model lists the exception code.
func (m *serviceModel) hasError(op, code string) bool {
	return slices.Contains(m.Operations[op].Errors, code)
}

// knownOperation reports whether name is a CloudTrail operation at all.
func (m *serviceModel) knownOperation(name string) bool {
	return slices.Contains(m.AllOperations, name)
}

// validate checks body against op's input shape and returns the first
// problem's exception (the one the model names for that member, else
// InvalidParameterException, else ValidationException) with every problem
// in AWS's "N validation errors detected" wording.
func (m *serviceModel) validate(op string, body []byte) *apiError {
	o, ok := m.Operations[op]
	if !ok {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return errorf("SerializationException", "the request body is not JSON: %v", err)
	}
	if dec.More() {
		return errorf("SerializationException", "the request body holds more than one JSON value")
	}
	if _, ok := v.(map[string]any); !ok {
		return errorf("SerializationException", "the request body must be a JSON object")
	}
	c := &checker{m: m}
	c.check(o.Input, v, "", "")
	if c.typeErr != "" {
		return errorf("SerializationException", "%s", c.typeErr)
	}
	if len(c.problems) == 0 {
		return nil
	}
	code := "ValidationException"
	for _, cand := range []string{memberError[c.firstMember], "InvalidParameterException"} {
		if cand != "" && m.hasError(op, cand) {
			code = cand
			break
		}
	}
	n := len(c.problems)
	what := "error"
	if n > 1 {
		what = "errors"
	}
	return errorf(code, "%d validation %s detected: %s", n, what, strings.Join(c.problems, "; "))
}

// memberError is the exception the model names for a top-level member's
// bad value, where it names one.
var memberError = map[string]string{
	"MaxResults":             "InvalidMaxResultsException",
	"MaxQueryResults":        "InvalidMaxResultsException",
	"NextToken":              "InvalidNextTokenException",
	"QueryStatus":            "InvalidQueryStatusException",
	"EventDataStore":         "EventDataStoreARNInvalidException",
	"Destination":            "EventDataStoreARNInvalidException",
	"Destinations":           "EventDataStoreARNInvalidException",
	"AdvancedEventSelectors": "InvalidEventSelectorsException",
	"TagsList":               "InvalidTagParameterException",
	"ImportSource":           "InvalidImportSourceException",
}

type checker struct {
	m           *serviceModel
	problems    []string
	firstMember string
	typeErr     string
}

func (c *checker) fail(top, path string, v any, format string, args ...any) {
	if len(c.problems) == 0 {
		c.firstMember = top
	}
	if len(c.problems) < 10 {
		c.problems = append(c.problems, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", quoteValue(v), path, fmt.Sprintf(format, args...)))
	}
}

func (c *checker) wrongType(path, want string) {
	if c.typeErr == "" {
		c.typeErr = fmt.Sprintf("'%s' must be %s", path, want)
	}
}

// quoteValue prints a value as AWS's validation messages do, cut short.
func quoteValue(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case nil:
		return "null"
	default:
		b, _ := json.Marshal(x)
		s = string(b)
	}
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:77]) + "..."
	}
	return "'" + s + "'"
}

// check validates v against shape name at path; top is the top-level member
// it sits under.
func (c *checker) check(name string, v any, path, top string) {
	s := c.m.Shapes[name]
	if s == nil || v == nil {
		return
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			c.wrongType(path, "an object")
			return
		}
		for _, r := range s.Required {
			if obj[r] == nil {
				// A missing top-level member is a plain parameter error,
				// whatever the model names for a bad value of it; top is
				// "" there.
				c.fail(top, join(path, r), nil, "Member must not be null")
			}
		}
		members := make([]string, 0, len(s.Members))
		for k := range s.Members {
			members = append(members, k)
		}
		slices.Sort(members)
		for _, k := range members {
			if mv, ok := obj[k]; ok {
				t := top
				if t == "" {
					t = k
				}
				c.check(s.Members[k], mv, join(path, k), t)
			}
		}
	case "list":
		arr, ok := v.([]any)
		if !ok {
			c.wrongType(path, "a list")
			return
		}
		c.bounds(s, float64(len(arr)), v, path, top, "have length")
		for i, e := range arr {
			c.check(s.Member, e, fmt.Sprintf("%s.%d.member", path, i+1), top)
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			c.wrongType(path, "a map")
			return
		}
		c.bounds(s, float64(len(obj)), v, path, top, "have length")
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			c.check(s.Key, k, path+".key", top)
			c.check(s.Value, obj[k], fmt.Sprintf("%s.%s", path, k), top)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			c.wrongType(path, "a string")
			return
		}
		c.bounds(s, float64(utf8.RuneCountInString(str)), v, path, top, "have length")
		if s.re != nil && !s.re.MatchString(str) {
			c.fail(top, path, v, "Member must satisfy regular expression pattern: %s", s.Pattern)
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			c.fail(top, path, v, "Member must satisfy enum value set: [%s]", strings.Join(s.Enum, ", "))
		}
	case "integer", "long":
		n, ok := v.(json.Number)
		if !ok {
			c.wrongType(path, "an integer")
			return
		}
		i, err := n.Int64()
		if err != nil {
			c.wrongType(path, "an integer")
			return
		}
		c.bounds(s, float64(i), v, path, top, "have value")
	case "boolean":
		if _, ok := v.(bool); !ok {
			c.wrongType(path, "a boolean")
		}
	case "timestamp":
		switch v.(type) {
		case json.Number, string:
		default:
			c.wrongType(path, "a timestamp (epoch seconds)")
		}
	}
}

func (c *checker) bounds(s *shape, n float64, v any, path, top, what string) {
	if s.Min != nil && n < *s.Min {
		c.fail(top, path, v, "Member must %s greater than or equal to %v", what, *s.Min)
	}
	if s.Max != nil && n > *s.Max {
		c.fail(top, path, v, "Member must %s less than or equal to %v", what, *s.Max)
	}
}

// join builds AWS's lowerCamel member path (queryId, advancedEventSelectors.1.member.name).
func join(path, member string) string {
	m := strings.ToLower(member[:1]) + member[1:]
	if path == "" {
		return m
	}
	return path + "." + m
}
