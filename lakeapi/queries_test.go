package lakeapi

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/internal/testenv"
)

var uuidLower = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestQueryLifecycle: a query runs to FINISHED with the engine's figures,
// and its rows come back as Lake's rows of one-key string maps.
func TestQueryLifecycle(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	id := h.startQuery("SELECT eventName, count(*) AS n FROM events WHERE eventSource = 's3.amazonaws.com' GROUP BY eventName ORDER BY n DESC, eventName LIMIT 3")
	if !uuidLower.MatchString(id) {
		t.Fatalf("QueryId %q is not a lowercase UUID v4", id)
	}
	d := h.waitStatus(id)
	if d["QueryStatus"] != "FINISHED" {
		t.Fatalf("%v", d)
	}
	stats := d["QueryStatistics"].(map[string]any)
	if stats["EventsScanned"].(float64) <= 0 || stats["EventsMatched"].(float64) <= 0 || stats["BytesScanned"].(float64) <= 0 {
		t.Fatalf("statistics %v", stats)
	}
	if _, ok := stats["CreationTime"].(float64); !ok {
		t.Fatalf("CreationTime must be an epoch number: %v", stats["CreationTime"])
	}
	if _, ok := d["ErrorMessage"]; ok {
		t.Fatalf("ErrorMessage on a finished query: %v", d)
	}
	rows, _ := h.allRows(id, 1000)
	want := [][]map[string]any{
		{{"eventName": "GetObject"}, {"n": "1159"}},
		{{"eventName": "PutObject"}, {"n": "303"}},
		{{"eventName": "HeadObject"}, {"n": "127"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %v\nwant %v", rows, want)
	}
	// SELECT without FROM (Grafana's health check).
	id = h.startQuery("SELECT 1")
	h.waitStatus(id, "FINISHED")
	rows, _ = h.allRows(id, 10)
	if !reflect.DeepEqual(rows, [][]map[string]any{{{"_col0": "1"}}}) {
		t.Fatalf("SELECT 1: %v", rows)
	}
	// A run-time failure is FAILED with the engine's message.
	id = h.startQuery("SELECT CAST(eventName AS bigint) FROM events")
	d = h.waitStatus(id)
	if d["QueryStatus"] != "FAILED" || !strings.Contains(d["ErrorMessage"].(string), "Cannot cast") {
		t.Fatalf("%v", d)
	}
	out := h.mustOK("GetQueryResults", map[string]any{"QueryId": id})
	if out["QueryStatus"] != "FAILED" || out["ErrorMessage"] == nil || out["QueryResultRows"] != nil {
		t.Fatalf("results of a failed query: %v", out)
	}
	// EXPLAIN answers with the plan as one row.
	id = h.startQuery("EXPLAIN SELECT eventName FROM events WHERE eventName = 'GetObject'")
	h.waitStatus(id, "FINISHED")
	rows, _ = h.allRows(id, 10)
	if len(rows) != 1 || !strings.Contains(rows[0][0]["Query Plan"].(string), "scan") {
		t.Fatalf("EXPLAIN: %v", rows)
	}
}

// TestValueRendering: timestamps as Lake prints them, maps, structs and
// arrays in Trino's Java form, doubles as Java prints them, NULL as null.
func TestValueRendering(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	id := h.startQuery(`SELECT eventTime, requestParameters, userIdentity.sessionContext.attributes, resources,
		errorCode, CAST(2 AS double) AS two, 1e7 AS big, 0.5 AS half, true AS t, DATE '2024-05-03' AS d, split('x,y', ',') AS arr
		FROM events WHERE eventID IN ('hand-0001', 'hand-0002') ORDER BY eventID`)
	h.waitStatus(id, "FINISHED")
	rows, _ := h.allRows(id, 10)
	get := func(r int, col string) any {
		for _, m := range rows[r] {
			if v, ok := m[col]; ok {
				return v
			}
		}
		t.Fatalf("row %d has no column %s: %v", r, col, rows[r])
		return nil
	}
	checks := []struct {
		row       int
		col, want string
	}{
		{0, "eventTime", "2024-05-03 10:20:30.000"},
		{1, "eventTime", "2024-05-03 10:20:31.250"},
		{0, "two", "2.0"},
		{0, "big", "1.0E7"},
		{0, "half", "0.5"},
		{0, "t", "true"},
		{0, "d", "2024-05-03"},
		{0, "arr", "[x, y]"},
		{1, "attributes", "{creationdate=2024-05-03 09:00:00.000, mfaauthenticated=false}"},
		{1, "requestParameters", "{bucketName=hand-bucket}"},
		{1, "errorCode", "AccessDenied"},
	}
	for _, c := range checks {
		if got := get(c.row, c.col); got != c.want {
			t.Errorf("row %d %s = %#v, want %q", c.row, c.col, got, c.want)
		}
	}
	if v := get(0, "errorCode"); v != nil {
		t.Errorf("NULL errorCode = %#v, want null", v)
	}
	if v := get(0, "resources").(string); v != "[{accountid=null, type=AWS::S3::Object, arn=arn:aws:s3:::hand-bucket/a/b.txt, arnprefix=null}, "+
		"{accountid=111122223333, type=AWS::S3::Bucket, arn=arn:aws:s3:::hand-bucket, arnprefix=null}]" {
		t.Errorf("resources = %q", v)
	}
	if v := get(0, "requestParameters").(string); !strings.Contains(v, "bucketName=hand-bucket") || !strings.HasPrefix(v, "{") {
		t.Errorf("requestParameters = %q", v)
	}
}

// TestResultsPaging pages one result with odd page sizes: the pages join
// into the whole result in order, each page within its bound.
func TestResultsPaging(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	id := h.startQuery("SELECT eventID, eventTime FROM events ORDER BY eventTime, eventID LIMIT 1234")
	h.waitStatus(id, "FINISHED")
	whole, pages := h.allRows(id, 1000)
	if len(whole) != 1234 || pages != 2 {
		t.Fatalf("%d rows in %d pages", len(whole), pages)
	}
	for _, n := range []int{1, 7, 333, 617, 999, 1000} {
		got, pages := h.allRows(id, n)
		if !reflect.DeepEqual(got, whole) {
			t.Fatalf("page size %d: pages differ from the whole", n)
		}
		if want := (1234 + n - 1) / n; pages != want {
			t.Fatalf("page size %d: %d pages, want %d", n, pages, want)
		}
	}
	// A token is bound to its query and to a row boundary.
	first := h.mustOK("GetQueryResults", map[string]any{"QueryId": id, "MaxQueryResults": 5})
	token := first["NextToken"].(string)
	other := h.startQuery("SELECT eventID FROM events LIMIT 20")
	h.waitStatus(other, "FINISHED")
	h.mustFail("GetQueryResults", map[string]any{"QueryId": other, "NextToken": token}, "InvalidNextTokenException", 400)
	forged := pageToken(id, 3) // not the start of a row
	h.mustFail("GetQueryResults", map[string]any{"QueryId": id, "NextToken": forged}, "InvalidNextTokenException", 400)
	// An empty result is one page with no rows.
	id = h.startQuery("SELECT eventID FROM events WHERE eventName = 'NoSuchEvent'")
	h.waitStatus(id, "FINISHED")
	out := h.mustOK("GetQueryResults", map[string]any{"QueryId": id})
	if rows, ok := out["QueryResultRows"].([]any); !ok || len(rows) != 0 || out["NextToken"] != nil {
		t.Fatalf("empty result: %v", out)
	}
}

// TestCancelQueued: with one runner held, a second query waits QUEUED;
// cancelling it ends it CANCELLED without running; a third beyond
// MaxQueries is refused with 429.
func TestCancelQueued(t *testing.T) {
	g := newGate("/*hold*/")
	h := startServer(t, fixtureData(t), Config{MaxQueries: 2, MaxRunning: 1, hooks: &hooks{beforeRun: g.hold}})
	first := h.startQuery("SELECT count(*) FROM events /*hold*/")
	<-g.entered
	h.waitStatus(first, "RUNNING")
	second := h.startQuery("SELECT count(*) FROM events")
	if d := h.mustOK("DescribeQuery", map[string]any{"QueryId": second}); d["QueryStatus"] != "QUEUED" {
		t.Fatalf("second query %v, want QUEUED behind the held one", d["QueryStatus"])
	}
	// GetQueryResults on a query not yet run: 200, its state, no rows.
	out := h.mustOK("GetQueryResults", map[string]any{"QueryId": second})
	if out["QueryStatus"] != "QUEUED" || out["QueryResultRows"] != nil {
		t.Fatalf("%v", out)
	}
	h.mustFail("StartQuery", map[string]any{"QueryStatement": "SELECT 1"}, "MaxConcurrentQueriesException", 429)
	out = h.mustOK("CancelQuery", map[string]any{"QueryId": second})
	if out["QueryStatus"] != "CANCELLED" || out["QueryId"] != second {
		t.Fatalf("%v", out)
	}
	d := h.waitStatus(second)
	if d["QueryStatus"] != "CANCELLED" || d["ErrorMessage"] == nil {
		t.Fatalf("%v", d)
	}
	h.mustFail("CancelQuery", map[string]any{"QueryId": second}, "InactiveQueryException", 400)
	// The slot is free again.
	third := h.startQuery("SELECT 1")
	g.open()
	if d := h.waitStatus(first); d["QueryStatus"] != "FINISHED" {
		t.Fatalf("%v", d)
	}
	if d := h.waitStatus(third); d["QueryStatus"] != "FINISHED" {
		t.Fatalf("%v", d)
	}
	// The cancelled query never ran: no figures, no results.
	if d["QueryStatistics"].(map[string]any)["EventsScanned"].(float64) != 0 {
		t.Fatalf("%v", d)
	}
}

// TestCancelRunning: CancelQuery on a running query cancels its context;
// the scan stops, the query reads CANCELLED and has no rows.
func TestCancelRunning(t *testing.T) {
	g := newGate("/*hold*/")
	h := startServer(t, fixtureData(t), Config{hooks: &hooks{afterRecord: g.hold}})
	id := h.startQuery("SELECT eventID FROM events /*hold*/")
	<-g.entered // a batch of rows is written; the query is mid-scan
	h.waitStatus(id, "RUNNING")
	out := h.mustOK("CancelQuery", map[string]any{"QueryId": id})
	if out["QueryStatus"] != "CANCELLED" {
		t.Fatalf("%v", out)
	}
	d := h.waitStatus(id)
	if d["QueryStatus"] != "CANCELLED" || !strings.Contains(d["ErrorMessage"].(string), "CancelQuery") {
		t.Fatalf("%v", d)
	}
	out = h.mustOK("GetQueryResults", map[string]any{"QueryId": id})
	if out["QueryStatus"] != "CANCELLED" || out["QueryResultRows"] != nil {
		t.Fatalf("%v", out)
	}
	// The runner has finished: its partial file is gone.
	h.srv.queries.wg.Wait()
	if _, err := os.Stat(h.srv.queries.resultPath(id) + ".partial"); !os.IsNotExist(err) {
		t.Fatalf("partial results left behind: %v", err)
	}
}

// TestTimeout: a query still running at the timeout ends TIMED_OUT and the
// rows it had written stay readable.
func TestTimeout(t *testing.T) {
	g := newGate("/*slow*/")
	h := startServer(t, fixtureData(t), Config{QueryTimeout: 300 * time.Millisecond, hooks: &hooks{afterRecord: g.hold}})
	id := h.startQuery("SELECT eventID FROM events /*slow*/")
	d := h.waitStatus(id)
	if d["QueryStatus"] != "TIMED_OUT" || !strings.Contains(d["ErrorMessage"].(string), "timeout") {
		t.Fatalf("%v", d)
	}
	rows, _ := h.allRows(id, 1000)
	rec, _, _ := h.srv.queries.get(id)
	if len(rows) == 0 || int64(len(rows)) != rec.Rows || len(rows) >= 6005 {
		t.Fatalf("TIMED_OUT query: %d rows readable, record says %d (the whole result is 6005)", len(rows), rec.Rows)
	}
}

// TestRestartWithRunningQuery: the history survives a restart; a query
// that was RUNNING when its server died reads FAILED afterwards, and one
// running at a clean shutdown reads CANCELLED.
func TestRestartWithRunningQuery(t *testing.T) {
	g := newGate("/*hold*/")
	data := fixtureData(t)
	a := startServer(t, data, Config{hooks: &hooks{afterRecord: g.hold}})
	done := a.startQuery("SELECT eventName FROM events ORDER BY eventID LIMIT 25")
	a.waitStatus(done, "FINISHED")
	want, _ := a.allRows(done, 10)
	lost := a.startQuery("SELECT eventID FROM events LIMIT 30")
	a.waitStatus(lost, "FINISHED")
	held := a.startQuery("SELECT eventID FROM events /*hold*/")
	<-g.entered
	a.waitStatus(held, "RUNNING")

	// The server "dies" here: a copy of its data directory, taken while the
	// query runs, is what a restart after a crash would find.
	crashed := filepath.Join(t.TempDir(), "crashed")
	if err := testenv.CopyTree(data, crashed); err != nil {
		t.Fatal(err)
	}
	// Results cut short, as a crash of the machine before they reached the
	// disk would leave them.
	cut := filepath.Join(crashed, "api", "results", lost+".ndjson")
	if err := os.Truncate(cut, 100); err != nil {
		t.Fatal(err)
	}
	b := startServer(t, crashed, Config{})
	if d := b.mustOK("DescribeQuery", map[string]any{"QueryId": lost}); d["QueryStatus"] != "FAILED" || !strings.Contains(d["ErrorMessage"].(string), "lost") {
		t.Fatalf("query with short results: %v", d)
	}
	d := b.mustOK("DescribeQuery", map[string]any{"QueryId": held})
	if d["QueryStatus"] != "FAILED" || !strings.Contains(d["ErrorMessage"].(string), "stopped while this query was running") {
		t.Fatalf("after a crash: %v", d)
	}
	if got, _ := b.allRows(done, 7); !reflect.DeepEqual(got, want) {
		t.Fatalf("finished query's rows after restart differ")
	}
	b.stop()

	// A clean shutdown cancels and records the running query.
	a.stop()
	c := startServer(t, data, Config{})
	d = c.mustOK("DescribeQuery", map[string]any{"QueryId": held})
	if d["QueryStatus"] != "CANCELLED" || !strings.Contains(d["ErrorMessage"].(string), "shut down") {
		t.Fatalf("after a clean shutdown: %v", d)
	}
	entries, _ := os.ReadDir(filepath.Join(data, "api", "results"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".partial") {
			t.Fatalf("partial results file %s after restart", e.Name())
		}
	}
}

// TestExpiry: queries and their results are deleted once older than the
// retention (7 days by default), by the injected clock.
func TestExpiry(t *testing.T) {
	clock := &testClock{t: time.Now()}
	h := startServer(t, fixtureData(t), Config{Now: clock.Now})
	id := h.startQuery("SELECT eventID FROM events LIMIT 3")
	h.waitStatus(id, "FINISHED")
	path := h.srv.queries.resultPath(id)
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	clock.Add(7*24*time.Hour - time.Minute)
	h.srv.sweep()
	h.mustOK("DescribeQuery", map[string]any{"QueryId": id})
	if rows, _ := h.allRows(id, 10); len(rows) != 3 {
		t.Fatalf("%d rows before expiry", len(rows))
	}
	clock.Add(2 * time.Minute)
	h.srv.sweep()
	h.mustFail("DescribeQuery", map[string]any{"QueryId": id}, "QueryIdNotFoundException", 404)
	h.mustFail("GetQueryResults", map[string]any{"QueryId": id}, "QueryIdNotFoundException", 404)
	for _, p := range []string{path, h.srv.queries.recordPath(id)} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Fatalf("%s still there after expiry: %v", p, err)
		}
	}
	// A shorter configured retention.
	h.stop()
	h = startServer(t, h.data, Config{Now: clock.Now, ResultsRetention: time.Hour})
	id = h.startQuery("SELECT 1")
	h.waitStatus(id, "FINISHED")
	clock.Add(61 * time.Minute)
	h.srv.sweep()
	h.mustFail("DescribeQuery", map[string]any{"QueryId": id}, "QueryIdNotFoundException", 404)
}

