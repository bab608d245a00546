package difftest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/internal/proccpu"
	"github.com/ctlake/ctlake/orcstore"
	duckpeer "github.com/ctlake/ctlake/peer/duckdb"
	"github.com/ctlake/ctlake/querytest"
)

// lambdaQuery is one higher-order-function question: ctlake's Lake SQL,
// DuckDB's spelling over its table as duckpeer loads it (resources as
// JSON) and over a copy with resources as a typed list of structs.
type lambdaQuery struct {
	name, lake, duckJSON, duckTyped string
}

// lambdaQueries are the lambdas of issue 14 over CloudTrail's resources
// array, each folded to one number so that the engines' answers compare
// exactly. {T} is ctlake's store.
var lambdaQueries = []lambdaQuery{
	{"any-match", // AWS's sample "S3 objects touched"
		`SELECT count_if(any_match(resources, r -> r.type = 'AWS::S3::Object')) AS n FROM {T}`,
		`SELECT count_if(len(list_filter(CAST(resources AS JSON[]), r -> (r->>'type') = 'AWS::S3::Object')) > 0) AS n FROM events`,
		`SELECT count_if(len(list_filter(resources, r -> r."type" = 'AWS::S3::Object')) > 0) AS n FROM typed`},
	{"filter",
		`SELECT sum(cardinality(filter(resources, r -> r.type = 'AWS::S3::Object'))) AS n FROM {T}`,
		`SELECT sum(len(list_filter(CAST(resources AS JSON[]), r -> (r->>'type') = 'AWS::S3::Object'))) AS n FROM events`,
		`SELECT sum(len(list_filter(resources, r -> r."type" = 'AWS::S3::Object'))) AS n FROM typed`},
	{"transform",
		`SELECT count_if(contains(transform(resources, r -> lower(r.type)), 'aws::s3::object')) AS n FROM {T}`,
		`SELECT count_if(list_contains(list_transform(CAST(resources AS JSON[]), r -> lower(r->>'type')), 'aws::s3::object')) AS n FROM events`,
		`SELECT count_if(list_contains(list_transform(resources, r -> lower(r."type")), 'aws::s3::object')) AS n FROM typed`},
	{"reduce",
		`SELECT sum(reduce(resources, BIGINT '0', (s, r) -> s + length(r.ARN), s -> s)) AS n FROM {T}`,
		`SELECT sum(list_sum(list_transform(CAST(resources AS JSON[]), r -> length(r->>'ARN')))) AS n FROM events`,
		`SELECT sum(list_sum(list_transform(resources, r -> length(r."ARN")))) AS n FROM typed`},
}

// BenchmarkLambdas times higher-order functions over the resources array
// (lambdaQueries: any_match, filter, transform, reduce) on ctlake's store
// and on DuckDB's own table in one process, runs interleaved, and reports
// medians of wall and CPU time and the resident memory each engine adds
// while it runs (RSS
// sampled every millisecond above the level just before the run, after
// returning freed memory to the OS). DuckDB runs each query twice: on the
// table duckpeer loads (resources as JSON, what the differential tests
// compare against) and on a copy with resources cast to a typed list of
// structs, DuckDB's best case. The answers must be equal.
//
// It needs generated events, which are not kept in the repository:
//
//	cd ../.. && go run ./cmd/ctlake gen --events 1000000 --seed 1 --layout s3 --out /tmp/b1m/s3
//	go run ./cmd/ctlake ingest --data /tmp/b1m/data --create --store events /tmp/b1m/s3  # optional, else ingested here
//	cd peer/duckdb && DUCKPEER_BENCH_DATA=/tmp/b1m/s3 DUCKPEER_BENCH_STORE=/tmp/b1m/data \
//	    nice go test ./difftest -run '^$' -bench Lambdas -benchtime 1x -timeout 60m
//
// DUCKPEER_BENCH_STORE is a data directory (as ctlake's --data) holding the
// store DUCKPEER_BENCH_TABLE (default "events"); DUCKPEER_BENCH_RUNS sets
// the interleaved runs per engine (default 7).
func BenchmarkLambdas(b *testing.B) {
	bs := openBench(b)
	for _, q := range lambdaQueries {
		b.Run(q.name, func(b *testing.B) {
			bs.run(b, q.lake, q.duckJSON, q.duckTyped)
		})
	}
}

