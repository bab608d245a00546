package engine_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ctlake/ctlake/bench"
	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/internal/testenv"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/querytest"
	"github.com/ctlake/ctlake/sql"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { fixture.Remove() }))
}

const fixtureEvents = 20000

// fixture holds nd/, fixtureEvents generated events as one NDJSON folder,
// and data/, their store "trail" (small files, so scans have several to
// read), opened as fixtureCat.
var (
	fixtureCat *orcstore.Catalog
	fixture    = testenv.Fixture{Pattern: "engine-test", Build: func(dir string) error {
		ctx := context.Background()
		nd := filepath.Join(dir, "nd")
		if _, err := gen.Write(ctx, gen.Config{Events: fixtureEvents, Seed: 11}, gen.LayoutNDJSON, nd); err != nil {
			return err
		}
		var err error
		fixtureCat, err = querytest.IngestDirs(ctx, filepath.Join(dir, "data"), "trail", ingest.Config{MaxFileRows: 3000}, nd)
		return err
	}}
)

// store returns the fixture's catalog, which tests must not change, and
// its NDJSON folder.
func store(t testing.TB) (*orcstore.Catalog, string) {
	t.Helper()
	dir := fixture.Dir(t)
	return fixtureCat, filepath.Join(dir, "nd")
}

// drain reads a stream to the end, returning rows and records seen.
func drain(t testing.TB, rows *engine.Rows) (n int64, recs int) {
	t.Helper()
	for {
		rec, err := rows.Next()
		if err != nil {
			t.Fatal(err)
		}
		if rec == nil {
			return n, recs
		}
		n += rec.NumRows()
		recs++
		rec.Release()
	}
}

