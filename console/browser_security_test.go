package console

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Events whose fields hold <script>, "><img onerror=...>, <svg onload>,
// <iframe> and javascript: URLs show as text everywhere the console shows
// data — the grid, the JSON view, a chart, the schema's map keys, the
// history — and nothing runs. The page's Content-Security-Policy would
// block inline script anyway, so the test turns it off: what is checked is
// that the rendering itself never makes markup of data.
func TestBrowserHostileEvents(t *testing.T) {
	e := startEnv(t, "")
	tb := newTab(t, e)
	tb.bypassCSP()
	tb.login()
	noScript := func(where string) {
		t.Helper()
		if v := eval[string](tb, "String(window.__xss)"); v != "undefined" {
			t.Fatalf("%s: a payload ran (window.__xss = %s)", where, v)
		}
		bad := eval[[]string](tb, `[...document.querySelectorAll('img, iframe, script:not([src]), object, embed, #main svg:not(.chart), a[href^="javascript:" i]')].map(n => n.outerHTML.slice(0, 80))`)
		if len(bad) > 0 {
			t.Fatalf("%s: elements made of data: %v", where, bad)
		}
	}
	tb.runQuery("SELECT eventName, sourceIPAddress, userAgent, userIdentity, requestParameters, errorCode, errorMessage FROM trail WHERE eventSource = 'evil.example.com' ORDER BY eventID")
	tb.waitJS("the grid", "document.querySelector('.grow[data-row=\"0\"]:not(.loading)')")
	cells := eval[[]string](tb, "[...document.querySelectorAll('.grow[data-row=\"0\"] .gcell')].map(c => c.textContent)")
	for _, want := range []string{"<script>window.__xss=1</script>", `"><img src=x onerror="window.__xss=2">`, "javascript:window.__xss=3", "<iframe src=javascript:window.__xss=9>", "'><script>window.__xss=10</script>"} {
		found := false
		for _, c := range cells {
			found = found || c == want
		}
		if !found {
			t.Errorf("the grid does not show %q literally: %q", want, cells)
		}
	}
	noScript("grid")
	// The JSON view of requestParameters and userIdentity.
	tb.click(`.grow[data-row="0"] .gcell[data-col="4"] .open-json`)
	tb.waitJS("the JSON view", "document.querySelector('[data-testid=json-tree]')")
	tree := tb.text("[data-testid=json-tree]")
	for _, want := range []string{"<img src=x onerror=window.__xss=6>: ", `"javascript:window.__xss=7"`, "<b>k</b>: ", `"</pre><script>window.__xss=8</script>"`} {
		if !strings.Contains(tree, want) {
			t.Errorf("the JSON view does not show %q: %s", want, tree)
		}
	}
	noScript("JSON view")
	tb.click(`.grow[data-row="0"] .gcell[data-col="3"] .open-json`)
	tb.waitJS("the userIdentity view", "document.querySelector('[data-testid=json-tree]') && document.querySelector('[data-testid=json-tree]').textContent.includes('svg onload')")
	noScript("JSON view of userIdentity")
	// A chart whose categories are the payloads.
	tb.runQuery("SELECT eventName, count(*) AS n FROM trail WHERE eventSource = 'evil.example.com' OR errorCode LIKE '<%' GROUP BY 1")
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=view-chart]")))
	tb.waitJS("the chart", "document.querySelector('[data-testid=chart] svg.chart')")
	labels := eval[[]string](tb, "[...document.querySelectorAll('[data-testid=chart] .bar-label')].map(t => t.textContent)")
	if len(labels) == 0 || !strings.HasPrefix(labels[0], "<script>window.__xss=1") {
		t.Errorf("chart labels %q", labels)
	}
	noScript("chart")
	tb.shot("chart")
	// The schema's sampled map keys.
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=side-schema]")))
	tb.waitJS("the schema", "document.querySelector('[data-testid=schema-map-requestParameters] summary')")
	eval[bool](tb, "(document.querySelector('[data-testid=schema-map-requestParameters]').open = true)")
	tb.waitJS("the map keys", "document.querySelector('[data-testid=schema-map-requestParameters]').textContent.includes('<img src=x onerror=window.__xss=6>')")
	noScript("schema")
	// The history shows the statements (and the grid's hostile text is
	// not in them, but the page is rebuilt from the server's records).
	tb.run(chromedp.Navigate(e.url + "/#/history"))
	tb.waitJS("the history", "document.querySelectorAll('[data-testid=history] tbody tr').length >= 2")
	noScript("history")
	tb.shot("")
	if f := tb.foreignRequests(); len(f) > 0 {
		t.Errorf("requests to other hosts: %v", f)
	}
}

// The Content-Security-Policy holds in the browser: a script injected
// into the page's DOM as markup does not run.
func TestBrowserCSP(t *testing.T) {
	e := startEnv(t, "")
	tb := newTab(t, e)
	tb.login()
	eval[bool](tb, `(() => { const d = document.createElement('div'); d.innerHTML = '<img src=/none onerror="window.__csp=1">'; document.body.append(d);
		d.firstChild.addEventListener('error', () => { window.__imgFailed = true; });
		const s = document.createElement('script'); s.textContent = 'window.__csp=2'; document.body.append(s); return true; })()`)
	tb.waitJS("the image to fail", "window.__imgFailed")
	if v := eval[string](tb, "String(window.__csp)"); v != "undefined" {
		t.Fatalf("inline script ran under the console's CSP: %s", v)
	}
	tb.shot("")
}
