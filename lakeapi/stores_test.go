package lakeapi

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/s3fake"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// TestStoreLifecycle: create with Lake's defaults, the same store seen by
// orcstore (and so by the CLI), update, the refused delete, PENDING_DELETION
// for 7 days (queries refused, restorable), then gone.
func TestStoreLifecycle(t *testing.T) {
	clock := &testClock{t: time.Now()}
	h := startServer(t, "", Config{Now: clock.Now})
	out := h.mustOK("CreateEventDataStore", map[string]any{"Name": "trail", "TagsList": []map[string]string{{"Key": "env", "Value": "test"}}})
	arn := out["EventDataStoreArn"].(string)
	if !strings.HasPrefix(arn, "arn:aws:cloudtrail:us-east-1:000000000000:eventdatastore/") || out["Status"] != "ENABLED" ||
		out["TerminationProtectionEnabled"] != true || out["MultiRegionEnabled"] != true || out["OrganizationEnabled"] != false ||
		out["BillingMode"] != "EXTENDABLE_RETENTION_PRICING" || out["RetentionPeriod"].(float64) != float64(orcstore.DefaultRetentionDays) {
		t.Fatalf("create: %v", out)
	}
	sels := out["AdvancedEventSelectors"].([]any)
	if len(sels) != 1 || sels[0].(map[string]any)["Name"] != "Default management events" {
		t.Fatalf("default selectors: %v", sels)
	}
	if tags := out["TagsList"].([]any); len(tags) != 1 {
		t.Fatalf("tags %v", tags)
	}
	// The catalog (what `ctlake store list` reads) has it, by name and ID.
	id := arn[strings.LastIndex(arn, "/")+1:]
	st, err := h.srv.catalog.Open("trail")
	if err != nil || st.Info.ID != id || st.Info.ARN != arn {
		t.Fatalf("catalog: %v %v", st, err)
	}
	for _, ref := range []string{arn, id, "trail"} {
		if g := h.mustOK("GetEventDataStore", map[string]any{"EventDataStore": ref}); g["Name"] != "trail" || g["TagsList"] != nil {
			t.Fatalf("get %s: %v", ref, g)
		}
	}
	// A store the CLI made is listed with Lake's defaults.
	if _, err := h.srv.catalog.Create("cli-made", orcstore.CreateOptions{NoTerminationProtection: true}); err != nil {
		t.Fatal(err)
	}
	var names []string
	token := ""
	for {
		req := map[string]any{"MaxResults": 1}
		if token != "" {
			req["NextToken"] = token
		}
		l := h.mustOK("ListEventDataStores", req)
		for _, s := range l["EventDataStores"].([]any) {
			names = append(names, s.(map[string]any)["Name"].(string))
		}
		if l["NextToken"] == nil {
			break
		}
		token = l["NextToken"].(string)
	}
	if !reflect.DeepEqual(names, []string{"cli-made", "trail"}) {
		t.Fatalf("list %v", names)
	}
	// Update: rename, retention, protection off.
	u := h.mustOK("UpdateEventDataStore", map[string]any{"EventDataStore": id, "Name": "trail2", "RetentionPeriod": 90, "TerminationProtectionEnabled": false, "MultiRegionEnabled": false})
	if u["Name"] != "trail2" || u["RetentionPeriod"].(float64) != 90 || u["TerminationProtectionEnabled"] != false || u["MultiRegionEnabled"] != false {
		t.Fatalf("update: %v", u)
	}
	h.mustFail("UpdateEventDataStore", map[string]any{"EventDataStore": id, "Name": "cli-made"}, "EventDataStoreAlreadyExistsException", 400)
	// Ingestion switch.
	h.mustOK("StopEventDataStoreIngestion", map[string]any{"EventDataStore": id})
	if g := h.mustOK("GetEventDataStore", map[string]any{"EventDataStore": id}); g["Status"] != "STOPPED_INGESTION" {
		t.Fatalf("%v", g)
	}
	h.mustFail("StopEventDataStoreIngestion", map[string]any{"EventDataStore": id}, "InvalidEventDataStoreStatusException", 400)
	h.mustOK("StartEventDataStoreIngestion", map[string]any{"EventDataStore": id})
	// Delete: PENDING_DELETION, refused for queries and updates, restorable.
	q := h.startQuery("SELECT count(*) FROM " + id)
	h.waitStatus(q, "FINISHED")
	if d := h.mustOK("DeleteEventDataStore", map[string]any{"EventDataStore": id}); len(d) != 0 {
		t.Fatalf("delete answered %v, want {}", d)
	}
	if g := h.mustOK("GetEventDataStore", map[string]any{"EventDataStore": id}); g["Status"] != "PENDING_DELETION" {
		t.Fatalf("%v", g)
	}
	h.mustFail("StartQuery", map[string]any{"QueryStatement": "SELECT count(*) FROM " + id}, "InactiveEventDataStoreException", 400)
	h.mustFail("ListQueries", map[string]any{"EventDataStore": id}, "InactiveEventDataStoreException", 400)
	h.mustFail("UpdateEventDataStore", map[string]any{"EventDataStore": id, "RetentionPeriod": 30}, "InactiveEventDataStoreException", 400)
	h.mustFail("DeleteEventDataStore", map[string]any{"EventDataStore": id}, "InactiveEventDataStoreException", 400)
	r := h.mustOK("RestoreEventDataStore", map[string]any{"EventDataStore": id})
	if r["Status"] != "ENABLED" {
		t.Fatalf("restore: %v", r)
	}
	if l := h.mustOK("ListQueries", map[string]any{"EventDataStore": id}); len(l["Queries"].([]any)) != 1 {
		t.Fatalf("queries of the restored store: %v", l)
	}
	h.mustOK("DeleteEventDataStore", map[string]any{"EventDataStore": id})
	clock.Add(7*24*time.Hour - time.Minute)
	h.srv.sweep()
	if _, err := h.srv.catalog.Open(id); err != nil {
		t.Fatalf("purged before its 7 days: %v", err)
	}
	clock.Add(2 * time.Minute)
	h.srv.sweep()
	if _, err := h.srv.catalog.Open(id); err == nil {
		t.Fatal("still there after 7 days of PENDING_DELETION")
	}
	h.mustFail("RestoreEventDataStore", map[string]any{"EventDataStore": id}, "EventDataStoreNotFoundException", 404)
	if _, err := os.Stat(filepath.Join(h.data, "stores", id)); !os.IsNotExist(err) {
		t.Fatalf("store folder left: %v", err)
	}
}

