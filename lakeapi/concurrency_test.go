package lakeapi

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/internal/testenv"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/querytest"
)

// TestConcurrentClients: 10 Go SDK clients run 20 queries each against one
// server while an ingest commits new events into the store they read.
// Every query must finish, and each answer must be that of the committed
// snapshot the query planned on: its count equals the snapshot's rows (as
// the manifest records them at ingest), its group counts add up to them,
// its min/max eventTime equal the snapshot's file statistics, and a known
// event is found exactly once. Memory is reported. goleak (TestMain) checks
// nothing is left running.
//
// By default the store holds 20,000 events and 20,000 more arrive during
// the run; CTLAKE_LONG_TESTS=1 runs the full size: 1,000,000 events and
// 200,000 arriving (a copy of BenchmarkAPILatency's store when
// CTLAKE_BENCH_API_DATA names one, which saves generating it).
func TestConcurrentClients(t *testing.T) {
	base, extra := int64(20_000), int64(20_000)
	long := os.Getenv("CTLAKE_LONG_TESTS") == "1"
	if long {
		base, extra = 1_000_000, 200_000
	}
	ctx := context.Background()
	dir := t.TempDir()
	baseIn, extraIn := filepath.Join(dir, "base"), filepath.Join(dir, "extra")
	// Later days, another seed: events the store does not hold yet.
	if _, err := gen.Write(ctx, gen.Config{Events: extra, Seed: 202, Start: gen.DefaultStart.AddDate(0, 0, 7), Days: 2}, gen.LayoutNDJSON, extraIn); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	var cat *orcstore.Catalog
	var err error
	if prebuilt := os.Getenv("CTLAKE_BENCH_API_DATA"); long && prebuilt != "" {
		if err := testenv.CopyTree(prebuilt, data); err != nil {
			t.Fatal(err)
		}
		os.RemoveAll(filepath.Join(data, "api")) // the benchmark's query history
		cat, err = orcstore.OpenCatalog(data)
	} else {
		if _, err := gen.Write(ctx, gen.Config{Events: base, Seed: 101}, gen.LayoutNDJSON, baseIn); err != nil {
			t.Fatal(err)
		}
		cat, err = querytest.IngestDirs(ctx, data, "big", ingest.Config{}, baseIn)
	}
	if err != nil {
		t.Fatal(err)
	}
	store, err := cat.Open("big")
	if err != nil {
		t.Fatal(err)
	}
	first, err := store.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	base = first.Rows()

	// What each query planned on, by query ID.
	var snaps sync.Map
	h := startServer(t, data, Config{hooks: &hooks{prepared: func(id string, p *planner.Plan) {
		var m *orcstore.Manifest
		var walk func(n planner.Node)
		walk = func(n planner.Node) {
			if sc, ok := n.(*planner.Scan); ok && sc.Snapshot != nil {
				m = sc.Snapshot
			}
			for _, in := range n.Inputs() {
				walk(in)
			}
		}
		walk(p.Root)
		snaps.Store(id, m)
	}}})
	probeID, probeName := probeEvent(t, h)

	// The ingest commits in small batches while the clients query.
	ingestDone := make(chan error, 1)
	var ingested ingest.Summary
	go func() {
		inputs, problems := ingest.Discover([]string{extraIn}, ingest.DiscoverOptions{})
		if len(problems) > 0 {
			ingestDone <- problems[0]
			return
		}
		var err error
		ingested, err = ingest.Ingest(ctx, ingest.Config{Store: store, MemoryLimit: 8 << 20, MaxFileRows: 5000, Workers: 1}, inputs)
		ingestDone <- err
	}()

	var peakHeap atomic.Uint64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peakHeap.Load() {
				peakHeap.Store(ms.HeapInuse)
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()

	const clients, perClient = 10, 20
	queries := []string{
		"SELECT count(*) AS n, count(DISTINCT eventID) AS d FROM big",
		"SELECT eventSource, count(*) AS n FROM big GROUP BY eventSource",
		"SELECT eventID, eventName FROM big WHERE eventID = '" + probeID + "'",
		"SELECT min(eventTime) AS lo, max(eventTime) AS hi FROM big",
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, clients*perClient)
	var versions sync.Map
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			ct := sdkClient(t, h.url, staticCreds{testAKID, testSecret})
			for i := 0; i < perClient; i++ {
				sql := queries[(c+i)%len(queries)]
				id, rows, err := runSDKQuery(ctx, ct, sql)
				if err != nil {
					errs <- fmt.Errorf("client %d query %d (%s): %w", c, i, sql, err)
					return
				}
				v, _ := snaps.Load(id)
				m := v.(*orcstore.Manifest)
				versions.Store(m.Version, true)
				if err := checkAgainstSnapshot(sql, rows, m, probeID, probeName); err != nil {
					errs <- fmt.Errorf("client %d query %d: %w", c, i, err)
				}
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := <-ingestDone; err != nil {
		t.Fatalf("ingest: %v", err)
	}
	close(stopSampling)
	<-sampled
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	nv := 0
	versions.Range(func(any, any) bool { nv++; return true })
	final, _ := store.Snapshot()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d clients x %d queries over %d events (+%d ingested in %d commits meanwhile): all FINISHED in %v; "+
		"answers from %d snapshot versions; peak heap in use %.1f MiB, total allocated %.1f MiB, peak RSS %s",
		clients, perClient, base, ingested.Ingested, final.Version-1, elapsed.Round(time.Millisecond), nv,
		float64(peakHeap.Load())/(1<<20), float64(ms.TotalAlloc)/(1<<20), peakRSS())
	if final.Rows() != base+ingested.Ingested {
		t.Fatalf("store holds %d events, want %d", final.Rows(), base+ingested.Ingested)
	}
}

// probeEvent picks one event of the store through the API.
func probeEvent(t testing.TB, h *harness) (string, string) {
	id := h.startQuery("SELECT eventID, eventName FROM big ORDER BY eventID LIMIT 1")
	h.waitStatus(id, "FINISHED")
	rows, _ := h.allRows(id, 1)
	return rows[0][0]["eventID"].(string), rows[0][1]["eventName"].(string)
}

// runSDKQuery starts sql, polls until it ends and reads every page.
func runSDKQuery(ctx context.Context, ct *cloudtrail.Client, sql string) (string, [][]map[string]string, error) {
	id, rows, _, err := runSDKQueryPolls(ctx, ct, sql)
	return id, rows, err
}

// runSDKQueryPolls is runSDKQuery that also counts the DescribeQuery calls
// made until the query had ended.
func runSDKQueryPolls(ctx context.Context, ct *cloudtrail.Client, sql string) (string, [][]map[string]string, int, error) {
	sq, err := ct.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String(sql)})
	if err != nil {
		return "", nil, 0, err
	}
	id := aws.ToString(sq.QueryId)
	start := time.Now()
	polls := 0
	for deadline := start.Add(5 * time.Minute); ; {
		d, err := ct.DescribeQuery(ctx, &cloudtrail.DescribeQueryInput{QueryId: sq.QueryId})
		polls++
		if err != nil {
			return id, nil, polls, err
		}
		if d.QueryStatus == types.QueryStatusFinished {
			break
		}
		if d.QueryStatus != types.QueryStatusQueued && d.QueryStatus != types.QueryStatusRunning {
			return id, nil, polls, fmt.Errorf("%s: %s", d.QueryStatus, aws.ToString(d.ErrorMessage))
		}
		if time.Now().After(deadline) {
			return id, nil, polls, fmt.Errorf("still %s after 5 minutes", d.QueryStatus)
		}
		// Poll often at first and back off (a twentieth of the time so
		// far, 1 to 10 ms): each DescribeQuery costs the server CPU the
		// query could use, and a 2-core machine feels it.
		time.Sleep(min(max(time.Since(start)/20, time.Millisecond), 10*time.Millisecond))
	}
	var rows [][]map[string]string
	p := cloudtrail.NewGetQueryResultsPaginator(ct, &cloudtrail.GetQueryResultsInput{QueryId: sq.QueryId})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return id, nil, polls, err
		}
		rows = append(rows, page.QueryResultRows...)
	}
	return id, rows, polls, nil
}

