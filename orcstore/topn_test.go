package orcstore

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// nullableEvent is an event whose eventTime may be NULL.
type nullableEvent struct {
	ID   string
	Time int64
	Null bool
}

// writeNullable writes evs (already in file order) as one file of date;
// lo and hi are the manifest range of the non-NULL times.
func writeNullable(t *testing.T, tx *Tx, date string, evs []nullableEvent) {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, EventSchema)
	defer b.Release()
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for i, f := range EventSchema.Fields() {
		fb := b.Field(i)
		for _, ev := range evs {
			switch f.Name {
			case "eventTime":
				if ev.Null {
					fb.AppendNull()
					continue
				}
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(ev.Time))
				lo, hi = min(lo, ev.Time), max(hi, ev.Time)
			case "eventID":
				fb.(*array.StringBuilder).Append(ev.ID)
			default:
				fb.AppendNull()
			}
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	if _, err := tx.WriteEvents(date, rec, time.Unix(0, lo).UTC(), time.Unix(0, hi).UTC()); err != nil {
		t.Fatal(err)
	}
}

// topNStore writes a store of several files: three days of 25,000 events
// (three row groups each), the newest 40 events sharing one eventTime
// across two files, and a small file of day 2 with NULL eventTimes among
// values.
func topNStore(t *testing.T) (*Store, []nullableEvent) {
	t.Helper()
	c, err := OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Create("topn", CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	var all []nullableEvent
	seq := 0
	next := func() string { seq++; return fmt.Sprintf("id-%06d", seq) }
	day0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	tie := day0.Add(3*24*time.Hour - time.Second).UnixNano() // the newest time of all
	for d := 0; d < 3; d++ {
		start := day0.Add(time.Duration(d) * 24 * time.Hour).UnixNano()
		evs := make([]nullableEvent, 25_000)
		for i := range evs {
			// Times ascend through the file (ingest sorts files by
			// eventTime), 3 s apart, with a tie now and then.
			evs[i] = nullableEvent{ID: next(), Time: start + int64(i/2)*int64(6*time.Second)}
		}
		if d == 2 {
			for i := len(evs) - 20; i < len(evs); i++ {
				evs[i].Time = tie
			}
		}
		writeNullable(t, tx, day0.Add(time.Duration(d)*24*time.Hour).Format("2006-01-02"), evs)
		all = append(all, evs...)
	}
	// A second file of the last day: 20 more events at the tie time, and
	// one of day 2 with NULL eventTimes between ordinary values.
	extra := make([]nullableEvent, 20)
	for i := range extra {
		// IDs that sort before day 3's: the winners among the ties.
		extra[i] = nullableEvent{ID: "a" + next(), Time: tie}
	}
	writeNullable(t, tx, "2024-05-03", extra)
	mixed := []nullableEvent{{ID: next(), Null: true}, {ID: next(), Time: day0.Add(30 * time.Hour).UnixNano()}, {ID: next(), Null: true}, {ID: next(), Time: day0.Add(31 * time.Hour).UnixNano()}}
	writeNullable(t, tx, "2024-05-02", mixed)
	all = append(all, extra...)
	all = append(all, mixed...)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return s, all
}

// rankBefore is ORDER BY eventTime [DESC] [NULLS FIRST], eventID.
func rankBefore(o TopNOrder, a, b nullableEvent) bool {
	if a.Null != b.Null {
		return a.Null == o.NullsFirst
	}
	if !a.Null && a.Time != b.Time {
		return (a.Time > b.Time) == o.Desc
	}
	return a.ID < b.ID
}

func topK(o TopNOrder, evs []nullableEvent, k int) []nullableEvent {
	s := append([]nullableEvent(nil), evs...)
	sort.Slice(s, func(i, j int) bool { return rankBefore(o, s[i], s[j]) })
	return s[:min(k, len(s))]
}

// runTopN scans for the top k the way exec's TopN does: it keeps the k
// best rows seen and offers the k-th row's eventTime to the bound after
// every batch.
func runTopN(t *testing.T, s *Store, spec ScanSpec, k, workers int) ([]nullableEvent, ScanStats) {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	bound := NewTimeBound(*spec.TopN)
	sc, err := s.Scan(context.Background(), m, spec, ScanOptions{Workers: workers, Bound: bound})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var kept []nullableEvent
	for {
		b, err := sc.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rec := b.Rec
		ts := rec.Column(rec.Schema().FieldIndices("eventTime")[0]).(*array.Timestamp)
		idc := rec.Column(rec.Schema().FieldIndices("eventID")[0])
		rows := b.Sel
		if rows == nil {
			for i := 0; i < int(rec.NumRows()); i++ {
				rows = append(rows, int32(i))
			}
		}
		for _, r := range rows {
			kept = append(kept, nullableEvent{ID: stringAt(idc, int(r)), Time: int64(ts.Value(int(r))), Null: ts.IsNull(int(r))})
		}
		rec.Release()
		kept = topK(*spec.TopN, kept, k)
		if len(kept) == k && !kept[k-1].Null {
			bound.Offer(kept[k-1].Time)
		}
	}
	return kept, sc.Stats()
}

func stringAt(a arrow.Array, i int) string {
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(i))
	}
	panic(fmt.Sprintf("eventID column of type %s", a.DataType()))
}

