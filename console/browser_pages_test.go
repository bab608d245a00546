package console

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/resultfmt"
)

// fill sets an input's value as typing would (input and change events).
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	eval[bool](tb, fmt.Sprintf(`(el => { el.focus(); el.value = %s; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true; })(document.querySelector(%q))`, jsonOf(value), sel))
}

// A query saved from the editor is still there after the server restarts
// (a new token, a new login); the CLI finds it in the data directory; the
// history shows the console's runs and the shell's.
func TestBrowserSavedAndHistory(t *testing.T) {
	e := startEnv(t, "")
	tb := newTab(t, e)
	tb.login()
	const stmt = "SELECT errorCode, count(*) AS n FROM $EDS_ID WHERE errorCode IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
	tb.runQuery(stmt)
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=save]")))
	tb.waitJS("the save dialog", "document.querySelector('[data-testid=save-name]')")
	tb.fill("[data-testid=save-name]", "Errors by code")
	tb.fill("[data-testid=save-description]", "every error code, most frequent first")
	tb.run(chromedp.Click(chromedp.CSS(".dialog button[type=submit]")))
	tb.waitJS("the saved label", "document.querySelector('.saved-label').textContent.includes('Errors by code')")
	// A shell run, recorded as ctlake shell does.
	if err := lakeapi.RecordRun(e.data, lakeapi.Run{Source: "shell", Statement: "SELECT 'from the shell'", Status: "FINISHED", Started: time.Now(), Stats: engine.Stats{RowsOut: 1}}); err != nil {
		t.Fatal(err)
	}
	oldToken := e.console.Token()
	e.restart()
	if e.console.Token() == oldToken {
		t.Fatal("the restarted server kept the token")
	}
	// The old session is gone: the page asks to log in again.
	tb.run(chromedp.Navigate(e.url + "/#/saved"))
	tb.waitJS("the login form", "document.querySelector('[data-testid=login-token]')")
	tb.login()
	tb.run(chromedp.Navigate(e.url + "/#/saved"))
	tb.waitJS("the saved list", "document.querySelector('[data-testid=saved] .saved-name')")
	if got := tb.text("[data-testid=saved] .saved-name"); got != "Errors by code" {
		t.Fatalf("saved %q", got)
	}
	tb.shot("saved")
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=saved] .saved-name")))
	tb.waitJS("the editor with the saved query", "document.querySelector('[data-testid=editor]') && document.querySelector('[data-testid=editor]').value === "+jsonOf(stmt))
	q, err := lakeapi.FindSaved(e.data, "errors BY code")
	if err != nil || q.Statement != stmt || q.Description != "every error code, most frequent first" {
		t.Fatalf("ctlake query --saved would find %+v, %v", q, err)
	}
	// History: the console's run and the shell's.
	tb.run(chromedp.Navigate(e.url + "/#/history"))
	tb.waitJS("the history", "document.querySelectorAll('[data-testid=history] tbody tr').length >= 2")
	text := tb.text("[data-testid=history]")
	if !strings.Contains(text, "from the shell") || !strings.Contains(text, "WHERE errorCode IS NOT NULL") {
		t.Fatalf("history: %s", text)
	}
	tb.fill("[data-testid=history-search]", "from the shell")
	tb.waitJS("the search", "document.querySelectorAll('[data-testid=history] tbody tr').length === 1")
	tb.shot("history")
}

// widgetMarks reads what a widget drew: each mark's label (and series) and
// value.
type mark struct{ Label, Series, Value string }

