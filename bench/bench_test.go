package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/jsontable"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// The benchmarks below need a generated store: 1,000,000 events by default
// (CTLAKE_BENCH_EVENTS changes it), generated and ingested once into
// $TMPDIR/ctlake-bench-cache and reused by later runs. They run only when
// -bench selects them, e.g.
//
//	go test ./bench -run '^$' -bench '^Benchmark(Suite|StoreScan)$' -benchtime 5x
//
// (BenchmarkSuiteJSON and BenchmarkJSONScan decode all 1.6 GB per op: about
// 5–12 s each on 2 cores.)
//
// CTLAKE_BENCH_STORE=DATADIR/NAME runs the store benchmarks on an existing
// store instead (opened read-only; nothing is generated or ingested), e.g.
// one made by `ctlake gen --events 1000000 --seed 1` and `ctlake ingest`:
//
//	CTLAKE_BENCH_STORE=/path/to/data/big go test ./bench -run '^$' \
//	    -bench 'Suite/(any-match|filter|transform)' -benchtime 5x
//
// The JSON benchmarks need the generated files and skip then.

var (
	benchOnce   sync.Once
	benchRunner *Runner
	benchParams Params
	benchDS     *Dataset
	benchErr    error
	// benchTable is the store the benchmarks query: "trail", or the
	// store CTLAKE_BENCH_STORE names.
	benchTable = "trail"
)

func benchEvents() int64 {
	if s := os.Getenv("CTLAKE_BENCH_EVENTS"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 1000 {
			return n
		}
	}
	return 1_000_000
}

// benchStore returns a Runner over store "trail" (the NDJSON layout
// ingested) and JSON table "raw" (the same NDJSON files), or over the
// store CTLAKE_BENCH_STORE names (then benchTable) and no JSON table.
func benchStore(b *testing.B) (*Runner, Params, *Dataset) {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		if s := os.Getenv("CTLAKE_BENCH_STORE"); s != "" {
			benchRunner, benchParams, benchDS, benchErr = existingStore(ctx, s)
			return
		}
		cache := filepath.Join(os.TempDir(), "ctlake-bench-cache")
		ds, err := PrepareDataset(ctx, cache, 1, benchEvents())
		if err != nil {
			benchErr = err
			return
		}
		c, err := orcstore.OpenCatalog(filepath.Join(ds.Dir, "store"))
		if err != nil {
			benchErr = err
			return
		}
		if _, err := c.Open("trail"); err != nil {
			// A partial store from an interrupted run is replaced.
			os.RemoveAll(filepath.Join(ds.Dir, "store"))
			if c, err = orcstore.OpenCatalog(filepath.Join(ds.Dir, "store")); err != nil {
				benchErr = err
				return
			}
			if _, _, err := IngestInto(ctx, c, "trail", "ndjson", ds.NDJSON); err != nil {
				benchErr = err
				return
			}
		}
		benchRunner = &Runner{Stores: c, JSONTables: map[string][]string{"raw": {ds.NDJSON}}}
		benchParams, benchErr = FindParams(ctx, benchRunner, "trail")
		benchDS = ds
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchRunner, benchParams, benchDS
}

// existingStore opens spec (DATADIR/NAME) for the store benchmarks; the
// dataset holds only the number of events (no JSON files).
func existingStore(ctx context.Context, spec string) (*Runner, Params, *Dataset, error) {
	dir, name := filepath.Split(filepath.Clean(spec))
	c, err := orcstore.OpenCatalog(dir)
	if err != nil {
		return nil, Params{}, nil, err
	}
	if _, err := c.Open(name); err != nil {
		return nil, Params{}, nil, fmt.Errorf("CTLAKE_BENCH_STORE=%s: %w", spec, err)
	}
	benchTable = `"` + name + `"`
	r := &Runner{Stores: c}
	out, err := r.Run(ctx, "SELECT count(*) FROM "+benchTable)
	if err != nil {
		return nil, Params{}, nil, err
	}
	n, err := strconv.ParseInt(out.Rows[0], 10, 64)
	if err != nil {
		return nil, Params{}, nil, fmt.Errorf("count(*) %q: %w", out.Rows[0], err)
	}
	p, err := FindParams(ctx, r, benchTable)
	return r, p, &Dataset{Events: n}, err
}

// needJSON skips a benchmark that reads the generated JSON files when the
// store is an existing one.
func needJSON(b *testing.B, ds *Dataset) {
	if ds.NDJSON == "" {
		b.Skip("CTLAKE_BENCH_STORE: no generated JSON files to read")
	}
}

