package console

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// unionQuery is a query of exactly n rows over the fixture store: the
// store's events again and again (UNION ALL), cut by LIMIT.
func unionQuery(store string, n int) string {
	parts := make([]string, n/fixtureEvents+2)
	for i := range parts {
		parts[i] = fmt.Sprintf("SELECT eventID, eventTime, eventName, %d AS copy FROM %s", i, store)
	}
	return "SELECT * FROM (" + strings.Join(parts, "\nUNION ALL\n") + ") LIMIT " + fmt.Sprint(n)
}

// runQuery types text into the editor and runs it with Ctrl+Enter, then
// waits for the query to end.
func (tb *tab) runQuery(text string) {
	tb.t.Helper()
	tb.startQuery(text)
	tb.waitJS("the query to end", "(s => s && !['QUEUED', 'RUNNING'].includes(s.textContent))(document.querySelector('[data-testid=status]'))")
}

// startQuery types text into the editor and runs it with Ctrl+Enter.
func (tb *tab) startQuery(text string) {
	tb.t.Helper()
	tb.setEditor(text)
	eval[bool](tb, "(s => { if (s) s.remove(); return true; })(document.querySelector('[data-testid=status]'))")
	tb.run(chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
}

// A 100,000-row result scrolls: the grid asks for the pages in view, not
// all 500 of them, shows the rows the server holds at each position, and
// keeps a few hundred rows in the page at most.
func TestBrowserGrid100k(t *testing.T) {
	e, tb := loggedInTab(t)
	const n = 100000
	tb.runQuery(unionQuery(e.storeID(), n))
	if got := tb.text("[data-testid=row-count]"); got != "100,000 rows" {
		t.Fatalf("row count %q", got)
	}
	tb.waitJS("the first rows", "document.querySelector('.grow[data-row=\"0\"]:not(.loading)')")
	before := tb.requestsTo("/rows?")
	qid := eval[string](tb, "location.hash.split('query=')[1]")
	for _, row := range []int{37000, 61234, 99990, 150} {
		eval[bool](tb, fmt.Sprintf("(g => { g.scrollTop = %d * 26; g.dispatchEvent(new Event('scroll')); return true; })(document.querySelector('[data-testid=grid]'))", row))
		sel := fmt.Sprintf(`.grow[data-row="%d"]:not(.loading)`, row)
		tb.waitJS(fmt.Sprintf("row %d", row+1), "document.querySelector('"+sel+"')")
		got := eval[[]string](tb, "[...document.querySelectorAll('"+sel+" .gcell')].map(c => c.textContent)")
		b, cnt, err := e.srv.Rows(qid, int64(row), 1)
		if err != nil || cnt != 1 {
			t.Fatal(err, cnt)
		}
		var want []map[string]*string
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if len(want) != 4 || want[0]["eventID"] == nil || want[3]["copy"] == nil {
			t.Fatalf("row %d from the server: %s", row, b)
		}
		if got[0] != fmt.Sprint(row+1) || got[1] != *want[0]["eventID"] || got[4] != *want[3]["copy"] {
			t.Fatalf("row %d shows %q, the server holds %s", row+1, got, b)
		}
		if live := eval[int](tb, "document.querySelectorAll('.grow').length"); live > 200 {
			t.Fatalf("%d rows in the page", live)
		}
	}
	requests := tb.requestsTo("/rows?") - before
	total := tb.requestsTo("/rows?")
	t.Logf("4 jumps across 100,000 rows: %d row requests on the network (%d in all, of %d pages of 200 rows)", requests, total, n/200)
	if total > 40 {
		t.Fatalf("%d row requests in all: the grid loads more than the pages it shows", total)
	}
	if requests > 24 {
		t.Fatalf("%d row requests for 4 jumps: the grid loads more than the pages in view", requests)
	}
	tb.shot("")
}

// Sorting: a small result sorts in the browser over all its rows; a large
// one offers to run the query again ordered by the column.
func TestBrowserSort(t *testing.T) {
	e, tb := loggedInTab(t)
	tb.runQuery("SELECT eventSource, count(*) AS n FROM trail GROUP BY 1")
	tb.waitJS("rows", "document.querySelector('.grow[data-row=\"0\"]:not(.loading)')")
	tb.click(`.ghead[data-col="1"]`)
	tb.waitJS("the ascending sort", "document.querySelector('.sort-note') && document.querySelector('.ghead[data-col=\"1\"]').textContent.includes('▲')")
	tb.click(`.ghead[data-col="1"]`) // descending
	tb.waitJS("the descending sort", "document.querySelector('.ghead[data-col=\"1\"]').textContent.includes('▼')")
	vals := eval[[]string](tb, "[...document.querySelectorAll('.grow:not(.loading) .gcell[data-col=\"1\"]')].map(c => c.textContent)")
	for i := 1; i < len(vals); i++ {
		var a, b int
		fmt.Sscan(vals[i-1], &a)
		fmt.Sscan(vals[i], &b)
		if a < b {
			t.Fatalf("not descending: %v", vals)
		}
	}
	tb.runQuery(unionQuery(e.storeID(), 12000))
	tb.waitJS("rows", "document.querySelector('.grow[data-row=\"0\"]:not(.loading)')")
	tb.run(chromedp.Click(chromedp.CSS(`.ghead[data-col="2"]`)))
	tb.waitJS("the offer to run again", "document.querySelector('[data-testid=rerun-sorted]')")
	tb.run(chromedp.Click(chromedp.CSS(`[data-testid=rerun-sorted]`)))
	tb.waitJS("the sorted run", "document.querySelector('.note') && document.querySelector('.note').textContent.includes('ordered by eventName') && document.querySelector('[data-testid=status]').textContent === 'FINISHED'")
	tb.waitJS("rows", "document.querySelector('.grow[data-row=\"0\"]:not(.loading)')")
	first := tb.text(`.grow[data-row="0"] .gcell[data-col="2"]`)
	out := mustRun(t, e, "SELECT min(eventName) FROM trail")
	if first != out {
		t.Fatalf("first row after the sorted run %q, want %q", first, out)
	}
	tb.shot("")
}

// A long query is cancelled from the page.
func TestBrowserCancel(t *testing.T) {
	e, tb := loggedInTab(t)
	tb.setEditor("SELECT count(*) " + holdMarker + " FROM trail")
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=run]")))
	tb.waitJS("the query to run", "(s => s && s.textContent === 'RUNNING')(document.querySelector('[data-testid=status]'))")
	// Clicked in the page, not by node ID: the status poll re-renders the
	// bar, and a node found by chromedp.Click could be gone by the time it
	// clicked ("Could not find node with given id" at high load).
	tb.waitJS("the cancel button", "(b => b && !b.disabled && b.offsetParent !== null && (b.click(), true))(document.querySelector('[data-testid=cancel]'))")
	tb.waitJS("the query to be cancelled", "(s => s && s.textContent === 'CANCELLED')(document.querySelector('[data-testid=status]'))")
	qid := eval[string](tb, "location.hash.split('query=')[1]")
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec, _ := e.srv.Query(qid)
		if rec.Status == "CANCELLED" && !rec.EndedAt.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server has the query %s", rec.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.shot("")
}

