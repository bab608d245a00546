package lakeapi

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/internal/proccpu"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/querytest"
)

// BenchmarkAPILatency measures StartQuery → FINISHED → every row through
// the API (the Go SDK polling DescribeQuery, every 1 to 10 ms, then paging
// GetQueryResults) against the same query through the engine path of
// `ctlake query` (Prepare, Open, read every record), alternating the two in
// each iteration so both see the same machine. It reports the median of
// each and the median of the per-iteration difference: the API's overhead,
// in wall time and in the process's CPU time (which a loaded, shared
// machine disturbs far less). A third run per iteration waits for the query
// inside the process instead of polling (overhead-nopoll): what the API
// adds besides answering DescribeQuery calls. polls is the median number of
// DescribeQuery calls a query needed: 1 when StartQuery's wait
// (Config.StartWait) saw the query end, so the first poll read FINISHED.
// CTLAKE_BENCH_START_WAIT=0 measures the server without that wait.
//
// The store has CTLAKE_BENCH_EVENTS events (default 1,000,000), generated
// and ingested once; set CTLAKE_BENCH_API_DATA=DIR to keep the data
// directory (store "big") between runs.
//
//	go test ./lakeapi -run '^$' -bench APILatency -benchtime 40x
func BenchmarkAPILatency(b *testing.B) {
	cat := benchStore(b)
	cfg := Config{}
	if v := os.Getenv("CTLAKE_BENCH_START_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("CTLAKE_BENCH_START_WAIT: %v", err)
		}
		cfg.StartWait = d
		if d == 0 {
			cfg.StartWait = -1
		}
	}
	h := startServer(b, cat.Dir, cfg)
	ct := sdkClient(b, h.url, staticCreds{testAKID, testSecret})
	probe, _ := probeEvent(b, h)
	eng := engine.New(cat)
	ctx := context.Background()
	for _, bc := range []struct{ name, sql string }{
		{"point-lookup", "SELECT * FROM big WHERE eventID = '" + probe + "'"},
		{"group-by", "SELECT eventName, count(*) AS n FROM big GROUP BY eventName ORDER BY n DESC, eventName"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var api, direct, diff, apiCPU, engCPU, diffCPU, quiet, quietDiff, quietCPU []float64
			var apiRows, engRows int
			var polls []float64
			for i := 0; i < b.N; i++ {
				// The API without polling: StartQuery, then wait for the
				// end inside the process, then the pages. What remains is
				// what the server adds besides answering polls.
				t0, c0 := time.Now(), proccpu.Used()
				sq, err := ct.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String(bc.sql)})
				if err != nil {
					b.Fatal(err)
				}
				<-h.srv.queries.ended(*sq.QueryId)
				pages := cloudtrail.NewGetQueryResultsPaginator(ct, &cloudtrail.GetQueryResultsInput{QueryId: sq.QueryId})
				for pages.HasMorePages() {
					if _, err := pages.NextPage(ctx); err != nil {
						b.Fatal(err)
					}
				}
				tq, cq := time.Since(t0), proccpu.Used()-c0
				t0, c0 = time.Now(), proccpu.Used()
				if _, err := engineRows(ctx, eng, bc.sql); err != nil {
					b.Fatal(err)
				}
				quiet = append(quiet, ms(tq))
				quietDiff = append(quietDiff, ms(tq-time.Since(t0)))
				quietCPU = append(quietCPU, ms(cq-(proccpu.Used()-c0)))

				t0, c0 = time.Now(), proccpu.Used()
				_, rows, np, err := runSDKQueryPolls(ctx, ct, bc.sql)
				if err != nil {
					b.Fatal(err)
				}
				polls = append(polls, float64(np))
				ta, ca := time.Since(t0), proccpu.Used()-c0
				apiRows = len(rows)
				t0, c0 = time.Now(), proccpu.Used()
				n, err := engineRows(ctx, eng, bc.sql)
				if err != nil {
					b.Fatal(err)
				}
				te, ce := time.Since(t0), proccpu.Used()-c0
				engRows = n
				api = append(api, ms(ta))
				direct = append(direct, ms(te))
				diff = append(diff, ms(ta-te))
				apiCPU = append(apiCPU, ms(ca))
				engCPU = append(engCPU, ms(ce))
				diffCPU = append(diffCPU, ms(ca-ce))
			}
			if apiRows != engRows || apiRows == 0 {
				b.Fatalf("API %d rows, engine %d", apiRows, engRows)
			}
			b.ReportMetric(median(api), "api-ms")
			b.ReportMetric(median(direct), "engine-ms")
			b.ReportMetric(median(diff), "overhead-ms")
			// CPU time of the whole process (client, server, query) per
			// path: what the API costs, with the neighbours' load left out.
			b.ReportMetric(median(apiCPU), "api-cpu-ms")
			b.ReportMetric(median(engCPU), "engine-cpu-ms")
			b.ReportMetric(median(diffCPU), "overhead-cpu-ms")
			b.ReportMetric(median(quiet), "api-nopoll-ms")
			b.ReportMetric(median(quietDiff), "overhead-nopoll-ms")
			b.ReportMetric(median(quietCPU), "overhead-nopoll-cpu-ms")
			b.ReportMetric(median(polls), "polls")
		})
	}
}

