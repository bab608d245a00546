package ingest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore"
)

// TestDatasetsIntoOneStore ingests the four reference data sets
// (../shared/datasets from the repository root) into ONE store through the
// whole pipeline, with --time-field @timestamp (only a fallback, needed by
// OTRF's Logstash export), then reads the ORC files back through the
// store's scanner and checks:
//
//   - per (eventSource, eventName) counts equal the union of the folders'
//     expected_eventsource_eventname_counts.tsv minus the events RULES.md
//     documents as rejected (15 of Panther's, for their eventTime), with
//     --no-dedup, because the TSVs count every record and Panther's test
//     events reuse eventIDs ("1" for 101 different events);
//   - the multiset of stored eventJson values, parsed, equals the multiset
//     of source events (split with encoding/json) minus the rejected ones,
//     and the rejects' raw text are exactly those;
//   - with deduplication on (the default), the store holds the first
//     occurrence of each eventID plus every event without one.
func TestDatasetsIntoOneStore(t *testing.T) {
	ents, err := os.ReadDir(datasetsDir)
	if err != nil {
		t.Skipf("data sets not available (%v): they live in ../shared/datasets next to the repository", err)
	}
	var dirs []string
	want := map[[2]string]int{}
	for _, e := range ents {
		if e.IsDir() {
			d := filepath.Join(datasetsDir, e.Name())
			dirs = append(dirs, d)
			for k, n := range readCounts(t, filepath.Join(d, "expected_eventsource_eventname_counts.tsv")) {
				want[k] += n
			}
		}
	}
	if len(dirs) != 4 {
		t.Fatalf("expected the four data sets, found %v", dirs)
	}
	inputs, errs := Discover(dirs, DiscoverOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// The source events in input order, split independently.
	var src []string // canonical JSON
	for _, in := range inputs {
		data, err := os.ReadFile(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range splitIndependently(t, data) {
			src = append(src, canonicalJSON(t, raw))
		}
	}

	t.Run("no-dedup", func(t *testing.T) {
		s := newTestStore(t)
		sum, err := Ingest(context.Background(), Config{Store: s, NoDedup: true, Decode: Options{TimeField: "@timestamp"}, Now: datasetsNow}, inputs)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.InputErrors) > 0 || sum.Filtered != 0 {
			t.Fatalf("input errors %v, %d filtered", sum.InputErrors, sum.Filtered)
		}
		rejects := readRejects(t, s)
		if len(rejects) != documentedRejects["panther-cloudtrail-tests"] {
			t.Errorf("%d rejects, RULES.md documents %d", len(rejects), documentedRejects["panther-cloudtrail-tests"])
		}
		var rejected []string
		for _, r := range rejects {
			if !strings.Contains(r.File, "panther") || !strings.Contains(r.Reason, "eventTime") {
				t.Errorf("undocumented reject %s:%d: %s", r.File, r.Line, r.Reason)
			}
			var ev struct{ EventSource, EventName string }
			if err := json.Unmarshal([]byte(r.Raw), &ev); err != nil {
				t.Fatalf("reject raw is not the event: %v", err)
			}
			k := [2]string{ev.EventSource, ev.EventName}
			if want[k]--; want[k] == 0 {
				delete(want, k)
			}
			rejected = append(rejected, canonicalJSON(t, []byte(r.Raw)))
		}
		got, stored := scanPairsAndJSON(t, s)
		equalCounts(t, got, want)
		all := append(append([]string(nil), stored...), rejected...)
		sort.Strings(all)
		wantAll := append([]string(nil), src...)
		sort.Strings(wantAll)
		if !reflect.DeepEqual(all, wantAll) {
			t.Errorf("stored eventJson + rejects (%d) differ from the source events (%d)", len(all), len(wantAll))
		}
	})

	t.Run("dedup", func(t *testing.T) {
		// Expected: first occurrence per eventID among accepted events, in
		// input order, plus every event without an eventID.
		s := newTestStore(t)
		if _, err := Ingest(context.Background(), Config{Store: s, Decode: Options{TimeField: "@timestamp"}, Now: datasetsNow}, inputs); err != nil {
			t.Fatal(err)
		}
		rejectedSet := map[string]int{}
		for _, r := range readRejects(t, s) {
			rejectedSet[canonicalJSON(t, []byte(r.Raw))]++
		}
		var expect []string
		seen := map[string]bool{}
		for _, c := range src {
			if rejectedSet[c] > 0 {
				rejectedSet[c]--
				continue
			}
			var ev map[string]any
			json.Unmarshal([]byte(c), &ev)
			if id, ok := ev["eventID"].(string); ok {
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			expect = append(expect, c)
		}
		_, stored := scanPairsAndJSON(t, s)
		sort.Strings(stored)
		sort.Strings(expect)
		if len(expect) == len(src) {
			t.Fatal("the data sets have no duplicate eventIDs any more; this subtest proves nothing")
		}
		if !reflect.DeepEqual(stored, expect) {
			t.Errorf("with dedup: %d stored, expected %d (first occurrence of each eventID)", len(stored), len(expect))
		}
	})
}

// datasetsNow is the clock retention is judged by. The data sets' oldest
// events (three Panther events of 2015-03-18) are older than the longest
// retention Lake allows (3,653 days) from late March 2025 on, so with the
// real clock ingest counts them as filtered; a fixed clock keeps the test
// about ingest rather than about today's date. TestDatasetsRetentionToday
// checks what today's clock does.
func datasetsNow() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }

// TestDatasetsRetentionToday: with the real clock, what ingest drops as
// past retention is exactly the events older than now − 3,653 days.
func TestDatasetsRetentionToday(t *testing.T) {
	if _, err := os.Stat(datasetsDir); err != nil {
		t.Skipf("data sets not available (%v): they live in ../shared/datasets next to the repository", err)
	}
	inputs, errs := Discover([]string{datasetsDir}, DiscoverOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	now := time.Now()
	cutoff := now.Add(-orcstore.MaxRetentionDays * 24 * time.Hour)
	var old int64
	for _, in := range inputs {
		data, err := os.ReadFile(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range splitIndependently(t, data) {
			var ev struct {
				EventTime string `json:"eventTime"`
			}
			json.Unmarshal(raw, &ev)
			if tm, err := time.Parse(time.RFC3339, ev.EventTime); err == nil && tm.Before(cutoff) {
				old++
			}
		}
	}
	s := newTestStore(t)
	sum, err := Ingest(context.Background(), Config{Store: s, NoDedup: true, Decode: Options{TimeField: "@timestamp"}, Now: func() time.Time { return now }}, inputs)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Filtered != old {
		t.Errorf("%d events filtered as past retention, %d are older than %s", sum.Filtered, old, cutoff.Format(time.DateOnly))
	}
	t.Logf("today %d events of the data sets are past the maximum retention", old)
}

// canonicalJSON re-encodes a JSON value with sorted keys and numbers as
// written, so that semantically equal events compare equal as strings.
func canonicalJSON(t *testing.T, b []byte) string {
	t.Helper()
	v := unmarshalNumber(t, b)
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// scanPairsAndJSON reads eventSource, eventName and eventJson of every
// stored event through the store's scanner.
func scanPairsAndJSON(t *testing.T, s *orcstore.Store) (map[[2]string]int, []string) {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	pairs := map[[2]string]int{}
	var js []string
	scanStore(t, s, m, []string{"eventSource", "eventName", "eventJson"}, func(vals []arrow.Array, i int) {
		pairs[[2]string{stringAt(vals[0], i), stringAt(vals[1], i)}]++
		js = append(js, canonicalJSON(t, []byte(stringAt(vals[2], i))))
	})
	return pairs, js
}

// stringAt reads a plain or dictionary-encoded string column ("" for NULL,
// as the TSVs print NULL).
func stringAt(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch c := a.(type) {
	case *array.String:
		return c.Value(i)
	case *array.Dictionary:
		return c.Dictionary().(*array.String).Value(c.GetValueIndex(i))
	}
	panic("unexpected column type " + a.DataType().String())
}
