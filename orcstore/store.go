package orcstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Info is a store's settings, kept in store.json.
type Info struct {
	ID                    string     `json:"id"`
	ARN                   string     `json:"arn"`
	Name                  string     `json:"name"`
	Selectors             []Selector `json:"advancedEventSelectors,omitempty"`
	RetentionDays         int        `json:"retentionPeriodDays"`
	TerminationProtection bool       `json:"terminationProtectionEnabled"`
	CreatedAt             time.Time  `json:"createdTimestamp"`
}

// Store is one event data store on disk.
type Store struct {
	Dir  string
	Info Info
}

const manifestName = "manifest.json"

// Manifest is a committed snapshot of a store: the ORC files a query may
// read. It is replaced atomically (write to a temporary file, fsync, rename,
// fsync the folder), so a reader always sees a whole snapshot and a crash at
// any instant leaves the previous one intact. Files not listed are never
// read; the next writer removes them.
type Manifest struct {
	Version     int64        `json:"version"`
	CommittedAt time.Time    `json:"committedAt,omitempty"`
	Files       []FileEntry  `json:"files"`
	Rejects     []RejectFile `json:"rejects,omitempty"`
	Totals      Totals       `json:"totals"`
	// Sources is the source log (sources.go): which input objects the
	// committed events came from.
	Sources []SourceLog `json:"sources,omitempty"`
	// Dropped lists the events ingests left out on purpose (duplicates,
	// past retention); LastIngest is what the latest ingest did (see
	// ingestlog.go).
	Dropped    []DroppedFile `json:"dropped,omitempty"`
	LastIngest *IngestRecord `json:"lastIngest,omitempty"`
}

// FileEntry describes one committed ORC file.
type FileEntry struct {
	Path    string    `json:"path"` // relative to the store folder, with forward slashes
	Date    string    `json:"eventDate"`
	Rows    int64     `json:"rows"`
	Bytes   int64     `json:"bytes"`
	MinTime time.Time `json:"minEventTime"`
	MaxTime time.Time `json:"maxEventTime"`
}

// RejectFile is an NDJSON file of events that could not be stored.
type RejectFile struct {
	Path  string `json:"path"`
	Count int64  `json:"count"`
	// Stored counts its events a later ingest stored after all (by
	// eventID, e.g. re-ingested with --time-field).
	Stored int64 `json:"storedLater,omitempty"`
}

// Totals accumulate what every ingest into the store did.
type Totals struct {
	Ingested   int64 `json:"ingested"`
	Duplicates int64 `json:"duplicates"`
	Filtered   int64 `json:"filtered"`
	Rejected   int64 `json:"rejected"`
}

// Rows is the number of events in the snapshot.
func (m *Manifest) Rows() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Rows
	}
	return n
}

// Bytes is the size of the snapshot's ORC files.
func (m *Manifest) Bytes() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Bytes
	}
	return n
}

// TimeRange is the eventTime range of the snapshot (zero times when empty).
func (m *Manifest) TimeRange() (lo, hi time.Time) {
	for i, f := range m.Files {
		if i == 0 || f.MinTime.Before(lo) {
			lo = f.MinTime
		}
		if i == 0 || f.MaxTime.After(hi) {
			hi = f.MaxTime
		}
	}
	return lo, hi
}

// Snapshot reads the store's current manifest. Queries take one snapshot and
// read only its files, so a concurrent ingest never shows them half its work.
func (s *Store) Snapshot() (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(s.Dir, manifestName))
	if err != nil {
		return nil, fmt.Errorf("store %q: %w", s.Info.Name, err)
	}
	m := &Manifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("store %q: manifest: %w", s.Info.Name, err)
	}
	return m, nil
}

// FilePath is the absolute path of a manifest entry.
func (s *Store) FilePath(rel string) string {
	return filepath.Join(s.Dir, filepath.FromSlash(rel))
}

// DataDir is the folder Trino, Athena or Spark read as a table partitioned by
// eventdate.
func (s *Store) DataDir() string { return filepath.Join(s.Dir, "data") }

