package console

import (
	"context"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/engine"
)

// Every sample query runs on a store once $EDS_ID is filled in.
func TestSamplesRun(t *testing.T) {
	e := startEnv(t, "")
	eng := engine.New(e.srv.Catalog())
	for _, s := range samples {
		if !strings.Contains(s.SQL, "$EDS_ID") {
			t.Errorf("%s: no $EDS_ID", s.Title)
		}
		out, err := eng.Run(context.Background(), strings.ReplaceAll(s.SQL, "$EDS_ID", e.storeID()), engine.Options{})
		if err != nil {
			t.Errorf("%s: %v", s.Title, err)
			continue
		}
		out.Release()
	}
}

// Every word the editor offers as a keyword is one the lexer colours as one.
func TestKeywordsHaveHelp(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range keywords {
		if k.Help == "" || seen[k.Word] {
			t.Errorf("keyword %q: help %q, repeated %v", k.Word, k.Help, seen[k.Word])
		}
		seen[k.Word] = true
	}
}