// engineRows runs sql as `ctlake query` does and counts the rows.
func engineRows(ctx context.Context, eng *engine.Engine, sql string) (int, error) {
	q, err := eng.Prepare(ctx, sql, engine.Options{})
	if err != nil {
		return 0, err
	}
	rows, err := q.Open(ctx)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for {
		rec, err := rows.Next()
		if err != nil {
			return 0, err
		}
		if rec == nil {
			return n, nil
		}
		n += int(rec.NumRows())
		rec.Release()
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// benchStore returns a data directory with store "big".
func benchStore(b *testing.B) *orcstore.Catalog {
	b.Helper()
	events := int64(1_000_000)
	if v := os.Getenv("CTLAKE_BENCH_EVENTS"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			b.Fatalf("CTLAKE_BENCH_EVENTS: %v", err)
		}
		events = n
	}
	dir := os.Getenv("CTLAKE_BENCH_API_DATA")
	if dir != "" {
		if cat, err := orcstore.OpenCatalog(dir); err == nil {
			if _, err := cat.Open("big"); err == nil {
				return cat
			}
		}
	} else {
		dir = filepath.Join(b.TempDir(), "data")
	}
	ctx := context.Background()
	in := filepath.Join(b.TempDir(), "in")
	if _, err := gen.Write(ctx, gen.Config{Events: events, Seed: 42}, gen.LayoutNDJSON, in); err != nil {
		b.Fatal(err)
	}
	cat, err := querytest.IngestDirs(ctx, dir, "big", ingest.Config{}, in)
	if err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(in)
	return cat
}

// BenchmarkRequest is the cost of one API call through the Go SDK over
// loopback: signing, HTTP, SigV4 verification, validation against the
// model, the handler, JSON out. DescribeQuery is what a polling client
// repeats; GetQueryResults/1000 reads a page of 1,000 rendered rows.
func BenchmarkRequest(b *testing.B) {
	h := startServer(b, fixtureData(b), Config{})
	ct := sdkClient(b, h.url, staticCreds{testAKID, testSecret})
	ctx := context.Background()
	id, _, err := runSDKQuery(ctx, ct, "SELECT eventID, eventTime, eventName, userIdentity.arn FROM events LIMIT 1000")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("DescribeQuery", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := ct.DescribeQuery(ctx, &cloudtrail.DescribeQueryInput{QueryId: aws.String(id)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetQueryResults/1000", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := ct.GetQueryResults(ctx, &cloudtrail.GetQueryResultsInput{QueryId: aws.String(id)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