// The Highlights dashboard: every widget's drawn numbers are the numbers
// the same statement gives through the engine (ctlake query's path).
func TestBrowserHighlights(t *testing.T) {
	e := startEnv(t, "")
	tb := newTab(t, e)
	tb.login()
	tb.run(chromedp.Navigate(e.url + "/#/dashboards"))
	tb.waitJS("the dashboard list", "document.querySelector('[data-testid=\"dashboard-AWSCloudTrail-Highlights\"]')")
	tb.run(chromedp.Click(chromedp.CSS(`[data-testid="dashboard-AWSCloudTrail-Highlights"]`)))
	tb.waitJS("the first refresh", "document.querySelector('[data-testid=widgets]') && document.querySelector('[data-testid=widgets]').dataset.refreshed")
	// The last week holds every fixture event. The widgets are read once a
	// refresh newer than the first one has ended.
	first := eval[string](tb, "document.querySelector('[data-testid=widgets]').dataset.refreshed")
	tb.run(chromedp.SetValue(chromedp.CSS("[data-testid=time-range]"), "7d"))
	eval[bool](tb, "document.querySelector('[data-testid=time-range]').dispatchEvent(new Event('change')) || true")
	tb.waitJS("the refresh over the week", "document.querySelector('[data-testid=refresh-status]').textContent.includes('refreshed') && (r => r && r !== "+jsonOf(first)+")(document.querySelector('[data-testid=widgets]').dataset.refreshed)")
	n := eval[int](tb, "document.querySelectorAll('[data-testid=widget]').length")
	if n != 10 {
		t.Fatalf("%d widgets", n)
	}
	eng := engine.New(e.srv.Catalog())
	total := 0
	for i := 0; i < n; i++ {
		w := fmt.Sprintf("document.querySelectorAll('[data-testid=widget]')[%d]", i)
		title := eval[string](tb, w+".querySelector('h3').textContent")
		qid := eval[string](tb, w+".dataset.queryId || ''")
		view := eval[string](tb, w+".dataset.view")
		rec, ok := e.srv.Query(qid)
		if !ok {
			t.Fatalf("%s: no query %q", title, qid)
		}
		marks := eval[[]mark](tb, w+".querySelectorAll('.mark').length ? [..."+w+".querySelectorAll('.mark')].map(m => ({Label: m.dataset.label, Series: m.dataset.series || '', Value: m.dataset.value})) : []")
		out, err := eng.Run(context.Background(), rec.Statement, engine.Options{})
		if err != nil {
			t.Fatalf("%s: %v", title, err)
		}
		want := expectedMarks(view, out)
		out.Release()
		got := append([]mark(nil), marks...)
		sortMarks(got)
		sortMarks(want)
		if len(want) == 0 {
			t.Errorf("%s: the engine gives no row; the fixture should fill every Highlights widget", title)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s (%s): drawn %v\nengine %v", title, view, got, want)
		}
		total += len(got)
	}
	t.Logf("%d widgets, %d numbers drawn, each equal to the engine's", n, total)
	tb.docShot("console-highlights.png")
	if f := tb.foreignRequests(); len(f) > 0 {
		t.Errorf("requests to other hosts: %v", f)
	}
}

// expectedMarks are the marks a widget of this view draws for a result.
func expectedMarks(view string, out *engine.Output) []mark {
	var ms []mark
	names := out.Names
	for _, r := range out.Records {
		for i := 0; i < int(r.NumRows()); i++ {
			val := func(c int) string { return resultfmt.TableValue(r.Column(c), i) }
			switch view {
			case "Number":
				for c := range names {
					ms = append(ms, mark{Label: names[c], Value: val(c)})
				}
			case "LineChart":
				ms = append(ms, mark{Label: strings.TrimSuffix(val(0), ".000"), Series: names[1], Value: val(1)})
			case "BarChart":
				ms = append(ms, mark{Label: val(0), Value: val(1)})
			case "StackedBarChart":
				ms = append(ms, mark{Label: val(0), Series: val(1), Value: val(2)})
			}
		}
	}
	return ms
}

func sortMarks(ms []mark) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Label != ms[j].Label {
			return ms[i].Label < ms[j].Label
		}
		return ms[i].Series < ms[j].Series
	})
}

// A custom dashboard made in the page from a saved query: stored through
// the dashboard API, drawn with the chart kind chosen.
func TestBrowserCustomDashboard(t *testing.T) {
	e := startEnv(t, "")
	saved, err := e.srv.SaveQuery(lakeapi.SavedQuery{Name: "Calls by region", Statement: "SELECT awsRegion, count(*) AS calls FROM $EDS_ID GROUP BY 1 ORDER BY 2 DESC, 1"})
	if err != nil {
		t.Fatal(err)
	}
	tb := newTab(t, e)
	tb.login()
	tb.run(chromedp.Navigate(e.url + "/#/dashboards"))
	tb.waitJS("the list", "document.querySelector('[data-testid=new-dashboard]')")
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=new-dashboard]")))
	tb.waitJS("the form", "document.querySelector('[data-testid=dashboard-name]')")
	tb.fill("[data-testid=dashboard-name]", "regions")
	tb.fill("[data-testid=widget-query]", saved.ID)
	tb.fill("[data-testid=widget-view]", "BarChart")
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=save-dashboard]")))
	tb.waitJS("the new dashboard", "location.hash === '#/dashboards/regions' && document.querySelector('[data-testid=widgets]') && document.querySelector('[data-testid=widgets]').dataset.refreshed")
	tb.waitJS("its bars", "document.querySelectorAll('[data-testid=widget] rect.mark').length > 0")
	labels := eval[[]string](tb, "[...document.querySelectorAll('[data-testid=widget] rect.mark')].map(m => m.dataset.label)")
	if got := eval[string](tb, "document.querySelector('[data-testid=widget] h3').textContent"); got != "Calls by region" {
		t.Errorf("title %q", got)
	}
	req := httpLake(t, e, "GetDashboard", `{"DashboardId":"regions"}`)
	if !strings.Contains(req, `"View":"BarChart"`) || !strings.Contains(req, `"TimeScope":"Dashboard"`) || !strings.Contains(req, e.storeID()) {
		t.Fatalf("GetDashboard: %s", req)
	}
	regions := mustRun(t, e, "SELECT count(DISTINCT awsRegion) FROM trail WHERE eventTime >= now() - INTERVAL '1' DAY")
	if strconv.Itoa(len(labels)) != regions {
		t.Errorf("%d bars, %s regions in the last day", len(labels), regions)
	}
	tb.shot("")
}

