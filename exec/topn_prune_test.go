package exec_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/querytest"
)

// Top-N pruning end to end over the querytest fixture (20 files of one
// day or less each): the scan under ORDER BY eventTime ... LIMIT must skip
// files, and the rows must be those of the same query without pushdown.

var topNFixture struct {
	dir string
	cat *orcstore.Catalog
	err error
}

// fixtureRunner builds the querytest fixture once per test binary.
func fixtureRunner(tb testing.TB) *querytest.Runner {
	tb.Helper()
	if topNFixture.cat == nil && topNFixture.err == nil {
		dir, err := os.MkdirTemp("", "exec-topn-")
		if err != nil {
			tb.Fatal(err)
		}
		topNFixture.dir = dir // removed by TestMain
		topNFixture.cat, topNFixture.err = querytest.BuildFixture(context.Background(), dir)
	}
	if topNFixture.err != nil {
		tb.Fatalf("fixture: %v", topNFixture.err)
	}
	return querytest.NewRunner(topNFixture.cat)
}

// scanStats runs query and returns its rows (rendered, in order) and the
// store scans' totals.
func scanStats(tb testing.TB, r *querytest.Runner, query string, noPushdown bool) ([]string, orcstore.ScanStats) {
	tb.Helper()
	ctx := context.Background()
	q, err := r.Engine.Prepare(ctx, query, engine.Options{Now: time.Unix(0, r.Now), NoPushdown: noPushdown, Workers: 2})
	if err != nil {
		tb.Fatal(err)
	}
	rs, err := q.Open(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer rs.Close()
	var rows []string
	types := q.Types()
	for {
		rec, err := rs.Next()
		if err != nil {
			tb.Fatal(err)
		}
		if rec == nil {
			break
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := ""
			for j := 0; j < int(rec.NumCols()); j++ {
				row += querytest.Render(querytest.FromArrow(rec.Column(j), i, types[j]), types[j]) + "|"
			}
			rows = append(rows, row)
		}
		rec.Release()
	}
	return rows, rs.Stats().Scan
}

func TestMain(m *testing.M) {
	code := m.Run()
	if topNFixture.dir != "" {
		os.RemoveAll(topNFixture.dir)
	}
	os.Exit(code)
}

// TestTopNPruningSkips checks, query by query, that the result equals the
// one without pushdown and that top-N pruning skipped what it must: with
// k small, every file but the one or two holding the newest (oldest)
// events, so far fewer bytes are read.
func TestTopNPruningSkips(t *testing.T) {
	r := fixtureRunner(t)
	cases := []struct {
		query     string
		minFiles  int // at least this many files skipped by top-N pruning
		lessBytes bool
	}{
		{"SELECT * FROM events ORDER BY eventTime DESC, eventID LIMIT 10", 15, true},
		{"SELECT eventID, eventTime FROM events ORDER BY eventTime, eventID LIMIT 3", 15, true},
		{"SELECT eventID FROM events WHERE eventName LIKE 'Get%' ORDER BY eventTime DESC, eventID LIMIT 5", 10, true},
		{"SELECT eventID, eventTime FROM events WHERE eventTime < TIMESTAMP '2024-05-04 00:00:00' ORDER BY eventTime DESC, eventID DESC LIMIT 7", 5, true},
		// k beyond the table: nothing can be skipped, everything is read.
		{"SELECT eventID FROM events ORDER BY eventTime DESC, eventID LIMIT 100000", 0, false},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			got, st := scanStats(t, r, c.query, false)
			want, full := scanStats(t, r, c.query, true)
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("row %d: %v, want %v", i, got[i], want[i])
				}
			}
			if st.TopNFilesSkipped < c.minFiles {
				t.Errorf("top-N pruning skipped %d files, want at least %d (%+v)", st.TopNFilesSkipped, c.minFiles, st)
			}
			if st.TopNFilesSkipped > st.FilesSkipped || st.TopNStripesSkipped > st.StripesSkipped || st.TopNRowGroupsSkipped > st.RowGroupsSkipped {
				t.Errorf("top-N skips exceed the totals: %+v", st)
			}
			if c.lessBytes && st.BytesRead*4 > full.BytesRead {
				t.Errorf("read %d bytes, want under a quarter of the %d read without pushdown", st.BytesRead, full.BytesRead)
			}
			if !c.lessBytes && st.TopNFilesSkipped+st.TopNStripesSkipped+st.TopNRowGroupsSkipped != 0 {
				t.Errorf("top-N pruning skipped data of a query that needs all of it: %+v", st)
			}
		})
	}
}

// BenchmarkTopNLatest is the benchmark suite's latest-10 query. By default
// it runs on the querytest fixture; CTLAKE_BENCH_DATA=<data dir> (and
// CTLAKE_BENCH_STORE=<name>, default the first store) runs it on a real
// store, e.g. the 1M-event benchmark store:
//
//	CTLAKE_BENCH_DATA=/tmp/bcache/seed-1-events-1000000/store go test ./exec -run '^$' -bench TopNLatest
func BenchmarkTopNLatest(b *testing.B) {
	r, table := benchRunner(b)
	q := "SELECT * FROM " + table + " ORDER BY eventTime DESC, eventID LIMIT 10"
	for _, mode := range []struct {
		name       string
		noPushdown bool
	}{{"pruned", false}, {"full", true}} {
		b.Run(mode.name, func(b *testing.B) {
			var st orcstore.ScanStats
			for i := 0; i < b.N; i++ {
				_, st = scanStats(b, r, q, mode.noPushdown)
			}
			b.ReportMetric(float64(st.BytesRead), "bytes-read/op")
			b.ReportMetric(float64(st.TopNFilesSkipped+st.TopNStripesSkipped+st.TopNRowGroupsSkipped), "topn-skips/op")
		})
	}
}

func benchRunner(b *testing.B) (*querytest.Runner, string) {
	dir := os.Getenv("CTLAKE_BENCH_DATA")
	if dir == "" {
		return fixtureRunner(b), querytest.FixtureStore
	}
	cat, err := orcstore.OpenCatalog(dir)
	if err != nil {
		b.Fatal(err)
	}
	name := os.Getenv("CTLAKE_BENCH_STORE")
	if name == "" {
		infos, err := cat.List()
		if err != nil || len(infos) == 0 {
			b.Fatalf("no store in %s: %v", dir, err)
		}
		name = infos[0].Name
	}
	return querytest.NewRunner(cat), name
}