// issue14Queries are issue 14's benchmark questions: the first event of
// each principal (row_number … WHERE rn = 1), the time between
// consecutive calls of each principal (lag), the S3 objects touched by
// UNNEST of resources with a filter, and any_match over resources (the
// last as in lambdaQueries). Windows fold to two numbers, compared as
// text.
var issue14Queries = []lambdaQuery{
	{"first-per-principal",
		`SELECT count(*) AS n, count(DISTINCT eventName) AS apis FROM (SELECT eventName, row_number() OVER (PARTITION BY userIdentity.arn ORDER BY eventTime, eventID) AS rn FROM {T}) WHERE rn = 1`,
		`SELECT count(*) AS n, count(DISTINCT eventName) AS apis FROM (SELECT eventName, row_number() OVER (PARTITION BY userIdentity->>'arn' ORDER BY eventTime, eventID) AS rn FROM events) WHERE rn = 1`,
		`SELECT count(*) AS n, count(DISTINCT eventName) AS apis FROM (SELECT eventName, row_number() OVER (PARTITION BY arn ORDER BY eventTime, eventID) AS rn FROM typed) WHERE rn = 1`},
	{"lag-gaps",
		`SELECT sum(gap) AS total, max(gap) AS longest FROM (SELECT date_diff('second', lag(eventTime) OVER (PARTITION BY userIdentity.arn ORDER BY eventTime, eventID), eventTime) AS gap FROM {T})`,
		`SELECT sum(gap) AS total, max(gap) AS longest FROM (SELECT date_sub('second', lag(eventTime) OVER (PARTITION BY userIdentity->>'arn' ORDER BY eventTime, eventID), eventTime) AS gap FROM events)`,
		`SELECT sum(gap) AS total, max(gap) AS longest FROM (SELECT date_sub('second', lag(eventTime) OVER (PARTITION BY arn ORDER BY eventTime, eventID), eventTime) AS gap FROM typed)`},
	{"unnest-s3-objects",
		`SELECT count(DISTINCT r.ARN) AS objects FROM {T} CROSS JOIN UNNEST(resources) AS t(r) WHERE r.type = 'AWS::S3::Object'`,
		`SELECT count(DISTINCT r->>'ARN') AS objects FROM events CROSS JOIN UNNEST(CAST(resources AS JSON[])) AS t(r) WHERE (r->>'type') = 'AWS::S3::Object'`,
		`SELECT count(DISTINCT r."ARN") AS objects FROM typed CROSS JOIN UNNEST(resources) AS t(r) WHERE r."type" = 'AWS::S3::Object'`},
	lambdaQueries[0],
}

// BenchmarkIssue14 times issue14Queries as BenchmarkLambdas times the
// lambdas: ctlake's store, DuckDB's table as duckpeer loads it and its
// typed copy, interleaved in one process, medians of wall and CPU time,
// peak added RSS, answers compared. Same data and variables:
//
//	cd peer/duckdb && DUCKPEER_BENCH_DATA=/tmp/b1m/s3 DUCKPEER_BENCH_STORE=/tmp/b1m/data \
//	    nice go test ./difftest -run '^$' -bench Issue14 -benchtime 1x -timeout 60m
//
// One question: -bench 'Issue14/lag-gaps'. (`ctlake bench --suite
// issue14 --peer duckdb` times the same questions from the command line.)
func BenchmarkIssue14(b *testing.B) {
	bs := openBench(b)
	for _, q := range issue14Queries {
		b.Run(q.name, func(b *testing.B) {
			bs.run(b, q.lake, q.duckJSON, q.duckTyped)
		})
	}
}

// benchSetup is what the DuckDB benchmarks share: ctlake's store and a
// DuckDB holding the same events as "events" (duckpeer's load) and
// "typed" (the columns the questions read, in native types).
type benchSetup struct {
	ctx    context.Context
	runner *querytest.Runner
	peer   *duckpeer.Peer
	ident  string // the store's name, quoted
	runs   int
}

