package console

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/internal/testenv"
	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/querytest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	closeBrowser()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	fixture.Remove()
	os.Exit(code)
}

// Test events: generated ones over the last six days (so "last day" and
// "last week" hold events), plus hostile ones whose fields hold markup and
// javascript: URLs, which every view must show as text.
const (
	fixtureStore  = "trail"
	fixtureEvents = 5000
)

// xssEvents are events whose text fields try every way into the page.
func xssEvents(at time.Time) string {
	ts := at.UTC().Format(time.RFC3339)
	return `{"Records":[
{"eventVersion":"1.09","eventTime":"` + ts + `","eventSource":"evil.example.com","eventName":"<script>window.__xss=1</script>","awsRegion":"us-east-1","sourceIPAddress":"\"><img src=x onerror=\"window.__xss=2\">","userAgent":"javascript:window.__xss=3","eventID":"xss-0001","eventType":"AwsApiCall","readOnly":true,
 "userIdentity":{"type":"IAMUser","arn":"<img src=x onerror=window.__xss=4>","userName":"\"><svg onload=window.__xss=5>"},
 "requestParameters":{"<img src=x onerror=window.__xss=6>":"javascript:window.__xss=7","url":"javascript:alert(document.domain)","nested":{"<b>k</b>":"</pre><script>window.__xss=8</script>"}},
 "errorCode":"<iframe src=javascript:window.__xss=9>","errorMessage":"'><script>window.__xss=10</script>"},
{"eventVersion":"1.09","eventTime":"` + ts + `","eventSource":"evil.example.com","eventName":"<script>window.__xss=1</script>","awsRegion":"us-east-1","eventID":"xss-0002","eventType":"AwsApiCall",
 "requestParameters":{"<img src=x onerror=window.__xss=6>":"x"}}
]}`
}

// fixture holds data/, the store of fixtureEvents generated events and the
// xssEvents, and in/, its inputs.
var fixture = testenv.Fixture{Pattern: "console-fixture", Build: func(dir string) error {
	now := time.Now().UTC()
	in := filepath.Join(dir, "in")
	ctx := context.Background()
	start := now.Add(-6 * 24 * time.Hour).Truncate(time.Hour)
	cfg := gen.Config{Events: fixtureEvents, Seed: 18, Start: start, Days: 6, Accounts: 2, FileWindow: 24 * time.Hour, MaxPerFile: 100000}
	if _, err := gen.Write(ctx, cfg, gen.LayoutNDJSON, in); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(in, "xss.json"), []byte(xssEvents(now.Add(-2*time.Hour))), 0o644); err != nil {
		return err
	}
	_, err := querytest.IngestDirs(ctx, filepath.Join(dir, "data"), fixtureStore, ingest.Config{MaxFileRows: 1000}, in)
	return err
}}

// fixtureData returns a fresh copy of the test data directory.
func fixtureData(t testing.TB) string {
	t.Helper()
	return fixture.Copy(t, "data")
}

// holdMarker in a statement keeps the query RUNNING until it is
// cancelled (the cancel test's long query).
const holdMarker = "/*hold*/"

// env is ctlake serve with its console on a loopback port.
type env struct {
	t       testing.TB
	data    string
	srv     *lakeapi.Server
	console *Console
	hs      *http.Server
	url     string
	addr    string
}

// startEnv serves data (a fresh fixture copy when "") on 127.0.0.1.
func startEnv(t testing.TB, data string) *env {
	t.Helper()
	if data == "" {
		data = fixtureData(t)
	}
	e := &env{t: t, data: data}
	e.start("")
	t.Cleanup(e.stop)
	return e
}

// start serves on addr ("": a new port).
func (e *env) start(addr string) {
	e.t.Helper()
	cat, err := orcstore.OpenCatalog(e.data)
	if err != nil {
		e.t.Fatal(err)
	}
	srv, err := lakeapi.New(lakeapi.Config{Catalog: cat, Keys: []lakeapi.KeyPair{{AccessKeyID: "AKIDTEST", SecretAccessKey: "test-secret"}},
		BeforeRun: func(ctx context.Context, id, statement string) {
			if strings.Contains(statement, holdMarker) {
				<-ctx.Done()
			}
		}})
	if err != nil {
		e.t.Fatal(err)
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		srv.Close()
		e.t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	c, err := New(srv, Options{AllowedHosts: []string{"127.0.0.1:" + strconv.Itoa(port), "localhost:" + strconv.Itoa(port)}})
	if err != nil {
		e.t.Fatal(err)
	}
	c.Register(srv.Mux())
	e.srv, e.console, e.addr, e.url = srv, c, ln.Addr().String(), "http://"+ln.Addr().String()
	e.hs = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go e.hs.Serve(ln)
}

func (e *env) stop() {
	if e.hs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e.hs.Shutdown(ctx)
	e.srv.Close()
	e.hs = nil
}

// restart stops the server and starts a new one over the same data on
// the same address (a new token).
func (e *env) restart() {
	e.t.Helper()
	addr := e.addr
	e.stop()
	e.start(addr)
}

// storeID is the fixture store's ID.
func (e *env) storeID() string {
	st, err := e.srv.Catalog().Open(fixtureStore)
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Info.ID
}

// formatInt prints n with thousands separators, as the page does.
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// mustRun runs a one-value query through the engine, as ctlake query does.
func mustRun(t testing.TB, e *env, q string) string {
	t.Helper()
	out, err := engine.New(e.srv.Catalog()).Run(context.Background(), q, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	return out.Records[0].Column(0).ValueStr(0)
}

// httpLake calls a Lake operation as the console's path does, and returns
// the answer's body.
func httpLake(t testing.TB, e *env, op, body string) string {
	t.Helper()
	req := httptest.NewRequest("POST", "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "CloudTrail_20131101."+op)
	w := httptest.NewRecorder()
	e.srv.AuthenticatedHandler().ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", op, w.Code, w.Body)
	}
	return w.Body.String()
}
