package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/ingest"
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

// jsonFlags are ingest's reading rules for --table, with ingest's names.
func jsonFlags(fs *flag.FlagSet) *engine.JSONOptions {
	o := &engine.JSONOptions{}
	fs.StringVar(&o.TimeField, "time-field", "", "for --table: fallback field for events without a parseable eventTime, e.g. @timestamp (as ingest's)")
	fs.BoolVar(&o.NoDedup, "no-dedup", false, "for --table: keep every copy of an eventID (by default the first occurrence wins, as in ingest)")
	return o
}

// printJSONNotice says on w what a query over JSON tables skipped: events
// ingest would reject (how many, the first, and the --time-field that
// would take those without eventTime), duplicates, damaged inputs. It is
// printed with or without --stats: nothing read disappears silently.
func printJSONNotice(w io.Writer, s engine.Stats) {
	if s.JSONRejected > 0 {
		fmt.Fprintf(w, "JSON tables: %s skipped, as ingest would reject %s (the first: %s)\n",
			events(s.JSONRejected), map[bool]string{true: "it", false: "them"}[s.JSONRejected == 1], s.JSONFirstReject)
		if hint := ingest.TimeHints(s.JSONTimeHints).Message(s.JSONRejected); hint != "" {
			fmt.Fprintf(w, "hint: %s\n", hint)
		}
	}
	if s.JSONDuplicates > 0 {
		fmt.Fprintf(w, "JSON tables: %s skipped as duplicates, as ingest skips them (the first copy of each eventID counts; --no-dedup keeps every copy)\n",
			events(s.JSONDuplicates))
	}
	if s.JSONDamaged > 0 {
		fmt.Fprintf(w, "JSON tables: %d inputs could not be read to the end (their events before the damage were read)\n", s.JSONDamaged)
	}
}

func events(n int64) string {
	if n == 1 {
		return "1 event"
	}
	return fmt.Sprintf("%d events", n)
}
