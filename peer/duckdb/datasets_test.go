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
// which are dropped by default as ctlake rejects them.
type datasetCase struct {
	name      string
	timeField string
	untimed   map[[2]string]int
}

var datasetCases = []datasetCase{
	{name: "invictus-aws-stratus"},
	// OTRF's events went through Logstash: no eventTime, only @timestamp.
	{name: "otrf-ec2-proxy-s3-exfil", timeField: "@timestamp"},
	// Panther's test events: 13 with eventTime null, one "redacted", one
	// "..." (SOURCE.md); ctlake's ingest documents the same 15 rejects.
	{name: "panther-cloudtrail-tests", untimed: pantherUntimed},
	{name: "stratus-red-team-detonations"},
}

// pantherUntimed was counted from the NDJSON with jq, independently of
// DuckDB: select(.eventTime == null or ((.eventTime|tostring)|test("^[0-9]{4}-")|not)).
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
			p, err := OpenWith(Options{TimeField: dc.timeField})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			ctx := context.Background()
			n, err := p.LoadJSON(ctx, "events", files)
			if err != nil {
				t.Fatal(err)
			}
			var total int64
			for k, c := range want {
				total += int64(c - dc.untimed[k])
			}
			if n != total {
				t.Errorf("loaded %d rows, want %d", n, total)
			}
			_, rows, err := p.Query(ctx, `SELECT eventSource, eventName, count(*) FROM events GROUP BY 1, 2`)
			if err != nil {
				t.Fatal(err)
			}
			got := map[[2]string]int{}
			for _, r := range rows {
				got[[2]string{str(r[0]), str(r[1])}] = int(r[2].(int64))
			}
			for k, c := range want {
				if w := c - dc.untimed[k]; got[k] != w {
					t.Errorf("%s %s: %d events, want %d", k[0], k[1], got[k], w)
				}
			}
			for k, c := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("%s %s: %d events, none expected", k[0], k[1], c)
				}
			}
		})
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func readExpected(t *testing.T, path string) map[[2]string]int {
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
