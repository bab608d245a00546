package gen

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readTree returns every file under dir by slash path relative to dir.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	logPath = regexp.MustCompile(`^AWSLogs/(\d{12})/(CloudTrail|CloudTrail-Insight)/([a-z]{2}-[a-z]+-\d)/(\d{4})/(\d{2})/(\d{2})/(\d{12})_(CloudTrail|CloudTrail-Insight)_([a-z]{2}-[a-z]+-\d)_((\d{4})(\d{2})(\d{2})T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$`)
	digPath = regexp.MustCompile(`^AWSLogs/(\d{12})/CloudTrail-Digest/([a-z]{2}-[a-z]+-\d)/\d{4}/\d{2}/\d{2}/(\d{12})_CloudTrail-Digest_([a-z]{2}-[a-z]+-\d)_[A-Za-z0-9-]+_[a-z]{2}-[a-z]+-\d_\d{8}T\d{6}Z\.json\.gz$`)
)

func TestWriteS3Layout(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Events: 20000, Seed: 3, Days: 1, Accounts: 2, Duplicates: 0.03, MaxPerFile: 400}
	sum, err := Write(context.Background(), cfg, LayoutS3, dir)
	if err != nil {
		t.Fatal(err)
	}
	tree := readTree(t, dir)
	type seenEvent struct {
		raw   string
		file  string
		stamp string
	}
	first := map[string]seenEvent{}
	counts := map[Pair]int64{}
	records := map[Pair]int64{} // re-deliveries included
	var logFiles, insightFiles, digests, dups, inOrder, pairs, unsortedFiles int
	var bytesOnDisk int64
	for p, b := range tree {
		bytesOnDisk += int64(len(b))
		if m := digPath.FindStringSubmatch(p); m != nil {
			digests++
			if m[1] != m[3] || m[2] != m[4] {
				t.Errorf("digest %s: account/region in name and path differ", p)
			}
			var d map[string]any
			if err := json.Unmarshal(gunzip(t, b), &d); err != nil || d["Records"] != nil || d["logFiles"] == nil {
				t.Errorf("digest %s: not a digest document (err %v)", p, err)
			}
			continue
		}
		m := logPath.FindStringSubmatch(p)
		if m == nil {
			t.Fatalf("unexpected path %s", p)
		}
		logFiles++
		acct, kind, region, stamp := m[1], m[2], m[3], m[10]
		if m[7] != acct || m[8] != kind || m[9] != region || m[4] != m[11] || m[5] != m[12] || m[6] != m[13] {
			t.Errorf("%s: name does not match its directories", p)
		}
		if kind == "CloudTrail-Insight" {
			insightFiles++
		}
		stampTime, _ := time.Parse("20060102T1504Z", stamp)
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(gunzip(t, b), &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(doc.Records) == 0 {
			t.Errorf("%s: no records", p)
		}
		own := 0
		var prevTime string
		sorted := true
		for _, raw := range doc.Records {
			var e event
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if e.RecipientAccountID != acct || e.AwsRegion != region {
				t.Errorf("%s holds an event of %s/%s", p, e.RecipientAccountID, e.AwsRegion)
			}
			if (e.EventCategory == "Insight") != (kind == "CloudTrail-Insight") {
				t.Errorf("%s holds a %s event", p, e.EventCategory)
			}
			if tm, _ := time.Parse("2006-01-02T15:04:05Z", e.EventTime); tm.After(stampTime) {
				t.Errorf("%s: eventTime %s after delivery stamp %s", p, e.EventTime, stamp)
			}
			records[Pair{e.EventSource, e.EventName}]++
			if prev, ok := first[e.EventID]; ok {
				dups++
				if prev.raw != string(raw) {
					t.Errorf("re-delivered event %s differs from its first copy", e.EventID)
				}
				if prev.file == p {
					t.Errorf("event %s delivered twice in %s", e.EventID, p)
				}
				continue
			}
			first[e.EventID] = seenEvent{raw: string(raw), file: p, stamp: stamp}
			own++
			counts[Pair{e.EventSource, e.EventName}]++
			if prevTime != "" {
				pairs++
				if prevTime <= e.EventTime {
					inOrder++
				} else {
					sorted = false
				}
			}
			prevTime = e.EventTime
		}
		if own > cfg.MaxPerFile {
			t.Errorf("%s holds %d events, cap %d", p, own, cfg.MaxPerFile)
		}
		if !sorted {
			unsortedFiles++
		}
	}
	if int64(len(first)) != sum.Events || int64(dups) != sum.Duplicates {
		t.Errorf("files hold %d unique events and %d re-deliveries; summary says %d and %d", len(first), dups, sum.Events, sum.Duplicates)
	}
	if sum.Duplicates == 0 || float64(sum.Duplicates) > 0.06*float64(sum.Events) {
		t.Errorf("duplicates %d for fraction %.2f of %d", sum.Duplicates, cfg.Duplicates, sum.Events)
	}
	if insightFiles == 0 {
		t.Error("no CloudTrail-Insight files")
	}
	if logFiles != sum.Files || digests != sum.Digests || digests == 0 || bytesOnDisk != sum.Bytes {
		t.Errorf("on disk: %d logs, %d digests, %d bytes; summary %d, %d, %d", logFiles, digests, bytesOnDisk, sum.Files, sum.Digests, sum.Bytes)
	}
	for p, n := range counts {
		if sum.Counts[p] != n {
			t.Errorf("count of %v: summary %d, files %d", p, sum.Counts[p], n)
		}
	}
	if len(counts) != len(sum.Counts) {
		t.Errorf("summary has %d pairs, files %d", len(sum.Counts), len(counts))
	}
	rc := sum.RecordCounts()
	for p, n := range records {
		if rc[p] != n {
			t.Errorf("records of %v: summary %d, files %d", p, rc[p], n)
		}
	}
	if r := float64(inOrder) / float64(pairs); r < 0.6 || unsortedFiles == 0 {
		t.Errorf("time order inside files: %.2f of neighbours in order, %d unsorted files; want mostly but not strictly ordered", r, unsortedFiles)
	}
}