// TestTopNScanMatchesFullSort checks the top k of a pruned scan against
// sorting every event, over both orders, NULL placements, ties on
// eventTime across files, a time range, k beyond the table, with and
// without the statistics seed, on one and two workers; and that small k
// really skips files and row groups.
func TestTopNScanMatchesFullSort(t *testing.T) {
	s, all := topNStore(t)
	day2 := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC).UnixNano()
	cases := []struct {
		name  string
		order TopNOrder
		time  TimeRange
		k     int
		skips bool // top-N pruning must skip something (or nothing)
		any   bool // whether it skips depends on timing: not checked
	}{
		{"desc k=10 ties", TopNOrder{Desc: true}, TimeRange{}, 10, true, false},
		{"desc k=40 all ties", TopNOrder{Desc: true}, TimeRange{}, 40, true, false},
		{"desc k=41 past the ties", TopNOrder{Desc: true}, TimeRange{}, 41, true, false},
		{"asc k=1", TopNOrder{}, TimeRange{}, 1, true, false},
		{"asc k=15000", TopNOrder{}, TimeRange{}, 15_000, true, false},
		{"desc nulls first in a range", TopNOrder{Desc: true, NullsFirst: true}, TimeRange{Max: day2 + int64(36*time.Hour), HasMax: true}, 3, false, true},
		// Most rows of a stripe chosen: pass 2 reads them all and selects.
		{"asc k=15000 from day 2 noon", TopNOrder{}, TimeRange{Min: day2 + int64(12*time.Hour), HasMin: true}, 15_000, false, true},
		{"desc before day 2", TopNOrder{Desc: true}, TimeRange{Max: day2 + int64(36*time.Hour), HasMax: true}, 5, true, false},
		{"asc nulls first", TopNOrder{NullsFirst: true}, TimeRange{}, 3, true, false},
		{"desc nulls first", TopNOrder{Desc: true, NullsFirst: true}, TimeRange{}, 1, true, false},
		{"desc k beyond the table", TopNOrder{Desc: true}, TimeRange{}, 80_000, false, false},
		{"asc nulls first k beyond", TopNOrder{NullsFirst: true}, TimeRange{}, 80_000, false, false},
	}
	for _, c := range cases {
		var in []nullableEvent
		for _, ev := range all {
			if c.time.All() || (!ev.Null && c.time.Contains(ev.Time)) {
				in = append(in, ev)
			}
		}
		want := topK(c.order, in, c.k)
		for _, seed := range []bool{false, true} {
			for _, workers := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/seed=%v/workers=%d", c.name, seed, workers), func(t *testing.T) {
					o := c.order
					if seed {
						o.Limit = int64(c.k)
					}
					spec := ScanSpec{Columns: []string{"eventTime", "eventID"}, Time: c.time, TopN: &o}
					got, st := runTopN(t, s, spec, c.k, workers)
					if len(got) != len(want) {
						t.Fatalf("%d rows, want %d", len(got), len(want))
					}
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("row %d: %+v, want %+v", i, got[i], want[i])
						}
					}
					skipped := st.TopNFilesSkipped + st.TopNStripesSkipped + st.TopNRowGroupsSkipped
					if c.skips && skipped == 0 && !c.any {
						t.Errorf("nothing skipped: %+v", st)
					}
					if !c.skips && skipped != 0 && !c.any {
						t.Errorf("skipped units of a scan that needs them all: %+v", st)
					}
					// With the promise of a top-N right above (seed), a
					// small k reads eventTime first and fetches the other
					// columns of few rows (scan_late.go).
					if seed && c.k <= 41 && (st.RowsLate == 0 || st.RowsLate*10 > st.RowsRead) {
						t.Errorf("late materialization fetched %d of %d rows read", st.RowsLate, st.RowsRead)
					}
					if !seed && st.RowsLate != 0 {
						t.Errorf("late materialization without the top-N's promise: %+v", st)
					}
				})
			}
		}
	}
}

