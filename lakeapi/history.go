package lakeapi

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
)

// The query history is the records under DATA/api/queries. The server
// writes the API's, the console's and dashboards' queries there; other
// processes add theirs with RecordRun (the shell, whose rows were printed,
// not kept), and the server picks them up when the history is read: it
// rescans the folder when its modification time has changed, loading only
// records it does not know yet.

// Run is a query another process ran, for the history.
type Run struct {
	Source    string // "shell"
	Statement string
	Status    string // FINISHED, FAILED or CANCELLED
	Error     string
	Started   time.Time
	Stats     engine.Stats
	Columns   []ResultColumn
}

// RecordRun adds a run to the history of the data directory dataDir. It
// writes one small file (no fsync), so a front-end may call it after every
// statement.
func RecordRun(dataDir string, r Run) error {
	dir := filepath.Join(dataDir, "api", "queries")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if !terminal(r.Status) {
		return fmt.Errorf("history: status %q is not an end state", r.Status)
	}
	end := r.Started.Add(r.Stats.Elapsed)
	rec := QueryRecord{
		ID: newUUID(), Statement: r.Statement, Status: r.Status, Source: r.Source,
		CreatedAt: r.Started.UTC().Truncate(time.Millisecond), StartedAt: r.Started.UTC(), EndedAt: end.UTC(),
		EventsScanned: r.Stats.EventsScanned, EventsMatched: r.Stats.EventsMatched, BytesScanned: r.Stats.BytesScanned,
		ExecutionMillis: r.Stats.Elapsed.Milliseconds(), Rows: r.Stats.RowsOut, Scan: scanFigures(r.Stats.Scan),
		Columns: r.Columns, NoResults: true,
	}
	if r.Error != "" {
		rec.ErrorMessage = failureMessage(fmt.Errorf("%s", r.Error))
	}
	return writeRecord(filepath.Join(dir, rec.ID+".json"), rec)
}

// refresh loads the records other processes added since the last look.
func (m *queryManager) refresh() {
	st, err := os.Stat(m.dir)
	if err != nil {
		return
	}
	m.mu.Lock()
	// A folder's modification time can be coarse (a second on some file
	// systems): an unchanged time is trusted for two seconds only.
	same := st.ModTime().Equal(m.dirTime) && time.Since(m.dirScanned) < 2*time.Second
	m.mu.Unlock()
	if same {
		return
	}
	ents, err := os.ReadDir(m.dir)
	if err != nil {
		return
	}
	cutoff := m.s.now().Add(-m.s.cfg.ResultsRetention)
	for _, de := range ents {
		id, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || strings.HasPrefix(id, ".") || !orcstore.IsStoreID(id) {
			continue
		}
		m.mu.Lock()
		_, known := m.entries[id]
		m.mu.Unlock()
		if known {
			continue
		}
		b, err := os.ReadFile(filepath.Join(m.dir, de.Name()))
		if err != nil {
			continue
		}
		var rec QueryRecord
		if json.Unmarshal(b, &rec) != nil || rec.ID != id || !terminal(rec.Status) || !rec.NoResults || !rec.CreatedAt.After(cutoff) {
			// Only finished runs of other processes are taken; anything
			// else appears after a restart, checked by load.
			continue
		}
		m.mu.Lock()
		if _, known := m.entries[id]; !known {
			m.entries[id] = &queryEntry{rec: rec}
		}
		m.mu.Unlock()
	}
	m.mu.Lock()
	m.dirTime, m.dirScanned = st.ModTime(), time.Now()
	m.mu.Unlock()
}
