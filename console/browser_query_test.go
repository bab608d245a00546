package console

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ctlake/ctlake/engine"
)

// setEditor replaces the editor's text (as a paste would) and puts the
// caret at the end.
func (tb *tab) setEditor(text string) {
	tb.t.Helper()
	eval[bool](tb, `(() => { const ta = document.querySelector('[data-testid=editor]'); ta.focus(); ta.select();
		document.execCommand('insertText', false, `+jsonOf(text)+`); ta.setSelectionRange(ta.value.length, ta.value.length); return true; })()`)
}

// Log in from the printed address, type a query with completion, run it
// with Ctrl+Enter, read the grid and open a nested value as JSON; the page
// asks nothing of any host but the server.
func TestBrowserQuery(t *testing.T) {
	e := startEnv(t, "")
	tb := newTab(t, e)
	tb.login()
	// The token is gone from the address bar.
	if u := eval[string](tb, "location.href"); strings.Contains(u, "token=") {
		t.Errorf("the token stays in the address: %s", u)
	}
	tb.waitJS("the editor", "document.querySelector('[data-testid=editor]')")
	tb.setEditor("")
	tb.run(chromedp.Focus(chromedp.CSS("[data-testid=editor]")), chromedp.KeyEvent("SELECT eventN"))
	tb.waitJS("completion of eventN", "[...document.querySelectorAll('.complete-item .ci-label')].some(x => x.textContent === 'eventName')")
	// The first item for "eventN" is the column eventName; Tab takes it.
	if first := tb.text(".complete-item.active .ci-label"); first != "eventName" {
		t.Fatalf("first completion %q", first)
	}
	tb.run(chromedp.KeyEvent("\t"), chromedp.KeyEvent(", userIdentity.sessionC"))
	tb.waitJS("completion of a nested field", "[...document.querySelectorAll('.complete-item .ci-label')].some(x => x.textContent === 'sessionContext')")
	tb.run(chromedp.KeyEvent("\t"), chromedp.KeyEvent(".sessionIssuer.ty"))
	tb.waitJS("completion two levels down", "[...document.querySelectorAll('.complete-item .ci-label')].some(x => x.textContent === 'type')")
	tb.run(chromedp.KeyEvent("\t"), chromedp.KeyEvent(", userIdentity, count(*) AS n FROM "))
	tb.run(chromedp.KeyEvent("tra"))
	tb.waitJS("completion of the store", "[...document.querySelectorAll('.complete-item .ci-label')].some(x => x.textContent === 'trail')")
	tb.run(chromedp.KeyEvent("\t"), chromedp.KeyEvent(" GROUP BY 1, 2, 3 ORDER BY n DESC, 1, 2"))
	typed := eval[string](tb, "document.querySelector('[data-testid=editor]').value")
	want := "SELECT eventName, userIdentity.sessionContext.sessionIssuer.type, userIdentity, count(*) AS n FROM " + e.storeID() + " GROUP BY 1, 2, 3 ORDER BY n DESC, 1, 2"
	if typed != want {
		t.Fatalf("typed %q\nwant  %q", typed, want)
	}
	tb.run(chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	tb.waitJS("the result", "document.querySelector('[data-testid=status]') && document.querySelector('[data-testid=status]').textContent === 'FINISHED'")
	tb.waitJS("the grid's rows", "document.querySelectorAll('.grow:not(.loading)').length > 5")
	out, err := engine.New(e.srv.Catalog()).Run(context.Background(), want, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if got, want := tb.text("[data-testid=row-count]"), formatInt(out.Rows())+" rows"; got != want {
		t.Errorf("row count %q, want %q", got, want)
	}
	// The first row as the engine gives it.
	first := out.Records[0]
	if got := eval[string](tb, "document.querySelector('.grow[data-row=\"0\"] .gcell[data-col=\"0\"]').textContent"); got != first.Column(0).ValueStr(0) {
		t.Errorf("row 1 eventName %q, want %q", got, first.Column(0).ValueStr(0))
	}
	// Open userIdentity of row 1 as JSON.
	tb.click(`.grow[data-row="0"] .gcell[data-col="2"] .open-json`)
	tb.waitJS("the JSON view", "document.querySelector('[data-testid=json-tree]')")
	if keys := eval[string](tb, "[...document.querySelectorAll('[data-testid=json-tree] .j-key')].map(k => k.textContent).join('')"); !strings.Contains(keys, "type: ") {
		t.Errorf("JSON view keys: %q", keys)
	}
	// The statement from its start, for the picture.
	eval[bool](tb, "(ta => { ta.setSelectionRange(0, 0); ta.scrollLeft = 0; ta.dispatchEvent(new Event('scroll')); return true; })(document.querySelector('[data-testid=editor]'))")
	tb.docShot("console-editor.png")
	if f := tb.foreignRequests(); len(f) > 0 {
		t.Errorf("requests to other hosts: %v", f)
	}
}
