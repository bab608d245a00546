package duckpeer

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// datasetsDir holds the real CloudTrail data sets, read-only and outside the
// repository (../shared/datasets next to the repository root).
const datasetsDir = "../../../shared/datasets"

// datasetCase says how one data set loads. The expected counts come from
// the folder's expected_eventsource_eventname_counts.tsv (written when the
// data set was collected, independently of this code); untimed lists the
// (eventSource, eventName, count) of events without a parseable eventTime,
// which are dropped by default as ctlake rejects them. facts are counts
// stated in the folder's SOURCE.md, checked over all events (untimed
// included) to see that values, not only rows, arrive.
type datasetCase struct {
	name      string
	timeField string
	untimed   map[[2]string]int
	facts     []fact
}

type fact struct {
	where string // condition on the events
	want  int64
}

var datasetCases = []datasetCase{
	{name: "invictus-aws-stratus", facts: []fact{
		{"eventVersion = '1.09'", 35},
		{"eventType = 'AwsServiceEvent'", 42},
		{"eventType = 'AwsConsoleSignIn'", 3},
		{"userIdentity->>'type' = 'IAMUser'", 2748},
		{"userIdentity->>'type' = 'AssumedRole'", 76},
		{"userIdentity IS NOT NULL AND (userIdentity->>'type') IS NULL", 42},
		{"errorCode IS NOT NULL", 300},
		{"errorCode = 'ThrottlingException'", 102},
		{"requestParameters IS NULL", 333}, // present but null
		{"responseElements IS NULL", 2573},
		{"serviceEventDetails IS NOT NULL", 2},
		{"eventTime BETWEEN '2023-07-10 11:42:18' AND '2023-07-10 12:37:50'", 2900},
	}},
	// OTRF's events went through Logstash: no eventTime, only @timestamp.
	{name: "otrf-ec2-proxy-s3-exfil", timeField: "@timestamp", facts: []fact{
		{"eventVersion = '1.05'", 94},
		{"eventCategory = 'Data'", 9},
		{"additionalEventData->>'bytesTransferredOut' IS NOT NULL", 9},
		{"eventTime BETWEEN '2020-09-14 00:44:00' AND '2020-09-14 01:14:00'", 103},
	}},
	// Panther's test events: 13 with eventTime null, one "redacted", one
	// "..." (SOURCE.md); ctlake's ingest documents the same 15 rejects.
	{name: "panther-cloudtrail-tests", untimed: pantherUntimed, facts: []fact{
		{"eventVersion IS NULL", 42},
		{"userIdentity IS NULL", 10},
		{"eventCategory = 'NetworkActivity'", countPantherNetwork},
		{"eventTime IS NULL", 15},
		// Its one serviceEventDetails is a JSON-encoded string: NULL, as in ctlake.
		{"serviceEventDetails IS NULL", 459},
		// Two events spell userIdentity's keys in lower case (principalid):
		// ->> misses them, ctlake's struct rule (ct_field) does not.
		{"(userIdentity->>'principalId') IS NOT NULL", 415},
		{"ct_field(userIdentity, 'principalId') IS NOT NULL", 417},
	}},
	{name: "stratus-red-team-detonations", facts: []fact{
		{"eventVersion = '1.10'", 7},
		{"eventType = 'AwsConsoleSignIn'", 1},
		{"userIdentity->>'type' = 'IAMUser'", 241},
		{"userIdentity->>'type' = 'FederatedUser'", 1},
		{"errorCode = 'Client.UnauthorizedOperation'", 46},
		{"requestParameters IS NULL", 10},
		{"responseElements IS NULL", 263},
		{"awsRegion = 'apiso-northsouth-3r'", countStratusRegion},
	}},
}

// pantherUntimed was counted from the NDJSON with jq, independently of
// DuckDB: select(.eventTime == null or ((.eventTime|tostring)|test("^[0-9]{4}-")|not)).
// Counts not in SOURCE.md, taken with jq from the files:
// select(.eventCategory=="NetworkActivity") and
// .[]|select(.awsRegion=="apiso-northsouth-3r"). So are the
// serviceEventDetails and principalId facts below (select on the value's
// type; on .userIdentity.principalId != null, and on userIdentity's keys
// lower-cased containing "principalid").
const (
	countPantherNetwork = 9
	countStratusRegion  = 34
)