// TestImport imports a local folder (file:// and a plain path) into a
// store, with a damaged file among good ones.
func TestImport(t *testing.T) {
	h := startServer(t, "", Config{})
	in := filepath.Join(t.TempDir(), "logs")
	if _, err := gen.Write(context.Background(), gen.Config{Events: 500, Seed: 3}, gen.LayoutS3, in); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "bad.json"), []byte(`{"Records":[{"eventTime":"not a time","eventName":"X"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := h.mustOK("CreateEventDataStore", map[string]any{"Name": "imported", "AdvancedEventSelectors": []any{
		map[string]any{"Name": "all", "FieldSelectors": []any{map[string]any{"Field": "eventCategory", "Equals": []string{"Management", "Data"}}}}}})
	arn := out["EventDataStoreArn"].(string)
	src := map[string]any{"S3": map[string]any{"S3LocationUri": "file://" + in, "S3BucketRegion": "us-east-1", "S3BucketAccessRoleArn": "arn:aws:iam::000000000000:role/x"}}
	bad := map[string]any{"S3": map[string]any{"S3LocationUri": "s3://", "S3BucketRegion": "us-east-1", "S3BucketAccessRoleArn": "arn:aws:iam::000000000000:role/x"}}
	h.mustFail("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": bad}, "InvalidImportSourceException", 400)
	im := h.mustOK("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src})
	id := im["ImportId"].(string)
	if im["ImportStatus"] != "INITIALIZING" && im["ImportStatus"] != "IN_PROGRESS" {
		t.Fatalf("%v", im)
	}
	var g map[string]any
	deadline := time.Now().Add(60 * time.Second)
	for {
		g = h.mustOK("GetImport", map[string]any{"ImportId": id})
		if s := g["ImportStatus"]; s != "INITIALIZING" && s != "IN_PROGRESS" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("import still %v", g["ImportStatus"])
		}
		time.Sleep(10 * time.Millisecond)
	}
	stats := g["ImportStatistics"].(map[string]any)
	if g["ImportStatus"] != "COMPLETED" || stats["FailedEntries"].(float64) != 1 || stats["FilesCompleted"].(float64) < 2 {
		t.Fatalf("%v", g)
	}
	// What was imported is what a query counts.
	q := h.startQuery("SELECT count(*) AS n FROM imported")
	h.waitStatus(q, "FINISHED")
	rows, _ := h.allRows(q, 1)
	if got := rows[0][0]["n"]; got != strconv.FormatInt(int64(stats["EventsCompleted"].(float64)), 10) || got == "0" {
		t.Fatalf("store holds %v events, import says %v", got, stats["EventsCompleted"])
	}
	f := h.mustOK("ListImportFailures", map[string]any{"ImportId": id})
	fails := f["Failures"].([]any)
	if len(fails) != 1 || !strings.Contains(fails[0].(map[string]any)["Location"].(string), "bad.json") {
		t.Fatalf("failures %v", f)
	}
	l := h.mustOK("ListImports", map[string]any{"Destination": arn})
	if len(l["Imports"].([]any)) != 1 {
		t.Fatalf("%v", l)
	}
	// A rerun with the same ImportId adds nothing new (deduplicated by eventID).
	h.mustOK("StartImport", map[string]any{"ImportId": id})
	for {
		g = h.mustOK("GetImport", map[string]any{"ImportId": id})
		if s := g["ImportStatus"]; s != "INITIALIZING" && s != "IN_PROGRESS" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if g["ImportStatus"] != "COMPLETED" || g["ImportStatistics"].(map[string]any)["EventsCompleted"].(float64) != 0 {
		t.Fatalf("rerun: %v", g)
	}
	// A plain absolute path works as file:// does; a store being imported
	// into cannot be deleted.
	h.mustOK("UpdateEventDataStore", map[string]any{"EventDataStore": arn, "TerminationProtectionEnabled": false})
	src["S3"].(map[string]any)["S3LocationUri"] = in
	h.mustOK("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src})
	h.srv.imports.wg.Wait()
	if st := h.mustOK("ListImports", map[string]any{"ImportStatus": "COMPLETED"}); len(st["Imports"].([]any)) != 2 {
		t.Fatalf("%v", st)
	}
	// With an import root, paths outside it (also through a link) are refused.
	h.stop()
	root := filepath.Dir(in)
	h = startServer(t, h.data, Config{ImportRoot: root})
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{outside, filepath.Join(root, "link"), root + "/../" + filepath.Base(outside)} {
		src["S3"].(map[string]any)["S3LocationUri"] = p
		h.mustFail("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src}, "InvalidImportSourceException", 400)
	}
	src["S3"].(map[string]any)["S3LocationUri"] = "file://" + in
	h.mustOK("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src})
	h.srv.imports.wg.Wait()
}

// TestDashboards: widgets with ? placeholders, a refresh run through the
// query runner, each run found by alias and refresh ID.
func TestDashboards(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	widgets := []any{
		map[string]any{"QueryStatement": "SELECT count(*) AS n FROM events WHERE eventTime >= '?' AND eventTime < '?'",
			"QueryParameters": []string{"$StartTime$", "$EndTime$"}, "ViewProperties": map[string]string{"View": "Table"}},
		map[string]any{"QueryStatement": "SELECT eventName, count(*) AS n FROM events GROUP BY eventName ORDER BY n DESC LIMIT 2",
			"ViewProperties": map[string]string{"View": "Table"}},
	}
	c := h.mustOK("CreateDashboard", map[string]any{"Name": "ops", "Widgets": widgets, "TerminationProtectionEnabled": true})
	if c["Type"] != "CUSTOM" || len(c["Widgets"].([]any)) != 2 {
		t.Fatalf("%v", c)
	}
	alias := c["Widgets"].([]any)[0].(map[string]any)["QueryAlias"].(string)
	h.mustFail("CreateDashboard", map[string]any{"Name": "ops"}, "ConflictException", 409)
	r := h.mustOK("StartDashboardRefresh", map[string]any{"DashboardId": c["DashboardArn"],
		"QueryParameterValues": map[string]string{"$StartTime$": "2024-05-03T00:00:00Z", "$EndTime$": "2024-05-04T00:00:00Z"}})
	refresh := r["RefreshId"].(string)
	d := h.mustOK("DescribeQuery", map[string]any{"QueryAlias": alias, "RefreshId": refresh})
	d = h.waitStatus(d["QueryId"].(string))
	if d["QueryStatus"] != "FINISHED" || !strings.Contains(d["QueryString"].(string), "'2024-05-03T00:00:00Z'") {
		t.Fatalf("%v", d)
	}
	rows, _ := h.allRows(d["QueryId"].(string), 10)
	direct := h.startQuery("SELECT count(*) AS n FROM events WHERE eventTime >= '2024-05-03T00:00:00Z' AND eventTime < '2024-05-04T00:00:00Z'")
	h.waitStatus(direct, "FINISHED")
	if want, _ := h.allRows(direct, 10); !reflect.DeepEqual(rows, want) {
		t.Fatalf("widget %v, direct %v", rows, want)
	}
	// StartQuery by alias with parameters; DescribeQuery by alias gives the last run.
	q := h.mustOK("StartQuery", map[string]any{"QueryAlias": alias, "QueryParameters": []string{"2024-05-01", "2024-05-02"}})
	if d := h.mustOK("DescribeQuery", map[string]any{"QueryAlias": alias}); d["QueryId"] != q["QueryId"] {
		t.Fatalf("last run of %s is %v, want %v", alias, d["QueryId"], q["QueryId"])
	}
	h.waitStatus(q["QueryId"].(string), "FINISHED")
	h.mustFail("StartQuery", map[string]any{"QueryAlias": alias, "QueryParameters": []string{"only-one"}}, "InvalidParameterException", 400)
	g := h.mustOK("GetDashboard", map[string]any{"DashboardId": "ops"})
	if g["LastRefreshId"] != refresh || g["Status"] != "CREATED" {
		t.Fatalf("%v", g)
	}
	if l := h.mustOK("ListDashboards", map[string]any{"NamePrefix": "ops"}); len(l["Dashboards"].([]any)) != 1 {
		t.Fatalf("%v", l)
	}
	h.mustFail("DeleteDashboard", map[string]any{"DashboardId": "ops"}, "ConflictException", 409)
	h.mustOK("UpdateDashboard", map[string]any{"DashboardId": "ops", "TerminationProtectionEnabled": false})
	h.mustOK("DeleteDashboard", map[string]any{"DashboardId": "ops"})
	h.mustFail("GetDashboard", map[string]any{"DashboardId": "ops"}, "ResourceNotFoundException", 404)
	for _, id := range h.srv.queries.list(func(*QueryRecord) bool { return true }) {
		h.waitStatus(id.ID)
	}
}

func TestBindParams(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT * FROM e WHERE eventTime > '?' AND x = ?", "SELECT * FROM e WHERE eventTime > 'A' AND x = 'B'"},
		{"SELECT '?x', \"?\" FROM e -- ?\nWHERE a = ? /* ? */", "SELECT '?x', \"?\" FROM e -- ?\nWHERE a = 'A' /* ? */"},
		{"SELECT 'it''s' WHERE a = '?'", "SELECT 'it''s' WHERE a = 'A'"},
	}
	for _, c := range cases {
		got, err := bindParams(c.in, []string{"A", "B"})
		if err != nil || got != c.want {
			t.Errorf("bindParams(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if got, _ := bindParams("a = ?", []string{"x' OR '1'='1"}); got != "a = 'x'' OR ''1''=''1'" {
		t.Errorf("quote not doubled: %q", got)
	}
}

// TestScheduledRefresh: a dashboard whose RefreshSchedule is ENABLED is
// refreshed by the janitor once per period of the (injected) clock.
func TestScheduledRefresh(t *testing.T) {
	clock := &testClock{t: time.Date(2024, 5, 8, 0, 0, 0, 0, time.UTC)}
	h := startServer(t, fixtureData(t), Config{Now: clock.Now})
	h.mustOK("CreateDashboard", map[string]any{"Name": "hourly",
		"Widgets": []any{map[string]any{"QueryStatement": "SELECT count(*) AS n FROM events WHERE eventTime >= '?' AND eventTime < '?'",
			"QueryParameters": []string{"$StartTime$", "$EndTime$"}, "ViewProperties": map[string]string{"View": "Table"}}},
		"RefreshSchedule": map[string]any{"Frequency": map[string]any{"Unit": "HOURS", "Value": 6}, "Status": "ENABLED"}})
	refreshes := func() int {
		n := 0
		for _, r := range h.srv.queries.list(func(r *QueryRecord) bool { return r.Alias == "dashboard-hourly-1" }) {
			h.waitStatus(r.ID, "FINISHED")
			n++
		}
		return n
	}
	h.srv.sweep()
	if n := refreshes(); n != 1 {
		t.Fatalf("%d refreshes after the first sweep, want 1", n)
	}
	clock.Add(5 * time.Hour)
	h.srv.sweep()
	if n := refreshes(); n != 1 {
		t.Fatalf("%d refreshes 5 hours in, want 1", n)
	}
	clock.Add(time.Hour)
	h.srv.sweep()
	if n := refreshes(); n != 2 {
		t.Fatalf("%d refreshes 6 hours in, want 2", n)
	}
	// The last period's window: 2024-05-07 18:00 to 05-08 00:00 at the first run.
	d := h.mustOK("DescribeQuery", map[string]any{"QueryAlias": "dashboard-hourly-1"})
	if !strings.Contains(d["QueryString"].(string), "'2024-05-08 00:00:00.000' AND eventTime < '2024-05-08 06:00:00.000'") {
		t.Fatalf("%v", d["QueryString"])
	}
}

// s3ImportFixture starts an in-process S3 whose bucket trail-bucket holds
// 400 generated events over two days from day0 in CloudTrail's layout, with
// the environment's AWS settings replaced by a test key; it returns the
// server and the number of objects.
func s3ImportFixture(t *testing.T, day0 time.Time) (*s3fake.Server, int) {
	dir := t.TempDir()
	s3fake.SetCredentials(t, "AKIDS3TEST", "s3-secret", "us-east-1")
	fake := s3fake.Start(t)
	fake.CreateBucket(t, "trail-bucket")
	logs := filepath.Join(dir, "logs")
	if _, err := gen.Write(context.Background(), gen.Config{Events: 400, Seed: 9, Start: day0, Days: 2}, gen.LayoutS3, logs); err != nil {
		t.Fatal(err)
	}
	files := 0
	err := filepath.Walk(logs, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(logs, p)
		fake.Put(t, "trail-bucket", filepath.ToSlash(rel), b)
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fake, files
}

// TestImportS3 imports an s3:// prefix (an in-process S3) with ingest's S3
// reader; a second import of the same prefix fetches nothing again.
func TestImportS3(t *testing.T) {
	day0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	fake, files := s3ImportFixture(t, day0)
	h := startServer(t, "", Config{S3: s3io.Options{Endpoint: fake.URL, PathStyle: true, MaxBackoff: 20 * time.Millisecond, Timeout: 5 * time.Second}})
	arn := h.mustOK("CreateEventDataStore", map[string]any{"Name": "froms3", "AdvancedEventSelectors": []any{
		map[string]any{"Name": "all", "FieldSelectors": []any{map[string]any{"Field": "eventCategory", "Equals": []string{"Management", "Data", "NetworkActivity", "Insight"}}}}}})["EventDataStoreArn"].(string)
	src := map[string]any{"S3": map[string]any{"S3LocationUri": "s3://trail-bucket/", "S3BucketRegion": "us-east-1", "S3BucketAccessRoleArn": "arn:aws:iam::000000000000:role/x"}}
	wait := func(id string) map[string]any {
		for deadline := time.Now().Add(60 * time.Second); ; {
			g := h.mustOK("GetImport", map[string]any{"ImportId": id})
			if s := g["ImportStatus"]; s != "INITIALIZING" && s != "IN_PROGRESS" {
				return g
			}
			if time.Now().After(deadline) {
				t.Fatalf("import still %v", g["ImportStatus"])
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// An import with a time window keeps the events inside it (bounds
	// included), whatever the dates of the files holding them.
	from, until := day0.Add(12*time.Hour), day0.Add(30*time.Hour)
	g := wait(h.mustOK("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src,
		"StartEventTime": from.Unix(), "EndEventTime": until.Unix()})["ImportId"].(string))
	windowed := g["ImportStatistics"].(map[string]any)["EventsCompleted"].(float64)
	if g["ImportStatus"] != "COMPLETED" || windowed == 0 || windowed >= 400 {
		t.Fatalf("windowed import: %v", g)
	}
	// The objects it read are not recorded as read whole: the import
	// without a window reads them again and adds the rest.
	g = wait(h.mustOK("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src})["ImportId"].(string))
	stats := g["ImportStatistics"].(map[string]any)
	// Every generated event arrives; the bucket also holds digest files,
	// which the listing skips.
	if g["ImportStatus"] != "COMPLETED" || windowed+stats["EventsCompleted"].(float64) != 400 || stats["FilesCompleted"].(float64) == 0 || stats["FilesCompleted"].(float64) > float64(files) {
		t.Fatalf("%v (%d objects in the bucket; %v events imported in the window)", g, files, windowed)
	}
	q := h.startQuery(fmt.Sprintf("SELECT count(*) AS n, count_if(eventTime BETWEEN timestamp '%s' AND timestamp '%s') AS w FROM froms3",
		from.Format(time.DateTime), until.Format(time.DateTime)))
	h.waitStatus(q, "FINISHED")
	rows, _ := h.allRows(q, 1)
	if rows[0][0]["n"] != "400" || rows[0][1]["w"] != strconv.FormatInt(int64(windowed), 10) {
		t.Fatalf("store holds %v events, %v in the window; the windowed import took %v", rows[0][0]["n"], rows[0][1]["w"], windowed)
	}
	gets := fake.Count("GET")
	g = wait(h.mustOK("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src})["ImportId"].(string))
	if g["ImportStatus"] != "FAILED" || fake.Count("GET") != gets {
		t.Fatalf("second import of the same prefix: %v; %d objects fetched again", g, fake.Count("GET")-gets)
	}
	f := h.mustOK("ListImportFailures", map[string]any{"ImportId": g["ImportId"]})
	if msg := f["Failures"].([]any)[0].(map[string]any)["ErrorMessage"].(string); !strings.Contains(msg, "no new CloudTrail files") {
		t.Fatalf("%v", f)
	}
}

// TestImportInterrupted: a server that dies during an import (its record
// left IN_PROGRESS, as after kill -9) reads the import FAILED after a
// restart, with a ServerStopped failure saying how to resume; StartImport
// with the ImportId resumes it to COMPLETED and the store holds every event
// once. A clean shutdown during an import records STOPPED instead.
func TestImportInterrupted(t *testing.T) {
	in := filepath.Join(t.TempDir(), "logs")
	gs, err := gen.Write(context.Background(), gen.Config{Events: 400, Seed: 5}, gen.LayoutS3, in)
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan string, 1)
	hold := func(ctx context.Context, id string) {
		started <- id
		<-ctx.Done()
	}
	h := startServer(t, "", Config{hooks: &hooks{importing: hold}})
	arn := h.mustOK("CreateEventDataStore", map[string]any{"Name": "interrupted", "AdvancedEventSelectors": []any{
		map[string]any{"Name": "all", "FieldSelectors": []any{map[string]any{"Field": "eventCategory", "Equals": []string{"Management", "Data"}}}}}})["EventDataStoreArn"].(string)
	src := map[string]any{"S3": map[string]any{"S3LocationUri": "file://" + in, "S3BucketRegion": "us-east-1", "S3BucketAccessRoleArn": "arn:aws:iam::000000000000:role/x"}}
	id := h.mustOK("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src})["ImportId"].(string)
	<-started
	record := filepath.Join(h.data, "api", "imports", id+".json")
	running, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(running), `"IN_PROGRESS"`) {
		t.Fatalf("record while held: %s", running)
	}
	h.stop() // a clean shutdown cancels the import: STOPPED
	h = startServer(t, h.data, Config{})
	if g := h.mustOK("GetImport", map[string]any{"ImportId": id}); g["ImportStatus"] != "STOPPED" {
		t.Fatalf("after a clean shutdown: %v", g)
	}
	h.stop()
	// What kill -9 leaves: the record as it was while the import ran.
	if err := os.WriteFile(record, running, 0o600); err != nil {
		t.Fatal(err)
	}
	h = startServer(t, h.data, Config{})
	g := h.mustOK("GetImport", map[string]any{"ImportId": id})
	if g["ImportStatus"] != "FAILED" {
		t.Fatalf("after a crash: %v", g)
	}
	fails := h.mustOK("ListImportFailures", map[string]any{"ImportId": id})["Failures"].([]any)
	last := fails[len(fails)-1].(map[string]any)
	if last["ErrorType"] != "ServerStopped" || !strings.Contains(last["ErrorMessage"].(string), "resumes it") {
		t.Fatalf("failures: %v", fails)
	}
	if s := h.mustOK("ListImports", map[string]any{"ImportStatus": "FAILED"})["Imports"].([]any); len(s) != 1 {
		t.Fatalf("ListImports FAILED: %v", s)
	}
	h.mustOK("StartImport", map[string]any{"ImportId": id})
	h.srv.imports.wg.Wait()
	g = h.mustOK("GetImport", map[string]any{"ImportId": id})
	// The logs' events, less those of categories the selectors leave out.
	done := int64(g["ImportStatistics"].(map[string]any)["EventsCompleted"].(float64))
	if g["ImportStatus"] != "COMPLETED" || done < gs.Events*9/10 || done > gs.Events {
		t.Fatalf("resumed: %v (the logs hold %d events)", g, gs.Events)
	}
	q := h.startQuery("SELECT count(*) AS n, count(DISTINCT eventID) AS d FROM interrupted")
	h.waitStatus(q, "FINISHED")
	rows, _ := h.allRows(q, 1)
	want := strconv.FormatInt(done, 10)
	if rows[0][0]["n"] != want || rows[0][1]["d"] != want {
		t.Fatalf("store holds %v; the import says %s events", rows, want)
	}
}