// BenchmarkSuite runs every suite query on the store; events/s is the
// store's size over the time per query.
func BenchmarkSuite(b *testing.B) {
	r, p, ds := benchStore(b)
	ctx := context.Background()
	for _, q := range Suite {
		b.Run(q.Name, func(b *testing.B) {
			text := p.Text(q.SQL, benchTable)
			for b.Loop() {
				if _, err := r.Run(ctx, text); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ds.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkSuiteJSON runs the seven showcase queries on the NDJSON files
// through the same engine (slow: every event is decoded each time).
func BenchmarkSuiteJSON(b *testing.B) {
	r, p, ds := benchStore(b)
	needJSON(b, ds)
	ctx := context.Background()
	for _, q := range Suite[:7] {
		b.Run(q.Name, func(b *testing.B) {
			text := p.Text(q.SQL, "raw")
			for b.Loop() {
				if _, err := r.Run(ctx, text); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ds.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.SetBytes(ds.NDJSONBytes)
		})
	}
}

// BenchmarkStoreScan drains the store scan operator alone, with the
// pushdown the planner gives each query: a column, a time range, a
// bloom-filtered point lookup, and every column.
func BenchmarkStoreScan(b *testing.B) {
	r, p, _ := benchStore(b)
	ctx := context.Background()
	cases := []struct{ name, q string }{
		{"one-column", "SELECT eventName FROM " + benchTable},
		{"struct-child", "SELECT userIdentity.arn FROM " + benchTable},
		{"map", "SELECT requestParameters FROM " + benchTable},
		{"time-range-last-day", "SELECT eventName FROM " + benchTable + " WHERE eventTime >= TIMESTAMP '" + p.Day + "'"},
		{"eventid-bloom", "SELECT eventName FROM " + benchTable + " WHERE eventID = '" + p.EventID + "'"},
		{"all-columns", "SELECT * FROM " + benchTable},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			scan := planScan(b, r, c.q)
			var rows, bytes int64
			for b.Loop() {
				op, err := exec.NewStoreScan(ctx, scan, &exec.Env{}, 0)
				if err != nil {
					b.Fatal(err)
				}
				rows += drainOp(b, op)
				bytes = op.ScanStats().BytesRead
				op.Close()
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			b.SetBytes(bytes)
		})
	}
}

// BenchmarkJSONScan drains the JSON scan operator alone for one column:
// the decoding cost of every event.
func BenchmarkJSONScan(b *testing.B) {
	r, _, ds := benchStore(b)
	needJSON(b, ds)
	ctx := context.Background()
	scan := planScan(b, r, "SELECT eventName FROM raw")
	for b.Loop() {
		op, err := jsontable.New(ctx, scan, jsontable.Config{})
		if err != nil {
			b.Fatal(err)
		}
		drainOp(b, op)
		op.Close()
	}
	b.SetBytes(ds.NDJSONBytes)
	b.ReportMetric(float64(ds.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// drainOp reads an operator to its end and returns the rows it gave.
func drainOp(b *testing.B, op exec.Operator) int64 {
	b.Helper()
	ctx := context.Background()
	var rows int64
	for {
		batch, err := op.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if batch.Rec == nil {
			return rows
		}
		rows += int64(batch.Len())
	}
}

// planScan plans q and returns its Scan node (pushdown applied).
func planScan(b *testing.B, r *Runner, q string) *planner.Scan {
	b.Helper()
	p, err := engine.New(r.Stores).Prepare(context.Background(), q, engine.Options{JSONTables: r.JSONTables})
	if err != nil {
		b.Fatal(err)
	}
	var scan *planner.Scan
	var walk func(n planner.Node)
	walk = func(n planner.Node) {
		if s, ok := n.(*planner.Scan); ok {
			scan = s
		}
		for _, in := range n.Inputs() {
			walk(in)
		}
	}
	walk(p.Plan.Root)
	if scan == nil {
		b.Fatalf("%s: no scan", q)
	}
	return scan
}

var (
	joinOnce   sync.Once
	joinRunner *Runner
	joinP      Params
	joinErr    error
)

// BenchmarkJoins runs issue 12's join suite (JoinSuite: a self-join with
// one side an hour, the AssumeRole session join, a semi join and an anti
// join) over two generated stores of CTLAKE_BENCH_EVENTS events each
// (seeds 1 and 2), generated and ingested once into the bench cache.
// `ctlake bench --joins --peer duckdb` times the same queries against
// DuckDB.
func BenchmarkJoins(b *testing.B) {
	joinOnce.Do(func() {
		ctx := context.Background()
		cfg := SuiteConfig{Events: benchEvents(), Seed: 1, Cache: filepath.Join(os.TempDir(), "ctlake-bench-cache")}
		sets := make([]*Dataset, 2)
		for i := range sets {
			if sets[i], joinErr = PrepareDataset(ctx, cfg.Cache, cfg.Seed+int64(i), cfg.Events); joinErr != nil {
				return
			}
		}
		c, err := joinStores(ctx, cfg, sets, &SuiteReport{}, func(string, ...any) {})
		if err != nil {
			joinErr = err
			return
		}
		joinRunner = &Runner{Stores: c}
		joinP, joinErr = joinParams(ctx, joinRunner)
	})
	if joinErr != nil {
		b.Fatal(joinErr)
	}
	ctx := context.Background()
	for _, q := range JoinSuite {
		b.Run(q.Name, func(b *testing.B) {
			text := joinText(q.SQL, joinP, `"bench-a"`, `"bench-b"`)
			var scanned int64
			for b.Loop() {
				out, err := joinRunner.Run(ctx, text)
				if err != nil {
					b.Fatal(err)
				}
				scanned = out.Scan.RowsRead
			}
			b.ReportMetric(float64(scanned)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