// The Stores page: a store created with selectors and a retention, an
// import into it from a folder, the store described with its events,
// size, time range and the rejected event with its reason, and a running
// `ctlake ingest` shown with its progress.
func TestBrowserStores(t *testing.T) {
	e := startEnv(t, "")
	in := t.TempDir()
	good := `{"eventVersion":"1.09","eventTime":"` + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) + `","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventCategory":"Management","eventID":"imp-1","awsRegion":"us-east-1"}`
	bad := `{"eventVersion":"1.09","eventTime":"yesterday","eventSource":"s3.amazonaws.com","eventName":"PutObject","eventID":"imp-2"}`
	if err := os.WriteFile(filepath.Join(in, "events.json"), []byte(good+"\n"+bad+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := e.srv.Catalog().Open(fixtureStore)
	if err != nil {
		t.Fatal(err)
	}
	pf := lakeapi.NewProgressFile(e.data, st)
	pf.Update(ingest.Progress{Inputs: 10, InputsDone: 4, Ingested: 1234})
	defer pf.Close()
	tb := newTab(t, e)
	tb.login()
	tb.run(chromedp.Navigate(e.url + "/#/stores"))
	tb.waitJS("the running ingest", "document.querySelector('[data-testid=ingest-running]')")
	if s := tb.text("[data-testid=ingest-running]"); !strings.Contains(s, "4 of 10 inputs, 1,234 events") {
		t.Errorf("ingest progress %q", s)
	}
	tb.click("[data-testid=new-store]")
	tb.waitJS("the dialog", "document.querySelector('[data-testid=store-name]')")
	tb.fill("[data-testid=store-name]", "imported")
	tb.fill("[data-testid=store-retention]", "400")
	tb.click(".dialog button[type=submit]")
	tb.waitJS("the new store's page", "location.hash.startsWith('#/stores/') && document.querySelector('[data-testid=store-detail]')")
	created, err := e.srv.Catalog().Open("imported")
	if err != nil || created.Info.RetentionDays != 400 || len(created.Info.Selectors) != 1 {
		t.Fatalf("store %+v %v", created.Info, err)
	}
	// Import the folder into it through the page.
	tb.click(".page-head button:last-child")
	tb.waitJS("the import dialog", "document.querySelector('[data-testid=import-uri]')")
	tb.fill("[data-testid=import-uri]", in)
	tb.click(".dialog button[type=submit]")
	deadline := time.Now().Add(60 * time.Second)
	for {
		d, err := e.srv.DescribeStore("imported", 10)
		if err != nil {
			t.Fatal(err)
		}
		if d.Events == 1 && d.RejectsKept == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import did not land: %+v", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.run(chromedp.Navigate(e.url + "/#/stores"))
	tb.waitJS("the list", "document.querySelector('[data-testid=stores]')")
	tb.run(chromedp.Navigate(e.url + "/#/stores/" + created.Info.ID))
	tb.waitJS("the rejects", "document.querySelector('[data-testid=rejects]')")
	if got := tb.text("[data-testid=store-events]"); got != "1" {
		t.Errorf("events %q", got)
	}
	rej := tb.text("[data-testid=rejects]")
	if !strings.Contains(rej, "events.json") || !strings.Contains(rej, "eventTime") {
		t.Errorf("rejects: %s", rej)
	}
	tb.shot("")
}