// openBench opens (or ingests) the store and loads DuckDB, from the
// environment variables BenchmarkLambdas describes; the peer closes with
// the benchmark.
func openBench(b *testing.B) *benchSetup {
	dir := os.Getenv("DUCKPEER_BENCH_DATA")
	if dir == "" {
		b.Skip("set DUCKPEER_BENCH_DATA to events made by ctlake gen (see bench_test.go)")
	}
	bs := &benchSetup{ctx: context.Background(), runs: 7}
	if s := os.Getenv("DUCKPEER_BENCH_RUNS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			bs.runs = n
		}
	}
	table := querytest.FixtureStore
	if s := os.Getenv("DUCKPEER_BENCH_TABLE"); s != "" {
		table = s
	}
	var cat *orcstore.Catalog
	var err error
	start := time.Now()
	if s := os.Getenv("DUCKPEER_BENCH_STORE"); s != "" {
		cat, err = orcstore.OpenCatalog(s)
	} else {
		cat, err = querytest.IngestDirs(bs.ctx, b.TempDir(), table, ingest.Config{}, dir)
	}
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cat.Open(table); err != nil {
		b.Fatalf("store %q: %v (DUCKPEER_BENCH_TABLE names it)", table, err)
	}
	if bs.peer, err = duckpeer.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bs.peer.Close() })
	files, err := duckpeer.ExpandPaths([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	n, err := bs.peer.LoadJSON(bs.ctx, "events", files)
	if err != nil {
		b.Fatal(err)
	}
	if err := bs.peer.Exec(bs.ctx, `CREATE TABLE typed AS SELECT userIdentity->>'arn' AS arn, eventTime, eventID, eventName, `+
		`from_json(resources, '[{"ARN":"VARCHAR","type":"VARCHAR","accountId":"VARCHAR"}]') AS resources FROM events`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d events from %d files loaded into DuckDB in %v", n, len(files), time.Since(start).Round(time.Millisecond))
	bs.runner = querytest.NewRunner(cat)
	bs.ident = `"` + strings.ReplaceAll(table, `"`, `""`) + `"`
	return bs
}

// run times one question on the three engines, interleaved.
func (bs *benchSetup) run(b *testing.B, lake, duckJSON, duckTyped string) {
	ctx := bs.ctx
	engines := []engineRun{
		{"ctlake", func() (string, error) {
			r, err := bs.runner.Query(ctx, strings.ReplaceAll(lake, "{T}", bs.ident), false)
			if err != nil {
				return "", err
			}
			return fmt.Sprint(r.Rows[0]...), nil
		}},
		{"duckdb-json", duckOne(ctx, bs.peer, duckJSON)},
		{"duckdb-typed", duckOne(ctx, bs.peer, duckTyped)},
	}
	for i := 0; i < b.N; i++ {
		interleave(b, engines, bs.runs)
	}
}

// engineRun is one engine's way to answer a query as text.
type engineRun struct {
	name string
	run  func() (string, error)
}

// duckOne answers a one-value query on DuckDB.
func duckOne(ctx context.Context, peer *duckpeer.Peer, q string) func() (string, error) {
	return func() (string, error) {
		_, rows, err := peer.Query(ctx, q)
		if err != nil {
			return "", err
		}
		return fmt.Sprint(rows[0]...), nil
	}
}

// interleave runs each engine in turn, runs times, checks their answers
// agree and reports each one's median time, peak added RSS and its median
// against the first engine's.
func interleave(b *testing.B, engines []engineRun, runs int) {
	times := make([][]time.Duration, len(engines))
	cpus := make([][]time.Duration, len(engines))
	peaks := make([]int64, len(engines))
	answers := make([]string, len(engines))
	for r := 0; r < runs; r++ {
		for e, eng := range engines {
			debug.FreeOSMemory()
			base := rssBytes()
			stop := sampleRSS()
			cpu0 := proccpu.Used()
			start := time.Now()
			got, err := eng.run()
			d := time.Since(start)
			cpu := proccpu.Used() - cpu0
			peak := stop()
			if err != nil {
				b.Fatalf("%s: %v", eng.name, err)
			}
			if answers[e] == "" {
				answers[e] = got
			}
			times[e] = append(times[e], d)
			cpus[e] = append(cpus[e], cpu)
			peaks[e] = max(peaks[e], peak-base)
		}
	}
	for e := range engines {
		if answers[e] != answers[0] {
			b.Fatalf("%s answered %s, %s %s", engines[e].name, answers[e], engines[0].name, answers[0])
		}
	}
	med := func(ds []time.Duration) time.Duration {
		s := append([]time.Duration(nil), ds...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[len(s)/2]
	}
	for e, eng := range engines {
		b.ReportMetric(float64(med(times[e]).Microseconds())/1e3, eng.name+"-ms")
		b.ReportMetric(float64(med(cpus[e]).Microseconds())/1e3, eng.name+"-cpu-ms")
		b.ReportMetric(float64(peaks[e])/(1<<20), eng.name+"-MB")
		b.Logf("%-12s median %v (CPU %v) of %d runs %v; peak RSS added %.0f MB; answer %s", eng.name, med(times[e]), med(cpus[e]), len(times[e]), times[e], float64(peaks[e])/(1<<20), answers[e])
		if e > 0 {
			b.ReportMetric(float64(med(times[0]))/float64(med(times[e])), engines[0].name+"/"+eng.name)
			b.ReportMetric(float64(med(cpus[0]))/float64(med(cpus[e])), engines[0].name+"/"+eng.name+"-cpu")
		}
	}
}

// rssBytes reads the process's resident set size (Linux; 0 elsewhere).
func rssBytes() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// sampleRSS samples RSS every millisecond until the returned function is
// called, which returns the highest sample.
func sampleRSS() func() int64 {
	var mu sync.Mutex
	peak := rssBytes()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				r := rssBytes()
				mu.Lock()
				peak = max(peak, r)
				mu.Unlock()
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return max(peak, rssBytes())
	}
}
