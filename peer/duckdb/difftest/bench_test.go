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
	dir := os.Getenv("DUCKPEER_BENCH_DATA")
	if dir == "" {
		b.Skip("set DUCKPEER_BENCH_DATA to events made by ctlake gen (see bench_test.go)")
	}
	runs := 7
	if s := os.Getenv("DUCKPEER_BENCH_RUNS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			runs = n
		}
	}
	table := querytest.FixtureStore
	if s := os.Getenv("DUCKPEER_BENCH_TABLE"); s != "" {
		table = s
	}
	ctx := context.Background()
	var cat *orcstore.Catalog
	var err error
	start := time.Now()
	if s := os.Getenv("DUCKPEER_BENCH_STORE"); s != "" {
		cat, err = orcstore.OpenCatalog(s)
	} else {
		cat, err = querytest.IngestDirs(ctx, b.TempDir(), table, ingest.Config{}, dir)
	}
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cat.Open(table); err != nil {
		b.Fatalf("store %q: %v (DUCKPEER_BENCH_TABLE names it)", table, err)
	}
	peer, err := duckpeer.Open()
	if err != nil {
		b.Fatal(err)
	}
	defer peer.Close()
	files, err := duckpeer.ExpandPaths([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	n, err := peer.LoadJSON(ctx, "events", files)
	if err != nil {
		b.Fatal(err)
	}
	if err := peer.Exec(ctx, `CREATE TABLE typed AS SELECT from_json(resources, '[{"ARN":"VARCHAR","type":"VARCHAR","accountId":"VARCHAR"}]') AS resources FROM events`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d events from %d files loaded into DuckDB in %v", n, len(files), time.Since(start).Round(time.Millisecond))
	runner := querytest.NewRunner(cat)
	ident := `"` + strings.ReplaceAll(table, `"`, `""`) + `"`
	for _, q := range lambdaQueries {
		b.Run(q.name, func(b *testing.B) {
			engines := []engineRun{
				{"ctlake", func() (string, error) {
					r, err := runner.Query(ctx, strings.ReplaceAll(q.lake, "{T}", ident), false)
					if err != nil {
						return "", err
					}
					return fmt.Sprint(r.Rows[0][0]), nil
				}},
				{"duckdb-json", duckOne(ctx, peer, q.duckJSON)},
				{"duckdb-typed", duckOne(ctx, peer, q.duckTyped)},
			}
			for i := 0; i < b.N; i++ {
				interleave(b, engines, runs)
			}
		})
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
		return fmt.Sprint(rows[0][0]), nil
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
			cpu0 := cpuTime()
			start := time.Now()
			got, err := eng.run()
			d := time.Since(start)
			cpu := cpuTime() - cpu0
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