// TestListQueries lists a store's queries newest first, filtered and paged.
func TestListQueries(t *testing.T) {
	clock := &testClock{t: time.Now().Add(-time.Hour)}
	h := startServer(t, fixtureData(t), Config{Now: clock.Now})
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, h.startQuery(fmt.Sprintf("SELECT count(*) FROM events WHERE eventName <> 'x%d'", i)))
		clock.Add(time.Second)
	}
	failed := h.startQuery("SELECT CAST(eventName AS bigint) FROM events")
	h.startQuery("SELECT 1") // reads no store: not listed
	for _, id := range append(ids, failed) {
		h.waitStatus(id)
	}
	var got []string
	token := ""
	for {
		req := map[string]any{"EventDataStore": "events", "MaxResults": 2}
		if token != "" {
			req["NextToken"] = token
		}
		out := h.mustOK("ListQueries", req)
		for _, q := range out["Queries"].([]any) {
			got = append(got, q.(map[string]any)["QueryId"].(string))
		}
		if out["NextToken"] == nil {
			break
		}
		token = out["NextToken"].(string)
	}
	want := []string{failed, ids[4], ids[3], ids[2], ids[1], ids[0]}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListQueries %v\nwant %v", got, want)
	}
	out := h.mustOK("ListQueries", map[string]any{"EventDataStore": "events", "QueryStatus": "FAILED"})
	if qs := out["Queries"].([]any); len(qs) != 1 || qs[0].(map[string]any)["QueryId"] != failed {
		t.Fatalf("%v", out)
	}
	// StartTime/EndTime bound CreationTime (epoch seconds on the wire).
	rec, _, _ := h.srv.queries.get(ids[2])
	b, _ := json.Marshal(epoch(rec.CreatedAt))
	var sec float64
	json.Unmarshal(b, &sec)
	out = h.mustOK("ListQueries", map[string]any{"EventDataStore": "events", "StartTime": sec, "EndTime": sec})
	if qs := out["Queries"].([]any); len(qs) != 1 || qs[0].(map[string]any)["QueryId"] != ids[2] {
		t.Fatalf("%v", out)
	}
}