// Tx is a writer's session on a store. It holds the store's lock from Begin
// to Close; each Commit atomically publishes what was added since the last
// one, so a long ingest commits in batches and a crash loses at most the
// batch in flight. Its methods are safe for concurrent use, so that ingest
// can write files on one goroutine while another opens reject files.
type Tx struct {
	mu       sync.Mutex
	store    *Store
	lock     *fileLock
	current  Manifest
	pending  []FileEntry
	removed  map[string]bool
	rejects  []RejectFile
	totals   Totals
	created  map[string]bool // paths created by this Tx and not yet committed
	released bool
	src      txSources // source log changes for the next commit (sources.go)
	ingest   txIngest  // dropped-event files, the ingest record, resolved rejects (ingestlog.go)
}

// Begin takes the store's writer lock and removes whatever a crashed writer
// left behind (files not listed in the manifest).
func (s *Store) Begin() (*Tx, error) {
	lock, err := acquireLock(s.Dir)
	if err != nil {
		return nil, fmt.Errorf("store %q: %w", s.Info.Name, err)
	}
	m, err := s.Snapshot()
	if err != nil {
		lock.release()
		return nil, err
	}
	tx := &Tx{store: s, lock: lock, current: *m, removed: map[string]bool{}, created: map[string]bool{}}
	if err := tx.removeOrphans(); err != nil {
		lock.release()
		return nil, err
	}
	return tx, nil
}

// Current is the last committed manifest as this Tx sees it (a copy).
func (tx *Tx) Current() *Manifest {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	m := tx.current
	return &m
}

// removeOrphans deletes files under data/ and rejects/ that the manifest does
// not list: leftovers of a writer that died before its commit.
func (tx *Tx) removeOrphans() error {
	keep := map[string]bool{}
	for _, f := range tx.current.Files {
		keep[f.Path] = true
	}
	for _, r := range tx.current.Rejects {
		keep[r.Path] = true
	}
	sourcesKeep(&tx.current, keep)
	for _, d := range tx.current.Dropped {
		keep[d.Path] = true
	}
	for _, sub := range []string{"data", "rejects", "sources", droppedDir} {
		root := filepath.Join(tx.store.Dir, sub)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(tx.store.Dir, p)
			if !keep[filepath.ToSlash(rel)] {
				if err := os.Remove(p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store %q: cleaning up after an interrupted write: %w", tx.store.Info.Name, err)
		}
	}
	return nil
}

// NewFile creates a new, uniquely named ORC file in the eventdate partition
// of date (YYYY-MM-DD). The file stays invisible until it is added with
// AddFile and committed.
func (tx *Tx) NewFile(date string) (rel string, f *os.File, err error) {
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return "", nil, fmt.Errorf("partition date %q: %w", date, err)
	}
	rel = path.Join("data", "eventdate="+date, newUUID()+".orc")
	return tx.create(rel)
}

// NewRejectFile creates a file for rejected events (NDJSON), committed with
// AddRejects.
func (tx *Tx) NewRejectFile() (rel string, f *os.File, err error) {
	rel = path.Join("rejects", time.Now().UTC().Format("20060102T150405Z")+"-"+newUUID()[:8]+".ndjson")
	return tx.create(rel)
}

func (tx *Tx) create(rel string) (string, *os.File, error) {
	abs := tx.store.FilePath(rel)
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return "", nil, err
	}
	f, err := os.OpenFile(abs, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return "", nil, err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.created[rel] = true
	return rel, f, nil
}

// AddFile makes a finished file part of the next commit. The file must be
// complete: AddFile syncs it to disk before it can be published.
func (tx *Tx) AddFile(e FileEntry) error {
	if !tx.wasCreated(e.Path) {
		return fmt.Errorf("file %s was not created by this writer", e.Path)
	}
	if err := syncFile(tx.store.FilePath(e.Path)); err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.pending = append(tx.pending, e)
	return nil
}

func (tx *Tx) wasCreated(rel string) bool {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return tx.created[rel]
}

