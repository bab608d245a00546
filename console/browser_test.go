package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive a real Chromium through the DevTools protocol
// (chromedp) against the console on 127.0.0.1. They need a Chromium or
// Chrome binary: $CTLAKE_CHROMIUM, else chromium, chromium-browser,
// google-chrome or google-chrome-stable on the PATH; without one they skip
// (CI installs Debian's chromium package, see .ci/run).
//
// Each test saves a screenshot, as <test name>.png, under
// $CTLAKE_BROWSER_OUT (default: $TMPDIR/ctlake-console-tests); with
// CTLAKE_UPDATE_DOCS=1 the two the README shows are also written to
// docs/.

var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	path   string
	err    error
}

func browserPath() string {
	if p := os.Getenv("CTLAKE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts the one Chromium the tests share (a fresh profile;
// the flags keep it from reaching any network but the test server's, which
// this machine would refuse anyway).
func startBrowser(t testing.TB) context.Context {
	t.Helper()
	browser.once.Do(func() {
		browser.path = browserPath()
		if browser.path == "" {
			return
		}
		profile, err := os.MkdirTemp("", "ctlake-chromium")
		if err != nil {
			browser.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(browser.path),
			chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("disable-default-apps", true),
			chromedp.Flag("metrics-recording-only", true),
			chromedp.Flag("password-store", "basic"),
			chromedp.WindowSize(1440, 900),
			chromedp.UserDataDir(profile),
		}
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		// Start it now, so a broken browser fails here, once.
		// (The first Run's context must not time out: it owns the browser.)
		if err := chromedp.Do(bctx); err != nil {
			bcancel()
			acancel()
			os.RemoveAll(profile)
			browser.err = fmt.Errorf("starting %s: %w", browser.path, err)
			return
		}
		browser.ctx = bctx
		browser.cancel = func() { bcancel(); acancel(); os.RemoveAll(profile) }
	})
	if browser.path == "" {
		t.Skip("no Chromium found (set CTLAKE_CHROMIUM, or install Debian's chromium package): the console's browser tests are skipped")
	}
	if browser.err != nil {
		t.Fatal(browser.err)
	}
	return browser.ctx
}

func closeBrowser() {
	if browser.cancel != nil {
		browser.cancel()
	}
}

// tab is one browser tab on the console, recording every request it makes.
type tab struct {
	t      testing.TB
	e      *env
	ctx    context.Context
	mu     sync.Mutex
	reqs   []string // URLs requested
	bytes  int64    // bytes received (encoded, as on the wire)
	errors []string // JavaScript exceptions and console errors
}

// newTab opens a tab; everything it does must end within the test's
// deadline (generous: the machine is shared).
func newTab(t testing.TB, e *env) *tab {
	t.Helper()
	bctx := startBrowser(t)
	ctx, cancel := chromedp.NewContext(bctx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	tb := &tab{t: t, e: e, ctx: ctx}
	t.Cleanup(func() { cancelT(); cancel() })
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatal(err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.mu.Lock()
			tb.reqs = append(tb.reqs, ev.Request.URL)
			tb.mu.Unlock()
		case *network.EventLoadingFinished:
			tb.mu.Lock()
			tb.bytes += int64(ev.EncodedDataLength)
			tb.mu.Unlock()
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			tb.logError(fmt.Sprintf("exception: %s (%s:%d:%d)", msg, d.URL, d.LineNumber+1, d.ColumnNumber+1))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				tb.logError("console." + string(ev.Type) + ": " + strings.Join(parts, " "))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				tb.logError("log: " + ev.Entry.Text + " " + ev.Entry.URL)
			}
		}
	})
	if err == nil {
		_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, runtime.Enable, cdp.Empty{})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) logError(s string) {
	tb.mu.Lock()
	tb.errors = append(tb.errors, s)
	tb.mu.Unlock()
}

// jsErrors are the page's exceptions and console errors so far.
func (tb *tab) jsErrors() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.errors...)
}

func (tb *tab) run(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.shot("failure")
		tb.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		tb.shot("failure")
		tb.t.Fatalf("browser: %s: %v", js, err)
	}
	return v
}

// waitJS waits until a JavaScript expression is true, polling; the
// deadline is generous and only bounds a failure.
func (tb *tab) waitJS(what, js string) {
	tb.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		if err != nil {
			tb.shot("failure")
			tb.t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.shot("failure")
			tb.t.Fatalf("still waiting for %s after 60s (%s)", what, js)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text is the text of the first element matching a CSS selector.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf("(document.querySelector(%q) || {}).textContent || ''", sel))
}

// click clicks the first element matching sel from JavaScript: the grid
// redraws its rows as it scrolls and loads, so a node found over the
// protocol may be gone by the time the protocol clicks it.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.waitJS("element "+sel, fmt.Sprintf("document.querySelector(%q)", sel))
	eval[bool](tb, fmt.Sprintf("(document.querySelector(%q).click(), true)", sel))
}

// outDir is where screenshots go.
func outDir() string {
	if d := os.Getenv("CTLAKE_BROWSER_OUT"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "ctlake-console-tests")
}

// shot saves a screenshot of the viewport as <test>[-suffix].png.
func (tb *tab) shot(suffix string) string {
	if suffix == "failure" {
		for _, e := range tb.jsErrors() {
			tb.t.Logf("page: %s", e)
		}
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Logf("screenshot: %v", err)
		return ""
	}
	name := strings.ReplaceAll(tb.t.Name(), "/", "_")
	if suffix != "" {
		name += "-" + suffix
	}
	dir := outDir()
	os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return ""
	}
	tb.t.Logf("screenshot: %s", p)
	return p
}

// docShot also saves the screenshot the README shows (CTLAKE_UPDATE_DOCS=1).
func (tb *tab) docShot(name string) {
	p := tb.shot("")
	if os.Getenv("CTLAKE_UPDATE_DOCS") == "" || p == "" {
		return
	}
	b, err := os.ReadFile(p)
	if err == nil {
		err = os.WriteFile(filepath.Join("..", "docs", name), b, 0o644)
	}
	if err != nil {
		tb.t.Errorf("docs screenshot: %v", err)
	}
}

// login opens the console's address with the token, as a user clicks the
// link ctlake serve printed, and waits for the page to be ready.
// loggedInTab starts the server on the fixture data and a browser tab
// logged in to its console: the set-up of most browser tests.
func loggedInTab(t testing.TB) (*env, *tab) {
	t.Helper()
	e := startEnv(t, "")
	tb := newTab(t, e)
	tb.login()
	return e, tb
}

func (tb *tab) login() {
	tb.t.Helper()
	tb.run(chromedp.Navigate(tb.e.console.LoginURL(tb.e.url)))
	tb.waitJS("the console to load", "window.__ctlake && window.__ctlake.ready")
}

// foreignRequests are requests to any host but the server's.
func (tb *tab) foreignRequests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, r := range tb.reqs {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != tb.e.addr) {
			out = append(out, r)
		}
	}
	return out
}

// requestsTo counts the requests the browser sent (as the DevTools
// protocol saw them on the network) whose URL holds part.
func (tb *tab) requestsTo(part string) int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	n := 0
	for _, r := range tb.reqs {
		if strings.Contains(r, part) {
			n++
		}
	}
	return n
}

// bypassCSP turns the page's Content-Security-Policy off, so that a test
// sees what the rendering alone would let run.
func (tb *tab) bypassCSP() {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		tb.t.Fatal(err)
	}
}

// jsonOf renders v for messages.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