// TestStartQueryWaits: StartQuery answers once its query has ended when
// that happens within StartWait, so the first DescribeQuery reads
// FINISHED (and GetQueryResults has the rows) without a second poll; a
// query still running when the budget runs out is answered RUNNING, and
// with StartWait negative StartQuery answers at once.
func TestStartQueryWaits(t *testing.T) {
	g := newGate("/*hold*/")
	h := startServer(t, fixtureData(t), Config{StartWait: time.Minute, hooks: &hooks{afterRecord: g.hold}})
	for _, sql := range []string{"SELECT 1", "SELECT eventName, count(*) AS n FROM events GROUP BY 1", "SELECT * FROM events LIMIT 3"} {
		id := h.startQuery(sql)
		if d := h.mustOK("DescribeQuery", map[string]any{"QueryId": id}); d["QueryStatus"] != "FINISHED" {
			t.Fatalf("%s: first DescribeQuery after StartQuery: %v", sql, d)
		}
		if r := h.mustOK("GetQueryResults", map[string]any{"QueryId": id}); r["QueryStatus"] != "FINISHED" || len(r["QueryResultRows"].([]any)) == 0 {
			t.Fatalf("%s: first GetQueryResults: %v", sql, r)
		}
	}
	for _, wait := range []time.Duration{50 * time.Millisecond, -1} {
		h := startServer(t, fixtureData(t), Config{StartWait: wait, hooks: &hooks{afterRecord: g.hold}})
		t0 := time.Now()
		id := h.startQuery("SELECT eventID FROM events /*hold*/")
		if took := time.Since(t0); took > 30*time.Second {
			t.Fatalf("StartWait %v: StartQuery of a held query took %v", wait, took)
		}
		if d := h.mustOK("DescribeQuery", map[string]any{"QueryId": id}); d["QueryStatus"] != "RUNNING" && d["QueryStatus"] != "QUEUED" {
			t.Fatalf("StartWait %v: a held query reads %v", wait, d["QueryStatus"])
		}
		h.mustOK("CancelQuery", map[string]any{"QueryId": id})
		h.waitStatus(id)
	}
}