// A large result arrives as many records, never all at once, and the final
// figures count every row.
func TestRowsStream(t *testing.T) {
	c, _ := store(t)
	e := engine.New(c)
	ctx := context.Background()
	q, err := e.Prepare(ctx, "SELECT eventID, eventJson FROM trail", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := q.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := rows.Names(); len(got) != 2 || got[0] != "eventID" || got[1] != "eventJson" {
		t.Errorf("names %v", got)
	}
	n, recs := drain(t, rows)
	if n != fixtureEvents || recs < 2 {
		t.Errorf("%d rows in %d records; want %d rows in several records", n, recs, fixtureEvents)
	}
	st := rows.Stats()
	if st.RowsOut != fixtureEvents || st.EventsScanned != fixtureEvents || st.BytesScanned == 0 {
		t.Errorf("stats %+v", st)
	}
	if err := rows.Close(); err != nil {
		t.Errorf("close after the end: %v", err)
	}
}

// Closing a stream early stops the scans (goleak in TestMain checks that no
// goroutine is left) and freezes the figures at what was returned.
func TestRowsCloseEarly(t *testing.T) {
	c, nd := store(t)
	e := engine.New(c)
	ctx := context.Background()
	for _, table := range []string{"trail", "raw"} {
		q, err := e.Prepare(ctx, "SELECT eventID FROM "+table, engine.Options{JSONTables: map[string][]string{"raw": {nd}}})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := q.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := rows.Next()
		if err != nil || rec == nil {
			t.Fatalf("%s: first record: %v %v", table, rec, err)
		}
		got := rec.NumRows()
		rec.Release()
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if st := rows.Stats(); st.RowsOut != got {
			t.Errorf("%s: stats say %d rows out, %d were returned", table, st.RowsOut, got)
		}
		if rec, err := rows.Next(); rec != nil || err != nil {
			t.Errorf("%s: Next after Close: %v %v", table, rec, err)
		}
	}
}

// Cancelling the context stops a running query with the context's error.
func TestRowsCancel(t *testing.T) {
	c, _ := store(t)
	e := engine.New(c)
	ctx, cancel := context.WithCancel(context.Background())
	q, err := e.Prepare(ctx, "SELECT eventJson FROM trail", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := q.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	rec, err := rows.Next()
	if err != nil || rec == nil {
		t.Fatalf("first record: %v", err)
	}
	rec.Release()
	cancel()
	for {
		rec, err := rows.Next()
		if rec != nil {
			rec.Release()
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("after cancel: %v, want context.Canceled", err)
		}
		break
	}
	if !errors.Is(rows.Err(), context.Canceled) {
		t.Errorf("Err() = %v", rows.Err())
	}
}

// Many queries on one engine at once give the answers they give alone.
func TestConcurrentQueries(t *testing.T) {
	c, nd := store(t)
	e := engine.New(c)
	ctx := context.Background()
	opts := engine.Options{JSONTables: map[string][]string{"raw": {nd}}}
	queries := []string{
		"SELECT eventName, count(*)FROM trail GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5",
		"SELECT count(*), count(DISTINCT eventID) FROM trail",
		"SELECT eventSource, count(*) FROM raw GROUP BY 1 ORDER BY 1",
		"SELECT max(eventTime), min(eventTime)FROM trail WHERE errorCode IS NOT NULL",
		"SELECT eventID FROM trail ORDER BY eventTime DESC, eventID LIMIT 3",
	}
	want := make([]string, len(queries))
	for i, q := range queries {
		want[i] = canonical(t, e, q, opts)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(queries))
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := range queries {
				i := (g + k) % len(queries)
				out, err := e.Run(ctx, queries[i], opts)
				if err != nil {
					errs <- err
					return
				}
				got := strings.Join(bench.Canonical(out.Records), "\n")
				out.Release()
				if got != want[i] {
					errs <- fmt.Errorf("goroutine %d, %s: %q, alone %q", g, queries[i], got, want[i])
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func canonical(t *testing.T, e *engine.Engine, q string, o engine.Options) string {
	t.Helper()
	out, err := e.Run(context.Background(), q, o)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer out.Release()
	return strings.Join(bench.Canonical(out.Records), "\n")
}

// Parse, binding and execution errors all come back positioned in the
// user's text.
func TestPositionedErrors(t *testing.T) {
	c, _ := store(t)
	e := engine.New(c)
	ctx := context.Background()
	cases := []struct{ q, at string }{
		{"SELECT eventNme FROM trail", "1:8"},
		{"SELECT 1 FROM trail WHERE", "1:26"},
		{"SELECT eventName FROM trail\nWHERE CAST(eventName AS bigint) > 0", "2:7"},
	}
	for _, tc := range cases {
		_, err := e.Run(ctx, tc.q, engine.Options{})
		var se *sql.Error
		if !errors.As(err, &se) {
			t.Errorf("%q: %v, want a positioned error", tc.q, err)
			continue
		}
		if got := fmt.Sprintf("%d:%d", se.Line, se.Col); got != tc.at {
			t.Errorf("%q: error at %s, want %s (%v)", tc.q, got, tc.at, err)
		}
	}
}

// EXPLAIN answers without running; EXPLAIN ANALYZE runs and reports figures.
func TestExplain(t *testing.T) {
	c, _ := store(t)
	e := engine.New(c)
	ctx := context.Background()
	out, err := e.Run(ctx, "EXPLAIN SELECT count(*) FROM trail", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Records != nil || !strings.Contains(out.Explain, "scan trail") || out.Stats.EventsScanned != 0 {
		t.Errorf("EXPLAIN: %q, stats %+v", out.Explain, out.Stats)
	}
	q, err := e.Prepare(ctx, "EXPLAIN ANALYZE SELECT count(*) FROM trail", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text, st, err := q.Analyze(ctx, engine.HiddenTimes)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "time: <hidden>") || st.EventsScanned != fixtureEvents || st.RowsOut != 1 {
		t.Errorf("EXPLAIN ANALYZE: %q, stats %+v", text, st)
	}
}

// now() is the query's pinned instant when Options.Now is set.
func TestPinnedNow(t *testing.T) {
	e := engine.New(nil)
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	got := canonical(t, e, "SELECT now()", engine.Options{Now: at})
	if !strings.HasPrefix(got, "2024-05-01 12:00:00") {
		t.Errorf("now() = %q", got)
	}
}
