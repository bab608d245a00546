package console

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// client is a plain HTTP client of the console (no browser).
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	csrf string
}

func newClient(t *testing.T, e *env) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path, body string, header map[string]string) (int, http.Header, string) {
	c.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.e.url+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func (c *client) login(body string) int {
	c.t.Helper()
	st, h, out := c.do("POST", "/console/login", body, map[string]string{"Content-Type": "application/json"})
	if st == http.StatusOK {
		var v struct{ CSRF string }
		json.Unmarshal([]byte(out), &v)
		c.csrf = v.CSRF
		ck := h.Get("Set-Cookie")
		for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
			if !strings.Contains(ck, want) {
				c.t.Errorf("session cookie %q lacks %s", ck, want)
			}
		}
	}
	return st
}

// endpoints are every console route that needs a session, with a body
// that would be valid.
var endpoints = []struct{ method, path, body string }{
	{"GET", "/console/api/session", ""},
	{"GET", "/console/api/catalog", ""},
	{"GET", "/console/api/mapkeys?store=trail&column=requestParameters", ""},
	{"POST", "/console/api/queries", `{"statement":"SELECT 1"}`},
	{"GET", "/console/api/queries/00000000-0000-4000-8000-000000000000", ""},
	{"GET", "/console/api/queries/00000000-0000-4000-8000-000000000000/rows?start=0&count=1", ""},
	{"POST", "/console/api/queries/00000000-0000-4000-8000-000000000000/cancel", ""},
	{"GET", "/console/api/queries/00000000-0000-4000-8000-000000000000/export?format=csv", ""},
	{"GET", "/console/api/history", ""},
	{"GET", "/console/api/saved", ""},
	{"POST", "/console/api/saved", `{"name":"x","statement":"SELECT 1"}`},
	{"PUT", "/console/api/saved/00000000-0000-4000-8000-000000000000", `{"name":"x","statement":"SELECT 1"}`},
	{"DELETE", "/console/api/saved/00000000-0000-4000-8000-000000000000", ""},
	{"GET", "/console/api/stores/trail", ""},
	{"GET", "/console/api/activity", ""},
	{"POST", "/console/api/lake", `{}`},
	{"POST", "/console/logout", ""},
}

// Without a session every endpoint answers 401; with a session but
// without the CSRF token (or with another's), every one that changes
// something answers 403 and changes nothing.
func TestAuthRefusals(t *testing.T) {
	e := startEnv(t, "")
	anon := newClient(t, e)
	for _, ep := range endpoints {
		if st, _, body := anon.do(ep.method, ep.path, ep.body, map[string]string{"X-Amz-Target": "CloudTrail_20131101.ListEventDataStores"}); st != http.StatusUnauthorized {
			t.Errorf("%s %s without a session: %d %s", ep.method, ep.path, st, body)
		}
	}
	c := newClient(t, e)
	if st := c.login(`{"token":"` + e.console.Token() + `"}`); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	other := newClient(t, e)
	other.login(`{"token":"` + e.console.Token() + `"}`)
	for _, ep := range endpoints {
		mutating := ep.method != "GET" || strings.Contains(ep.path, "/export")
		if !mutating {
			continue
		}
		for _, token := range []string{"", other.csrf, c.csrf + "x"} {
			h := map[string]string{"X-Amz-Target": "CloudTrail_20131101.CreateEventDataStore"}
			if token != "" {
				h["X-CSRF-Token"] = token
			}
			path := ep.path
			if strings.Contains(path, "/export") && token != "" {
				path += "&csrf=" + url.QueryEscape(token)
			}
			if st, _, body := c.do(ep.method, path, ep.body, h); st != http.StatusForbidden {
				t.Errorf("%s %s with CSRF %q: %d %s", ep.method, ep.path, token, st, body)
			}
		}
	}
	// Nothing was created by the refused requests.
	if st, _, body := c.do("GET", "/console/api/saved", "", nil); st != 200 || strings.Contains(body, `"name"`) {
		t.Fatalf("saved after refusals: %d %s", st, body)
	}
	// With the token, they work; a cross-site Origin is refused even so.
	h := map[string]string{"X-CSRF-Token": c.csrf, "Content-Type": "application/json"}
	if st, _, body := c.do("POST", "/console/api/saved", `{"name":"ok","statement":"SELECT 1"}`, h); st != 200 {
		t.Fatalf("save with the token: %d %s", st, body)
	}
	h["Origin"] = "http://evil.example"
	if st, _, _ := c.do("POST", "/console/api/saved", `{"name":"ok2","statement":"SELECT 1"}`, h); st != http.StatusForbidden {
		t.Fatalf("cross-site Origin: %d", st)
	}
	// Logout ends the session.
	if st, _, _ := c.do("POST", "/console/logout", "", map[string]string{"X-CSRF-Token": c.csrf}); st != 200 {
		t.Fatal("logout")
	}
	if st, _, _ := c.do("GET", "/console/api/session", "", nil); st != http.StatusUnauthorized {
		t.Fatalf("after logout: %d", st)
	}
}

