package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// collect runs a Generator to the end and returns every record.
func collect(t testing.TB, cfg Config) ([][]byte, Summary) {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	var buf []byte
	for {
		buf, err = g.Next(buf[:0])
		if errors.Is(err, ErrDone) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bytes.Clone(buf))
	}
	return out, g.Summary()
}

func TestGeneratorDeterminism(t *testing.T) {
	cfg := Config{Events: 20000, Seed: 42, Duplicates: 0.05}
	a, _ := collect(t, cfg)
	b, _ := collect(t, cfg)
	if len(a) != len(b) {
		t.Fatalf("runs differ in length: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("record %d differs between identical runs:\n%s\n%s", i, a[i], b[i])
		}
	}
	cfg.Seed = 43
	c, _ := collect(t, cfg)
	same := 0
	for i := 0; i < min(len(a), len(c)); i++ {
		if bytes.Equal(a[i], c[i]) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seed 42 and 43 share %d identical records", same)
	}
}

// event is the subset of a record the tests check, decoded by encoding/json
// independently of the generator.
type event struct {
	EventVersion    string          `json:"eventVersion"`
	UserIdentity    map[string]any  `json:"userIdentity"`
	EventTime       string          `json:"eventTime"`
	EventSource     string          `json:"eventSource"`
	EventName       string          `json:"eventName"`
	AwsRegion       string          `json:"awsRegion"`
	SourceIPAddress string          `json:"sourceIPAddress"`
	UserAgent       string          `json:"userAgent"`
	ErrorCode       *string         `json:"errorCode"`
	ErrorMessage    *string         `json:"errorMessage"`
	RequestParams   json.RawMessage `json:"requestParameters"`
	EventID         string          `json:"eventID"`
	ReadOnly        *bool           `json:"readOnly"`
	Resources       []struct {
		AccountID string `json:"accountId"`
		Type      string `json:"type"`
		ARN       string `json:"ARN"`
	} `json:"resources"`
	EventType          string         `json:"eventType"`
	ManagementEvent    *bool          `json:"managementEvent"`
	RecipientAccountID string         `json:"recipientAccountId"`
	VpcEndpointID      string         `json:"vpcEndpointId"`
	SharedEventID      string         `json:"sharedEventID"`
	InsightDetails     map[string]any `json:"insightDetails"`
	EventCategory      string         `json:"eventCategory"`
	TLSDetails         map[string]any `json:"tlsDetails"`
	FromConsole        string         `json:"sessionCredentialFromConsole"`
}

