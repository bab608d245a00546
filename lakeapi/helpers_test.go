package lakeapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"go.uber.org/goleak"

	"github.com/ctlake/ctlake/internal/testenv"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/querytest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { fixture.Remove() }))
}

// The test key pair, as the reference's harness uses it.
const (
	testAKID   = "AKIDEXAMPLE"
	testSecret = "secret"
)

// fixture holds data/, the golden fixture store "events" (6,005 events
// over 2024-05-01..07), and in/, its inputs.
var fixture = testenv.Fixture{Pattern: "lakeapi-fixture", Build: func(dir string) error {
	_, err := querytest.BuildFixture(context.Background(), dir)
	return err
}}

// fixtureData returns a fresh copy of the golden fixture's data directory,
// so each test may change it.
func fixtureData(t testing.TB) string {
	t.Helper()
	return fixture.Copy(t, "data")
}

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is a server on a loopback port over a data directory.
type harness struct {
	t      testing.TB
	srv    *Server
	http   *httptest.Server
	url    string
	data   string
	client *http.Client
	now    func() time.Time
}

// startServer starts a server over data (a new empty directory when "")
// with cfg's settings (Catalog, Keys and the clock filled in when unset).
func startServer(t testing.TB, data string, cfg Config) *harness {
	t.Helper()
	if data == "" {
		data = filepath.Join(t.TempDir(), "data")
	}
	cat, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Catalog = cat
	if len(cfg.Keys) == 0 && !cfg.NoAuth {
		cfg.Keys = []KeyPair{{testAKID, testSecret}}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	tr := &http.Transport{}
	h := &harness{t: t, srv: srv, http: hs, url: hs.URL, data: data, client: &http.Client{Transport: tr}, now: cfg.Now}
	t.Cleanup(func() { h.stop() })
	return h
}

// stop closes the HTTP side and the server (idempotent).
func (h *harness) stop() {
	h.http.Close()
	h.client.Transport.(*http.Transport).CloseIdleConnections()
	h.srv.Close()
}

// call sends a signed request for op and decodes the answer into a map
// (the error's __type and message on failure).
func (h *harness) call(op string, body any) (int, map[string]any) {
	h.t.Helper()
	b, ok := body.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(body); err != nil {
			h.t.Fatal(err)
		}
	}
	resp := h.send(h.signed(op, b, testAKID, testSecret, h.now()))
	var out map[string]any
	if err := json.Unmarshal(resp.body, &out); err != nil {
		h.t.Fatalf("%s: answer is not JSON: %q", op, resp.body)
	}
	return resp.status, out
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (h *harness) send(req *http.Request) response {
	h.t.Helper()
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// signed builds a request as botocore sends it, signed with the SDK signer
// at time t.
func (h *harness) signed(op string, body []byte, akid, secret string, t time.Time) *http.Request {
	return h.signedTarget("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."+op, body, akid, secret, t)
}

// signedTarget is signed with any X-Amz-Target.
func (h *harness) signedTarget(target string, body []byte, akid, secret string, t time.Time) *http.Request {
	req, err := http.NewRequest("POST", h.url+"/", bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", jsonContentType)
	req.Header.Set("X-Amz-Target", target)
	if akid != "" {
		sum := sha256.Sum256(body)
		signer := v4.NewSigner()
		if err := signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}, req, hex.EncodeToString(sum[:]), "cloudtrail", "us-east-1", t); err != nil {
			h.t.Fatal(err)
		}
	}
	return req
}

// mustOK calls op and fails the test unless it answers 200.
func (h *harness) mustOK(op string, body any) map[string]any {
	h.t.Helper()
	st, out := h.call(op, body)
	if st != 200 {
		h.t.Fatalf("%s %v: status %d: %v", op, body, st, out)
	}
	return out
}

// mustFail calls op and checks the error code and status.
func (h *harness) mustFail(op string, body any, code string, status int) string {
	h.t.Helper()
	st, out := h.call(op, body)
	if st != status || out["__type"] != code {
		h.t.Fatalf("%s %v: got %d %v, want %d %s", op, body, st, out, status, code)
	}
	msg, _ := out["message"].(string)
	return msg
}

// startQuery starts a query and returns its ID.
func (h *harness) startQuery(sql string) string {
	h.t.Helper()
	out := h.mustOK("StartQuery", map[string]any{"QueryStatement": sql})
	return out["QueryId"].(string)
}

// waitStatus polls DescribeQuery until the query is in a terminal state
// (or one of want), within a generous deadline.
func (h *harness) waitStatus(id string, want ...string) map[string]any {
	h.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out := h.mustOK("DescribeQuery", map[string]any{"QueryId": id})
		st := out["QueryStatus"].(string)
		for _, w := range want {
			if st == w {
				return out
			}
		}
		if len(want) == 0 && terminal(st) {
			return out
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("query %s still %s after 60s (want %v)", id, st, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// allRows pages through a finished query's results with page size n.
func (h *harness) allRows(id string, n int) ([][]map[string]any, int) {
	h.t.Helper()
	var rows [][]map[string]any
	token := ""
	pages := 0
	for {
		req := map[string]any{"QueryId": id, "MaxQueryResults": n}
		if token != "" {
			req["NextToken"] = token
		}
		out := h.mustOK("GetQueryResults", req)
		pages++
		var page struct {
			QueryResultRows [][]map[string]any
			NextToken       string
			QueryStatistics struct{ ResultsCount, TotalResultsCount int }
		}
		b, _ := json.Marshal(out)
		json.Unmarshal(b, &page)
		if page.QueryStatistics.ResultsCount != len(page.QueryResultRows) {
			h.t.Fatalf("ResultsCount %d for a page of %d rows", page.QueryStatistics.ResultsCount, len(page.QueryResultRows))
		}
		if len(page.QueryResultRows) > n {
			h.t.Fatalf("page of %d rows for MaxQueryResults %d", len(page.QueryResultRows), n)
		}
		rows = append(rows, page.QueryResultRows...)
		if page.NextToken == "" {
			if len(rows) != page.QueryStatistics.TotalResultsCount {
				h.t.Fatalf("read %d rows, TotalResultsCount %d", len(rows), page.QueryStatistics.TotalResultsCount)
			}
			return rows, pages
		}
		token = page.NextToken
		if pages > 100000 {
			h.t.Fatal("no end to the pages")
		}
	}
}

// gate holds the queries whose statement contains a marker until released
// or cancelled.
type gate struct {
	marker  string
	release chan struct{}
	entered chan string
}

func newGate(marker string) *gate {
	return &gate{marker: marker, release: make(chan struct{}), entered: make(chan string, 100)}
}

// hold blocks a matching query until the gate opens or ctx ends.
func (g *gate) hold(ctx context.Context, id, stmt string) {
	if !strings.Contains(stmt, g.marker) {
		return
	}
	g.entered <- id
	select {
	case <-g.release:
	case <-ctx.Done():
	}
}

func (g *gate) open() { close(g.release) }