func TestLogin(t *testing.T) {
	e := startEnv(t, "")
	for _, body := range []string{`{"token":"wrong-token-wrong-token"}`, `{"token":""}`, `{}`, `{"accessKeyId":"AKIDTEST","secretAccessKey":"nope"}`, `not json`} {
		if st := newClient(t, e).login(body); st == http.StatusOK {
			t.Errorf("login with %s succeeded", body)
		}
	}
	if st := newClient(t, e).login(`{"accessKeyId":"AKIDTEST","secretAccessKey":"test-secret"}`); st != http.StatusOK {
		t.Errorf("login with the access key: %d", st)
	}
	// A login from another site's page is refused.
	c := newClient(t, e)
	if st, _, _ := c.do("POST", "/console/login", `{"token":"`+e.console.Token()+`"}`, map[string]string{"Origin": "http://evil.example"}); st != http.StatusForbidden {
		t.Errorf("cross-site login: %d", st)
	}
	// Guessing is throttled.
	for i := 0; i < maxFailedLogins; i++ {
		newClient(t, e).login(`{"token":"guess-guess-guess-guess"}`)
	}
	if st := newClient(t, e).login(`{"token":"` + e.console.Token() + `"}`); st != http.StatusTooManyRequests {
		t.Errorf("after %d failures: %d", maxFailedLogins, st)
	}
}

// Every response of the console carries the security headers; the page
// itself has no inline script or style and loads nothing from elsewhere.
func TestSecurityHeaders(t *testing.T) {
	e := startEnv(t, "")
	c := newClient(t, e)
	for _, p := range []string{"/", "/static/app.css", "/static/js/app.js", "/console/api/session", "/static/nope.js"} {
		_, h, _ := c.do("GET", p, "", nil)
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %s", p, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
	_, h, page := c.do("GET", "/", "", nil)
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Errorf("index content type %q", h.Get("Content-Type"))
	}
	for _, bad := range []string{"<script>", "style=", "http://", "https://", "onload", "onclick"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html holds %q", bad)
		}
	}
	if _, h, _ := c.do("GET", "/static/js/app.js", "", nil); !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") {
		t.Errorf("module content type %q", h.Get("Content-Type"))
	}
	// Another Host (DNS rebinding) is refused.
	req, _ := http.NewRequest("GET", e.url+"/", nil)
	req.Host = "evil.example:80"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("foreign Host: %d", resp.StatusCode)
	}
	// Paths that climb out of the embedded files are not found.
	for _, p := range []string{"/static/../console.go", "/static/%2e%2e/console.go", "/static/"} {
		if st, _, body := c.do("GET", p, "", nil); st == http.StatusOK || strings.Contains(body, "package console") {
			t.Errorf("%s: %d", p, st)
		}
	}
}

// The web files hold no reference to another origin, no inline handler
// and no HTML parsing of strings (innerHTML and friends).
func TestWebFilesStayLocal(t *testing.T) {
	err := fsWalk(func(path, text string) {
		text = strings.ReplaceAll(text, "'http://www.w3.org/2000/svg'", "") // a namespace name, not an address
		for _, bad := range []string{"http://", "https://", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
			if strings.Contains(text, bad) && !(bad == "innerHTML" && strings.Contains(path, "dom.js")) && !(bad == "outerHTML" && strings.Contains(path, "dom.js")) {
				t.Errorf("%s holds %q", path, bad)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Static files: gzipped for a browser that takes it, a 304 for the version
// it holds, and the index preloads every module so that the browser does
// not discover them one import at a time.
func TestStaticCaching(t *testing.T) {
	e := startEnv(t, "")
	c := newClient(t, e)
	want, err := webFS.ReadFile("web/js/results.js")
	if err != nil {
		t.Fatal(err)
	}
	st, h, body := c.do("GET", "/static/js/results.js", "", map[string]string{"Accept-Encoding": "gzip"})
	if st != 200 || h.Get("Content-Encoding") != "gzip" || h.Get("ETag") == "" {
		t.Fatalf("%d %v", st, h)
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("gzipped body differs from the file: %v", err)
	}
	if st, _, body := c.do("GET", "/static/js/results.js", "", map[string]string{"Accept-Encoding": "identity"}); st != 200 || body != string(want) {
		t.Fatalf("plain: %d, %d bytes", st, len(body))
	}
	if st, _, body := c.do("GET", "/static/js/results.js", "", map[string]string{"If-None-Match": h.Get("ETag")}); st != http.StatusNotModified || body != "" {
		t.Fatalf("revalidation: %d %q", st, body)
	}
	_, _, index := c.do("GET", "/", "", nil)
	fsWalk(func(p, _ string) {
		if strings.HasSuffix(p, ".js") && p != "web/js/app.js" && !strings.Contains(index, `<link rel="modulepreload" href="/static/`+strings.TrimPrefix(p, "web/")+`">`) {
			t.Errorf("the index does not preload %s", p)
		}
	})
	if st, _, _ := c.do("GET", "/static/index.html", "", nil); st != http.StatusNotFound {
		t.Errorf("/static/index.html: %d", st)
	}
}
