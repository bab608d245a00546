package main

import (
	"fmt"
	"io"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// reportIngest prints what an ingest did: the summary line on stdout
// (for a --strict ingest that refused, what was read and why nothing was
// stored), and its problems on stderr (reportProblems).
func reportIngest(stdout, stderr io.Writer, sum ingest.Summary, err error, store *orcstore.Store, strict bool) {
	if err != nil && !sum.Started() {
		// Refused before reading anything (the store is locked or
		// damaged): a summary of zeros would suggest an ingest ran.
		return
	}
	if err != nil && strict {
		fmt.Fprintln(stdout, strictRefusal(sum, store))
	} else {
		fmt.Fprintln(stdout, summaryLine(sum, store))
	}
	reportProblems(sum, store, stderr)
}

// reportLeftOut says on stderr which --time-field would take the events
// rejected for want of eventTime, where the events left out on purpose
// (duplicates, past retention) are listed, and how many earlier rejects
// this ingest stored after all.
func reportLeftOut(sum ingest.Summary, store *orcstore.Store, stderr io.Writer) {
	if hint := sum.TimeHints.Message(sum.Rejected); hint != "" {
		fmt.Fprintf(stderr, "hint: %s\n", hint)
	}
	if n := sum.Duplicates + sum.Expired; n > 0 && len(sum.Dropped) > 0 {
		fmt.Fprintf(stderr, "%d events left out (%d duplicate eventIDs, %d past the %d-day retention) are listed in %s\n",
			n, sum.Duplicates, sum.Expired, store.Info.RetentionDays, store.FilePath(sum.Dropped[len(sum.Dropped)-1]))
	}
	if sum.StoredLater > 0 {
		fmt.Fprintf(stderr, "%d events an earlier ingest rejected are now stored ('ctlake store describe' counts them so)\n", sum.StoredLater)
	}
}

// strictRefusal is the summary of a --strict ingest that stored nothing:
// what it read before it stopped and that the store is as it was.
func strictRefusal(s ingest.Summary, store *orcstore.Store) string {
	return fmt.Sprintf("%s: nothing stored (--strict refuses an ingest with problems; the store is unchanged): stopped at the first problem after reading %s and %d events of %d inputs; %d rejected, %d inputs unreadable",
		store.Info.Name, humanBytes(s.BytesRead), s.Events, s.Inputs, s.Rejected, len(s.InputErrors))
}