// checkAgainstSnapshot checks one answer against the manifest its query
// planned on.
func checkAgainstSnapshot(sql string, rows [][]map[string]string, m *orcstore.Manifest, probeID, probeName string) error {
	want := strconv.FormatInt(m.Rows(), 10)
	switch {
	case strings.Contains(sql, "count(DISTINCT"):
		if len(rows) != 1 || rows[0][0]["n"] != want || rows[0][1]["d"] != want {
			return fmt.Errorf("count %v; snapshot v%d holds %s", rows, m.Version, want)
		}
	case strings.Contains(sql, "GROUP BY"):
		var sum int64
		for _, r := range rows {
			n, err := strconv.ParseInt(r[1]["n"], 10, 64)
			if err != nil {
				return err
			}
			sum += n
		}
		if strconv.FormatInt(sum, 10) != want {
			return fmt.Errorf("group counts add to %d; snapshot v%d holds %s", sum, m.Version, want)
		}
	case strings.Contains(sql, "eventID ="):
		if len(rows) != 1 || rows[0][0]["eventID"] != probeID || rows[0][1]["eventName"] != probeName {
			return fmt.Errorf("point lookup: %v", rows)
		}
	case strings.Contains(sql, "min(eventTime)"):
		lo, hi := m.TimeRange()
		if len(rows) != 1 || rows[0][0]["lo"] != fn.FormatTimestamp(lo.UnixNano()) || rows[0][1]["hi"] != fn.FormatTimestamp(hi.UnixNano()) {
			return fmt.Errorf("time range %v; snapshot v%d spans %v..%v", rows, m.Version, lo, hi)
		}
	}
	return nil
}

// peakRSS is the process's peak resident set (VmHWM) where /proc has it.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
