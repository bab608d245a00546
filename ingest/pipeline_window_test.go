package ingest

import (
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/testenv"
)

// TestEventsWindow: Config.EventsFrom/EventsUntil keep exactly the events
// whose eventTime is in the window (bounds included), counted by reading
// the generated logs with encoding/json; the rest count as Filtered.
func TestEventsWindow(t *testing.T) {
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	dir, _ := genTrail(t, gen.Config{Events: 600, Seed: 21, Start: start, Days: 3, Accounts: 1})
	from, until := start.Add(30*time.Hour), start.Add(50*time.Hour)
	var times []time.Time
	for _, p := range testenv.LogFiles(t, dir) {
		var doc struct {
			Records []struct{ EventTime time.Time }
		}
		testenv.DecodeGzJSON(t, p, &doc)
		for _, r := range doc.Records {
			times = append(times, r.EventTime)
		}
	}
	// The window's bounds are events' own times, so both ends are tested.
	var in []time.Time
	for _, tm := range times {
		if !tm.Before(from) && !tm.After(until) {
			in = append(in, tm)
		}
	}
	if len(in) < 2 || len(in) == len(times) {
		t.Fatalf("%d of %d events in the window: a poor test", len(in), len(times))
	}
	lo, hi := in[0], in[0]
	for _, tm := range in {
		lo, hi = minTime(lo, tm), maxTime(hi, tm)
	}
	s := newTestStore(t)
	sum := ingestLocal(t, []string{dir}, DiscoverOptions{}, Config{Store: s, EventsFrom: lo, EventsUntil: hi, Now: func() time.Time { return start.Add(72 * time.Hour) }})
	if sum.Ingested != int64(len(in)) || sum.Filtered != int64(len(times)-len(in)) {
		t.Fatalf("ingested %d, filtered %d; the logs hold %d events, %d in [%s, %s]", sum.Ingested, sum.Filtered, len(times), len(in), lo, hi)
	}
	if ids := storeIDs(t, s); len(ids) != len(in) {
		t.Fatalf("store holds %d events, want %d", len(ids), len(in))
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
