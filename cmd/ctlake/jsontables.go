package main

import (
	"fmt"
	"sort"
	"strings"
)

// jsonTables is query --table NAME=PATH: tables read from JSON files
// without ingest. A name given twice collects every path.
type jsonTables map[string][]string

func (t jsonTables) String() string {
	var parts []string
	for k, ps := range t {
		for _, p := range ps {
			parts = append(parts, k+"="+p)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Set adds one NAME=PATH (flag.Value, so --table may repeat).
func (t jsonTables) Set(kv string) error {
	k, v, ok := strings.Cut(kv, "=")
	if !ok || !validParamName(k) || v == "" {
		return fmt.Errorf("want NAME=PATH with NAME made of letters, digits and _, got %q", kv)
	}
	t[k] = append(t[k], v)
	return nil
}
