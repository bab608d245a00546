package lakeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// Queries run as Lake runs them: StartQuery parses and plans at once (so a
// syntax or binding error is its answer) and returns an ID; the query then
// waits QUEUED for a runner, runs, and ends FINISHED, FAILED, CANCELLED or
// TIMED_OUT. Each query's record is DATA/api/queries/<id>.json, replaced
// atomically at every change of state, so the history survives a restart;
// a query a dead server left QUEUED or RUNNING reads FAILED afterwards.

// Query states (QueryStatus).
const (
	stQueued    = "QUEUED"
	stRunning   = "RUNNING"
	stFinished  = "FINISHED"
	stFailed    = "FAILED"
	stCancelled = "CANCELLED"
	stTimedOut  = "TIMED_OUT"
)

func terminal(status string) bool {
	return status != stQueued && status != stRunning
}

// QueryRecord is a query's persistent state, DATA/api/queries/<id>.json:
// what Lake's DescribeQuery tells, plus what the console shows.
type QueryRecord struct {
	ID              string    `json:"id"`
	Statement       string    `json:"statement"`
	Status          string    `json:"status"`
	Stores          []string  `json:"stores,omitempty"` // IDs of the stores the query reads
	Alias           string    `json:"queryAlias,omitempty"`
	RefreshID       string    `json:"refreshId,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
	StartedAt       time.Time `json:"startedAt,omitzero"`
	EndedAt         time.Time `json:"endedAt,omitzero"`
	ErrorMessage    string    `json:"errorMessage,omitempty"`
	EventsScanned   int64     `json:"eventsScanned"`
	EventsMatched   int64     `json:"eventsMatched"`
	BytesScanned    int64     `json:"bytesScanned"`
	ExecutionMillis int64     `json:"executionTimeInMillis"`
	Rows            int64     `json:"rows"`        // result rows in the results file
	ResultBytes     int64     `json:"resultBytes"` // its size; only this much is read

	// What the console shows beside Lake's fields.
	Source        string           `json:"source,omitempty"`  // who ran it: "" (the API), console, dashboard, shell
	Columns       []ResultColumn   `json:"columns,omitempty"` // the result's columns and their types
	NestedJSON    bool             `json:"nestedJSON,omitempty"`
	TimeFrom      *time.Time       `json:"timeFrom,omitempty"` // the time scope, when the query had one
	TimeTo        *time.Time       `json:"timeTo,omitempty"`
	Scan          ScanFigures      `json:"scan,omitzero"`
	StoreVersions map[string]int64 `json:"storeVersions,omitempty"` // manifest version of each store read, when planned
	// Plan is an EXPLAIN's plan as data (with EXPLAIN ANALYZE's figures),
	// which the console draws as a tree.
	Plan *engine.PlanNode `json:"plan,omitempty"`
	// NoResults marks a query whose rows were printed, not kept (the
	// shell's runs, recorded for the history only).
	NoResults bool `json:"noResults,omitempty"`
}

// ResultColumn is one column of a query's result.
type ResultColumn struct {
	Name string `json:"name"`
	Type string `json:"type"` // as Trino spells it: varchar, bigint, timestamp(3), map(varchar, varchar), ...
}

// ScanFigures are what a query's scans read and skipped.
type ScanFigures struct {
	FilesRead        int `json:"filesRead"`
	FilesSkipped     int `json:"filesSkipped"`
	StripesRead      int `json:"stripesRead"`
	StripesSkipped   int `json:"stripesSkipped"`
	RowGroupsRead    int `json:"rowGroupsRead"`
	RowGroupsSkipped int `json:"rowGroupsSkipped"`
}

func scanFigures(s orcstore.ScanStats) ScanFigures {
	return ScanFigures{FilesRead: s.FilesRead, FilesSkipped: s.FilesSkipped, StripesRead: s.StripesRead,
		StripesSkipped: s.StripesSkipped, RowGroupsRead: s.RowGroupsRead, RowGroupsSkipped: s.RowGroupsSkipped}
}

// hasResults reports whether the query's rows are readable.
func (r *QueryRecord) hasResults() bool {
	return (r.Status == stFinished || r.Status == stTimedOut) && !r.NoResults
}

// queryEntry is a query the manager knows; rec is guarded by the
// manager's mutex.
type queryEntry struct {
	rec     QueryRecord
	prep    *engine.Query // until the runner takes it
	ctx     context.Context
	cancel  context.CancelFunc
	reason  string        // why it was cancelled
	rows    *engine.Rows  // while running, for live figures
	writeMu sync.Mutex    // orders this record's writes
	done    chan struct{} // closed when the runner has recorded the end
}

type queryManager struct {
	s      *Server
	dir    string // DATA/api/queries
	resDir string // DATA/api/results
	base   context.Context
	slots  chan struct{}
	wg     sync.WaitGroup

	mu         sync.Mutex
	entries    map[string]*queryEntry
	dirTime    time.Time // the folder's modification time when refresh last read it
	dirScanned time.Time // when that was
}

func newQueryManager(ctx context.Context, s *Server) (*queryManager, error) {
	m := &queryManager{
		s:       s,
		dir:     filepath.Join(s.dir, "queries"),
		resDir:  filepath.Join(s.dir, "results"),
		base:    ctx,
		slots:   make(chan struct{}, s.cfg.MaxRunning),
		entries: map[string]*queryEntry{},
	}
	for _, d := range []string{m.dir, m.resDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("api state: %w", err)
		}
	}
	if err := m.load(); err != nil {
		return nil, err
	}
	return m, nil
}

// load reads the query history. Queries left QUEUED or RUNNING by a server
// that stopped without recording their end are marked FAILED, and their
// partial results removed.
func (m *queryManager) load() error {
	ents, err := os.ReadDir(m.dir)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, de := range ents {
		name := de.Name()
		if !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(m.dir, name))
		if err != nil {
			return err
		}
		var rec QueryRecord
		if err := json.Unmarshal(b, &rec); err != nil || rec.ID+".json" != name {
			m.s.log.Printf("query history: skipping unreadable record %s: %v", name, err)
			continue
		}
		e := &queryEntry{rec: rec}
		m.entries[rec.ID] = e // before persist, which skips unknown entries
		if !terminal(rec.Status) {
			e.rec.Status = stFailed
			e.rec.ErrorMessage = fmt.Sprintf("The ctlake server stopped while this query was %s (it was not shut down cleanly); run the query again.", strings.ToLower(rec.Status))
			e.rec.Rows, e.rec.ResultBytes = 0, 0
			if e.rec.EndedAt.IsZero() {
				e.rec.EndedAt = m.s.now()
			}
			if err := m.persist(e); err != nil {
				return err
			}
		}
		if e.rec.hasResults() {
			st, err := os.Stat(m.resultPath(rec.ID))
			if err != nil || st.Size() != e.rec.ResultBytes {
				// Only a crash of the machine before the results reached
				// the disk leaves them short.
				e.rec.Status = stFailed
				e.rec.ErrorMessage = "The results of this query were lost in a system crash; run the query again."
				e.rec.Rows, e.rec.ResultBytes = 0, 0
				if err := m.persist(e); err != nil {
					return err
				}
			} else {
				keep[rec.ID+".ndjson"] = true
				keep[rec.ID+".idx"] = true
			}
		}
	}
	// Results of queries that did not finish, and partial files.
	res, err := os.ReadDir(m.resDir)
	if err != nil {
		return err
	}
	for _, de := range res {
		if !keep[de.Name()] {
			os.Remove(filepath.Join(m.resDir, de.Name()))
		}
	}
	return nil
}

func (m *queryManager) recordPath(id string) string { return filepath.Join(m.dir, id+".json") }
func (m *queryManager) resultPath(id string) string { return filepath.Join(m.resDir, id+".ndjson") }
func (m *queryManager) indexPath(id string) string  { return filepath.Join(m.resDir, id+".idx") }

// persist writes e's current record. Writes of one record are ordered, and
// each writes the state current when it starts, so the last write wins
// with the newest state.
func (m *queryManager) persist(e *queryEntry) error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	m.mu.Lock()
	rec := e.rec
	gone := m.entries[rec.ID] != e
	m.mu.Unlock()
	if gone { // expired (or never added): nothing to keep
		return nil
	}
	return writeRecord(m.recordPath(rec.ID), rec)
}

// writeRecord replaces path with v as JSON by writing a temporary file and
// renaming it, without fsync. A query changes state three times in a few
// milliseconds; three rounds of fsync would cost more than a point lookup
// takes. Rename is atomic, so a server that dies (the case the history must
// survive) leaves the old record or the new one, never half of one; only a
// crash of the whole machine can lose the last state (or results), and
// load notices a results file shorter than its record says.
func writeRecord(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// refreshHeadroom is how far dashboard refreshes may queue queries beyond
// MaxQueries.
const refreshHeadroom = 20

// startOptions are what a query is started with beyond its statement.
type startOptions struct {
	alias, refreshID string
	source           string
	scope            orcstore.TimeRange // eventTime scope of every scan (the console's picker)
	nestedJSON       bool               // nested values as JSON text (the console's grid), not Lake's Java form
}

// start prepares statement and queues it.
func (m *queryManager) start(ctx context.Context, statement string, so startOptions) (string, error) {
	prep, err := m.s.eng.Prepare(ctx, statement, m.s.queryOptions(so.scope))
	if err != nil {
		var se *sql.Error
		if errors.As(err, &se) {
			return "", errorf("InvalidQueryStatementException", "%s", se.Error())
		}
		return "", err
	}
	stores, err := m.s.checkStores(prep.Plan)
	if err != nil {
		prep.Close()
		return "", err
	}
	id := newUUID()
	qctx, cancel := context.WithCancel(m.base)
	e := &queryEntry{
		rec: QueryRecord{ID: id, Statement: statement, Status: stQueued, Stores: stores, Alias: so.alias, RefreshID: so.refreshID, CreatedAt: m.s.now().Truncate(time.Millisecond),
			Source: so.source, Columns: resultColumns(prep), NestedJSON: so.nestedJSON, StoreVersions: storeVersions(prep.Plan)},
		prep:   prep,
		ctx:    qctx,
		cancel: cancel,
		done:   make(chan struct{}),
	}
	m.mu.Lock()
	limit := m.s.cfg.MaxQueries
	if so.refreshID != "" {
		// A dashboard refresh starts up to 10 widget queries at once, as
		// many as MaxQueries allows by default: they may queue beyond it
		// (by two refreshes' worth), so that a refresh does not fail for
		// one query running in the console.
		limit += refreshHeadroom
	}
	if n := m.activeLocked(); n >= limit {
		m.mu.Unlock()
		cancel()
		prep.Close()
		return "", errorf("MaxConcurrentQueriesException", "You are already running the maximum number of concurrent queries (%d queued or running); wait for one to end or cancel one.", limit)
	}
	m.entries[id] = e
	m.mu.Unlock()
	if !so.scope.All() {
		e.rec.TimeFrom, e.rec.TimeTo = scopeTimes(so.scope)
	}
	if err := m.persist(e); err != nil {
		m.mu.Lock()
		delete(m.entries, id)
		m.mu.Unlock()
		cancel()
		prep.Close()
		return "", fmt.Errorf("recording query: %w", err)
	}
	if h := m.s.cfg.hooks; h != nil && h.prepared != nil {
		h.prepared(id, prep.Plan)
	}
	m.wg.Add(1)
	go m.run(e)
	return id, nil
}

// queryOptions are the engine options of an API query: no JSON tables
// (a query reads stores only), the server's clock for now(), and the
// console's time scope when it gives one.
func (s *Server) queryOptions(scope orcstore.TimeRange) engine.Options {
	opts := engine.Options{MemoryLimit: s.cfg.MemoryLimit, Now: s.now(), TimeScope: scope}
	if s.cfg.engineOptions != nil {
		s.cfg.engineOptions(&opts)
	}
	return opts
}

// activeLocked counts queued and running queries.
func (m *queryManager) activeLocked() int {
	n := 0
	for _, e := range m.entries {
		if !terminal(e.rec.Status) {
			n++
		}
	}
	return n
}

// checkStores lists the stores a plan reads and refuses one that is
// PENDING_DELETION, as Lake does.
func (s *Server) checkStores(p *planner.Plan) ([]string, error) {
	return planStores(p, s.stores.read)
}

// CheckQueryable refuses a plan that reads a store pending deletion
// through the API, with the error the API answers; `ctlake query`, the
// shell and batch files call it so that the CLI and the server agree on
// which stores can be read.
func CheckQueryable(p *planner.Plan) error {
	_, err := planStores(p, readStoreState)
	var ae *apiError
	if errors.As(err, &ae) {
		return errors.New(ae.Message)
	}
	return err
}

// planStores walks a plan's scans: the IDs of the stores it reads, or an
// InactiveEventDataStoreException for one pending deletion.
func planStores(p *planner.Plan, read func(*orcstore.Store) (storeState, error)) ([]string, error) {
	var ids []string
	var walk func(n planner.Node) error
	walk = func(n planner.Node) error {
		if sc, ok := n.(*planner.Scan); ok && sc.Store != nil {
			state, err := read(sc.Store)
			if err != nil {
				return err
			}
			if state.DeletedAt != nil {
				return errorf("InactiveEventDataStoreException", "The event data store %s (%s) is pending deletion since %s and cannot be queried; restore it with RestoreEventDataStore (aws cloudtrail restore-event-data-store --event-data-store %s).",
					sc.Store.Info.Name, sc.Store.Info.ARN, state.DeletedAt.UTC().Format(time.RFC3339), sc.Store.Info.ID)
			}
			if !contains(ids, sc.Store.Info.ID) {
				ids = append(ids, sc.Store.Info.ID)
			}
		}
		for _, in := range n.Inputs() {
			if err := walk(in); err != nil {
				return err
			}
		}
		return nil
	}
	return ids, walk(p.Root)
}

// ended returns a channel closed once query id's runner has recorded its
// end (nil for an unknown query or one loaded from disk).
func (m *queryManager) ended(id string) <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[id]; ok {
		return e.done
	}
	return nil
}

// awaitEnd waits up to d for query id to end: StartQuery's budget (see
// Config.StartWait). It returns early when the client goes away or the
// server shuts down.
func (m *queryManager) awaitEnd(ctx context.Context, id string, d time.Duration) {
	done := m.ended(id)
	if d <= 0 || done == nil {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	case <-ctx.Done():
	case <-m.base.Done():
	}
}

// get returns a copy of a query's record.
func (m *queryManager) get(id string) (QueryRecord, *engine.Rows, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return QueryRecord{}, nil, false
	}
	return e.rec, e.rows, true
}

// cancelQuery cancels a queued or running query; its record reads
// CANCELLED at once (Lake answers CancelQuery with CANCELLED) while the
// runner winds it down.
func (m *queryManager) cancelQuery(id, reason string) (string, error) {
	m.mu.Lock()
	e, ok := m.entries[id]
	if !ok {
		m.mu.Unlock()
		return "", errorf("QueryIdNotFoundException", "The query ID %s does not exist or does not map to a query.", id)
	}
	if terminal(e.rec.Status) {
		st := e.rec.Status
		m.mu.Unlock()
		return "", errorf("InactiveQueryException", "The query %s is %s; only a QUEUED or RUNNING query can be cancelled.", id, st)
	}
	e.rec.Status = stCancelled
	e.rec.ErrorMessage = reason
	e.rec.EndedAt = m.s.now()
	e.reason = reason
	m.mu.Unlock()
	e.cancel()
	if err := m.persist(e); err != nil {
		return "", err
	}
	return stCancelled, nil
}

// shutdown cancels every queued and running query and waits for their
// runners to record them.
func (m *queryManager) shutdown(reason string) {
	m.mu.Lock()
	var ids []string
	for id, e := range m.entries {
		if !terminal(e.rec.Status) {
			ids = append(ids, id)
		}
	}
	m.mu.Unlock()
	for _, id := range ids {
		m.cancelQuery(id, reason)
	}
	m.wg.Wait()
}

// close releases what the manager holds (after shutdown).
func (m *queryManager) close() {
	m.wg.Wait()
}

// expire deletes queries (records and results) older than the retention.
func (m *queryManager) expire() {
	cutoff := m.s.now().Add(-m.s.cfg.ResultsRetention)
	m.mu.Lock()
	var old []*queryEntry
	for id, e := range m.entries {
		if terminal(e.rec.Status) && !e.rec.CreatedAt.After(cutoff) {
			old = append(old, e)
			delete(m.entries, id)
		}
	}
	m.mu.Unlock()
	for _, e := range old {
		// A write in flight finishes first; later ones see the entry gone.
		e.writeMu.Lock()
		os.Remove(m.resultPath(e.rec.ID))
		os.Remove(m.indexPath(e.rec.ID))
		if err := os.Remove(m.recordPath(e.rec.ID)); err != nil && !errors.Is(err, os.ErrNotExist) {
			m.s.log.Printf("query %s: removing expired record: %v", e.rec.ID, err)
		}
		e.writeMu.Unlock()
	}
}

// list returns copies of every record matching keep.
func (m *queryManager) list(keep func(*QueryRecord) bool) []QueryRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []QueryRecord
	for _, e := range m.entries {
		if keep(&e.rec) {
			out = append(out, e.rec)
		}
	}
	return out
}

// lastByAlias returns the newest query run under alias (and refreshID,
// when given).
func (m *queryManager) lastByAlias(alias, refreshID string) (QueryRecord, bool) {
	recs := m.list(func(r *QueryRecord) bool {
		return r.Alias == alias && (refreshID == "" || r.RefreshID == refreshID)
	})
	var best QueryRecord
	found := false
	for _, r := range recs {
		if !found || r.CreatedAt.After(best.CreatedAt) || r.CreatedAt.Equal(best.CreatedAt) && r.ID > best.ID {
			best, found = r, true
		}
	}
	return best, found
}