// Errors point at their place in the editor: a parse error, a binding error
// in a selection, and after $EDS_ID (replaced by a longer store ID).
func TestBrowserErrorPosition(t *testing.T) {
	_, tb := loggedInTab(t)
	tb.startQuery("SELECT eventName,\n       evntName\nFROM trail")
	tb.waitJS("the error mark", "document.querySelector('.tok-error')")
	if got := tb.text(".tok-error"); got != "evntName" {
		t.Fatalf("marked %q", got)
	}
	if help := tb.text("[data-testid=editor-help]"); !strings.HasPrefix(help, "2:8: ") {
		t.Fatalf("help line %q", help)
	}
	if got := tb.text(".gutter-line.error"); got != "2" {
		t.Fatalf("gutter marks line %q", got)
	}
	// $EDS_ID before the error on the same line, run as a selection.
	text := "SELECT 1;\nSELECT eventName FROM $EDS_ID WHERE nope = 1"
	tb.setEditor(text)
	eval[bool](tb, "(ta => { ta.setSelectionRange(10, ta.value.length); return true; })(document.querySelector('[data-testid=editor]'))")
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=run]")))
	tb.waitJS("the error mark", "document.querySelector('.tok-error')")
	if got := tb.text(".tok-error"); got != "nope" {
		t.Fatalf("marked %q", got)
	}
	if help := tb.text("[data-testid=editor-help]"); !strings.HasPrefix(help, "2:37: ") {
		t.Fatalf("help line %q", help)
	}
	tb.shot("")
}

// EXPLAIN ANALYZE draws the plan as a tree, with the files a time range
// skipped.
func TestBrowserExplain(t *testing.T) {
	_, tb := loggedInTab(t)
	tb.setEditor("SELECT eventName, count(*) FROM $EDS_ID GROUP BY 1")
	tb.run(chromedp.SetValue(chromedp.CSS("[data-testid=time-range]"), "1d"))
	eval[bool](tb, "document.querySelector('[data-testid=time-range]').dispatchEvent(new Event('change')) || true")
	tb.run(chromedp.Click(chromedp.CSS("[data-testid=explain-analyze]")))
	tb.waitJS("the plan", "document.querySelector('[data-testid=plan]')")
	if !strings.Contains(tb.text("[data-testid=plan]"), "time range") {
		t.Errorf("the plan shows no time range: %s", tb.text("[data-testid=plan]"))
	}
	tb.waitJS("a skipped figure", "document.querySelector('[data-testid=skipped]')")
	if s := tb.text("[data-testid=skipped]"); !strings.Contains(s, "skipped") {
		t.Errorf("skipped figure %q", s)
	}
	tb.shot("")
}
