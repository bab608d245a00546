package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/lakeapi"
)

// Saved queries live in the data directory (lakeapi/saved.go): the web
// console saves and edits them; `ctlake query --saved [NAME]` and the
// shell's `.saved [NAME]` list and run them.

// listSaved prints the saved queries of dataDir: name, description and
// the statement's first line.
func listSaved(w io.Writer, dataDir string) error {
	qs, err := lakeapi.ListSaved(dataDir)
	if len(qs) == 0 && err == nil {
		fmt.Fprintf(w, "no saved queries in %s (save one from the console of 'ctlake serve')\n", dataDir)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tdescription\tstatement\tupdated")
	for _, q := range qs {
		stmt, _, more := strings.Cut(strings.TrimSpace(q.Statement), "\n")
		if more {
			stmt += " …"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", q.Name, clip(q.Description, 40), clip(stmt, 70), q.UpdatedAt.UTC().Format("2006-01-02 15:04"))
	}
	tw.Flush()
	return err // a file that did not parse, named, after the ones that did
}

// clip shortens s to n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// savedStatement is the statement of the saved query named (or with the ID) ref.
func savedStatement(dataDir, ref string) (string, error) {
	q, err := lakeapi.FindSaved(dataDir, ref)
	return q.Statement, err
}

// recordShellRun adds one shell statement to the history the console
// shows. A failure to record is reported once per session, never in the
// way of the query.
func (sh *shell) recordShellRun(statement string, started time.Time, status string, runErr error, stats engine.Stats) {
	r := lakeapi.Run{Source: "shell", Statement: statement, Status: status, Started: started, Stats: stats}
	if stats.Elapsed == 0 {
		r.Stats.Elapsed = time.Since(started)
	}
	if runErr != nil {
		r.Error = runErr.Error()
	}
	if err := lakeapi.RecordRun(sh.catalog.Dir, r); err != nil && !sh.historyWarned {
		sh.historyWarned = true
		fmt.Fprintf(sh.msg, "(the query history could not be written: %v)\n", err)
	}
}