// RemoveFile drops a committed file from the next commit (compaction and
// retention); the file itself is deleted after that commit.
func (tx *Tx) RemoveFile(rel string) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.removed[rel] = true
}

// AddRejects publishes a reject file with the next commit.
func (tx *Tx) AddRejects(r RejectFile) error {
	if !tx.wasCreated(r.Path) {
		return fmt.Errorf("reject file %s was not created by this writer", r.Path)
	}
	if err := syncFile(tx.store.FilePath(r.Path)); err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.rejects = append(tx.rejects, r)
	return nil
}

// Count adds ingest counters to the next commit.
func (tx *Tx) Count(t Totals) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.totals.Ingested += t.Ingested
	tx.totals.Duplicates += t.Duplicates
	tx.totals.Filtered += t.Filtered
	tx.totals.Rejected += t.Rejected
}

// Commit atomically publishes everything added or removed since the last
// commit.
func (tx *Tx) Commit() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.released {
		return errors.New("commit after close")
	}
	next := Manifest{
		Version:     tx.current.Version + 1,
		CommittedAt: time.Now().UTC(),
		Totals:      tx.current.Totals,
	}
	var gone []string
	for _, f := range tx.current.Files {
		if tx.removed[f.Path] {
			gone = append(gone, f.Path)
			continue
		}
		next.Files = append(next.Files, f)
	}
	next.Files = append(next.Files, tx.pending...)
	sort.SliceStable(next.Files, func(i, j int) bool { return next.Files[i].Date < next.Files[j].Date })
	next.Rejects = append(append(next.Rejects, tx.current.Rejects...), tx.rejects...)
	tx.ingest.apply(&next, tx.current)
	next.Totals.Ingested += tx.totals.Ingested
	next.Totals.Duplicates += tx.totals.Duplicates
	next.Totals.Filtered += tx.totals.Filtered
	next.Totals.Rejected += tx.totals.Rejected
	next.Sources = tx.src.next(tx.current.Sources)
	// The pruning metadata of the new snapshot (metasnap.go). Best effort:
	// files without an entry are planned from their tails.
	writeMetaSnapshot(tx.store.Dir, &next)
	if err := writeJSONAtomic(filepath.Join(tx.store.Dir, manifestName), next); err != nil {
		return fmt.Errorf("store %q: commit: %w", tx.store.Info.Name, err)
	}
	for _, e := range tx.pending {
		delete(tx.created, e.Path)
	}
	for _, r := range tx.rejects {
		delete(tx.created, r.Path)
	}
	for _, d := range tx.ingest.dropped {
		delete(tx.created, d.Path)
	}
	tx.ingest.committed()
	tx.current, tx.pending, tx.rejects, tx.totals = next, nil, nil, Totals{}
	tx.removed = map[string]bool{}
	gone = append(gone, tx.src.committed(tx.created)...)
	// Readers holding an older snapshot may still be reading a removed file;
	// they retry on the new snapshot (see OpenSnapshotFile).
	for _, p := range gone {
		os.Remove(tx.store.FilePath(p))
	}
	return nil
}

// Close releases the lock and deletes files this Tx created but never
// committed. It is safe to call after a failed Commit or more than once.
func (tx *Tx) Close() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.released {
		return nil
	}
	tx.released = true
	for rel := range tx.created {
		os.Remove(tx.store.FilePath(rel))
	}
	return tx.lock.release()
}

// writeJSONAtomic replaces path with v as indented JSON: write a temporary
// file beside it, fsync it, rename it over path, fsync the folder.
func writeJSONAtomic(p string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, werr := tmp.Write(b)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, p); err != nil {
		os.Remove(name)
		return err
	}
	syncDir(filepath.Dir(p))
	return nil
}

func syncFile(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", p, err)
	}
	syncDir(filepath.Dir(p))
	return nil
}

// syncDir makes a rename or file creation in dir durable. Some platforms
// cannot fsync a folder; that is not an error worth failing a commit for.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// PartitionDate is the eventdate partition (UTC date) of an eventTime.
func PartitionDate(t time.Time) string { return t.UTC().Format("2006-01-02") }