func TestWriteS3DuplicatesLater(t *testing.T) {
	dir := t.TempDir()
	sum, err := Write(context.Background(), Config{Events: 5000, Seed: 9, Days: 1, Accounts: 1, Duplicates: 0.1, MaxPerFile: 20}, LayoutS3, dir)
	if err != nil {
		t.Fatal(err)
	}
	stamps := map[string][]string{} // eventID → delivery stamps of its copies
	perWindow := map[string]int{}
	for p, b := range readTree(t, dir) {
		m := logPath.FindStringSubmatch(p)
		if m == nil {
			continue
		}
		perWindow[m[2]+m[3]+m[10]]++
		var doc struct {
			Records []struct{ EventID string }
		}
		if err := json.Unmarshal(gunzip(t, b), &doc); err != nil {
			t.Fatal(err)
		}
		for _, r := range doc.Records {
			stamps[r.EventID] = append(stamps[r.EventID], m[10])
		}
	}
	// A re-delivery sits in a later delivery than the original: their stamps
	// differ, even when windows are split into several files.
	var later int64
	for id, s := range stamps {
		switch {
		case len(s) > 2:
			t.Errorf("event %s delivered %d times", id, len(s))
		case len(s) == 2 && s[0] != s[1]:
			later++
		}
	}
	if later != sum.Duplicates || later == 0 {
		t.Errorf("%d re-deliveries in a later file, summary %d", later, sum.Duplicates)
	}
	split := 0
	for _, n := range perWindow {
		if n > 1 {
			split++
		}
	}
	if split == 0 {
		t.Error("no window was split into several files; the test needs some")
	}
}

