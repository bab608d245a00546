package orcstore

import (
	"fmt"
	"os"
	"path"
	"time"
)

// What each ingest did stays with the store, so that `store describe`
// answers from the store as it is: the figures of the latest ingest and
// the totals, how many rejected events were stored later after all, and
// files listing the events left out on purpose (duplicates, past
// retention), as rejects/ lists the events that could not be stored.

// droppedDir holds the dropped-event files.
const droppedDir = "dropped"

// DroppedFile is a gzip-compressed NDJSON file of events an ingest left
// out on purpose: {"eventID","eventTime","file","line","offset","reason"}.
type DroppedFile struct {
	Path       string `json:"path"`
	Duplicates int64  `json:"duplicates"`
	Expired    int64  `json:"pastRetention"`
}

// IngestRecord is what one ingest did. Each of its commits replaces it,
// so an interrupted ingest shows how far it got (Complete false).
type IngestRecord struct {
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt,omitempty"`
	Complete   bool      `json:"complete"`
	Inputs     int       `json:"inputs"`
	InputsRead int       `json:"inputsRead"`
	Totals
	// StoredLater counts events of earlier reject files this ingest stored.
	StoredLater int64    `json:"storedLater,omitempty"`
	Rejects     []string `json:"rejectFiles,omitempty"`
	Dropped     []string `json:"droppedFiles,omitempty"`
}

// txIngest is a Tx's pending ingest bookkeeping.
type txIngest struct {
	dropped  []DroppedFile
	last     *IngestRecord
	resolved map[string]int64 // reject file → events stored since
}

// apply adds the pending bookkeeping to the next manifest.
func (t *txIngest) apply(next *Manifest, cur Manifest) {
	next.Dropped = append(append(next.Dropped, cur.Dropped...), t.dropped...)
	next.LastIngest = cur.LastIngest
	if t.last != nil {
		rec := *t.last
		next.LastIngest = &rec
	}
	if len(t.resolved) > 0 {
		rs := make([]RejectFile, len(next.Rejects))
		copy(rs, next.Rejects)
		for i := range rs {
			rs[i].Stored = min(rs[i].Count, rs[i].Stored+t.resolved[rs[i].Path])
		}
		next.Rejects = rs
	}
}

// committed clears what the last commit published.
func (t *txIngest) committed() {
	t.dropped, t.last, t.resolved = nil, nil, nil
}

// NewDroppedFile creates a file listing dropped events, published with
// AddDropped.
func (tx *Tx) NewDroppedFile() (string, *os.File, error) {
	rel := path.Join(droppedDir, time.Now().UTC().Format("20060102T150405Z")+"-"+newUUID()[:8]+".ndjson.gz")
	return tx.create(rel)
}

// AddDropped publishes a dropped-event file with the next commit.
func (tx *Tx) AddDropped(d DroppedFile) error {
	if !tx.wasCreated(d.Path) {
		return fmt.Errorf("dropped-event file %s was not created by this writer", d.Path)
	}
	if err := syncFile(tx.store.FilePath(d.Path)); err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.ingest.dropped = append(tx.ingest.dropped, d)
	return nil
}

// SetIngest records what the running ingest did so far, with the next
// commit.
func (tx *Tx) SetIngest(r IngestRecord) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.ingest.last = &r
}

// StoredLater notes that n events of the committed reject file rel were
// stored by this ingest, with the next commit.
func (tx *Tx) StoredLater(rel string, n int64) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.ingest.resolved == nil {
		tx.ingest.resolved = map[string]int64{}
	}
	tx.ingest.resolved[rel] += n
}

// StillRejected is the number of rejected events not stored since.
func (m *Manifest) StillRejected() int64 {
	var n int64
	for _, r := range m.Rejects {
		n += r.Count - r.Stored
	}
	return n
}
