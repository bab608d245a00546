package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ctlake/ctlake/orcstore"
)

// ingestFacts are the parts of `store describe` about ingests, read from
// the manifest as it is now: the latest ingest's figures, the totals, the
// rejected events not stored since (a later ingest, say with --time-field,
// may have stored them), and the events left out on purpose.
type ingestFacts struct {
	LastIngest    *orcstore.IngestRecord `json:"lastIngest,omitempty"`
	StillRejected int64                  `json:"rejectedNotStored"`
	StoredLater   int64                  `json:"rejectedStoredLater"`
	RejectFiles   int                    `json:"rejectFiles"`
	Duplicates    int64                  `json:"duplicatesListed"`
	PastRetention int64                  `json:"pastRetentionListed"`
	DroppedFiles  int                    `json:"droppedFiles"`
}

func newIngestFacts(m *orcstore.Manifest) ingestFacts {
	f := ingestFacts{LastIngest: m.LastIngest, StillRejected: m.StillRejected(), RejectFiles: len(m.Rejects), DroppedFiles: len(m.Dropped)}
	for _, r := range m.Rejects {
		f.StoredLater += r.Stored
	}
	for _, d := range m.Dropped {
		f.Duplicates += d.Duplicates
		f.PastRetention += d.Expired
	}
	return f
}

// describeIngestRows adds the ingest rows to describe's text output.
func describeIngestRows(row func(string, any), d storeDescription) {
	if li := d.LastIngest; li != nil {
		state := "complete"
		if !li.Complete {
			state = fmt.Sprintf("interrupted after %d of %d inputs", li.InputsRead, li.Inputs)
		}
		line := fmt.Sprintf("%s (%s): %s from %d inputs", li.StartedAt.Format(time.RFC3339), state, totalsText(li.Totals), li.Inputs)
		if li.StoredLater > 0 {
			line += fmt.Sprintf("; stored %d events earlier ingests rejected", li.StoredLater)
		}
		row("Last ingest", line)
	}
	total := totalsText(d.Totals)
	if d.StoredLater > 0 {
		total += fmt.Sprintf(" (%d of the rejected stored by a later ingest)", d.StoredLater)
	}
	row("Ingest totals", total)
	if d.RejectFiles > 0 {
		row("Rejected, not stored", fmt.Sprintf("%d events, with their reasons in %s (%s)", d.StillRejected,
			filepath.Join(d.Location, "rejects")+string(filepath.Separator), plural(d.RejectFiles, "file")))
	}
	if d.DroppedFiles > 0 {
		row("Left out, listed", fmt.Sprintf("%d duplicates, %d past retention, in %s (%s, gzip NDJSON)", d.Duplicates, d.PastRetention,
			filepath.Join(d.Location, "dropped")+string(filepath.Separator), plural(d.DroppedFiles, "file")))
	}
}

func totalsText(t orcstore.Totals) string {
	return fmt.Sprintf("%d ingested, %d duplicates, %d filtered, %d rejected", t.Ingested, t.Duplicates, t.Filtered, t.Rejected)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, strings.TrimSuffix(what, "s"))
}
