package lakeapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
)

// waitRecord waits for a query started through the Go API to end.
func waitRecord(t *testing.T, s *Server, id string) QueryRecord {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		rec, ok := s.Query(id)
		if !ok {
			t.Fatalf("query %s unknown", id)
		}
		if terminal(rec.Status) {
			return rec
		}
		if time.Now().After(deadline) {
			t.Fatalf("query %s still %s after 60s", id, rec.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A console query: scoped by time like the same query with the range in
// its WHERE clause, its columns typed, nested values as JSON, its rows
// read at any position, exported typed, and listed in the history.
func TestFrontendQuery(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	s := h.srv
	ctx := context.Background()
	from := time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 5, 4, 0, 0, 0, 0, time.UTC)
	id, err := s.StartQuery(ctx, "SELECT eventID, eventTime, requestParameters, userIdentity FROM events ORDER BY eventTime, eventID", StartOptions{Source: "console", From: from, To: to, NestedJSON: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := waitRecord(t, s, id)
	if rec.Status != stFinished || rec.Source != "console" || rec.TimeFrom == nil || !rec.TimeFrom.Equal(from) || !rec.TimeTo.Equal(to) {
		t.Fatalf("%+v", rec)
	}
	want := []ResultColumn{{"eventID", "varchar"}, {"eventTime", "timestamp(3)"}, {"requestParameters", "map(varchar, varchar)"}}
	if !reflect.DeepEqual(rec.Columns[:3], want) || !strings.HasPrefix(rec.Columns[3].Type, "row(") {
		t.Fatalf("columns %+v", rec.Columns)
	}
	if rec.Scan.FilesSkipped == 0 || rec.Scan.FilesRead == 0 {
		t.Errorf("a one-day scope over a week skipped no file: %+v", rec.Scan)
	}
	direct := h.startQuery("SELECT eventID FROM events WHERE eventTime >= '2024-05-03' AND eventTime < '2024-05-04' ORDER BY eventTime, eventID")
	h.waitStatus(direct, "FINISHED")
	wantRows, _ := h.allRows(direct, 1000)
	if int64(len(wantRows)) != rec.Rows || rec.Rows < 600 {
		t.Fatalf("scoped query: %d rows, written range %d", rec.Rows, len(wantRows))
	}
	// Rows at any position match the pages, across index slots.
	for _, start := range []int64{0, 1, 255, 256, 257, 511, rec.Rows - 3} {
		b, n, err := s.Rows(id, start, 5)
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]map[string]*string
		if err := json.Unmarshal(append(append([]byte("["), b...), ']'), &rows); err != nil {
			t.Fatalf("rows at %d: %v: %s", start, err, b)
		}
		if n != len(rows) || n != int(min(5, rec.Rows-start)) {
			t.Fatalf("rows at %d: %d (%d)", start, n, len(rows))
		}
		for i, r := range rows {
			if got, want := *r[0]["eventID"], wantRows[start+int64(i)][0]["eventID"]; got != want {
				t.Fatalf("row %d: %s, want %s", start+int64(i), got, want)
			}
		}
	}
	if b, n, err := s.Rows(id, rec.Rows, 5); err != nil || n != 0 || len(b) != 0 {
		t.Fatalf("past the end: %q %d %v", b, n, err)
	}
	// Nested values are JSON: the map and the struct parse.
	b, _, _ := s.Rows(id, 0, 1)
	var row []map[string]*string
	json.Unmarshal(b, &row)
	var m map[string]any
	if err := json.Unmarshal([]byte(*row[3]["userIdentity"]), &m); err != nil || m["type"] == nil {
		t.Fatalf("userIdentity is not JSON: %v %q", err, *row[3]["userIdentity"])
	}
	// The API's own queries keep Lake's Java form.
	api := h.startQuery("SELECT userIdentity FROM events WHERE userIdentity.type = 'IAMUser' LIMIT 1")
	h.waitStatus(api, "FINISHED")
	apiRows, _ := h.allRows(api, 1)
	if v := apiRows[0][0]["userIdentity"].(string); !strings.HasPrefix(v, "{type=") {
		t.Fatalf("API query's struct: %q", v)
	}
	// Export: typed, with the time scope, as ctlake query writes it.
	var csvOut bytes.Buffer
	if err := s.Export(ctx, id, "csv", &csvOut); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&csvOut).ReadAll()
	if err != nil || int64(len(recs)) != rec.Rows+1 || recs[0][0] != "eventID" || recs[1][0] != *row[0]["eventID"] {
		t.Fatalf("csv export: %d records, %v", len(recs), err)
	}
	var pq bytes.Buffer
	if err := s.Export(ctx, id, "parquet", &pq); err != nil || !bytes.HasPrefix(pq.Bytes(), []byte("PAR1")) {
		t.Fatalf("parquet export: %v", err)
	}
	if err := s.Export(ctx, id, "xml", &pq); err == nil {
		t.Fatal("unknown format accepted")
	}
	if s.SnapshotChanged(rec) {
		t.Fatal("snapshot changed without an ingest")
	}
	// The history holds both, newest first, and finds by text.
	hist, total := s.History(HistoryFilter{})
	if total < 3 || hist[0].ID != api {
		t.Fatalf("history: %d, first %s", total, hist[0].ID)
	}
	if found, _ := s.History(HistoryFilter{Text: "ORDER BY eventTime, eventID", Source: "console"}); len(found) != 1 || found[0].ID != id {
		t.Fatalf("search: %+v", found)
	}
	if found, _ := s.History(HistoryFilter{Source: "api"}); len(found) != 2 {
		t.Fatalf("API queries: %d", len(found))
	}
	// Errors carry their position.
	_, err = s.StartQuery(ctx, "SELECT evntName\nFROM events", StartOptions{})
	if code, status, msg := ErrorOf(err); code != "InvalidQueryStatementException" || status != 400 || !strings.HasPrefix(msg, "1:8: ") {
		t.Fatalf("%s %d %s", code, status, msg)
	}
	if _, err := s.StartQuery(ctx, "SELECT 1", StartOptions{From: to, To: from}); err == nil {
		t.Fatal("a reversed range was accepted")
	}
}

// The shell's runs, recorded by another process, appear in a running
// server's history; they have no rows to read.
func TestHistoryRecordRun(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	start := time.Now().Add(-time.Second)
	if err := RecordRun(h.data, Run{Source: "shell", Statement: "SELECT 42", Status: stFinished, Started: start, Stats: engine.Stats{RowsOut: 1, Elapsed: 3 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	if err := RecordRun(h.data, Run{Source: "shell", Statement: "SELECT nope", Status: stFailed, Error: "1:8: unknown column", Started: start}); err != nil {
		t.Fatal(err)
	}
	hist, _ := h.srv.History(HistoryFilter{Source: "shell"})
	if len(hist) != 2 {
		t.Fatalf("shell runs in the history: %d", len(hist))
	}
	for _, r := range hist {
		if r.Statement == "SELECT nope" && (r.Status != stFailed || r.ErrorMessage != "1:8: unknown column") {
			t.Fatalf("%+v", r)
		}
	}
	if _, _, err := h.srv.Rows(hist[0].ID, 0, 1); err == nil {
		t.Fatal("rows of a shell run")
	}
	d := h.mustOK("DescribeQuery", map[string]any{"QueryId": hist[0].ID})
	if d["QueryStatus"] == "" {
		t.Fatalf("%v", d)
	}
	// And after a restart.
	h.stop()
	h = startServer(t, h.data, Config{})
	if hist, _ := h.srv.History(HistoryFilter{Source: "shell"}); len(hist) != 2 {
		t.Fatalf("after a restart: %d", len(hist))
	}
}

func TestSavedQueries(t *testing.T) {
	h := startServer(t, "", Config{})
	s := h.srv
	q, err := s.SaveQuery(SavedQuery{Name: "Top errors", Description: "errors by code", Statement: "SELECT errorCode, count(*) FROM $EDS_ID GROUP BY 1"})
	if err != nil || q.ID == "" {
		t.Fatal(q, err)
	}
	if _, err := s.SaveQuery(SavedQuery{Name: "top ERRORS", Statement: "SELECT 1"}); err == nil {
		t.Fatal("a second query of the same name was saved")
	}
	for _, bad := range []SavedQuery{{Name: "", Statement: "SELECT 1"}, {Name: "x", Statement: " "}, {Name: strings.Repeat("n", 129), Statement: "SELECT 1"}} {
		if _, err := s.SaveQuery(bad); err == nil {
			t.Fatalf("saved %+v", bad)
		}
	}
	q.Statement = "SELECT 2"
	if q2, err := s.SaveQuery(q); err != nil || q2.CreatedAt != q.CreatedAt || q2.Statement != "SELECT 2" {
		t.Fatal(q2, err)
	}
	// The CLI reads them from the data directory.
	got, err := FindSaved(h.data, "TOP errors")
	if err != nil || got.ID != q.ID || got.Statement != "SELECT 2" {
		t.Fatal(got, err)
	}
	if _, err := FindSaved(h.data, "missing"); err == nil {
		t.Fatal("found a missing query")
	}
	if err := s.DeleteSaved(q.ID); err != nil {
		t.Fatal(err)
	}
	if all, err := ListSaved(h.data); err != nil || len(all) != 0 {
		t.Fatal(all, err)
	}
	if err := s.DeleteSaved("../../etc/passwd"); err == nil {
		t.Fatal("deleted a path")
	}
}

// Managed dashboards: listed as MANAGED, refreshed over the store named by
// $EventDataStoreId$, each widget's query answering as its statement with
// the store and range bound; they cannot be changed.
func TestManagedDashboards(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	l := h.mustOK("ListDashboards", map[string]any{"Type": "MANAGED"})
	if n := len(l["Dashboards"].([]any)); n != len(managedDashboards) {
		t.Fatalf("%d managed dashboards", n)
	}
	if l := h.mustOK("ListDashboards", map[string]any{"Type": "CUSTOM"}); len(l["Dashboards"].([]any)) != 0 {
		t.Fatalf("%v", l)
	}
	g := h.mustOK("GetDashboard", map[string]any{"DashboardId": "AWSCloudTrail-Highlights"})
	if g["Type"] != "MANAGED" || len(g["Widgets"].([]any)) != 10 {
		t.Fatalf("%v", g)
	}
	h.mustFail("StartDashboardRefresh", map[string]any{"DashboardId": "AWSCloudTrail-Highlights"}, "InvalidParameterException", 400)
	r := h.mustOK("StartDashboardRefresh", map[string]any{"DashboardId": g["DashboardArn"], "QueryParameterValues": map[string]string{
		"$EventDataStoreId$": "events", "$StartTime$": "2024-05-02T00:00:00Z", "$EndTime$": "2024-05-05T00:00:00Z"}})
	st, err := h.srv.catalog.Open("events")
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(h.srv.catalog)
	for i, w := range g["Widgets"].([]any) {
		alias := w.(map[string]any)["QueryAlias"].(string)
		d := h.mustOK("DescribeQuery", map[string]any{"QueryAlias": alias, "RefreshId": r["RefreshId"]})
		d = h.waitStatus(d["QueryId"].(string))
		if d["QueryStatus"] != "FINISHED" {
			t.Fatalf("widget %d: %v", i+1, d)
		}
		stmt := d["QueryString"].(string)
		if !strings.Contains(stmt, "FROM "+st.Info.ID) || !strings.Contains(stmt, "'2024-05-02T00:00:00Z'") {
			t.Fatalf("widget %d: %s", i+1, stmt)
		}
		rows, _ := h.allRows(d["QueryId"].(string), 1000)
		out, err := eng.Run(context.Background(), stmt, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(rows)) != out.Rows() {
			t.Errorf("widget %d: %d rows, engine %d", i+1, len(rows), out.Rows())
		}
		out.Release()
		if i == 0 && rows[0][0]["events"] == "0" {
			t.Errorf("the summary counted no event")
		}
	}
	h.mustFail("UpdateDashboard", map[string]any{"DashboardId": "AWSCloudTrail-Highlights", "TerminationProtectionEnabled": true}, "UnsupportedOperationException", 400)
	h.mustFail("DeleteDashboard", map[string]any{"DashboardId": "AWSCloudTrail-Highlights"}, "UnsupportedOperationException", 400)
	h.mustFail("CreateDashboard", map[string]any{"Name": "AWSCloudTrail-Mine"}, "ConflictException", 409)
	// The refresh is remembered across a restart.
	h.stop()
	h = startServer(t, h.data, Config{})
	if g := h.mustOK("GetDashboard", map[string]any{"DashboardId": "AWSCloudTrail-Highlights"}); g["LastRefreshId"] != r["RefreshId"] {
		t.Fatalf("%v", g)
	}
}

// A custom widget scoped to the dashboard's range runs its saved query
// unchanged, scoped like the console's time picker.
func TestDashboardTimeScope(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	h.mustOK("CreateDashboard", map[string]any{"Name": "scoped", "Widgets": []any{map[string]any{
		"QueryStatement": "SELECT count(*) AS n FROM events", "ViewProperties": map[string]string{"View": "Number", "TimeScope": "Dashboard"}}}})
	r := h.mustOK("StartDashboardRefresh", map[string]any{"DashboardId": "scoped", "QueryParameterValues": map[string]string{
		"$StartTime$": "2024-05-03T00:00:00Z", "$EndTime$": "2024-05-04T00:00:00Z"}})
	d := h.mustOK("DescribeQuery", map[string]any{"QueryAlias": "dashboard-scoped-1", "RefreshId": r["RefreshId"]})
	h.waitStatus(d["QueryId"].(string), "FINISHED")
	rows, _ := h.allRows(d["QueryId"].(string), 10)
	direct := h.startQuery("SELECT count(*) AS n FROM events WHERE eventTime >= '2024-05-03' AND eventTime < '2024-05-04'")
	h.waitStatus(direct, "FINISHED")
	want, _ := h.allRows(direct, 10)
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("scoped widget %v, written range %v", rows, want)
	}
}

// The console's path answers operations without a signature.
func TestAuthenticatedHandler(t *testing.T) {
	h := startServer(t, "", Config{})
	req := httptest.NewRequest("POST", "/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "CloudTrail_20131101.ListEventDataStores")
	w := httptest.NewRecorder()
	h.srv.AuthenticatedHandler().ServeHTTP(w, req)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "EventDataStores") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	// The API's own handler still wants one.
	w = httptest.NewRecorder()
	req = httptest.NewRequest("POST", "/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "CloudTrail_20131101.ListEventDataStores")
	h.srv.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusForbidden {
		t.Fatalf("unsigned API request: %d", w.Code)
	}
	if !h.srv.CheckKeyPair(testAKID, testSecret) || h.srv.CheckKeyPair(testAKID, "wrong") || h.srv.CheckKeyPair("nobody", testSecret) {
		t.Fatal("CheckKeyPair")
	}
}

func TestDescribeStoreRejects(t *testing.T) {
	h := startServer(t, "", Config{})
	cat := h.srv.catalog
	st, err := cat.Create("rej", orcstore.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "in.json")
	os.WriteFile(in, []byte(`{"eventVersion":"1.09","eventTime":"2024-05-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"a","awsRegion":"us-east-1"}
{"eventVersion":"1.09","eventTime":"not a time","eventSource":"x","eventName":"y","eventID":"b"}
`), 0o644)
	src := map[string]any{"S3": map[string]any{"S3LocationUri": in, "S3BucketRegion": "us-east-1", "S3BucketAccessRoleArn": "arn:aws:iam::000000000000:role/x"}}
	h.mustOK("StartImport", map[string]any{"Destinations": []string{st.Info.ARN}, "ImportSource": src})
	h.srv.imports.wg.Wait()
	d, err := h.srv.DescribeStore("rej", 10)
	if err != nil {
		t.Fatal(err)
	}
	if d.Events != 1 || d.RejectsKept != 1 || len(d.Rejects) != 1 || !strings.Contains(d.Rejects[0].Raw, "not a time") || d.Rejects[0].Reason == "" || d.Rejects[0].Line != 2 {
		t.Fatalf("%+v", d)
	}
}