// TestTopNSeedSkipsBeforeReading: with the statistics seed, DESC k=10 reads
// only the newest row groups that can hold the top 10 — the last one of
// day 3's big file and the tie file — and no byte of the other files.
func TestTopNSeedSkipsBeforeReading(t *testing.T) {
	s, _ := topNStore(t)
	o := TopNOrder{Desc: true, Limit: 10}
	_, full := runTopN(t, s, ScanSpec{Columns: []string{"eventTime", "eventID"}, TopN: &TopNOrder{Desc: true}, NoPruning: true}, 10, 1)
	_, st := runTopN(t, s, ScanSpec{Columns: []string{"eventTime", "eventID"}, TopN: &o}, 10, 2)
	if st.FilesRead != 2 || st.TopNFilesSkipped != 3 {
		t.Errorf("files: %d read, %d skipped by top-N; want 2 and 3 (%+v)", st.FilesRead, st.TopNFilesSkipped, st)
	}
	if st.RowGroupsRead != 2 || st.TopNRowGroupsSkipped != 2 {
		t.Errorf("row groups: %d read, %d skipped by top-N; want 2 and 2 (%+v)", st.RowGroupsRead, st.TopNRowGroupsSkipped, st)
	}
	if st.RowsRead > 10_000 {
		t.Errorf("decoded %d rows, want at most a row group's worth", st.RowsRead)
	}
	if st.BytesRead*2 > full.BytesRead {
		t.Errorf("read %d bytes of %d", st.BytesRead, full.BytesRead)
	}
}

func TestTimeBoundExcludes(t *testing.T) {
	ms := func(v int64) orcfile.Statistics {
		return orcfile.Statistics{Count: 5, HasNullKnown: true, Timestamp: &orcfile.TimestampStats{Min: v, Max: v + 10, UTC: true}}
	}
	withNull := ms(100)
	withNull.HasNull = true
	allNull := orcfile.Statistics{Count: 0, HasNullKnown: true, HasNull: true}
	noStats := orcfile.Statistics{Count: 5}
	const msNs = 1_000_000
	cases := []struct {
		name  string
		order TopNOrder
		bound int64 // ns; 0: none
		st    orcfile.Statistics
		want  bool
	}{
		{"desc no bound", TopNOrder{Desc: true}, 0, ms(100), false},
		{"desc max below", TopNOrder{Desc: true}, 111 * msNs, ms(100), true},
		{"desc max in last ms ties", TopNOrder{Desc: true}, 110*msNs + 999_999, ms(100), false},
		{"desc max above", TopNOrder{Desc: true}, 105 * msNs, ms(100), false},
		{"asc min above", TopNOrder{}, 99*msNs + 999_999, ms(100), true},
		{"asc min equal", TopNOrder{}, 100 * msNs, ms(100), false},
		{"nulls last all null", TopNOrder{Desc: true}, 1, allNull, true},
		{"nulls first all null", TopNOrder{Desc: true, NullsFirst: true}, 1, allNull, false},
		{"nulls first may hold null", TopNOrder{Desc: true, NullsFirst: true}, 111 * msNs, withNull, false},
		{"nulls first no null", TopNOrder{Desc: true, NullsFirst: true}, 111 * msNs, ms(100), true},
		{"nulls last with null", TopNOrder{Desc: true}, 111 * msNs, withNull, true},
		{"no timestamp stats", TopNOrder{Desc: true}, 111 * msNs, noStats, false},
	}
	for _, c := range cases {
		b := NewTimeBound(c.order)
		if c.bound != 0 {
			b.Offer(c.bound)
		}
		if got := b.Excludes(spanOf(c.st)); got != c.want {
			t.Errorf("%s: Excludes = %v, want %v", c.name, got, c.want)
		}
	}
	var nilBound *TimeBound
	if nilBound.Excludes(spanOf(allNull)) {
		t.Error("a nil bound excluded a unit")
	}
}