func TestEventsValidAndRealistic(t *testing.T) {
	cfg := Config{Events: 100000, Seed: 7}
	recs, sum := collect(t, cfg)
	if int64(len(recs)) != cfg.Events || sum.Events != cfg.Events {
		t.Fatalf("got %d records, summary %d events, want %d", len(recs), sum.Events, cfg.Events)
	}
	start := DefaultStart
	end := start.Add(7 * 24 * time.Hour)
	regionOK := map[string]bool{}
	for _, r := range regions {
		regionOK[r.name] = true
	}
	ids := map[string]bool{}
	counts := map[Pair]int64{}
	cats := map[string]int{}
	idTypes := map[string]int{}
	regionN := map[string]int{}
	insights := map[string][]event{} // by sharedEventID
	var errs, tls, console, apiCalls, peak, trough int
	for i, raw := range recs {
		var e event // json.Unmarshal checks the whole record is valid JSON
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("record %d is not valid JSON: %v\n%s", i, err, raw)
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("record %d: "+format+"\n%s", append([]any{i}, append(args, raw)...)...)
		}
		if e.EventVersion != "1.08" && e.EventVersion != "1.09" {
			fail("eventVersion %q", e.EventVersion)
		}
		tm, err := time.Parse("2006-01-02T15:04:05Z", e.EventTime)
		if err != nil || tm.Before(start) || !tm.Before(end) {
			fail("eventTime %q outside [%s, %s)", e.EventTime, start, end)
		}
		if h := tm.Hour(); h >= 14 && h < 17 {
			peak++
		} else if h >= 8 && h < 11 {
			trough++
		}
		if len(e.EventID) != 36 || ids[e.EventID] {
			fail("eventID %q missing, malformed or repeated", e.EventID)
		}
		ids[e.EventID] = true
		if !regionOK[e.AwsRegion] || len(e.RecipientAccountID) != 12 {
			fail("awsRegion %q / recipientAccountId %q", e.AwsRegion, e.RecipientAccountID)
		}
		regionN[e.AwsRegion]++
		cats[e.EventCategory]++
		if e.ErrorCode != nil || e.ErrorMessage != nil {
			errs++
		}
		switch e.EventCategory {
		case "Insight":
			if e.EventType != "AwsCloudTrailInsight" || e.EventSource != "" || e.UserIdentity != nil {
				fail("Insights event shape")
			}
			for _, k := range []string{"state", "eventSource", "eventName", "insightType", "insightContext"} {
				if e.InsightDetails[k] == nil {
					fail("insightDetails lacks %s", k)
				}
			}
			counts[Pair{}]++
			insights[e.SharedEventID] = append(insights[e.SharedEventID], e)
			continue
		case "NetworkActivity":
			if e.EventType != "AwsVpceEvent" || !strings.HasPrefix(e.VpcEndpointID, "vpce-") || e.ReadOnly != nil {
				fail("network activity event shape")
			}
		case "Data", "Management":
			if e.ReadOnly == nil || e.ManagementEvent == nil || *e.ManagementEvent != (e.EventCategory == "Management") {
				fail("readOnly/managementEvent missing or inconsistent with eventCategory")
			}
			if e.EventCategory == "Data" && (len(e.Resources) == 0 || e.Resources[0].Type == "" || e.Resources[0].ARN == "") {
				fail("data event without resources")
			}
			n := e.EventName
			if (strings.HasPrefix(n, "Get") || strings.HasPrefix(n, "Describe") || strings.HasPrefix(n, "List")) && !*e.ReadOnly {
				fail("readOnly false for %s", n)
			}
			if e.EventType == "AwsApiCall" {
				apiCalls++
				if e.TLSDetails != nil {
					tls++
				}
			}
			if e.FromConsole == "true" {
				console++
			}
		default:
			fail("eventCategory %q", e.EventCategory)
		}
		if e.EventSource == "" || e.EventName == "" || e.UserIdentity == nil || e.SourceIPAddress == "" {
			fail("missing eventSource/eventName/userIdentity/sourceIPAddress")
		}
		if ty, _ := e.UserIdentity["type"].(string); ty != "" {
			idTypes[ty]++
		} else {
			idTypes["(none)"]++
		}
		if k, ok := e.UserIdentity["accessKeyId"].(string); ok && (len(k) != 20 || !(strings.HasPrefix(k, "AKIA") || strings.HasPrefix(k, "ASIA"))) {
			fail("accessKeyId %q", k)
		}
		if e.EventSource == "s3.amazonaws.com" && e.EventCategory == "Data" && e.EventName == "GetObject" {
			var p map[string]any
			if json.Unmarshal(e.RequestParams, &p) != nil || p["bucketName"] == nil || p["Host"] == nil || p["key"] == nil {
				fail("S3 GetObject requestParameters lack bucketName/Host/key")
			}
			if e.Resources[0].Type != "AWS::S3::Object" {
				fail("S3 object event resource type %q", e.Resources[0].Type)
			}
		}
		counts[Pair{e.EventSource, e.EventName}]++
	}

	// The Summary matches a count taken from the JSON itself.
	if len(counts) != len(sum.Counts) {
		t.Errorf("summary has %d pairs, records have %d", len(sum.Counts), len(counts))
	}
	for p, n := range counts {
		if sum.Counts[p] != n {
			t.Errorf("count of %v: summary %d, records %d", p, sum.Counts[p], n)
		}
	}
	if sum.Errors != int64(errs) {
		t.Errorf("summary errors %d, records %d", sum.Errors, errs)
	}

	// Insights come in Start/End pairs about one API of one account and region.
	if len(insights) < 5 || len(insights) > 30 {
		t.Errorf("%d Insights pairs in %d events, want about one event per 4000", len(insights), len(recs))
	}
	for id, pair := range insights {
		if len(pair) != 2 {
			t.Errorf("sharedEventID %s: %d Insights events, want a Start and an End", id, len(pair))
			continue
		}
		s, e := pair[0], pair[1]
		if s.InsightDetails["state"] == "End" {
			s, e = e, s
		}
		if s.InsightDetails["state"] != "Start" || e.InsightDetails["state"] != "End" ||
			s.InsightDetails["eventName"] != e.InsightDetails["eventName"] || s.InsightDetails["eventSource"] != e.InsightDetails["eventSource"] ||
			s.RecipientAccountID != e.RecipientAccountID || s.AwsRegion != e.AwsRegion || s.EventTime > e.EventTime {
			t.Errorf("sharedEventID %s: not a matching Start/End pair: %+v / %+v", id, s, e)
		}
	}

	n := float64(len(recs))
	if share := float64(errs) / n; share < 0.01 || share > 0.08 {
		t.Errorf("error share %.3f, want a few percent", share)
	}
	for _, c := range catNames {
		if cats[c] == 0 {
			t.Errorf("no %s events in %d", c, len(recs))
		}
	}
	if share := float64(cats["Data"]) / n; share < 0.2 || share > 0.6 {
		t.Errorf("data event share %.2f", share)
	}
	for _, ty := range []string{"IAMUser", "AssumedRole", "Root", "AWSService", "FederatedUser", "WebIdentityUser", "IdentityCenterUser", "AWSAccount", "(none)"} {
		if idTypes[ty] == 0 {
			t.Errorf("no userIdentity of type %s", ty)
		}
	}
	if len(counts) < 300 {
		t.Errorf("%d distinct (eventSource, eventName) in %d events, want hundreds", len(counts), len(recs))
	}
	if float64(tls) < 0.5*float64(apiCalls) {
		t.Errorf("tlsDetails in %d of %d API calls", tls, apiCalls)
	}
	if console == 0 {
		t.Error("no sessionCredentialFromConsole")
	}
	if regionN["us-east-1"] <= regionN["us-west-2"] || regionN["us-west-2"] <= regionN["ap-northeast-1"] {
		t.Errorf("region skew not as designed: %v", regionN)
	}
	if float64(peak) < 1.4*float64(trough) {
		t.Errorf("no diurnal pattern: %d events 14-17h vs %d events 8-11h", peak, trough)
	}
	// Skew: a handful of hot APIs, led by S3 object reads and KMS.
	type pc struct {
		p Pair
		n int64
	}
	var top pc
	var tail int
	for p, n := range counts {
		if n > top.n {
			top = pc{p, n}
		}
		if n < 20 {
			tail++
		}
	}
	if top.p != (Pair{"s3.amazonaws.com", "GetObject"}) && top.p != (Pair{"kms.amazonaws.com", "Decrypt"}) {
		t.Errorf("most frequent pair is %v", top.p)
	}
	if float64(top.n) < 0.03*n || tail < 50 {
		t.Errorf("popularity not Zipf-like: top %v = %d, %d pairs under 20", top.p, top.n, tail)
	}
}
