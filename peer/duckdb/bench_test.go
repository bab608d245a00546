package duckpeer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The benchmarks need generated events, which are not kept in the
// repository. Make them with the main module's generator and point
// DUCKPEER_BENCH_DATA at them (DUCKPEER_BENCH_COUNTS, optional, at the
// generator's count file, to check the loaded rows first):
//
//	cd ../.. && go run ./cmd/ctlake gen --events 100000 --layout ndjson \
//	    --out /tmp/duckpeer-bench/nd --counts /tmp/duckpeer-bench/nd-counts.tsv
//	cd peer/duckdb && DUCKPEER_BENCH_DATA=/tmp/duckpeer-bench/nd \
//	    DUCKPEER_BENCH_COUNTS=/tmp/duckpeer-bench/nd-counts.tsv \
//	    go test -run '^$' -bench . -benchtime 3x
//
// --layout s3 gives a trail bucket of small .json.gz Records files instead.

// benchQueries are Lake-style queries in DuckDB's dialect: a full group-by,
// a selective filter on a JSON field, a time bucket, and a top-N on errors.
var benchQueries = []struct{ name, sql string }{
	{"groupby", `SELECT eventSource, eventName, count(*) FROM %s GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`},
	{"jsonfilter", `SELECT count(*) FROM %s WHERE json_extract_string(requestParameters, '$.bucketName') LIKE '%%prod%%'`},
	{"hourly", `SELECT date_trunc('hour', eventTime) h, count(*) FROM %s WHERE eventTime >= '2024-05-02 00:00:00' GROUP BY 1 ORDER BY 1`},
	{"errors", `SELECT (userIdentity->>'arn') arn, errorCode, count(*) FROM %s WHERE errorCode IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 10`},
}

func benchFiles(b *testing.B) []string {
	dir := os.Getenv("DUCKPEER_BENCH_DATA")
	if dir == "" {
		b.Skip("set DUCKPEER_BENCH_DATA to events made by ctlake gen (see bench_test.go)")
	}
	files, err := ExpandPaths([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	return files
}

func bytesOf(files []string) int64 {
	var n int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}

// BenchmarkLoad times LoadJSON (shape detection and CREATE TABLE AS).
func BenchmarkLoad(b *testing.B) {
	files := benchFiles(b)
	b.SetBytes(bytesOf(files))
	ctx := context.Background()
	var rows int64
	for i := 0; i < b.N; i++ {
		p, err := Open()
		if err != nil {
			b.Fatal(err)
		}
		if rows, err = p.LoadJSON(ctx, "events", files); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkQuery times each query on the imported table ("table") and on
// a view over the JSON files ("json", parsed again by every query).
func BenchmarkQuery(b *testing.B) {
	files := benchFiles(b)
	ctx := context.Background()
	p, err := Open()
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	n, err := p.LoadJSON(ctx, "events", files)
	if err != nil {
		b.Fatal(err)
	}
	if err := p.ViewJSON(ctx, "raw", files); err != nil {
		b.Fatal(err)
	}
	if c := os.Getenv("DUCKPEER_BENCH_COUNTS"); c != "" {
		checkCounts(b, p, "events", readExpected(b, filepath.Clean(c)), nil)
		if b.Failed() {
			b.FailNow()
		}
	}
	b.Logf("%d events", n)
	for _, src := range []string{"table", "json"} {
		rel := map[string]string{"table": "events", "json": "raw"}[src]
		for _, q := range benchQueries {
			b.Run(src+"/"+q.name, func(b *testing.B) {
				sql := fmt.Sprintf(q.sql, rel)
				for i := 0; i < b.N; i++ {
					if _, _, err := p.Query(ctx, sql); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