func TestTimeBoundOfferOnlyTightens(t *testing.T) {
	d := NewTimeBound(TopNOrder{Desc: true})
	for _, v := range []int64{5, 3, 9, 7} {
		d.Offer(v)
	}
	if v, ok := d.Get(); !ok || v != 9 {
		t.Errorf("DESC bound = %d, %v; want 9", v, ok)
	}
	a := NewTimeBound(TopNOrder{})
	if _, ok := a.Get(); ok {
		t.Error("a new bound is set")
	}
	for _, v := range []int64{5, 3, 9, 7} {
		a.Offer(v)
	}
	if v, ok := a.Get(); !ok || v != 3 {
		t.Errorf("ASC bound = %d, %v; want 3", v, ok)
	}
}

func TestSeedBound(t *testing.T) {
	sp := func(lo, hi int64, n uint64) timeSpan { return timeSpan{lo: lo, hi: hi, known: true, count: n} }
	spans := []timeSpan{sp(0, 9, 4), sp(10, 19, 4), sp(20, 29, 4), {count: 100}}
	cases := []struct {
		k      int64
		desc   bool
		r      TimeRange
		want   int64
		wantOK bool
	}{
		{4, true, TimeRange{}, 20, true},
		{5, true, TimeRange{}, 10, true},
		{12, true, TimeRange{}, 0, true},
		{13, true, TimeRange{}, 0, false}, // the span without statistics does not count
		{5, false, TimeRange{}, 19, true},
		{4, false, TimeRange{}, 9, true},
		// Spans reaching outside the range lose rows to it: not counted.
		{4, true, TimeRange{Max: 25, HasMax: true}, 10, true},
		{0, true, TimeRange{}, 0, false},
	}
	for _, c := range cases {
		got, ok := seedBound(spans, c.k, c.desc, c.r)
		if ok != c.wantOK || (ok && got != c.want) {
			t.Errorf("k=%d desc=%v %v: %d, %v; want %d, %v", c.k, c.desc, c.r, got, ok, c.want, c.wantOK)
		}
	}
}

// TestTopNScanNoLeaks reads a top-N scan (two-reader stripes included) with
// a checked allocator, to the end and closed after one batch: every buffer
// must be released once the batches are.
func TestTopNScanNoLeaks(t *testing.T) {
	s, _ := topNStore(t)
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, early := range []bool{false, true} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		spec := ScanSpec{Columns: []string{"eventTime", "eventID", "eventSource"}, TopN: &TopNOrder{Desc: true}, BatchSize: 1000}
		sc, err := s.Scan(context.Background(), m, spec, ScanOptions{Workers: 2, Allocator: mem})
		if err != nil {
			t.Fatal(err)
		}
		for {
			b, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b.Rec.Release()
			if early {
				break
			}
		}
		sc.Close()
		mem.AssertSize(t, 0)
	}
}

// TestTopNFirstStripeAlone: without the statistics seed (a filter above
// would forbid it), only the top-N's bound prunes. The first stripe is
// read alone and consumed before any other starts, so however the two
// workers are scheduled, the bound then rules out every stripe but the
// one tied with the newest rows.
func TestTopNFirstStripeAlone(t *testing.T) {
	s, _ := topNStore(t)
	for run := 0; run < 5; run++ {
		_, st := runTopN(t, s, ScanSpec{Columns: []string{"eventTime", "eventID"}, TopN: &TopNOrder{Desc: true}}, 10, 2)
		// The planner may open a third file's footer while the first
		// stripe is read, but must not read its data.
		if st.StripesRead != 2 || st.RowsRead > 25_020 || st.TopNFilesSkipped+st.TopNStripesSkipped != 3 {
			t.Fatalf("run %d: %d stripes and %d rows read, %d files and %d stripes skipped by top-N; want 2, at most 25020 and 3 units (%+v)",
				run, st.StripesRead, st.RowsRead, st.TopNFilesSkipped, st.TopNStripesSkipped, st)
		}
	}
}