func TestWriteDeterministicAcrossWorkers(t *testing.T) {
	cfg := Config{Events: 3000, Seed: 11, Days: 1, Accounts: 1, Duplicates: 0.05, MaxPerFile: 300}
	var trees []map[string][]byte
	for _, workers := range []int{1, 3} {
		for _, layout := range []Layout{LayoutS3, LayoutNDJSON} {
			c := cfg
			c.Workers = workers
			dir := t.TempDir()
			if _, err := Write(context.Background(), c, layout, dir); err != nil {
				t.Fatal(err)
			}
			trees = append(trees, readTree(t, dir))
		}
	}
	for i := 2; i < 4; i++ {
		a, b := trees[i-2], trees[i]
		if len(a) != len(b) {
			t.Fatalf("worker counts give %d vs %d files", len(a), len(b))
		}
		for p, x := range a {
			if !bytes.Equal(x, b[p]) {
				t.Fatalf("%s differs between 1 and 3 workers", p)
			}
		}
	}
	other := cfg
	other.Seed = 12
	dir := t.TempDir()
	if _, err := Write(context.Background(), other, LayoutNDJSON, dir); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(readTree(t, dir)["events-00000.ndjson"], trees[1]["events-00000.ndjson"]) {
		t.Error("seeds 11 and 12 wrote identical ndjson")
	}
}

func TestWriteNDJSONMatchesGenerator(t *testing.T) {
	cfg := Config{Events: 6000, Seed: 5, Duplicates: 0.05}
	dir := t.TempDir()
	sum, err := Write(context.Background(), cfg, LayoutNDJSON, dir)
	if err != nil {
		t.Fatal(err)
	}
	tree := readTree(t, dir)
	if len(tree) != 1 || sum.Files != 1 {
		t.Fatalf("want one ndjson file, got %d (summary %d)", len(tree), sum.Files)
	}
	got := tree["events-00000.ndjson"]
	recs, gsum := collect(t, cfg)
	var want []byte
	for _, r := range recs {
		want = append(append(want, r...), '\n')
	}
	if !bytes.Equal(got, want) {
		t.Fatal("ndjson file differs from the Generator's records")
	}
	if lines := strings.Count(string(got), "\n"); int64(lines) != sum.Records() || sum.Events != gsum.Events || sum.Duplicates != gsum.Duplicates {
		t.Errorf("%d lines; Write summary %d+%d, Generator %d+%d", lines, sum.Events, sum.Duplicates, gsum.Events, gsum.Duplicates)
	}
}

func TestWriteErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Write(ctx, Config{Events: 1000}, LayoutS3, t.TempDir()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	if _, err := Write(context.Background(), Config{Events: 10}, Layout("zip"), t.TempDir()); err == nil {
		t.Error("unknown layout accepted")
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := Write(context.Background(), Config{Events: 10}, LayoutS3, filepath.Join(file, "sub")); err == nil {
		t.Error("writing under a regular file succeeded")
	}
	sum, err := Write(context.Background(), Config{Events: 0}, LayoutS3, t.TempDir())
	if err != nil || sum.Events != 0 || sum.Files != 0 {
		t.Errorf("zero events: %+v, %v", sum, err)
	}
}

func TestCountsTSV(t *testing.T) {
	s := Summary{Counts: map[Pair]int64{
		{"s3.amazonaws.com", "GetObject"}: 5, {"kms.amazonaws.com", "Decrypt"}: 5, {}: 5,
		{"ec2.amazonaws.com", "DescribeInstances"}: 9, {"iam.amazonaws.com", "GetUser"}: 1,
	}}
	var b bytes.Buffer
	if err := s.WriteCountsTSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "eventSource\teventName\tcount\n" +
		"ec2.amazonaws.com\tDescribeInstances\t9\n" +
		"kms.amazonaws.com\tDecrypt\t5\n" +
		"s3.amazonaws.com\tGetObject\t5\n" +
		"\t\t5\n" +
		"iam.amazonaws.com\tGetUser\t1\n"
	if b.String() != want {
		t.Errorf("TSV:\n%s\nwant:\n%s", b.String(), want)
	}
	// Same header as the ground-truth files shipped with the datasets.
	if ref, err := os.ReadFile("/work/shared/datasets/invictus-aws-stratus/expected_eventsource_eventname_counts.tsv"); err == nil {
		if h, _, _ := strings.Cut(string(ref), "\n"); h+"\n" != want[:len(h)+1] {
			t.Errorf("header %q differs from the datasets' %q", want[:len(h)], h)
		}
	}
}