var pantherUntimed = map[[2]string]int{
	{"ec2.amazonaws.com", "DescribeInstances"}:              2,
	{"ec2.amazonaws.com", "DisableEbsEncryptionByDefault"}:  1,
	{"secretsmanager.amazonaws.com", "BatchGetSecretValue"}: 4,
	{"secretsmanager.amazonaws.com", "GetSecretValue"}:      1,
	{"signin.amazonaws.com", "ConsoleLogin"}:                4,
	{"signin.amazonaws.com", "ExternalIdPDirectoryLogin"}:   1, // "redacted"
	{"sso.amazonaws.com", "CreateToken"}:                    1,
	{"sso.amazonaws.com", "ListApplications"}:               1, // "..."
}

func TestDatasets(t *testing.T) {
	if _, err := os.Stat(datasetsDir); err != nil {
		t.Skipf("data sets not available (%v): they live in ../shared/datasets next to the repository", err)
	}
	for _, dc := range datasetCases {
		t.Run(dc.name, func(t *testing.T) {
			dir := filepath.Join(datasetsDir, dc.name)
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("data set absent: %v", err)
			}
			want := readExpected(t, filepath.Join(dir, "expected_eventsource_eventname_counts.tsv"))
			files, err := ExpandPaths([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()

			// Imported, untimed events dropped: the rows ctlake stores.
			p, err := OpenWith(Options{TimeField: dc.timeField})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if _, err := p.LoadJSON(ctx, "events", files); err != nil {
				t.Fatal(err)
			}
			checkCounts(t, p, "events", want, dc.untimed)

			// A view over the files, every event kept.
			all, err := OpenWith(Options{TimeField: dc.timeField, KeepUntimed: true})
			if err != nil {
				t.Fatal(err)
			}
			defer all.Close()
			if err := all.ViewJSON(ctx, "raw", files); err != nil {
				t.Fatal(err)
			}
			checkCounts(t, all, "raw", want, nil)
			// The facts run on a copy: each query on the view would parse
			// the files again.
			if err := all.Exec(ctx, "CREATE TABLE rawt AS SELECT * FROM raw"); err != nil {
				t.Fatal(err)
			}
			for _, f := range dc.facts {
				row := queryOne(t, all, "SELECT count(*) FROM rawt WHERE "+f.where)
				if row[0] != f.want {
					t.Errorf("%s: %v events, want %d", f.where, row[0], f.want)
				}
			}
		})
	}
}

// TestDatasetGzip loads the Records data set gzipped (as CloudTrail
// delivers it) and expects the same counts as the plain files.
func TestDatasetGzip(t *testing.T) {
	dir := filepath.Join(datasetsDir, "invictus-aws-stratus")
	files, err := ExpandPaths([]string{filepath.Join(dir, "CloudTrail")})
	if err != nil {
		t.Skipf("data set not available: %v", err)
	}
	tmp := t.TempDir()
	var gzFiles []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(tmp, filepath.Base(f)+".gz")
		if err := os.WriteFile(out, gz(t, string(data)), 0o644); err != nil {
			t.Fatal(err)
		}
		gzFiles = append(gzFiles, out)
	}
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.LoadJSON(context.Background(), "events", gzFiles); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, p, "events", readExpected(t, filepath.Join(dir, "expected_eventsource_eventname_counts.tsv")), nil)
}

// checkCounts compares table's per (eventSource, eventName) counts with
// want minus untimed.
func checkCounts(t testing.TB, p *Peer, table string, want, untimed map[[2]string]int) {
	t.Helper()
	_, rows, err := p.Query(context.Background(), "SELECT eventSource, eventName, count(*) FROM "+table+" GROUP BY 1, 2")
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]int{}
	for _, r := range rows {
		got[[2]string{str(r[0]), str(r[1])}] = int(r[2].(int64))
	}
	for k, c := range want {
		if w := c - untimed[k]; got[k] != w {
			t.Errorf("%s: %s %s: %d events, want %d", table, k[0], k[1], got[k], w)
		}
	}
	for k, c := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s %s: %d events, none expected", table, k[0], k[1], c)
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func readExpected(t testing.TB, path string) map[[2]string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[[2]string]int{}
	sc := bufio.NewScanner(f)
	for line := 0; sc.Scan(); line++ {
		parts := strings.Split(sc.Text(), "\t")
		if line == 0 || len(parts) != 3 {
			continue
		}
		n, err := strconv.Atoi(parts[2])
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out[[2]string{parts[0], parts[1]}] = n
	}
	return out
}