// TestTopNLateFilter: with an exact filter in the scan (ScanSpec.Filter)
// and TopNOrder.Rows, the scan chooses rows among those that pass it and
// fetches few; the top k equals sorting the matching events, for prefix,
// equality and IN tests, both orders and a time range.
func TestTopNLateFilter(t *testing.T) {
	s, all := topNStore(t)
	day2 := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC).UnixNano()
	str := func(v string) Scalar { return Scalar{Kind: ScalarString, Str: v} }
	cases := []struct {
		name  string
		order TopNOrder
		time  TimeRange
		pred  Predicate
		match func(string) bool
		k     int
	}{
		{"desc prefix", TopNOrder{Desc: true}, TimeRange{}, Predicate{Column: "eventID", Op: PredPrefix, Values: []Scalar{str("id-0499")}},
			func(id string) bool { return strings.HasPrefix(id, "id-0499") }, 7},
		{"asc in", TopNOrder{}, TimeRange{}, Predicate{Column: "eventID", Op: PredIn, Values: []Scalar{str("id-030000"), str("id-000017"), str("aid-075010")}},
			func(id string) bool { return id == "id-030000" || id == "id-000017" || id == "aid-075010" }, 2},
		{"desc eq in a range", TopNOrder{Desc: true}, TimeRange{Max: day2 + int64(36*time.Hour), HasMax: true}, Predicate{Column: "eventID", Op: PredEq, Values: []Scalar{str("id-040001")}},
			func(id string) bool { return id == "id-040001" }, 3},
		// One match in each of four files, k=3: no stripe alone has k
		// matches, but the first passes together bound the top 3, so
		// the oldest files are skipped.
		{"desc in, one match per file", TopNOrder{Desc: true}, TimeRange{}, Predicate{Column: "eventID", Op: PredIn, Values: []Scalar{str("id-074000"), str("aid-075005"), str("id-049000"), str("id-010000")}},
			func(id string) bool {
				return id == "id-074000" || id == "aid-075005" || id == "id-049000" || id == "id-010000"
			}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var in []nullableEvent
			for _, ev := range all {
				if c.match(ev.ID) && (c.time.All() || (!ev.Null && c.time.Contains(ev.Time))) {
					in = append(in, ev)
				}
			}
			want := topK(c.order, in, c.k)
			o := c.order
			o.Rows = int64(c.k)
			spec := ScanSpec{Columns: []string{"eventTime", "eventID"}, Time: c.time, TopN: &o, Filter: []Predicate{c.pred}, Prune: []Predicate{c.pred}}
			workers := 2
			if strings.HasPrefix(c.name, "desc in, one match") {
				workers = 1 // stripes in order: the skip does not depend on timing
			}
			got, st := runTopN(t, s, spec, c.k, workers)
			// The scan may return rows that fail the filter (paths that do
			// not read late); the filter above it drops them.
			var kept []nullableEvent
			for _, ev := range got {
				if c.match(ev.ID) {
					kept = append(kept, ev)
				}
			}
			if len(kept) != len(want) {
				t.Fatalf("%d rows, want %d (%+v)", len(kept), len(want), kept)
			}
			if len(kept) != len(got) {
				t.Errorf("the late scan returned %d rows that fail its filter", len(got)-len(kept))
			}
			for i := range kept {
				if kept[i] != want[i] {
					t.Fatalf("row %d: %+v, want %+v", i, kept[i], want[i])
				}
			}
			if st.RowsLate == 0 || st.RowsLate > int64(len(in)) {
				t.Errorf("fetched %d rows late for %d matching", st.RowsLate, len(in))
			}
			if strings.HasPrefix(c.name, "desc in, one match") && st.TopNFilesSkipped+st.TopNStripesSkipped == 0 {
				t.Errorf("no file skipped by the first passes' bound: %+v", st)
			}
		})
	}
}
