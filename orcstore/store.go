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
// read. Its format, checksums and checks are in manifest.go; how long the
// files of a snapshot stay readable is in doc.go.
type Manifest struct {
	Format      int          `json:"format,omitempty"` // 2: with checksums (manifest.go); 0 or 1: older
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

	// Retired are files that earlier snapshots listed and this one does not
	// (compaction, retention), kept until no reader holds such a snapshot
	// (lease.go).
	Retired []RetiredFile `json:"retired,omitempty"`
	// Checksum is the manifest's own, read from its trailer (manifest.go).
	Checksum string `json:"checksum,omitempty"`

	lease *lease // the reader's hold on the files (Snapshot), or nil
}

// FileEntry describes one committed ORC file.
type FileEntry struct {
	Path    string    `json:"path"` // relative to the store folder, with forward slashes
	Date    string    `json:"eventDate"`
	Rows    int64     `json:"rows"`
	Bytes   int64     `json:"bytes"`
	MinTime time.Time `json:"minEventTime"`
	MaxTime time.Time `json:"maxEventTime"`

	// Checksum is the xxh3-64 of the whole file and TailChecksum of its
	// tail (metadata, footer and postscript, what opening it reads), as 16
	// hex digits; both empty for files written before ctlake kept them.
	Checksum     string `json:"xxh3,omitempty"`
	TailChecksum string `json:"tailXxh3,omitempty"`
}

// RetiredFile is a file dropped from the snapshot at Version and not yet
// deleted.
type RetiredFile struct {
	Path    string `json:"path"`
	Version int64  `json:"retiredAtVersion"`
	Bytes   int64  `json:"bytes"`
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

// Snapshot reads the store's current manifest for a query. Queries take one
// snapshot and read only its files, so a concurrent ingest never shows them
// half its work; the snapshot holds a reader's lease (lease.go) so that its
// files stay readable whatever compaction and retention do meanwhile, until
// Release.
func (s *Store) Snapshot() (*Manifest, error) {
	l, err := s.takeLease()
	if err != nil {
		return nil, err
	}
	m, err := s.readManifest()
	if err != nil {
		l.release()
		return nil, err
	}
	l.setVersion(m.Version)
	m.lease = l
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
	journal  *journal
	current  Manifest
	pending  []FileEntry
	removed  map[string]bool
	rejects  []RejectFile
	totals   Totals
	created  map[string]bool // paths created by this Tx and not yet committed
	strays   []string        // unlisted files found by Begin (journal.go)
	kept     int             // retired files a live reader still holds (after the last purge)
	released bool
	src      txSources // source log changes for the next commit (sources.go)
	ingest   txIngest  // dropped-event files, the ingest record, resolved rejects (ingestlog.go)
}

// Begin takes the store's writer lock, removes what a crashed writer left
// behind (the files its journal names that the manifest does not list) and
// deletes retired files that no reader holds any more.
func (s *Store) Begin() (*Tx, error) {
	lock, err := acquireLock(s.Dir)
	if err != nil {
		return nil, fmt.Errorf("store %q: %w", s.Info.Name, err)
	}
	m, err := s.readManifest()
	if err != nil {
		lock.release()
		return nil, err
	}
	j, err := openJournal(s.Dir)
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("store %q: write journal: %w", s.Info.Name, err)
	}
	tx := &Tx{store: s, lock: lock, journal: j, current: *m, removed: map[string]bool{}, created: map[string]bool{}}
	if err := tx.recover(); err != nil {
		j.close()
		lock.release()
		return nil, err
	}
	tx.purge() // best effort, as after a commit
	return tx, nil
}

// Current is the last committed manifest as this Tx sees it (a copy).
func (tx *Tx) Current() *Manifest {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	m := tx.current
	return &m
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
	if err := checkStorePath(rel); err != nil {
		return "", nil, err
	}
	abs := tx.store.FilePath(rel)
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return "", nil, err
	}
	if _, err := tx.store.resolve(rel, nil); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", nil, err // a folder on the way is a symbolic link
	}
	tx.mu.Lock()
	if tx.released {
		tx.mu.Unlock()
		return "", nil, errors.New("create after close")
	}
	err := tx.journal.add(rel)
	if err == nil {
		tx.created[rel] = true
	}
	tx.mu.Unlock()
	if err != nil {
		return "", nil, err
	}
	f, err := os.OpenFile(abs, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		tx.mu.Lock()
		delete(tx.created, rel)
		tx.mu.Unlock()
		return "", nil, err
	}
	return rel, f, nil
}

// discard deletes a file this Tx created and will not commit.
func (tx *Tx) discard(rel string) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.created[rel] {
		tx.store.removeStoreFile(rel)
		delete(tx.created, rel)
	}
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
// commit. Removed files are retired, not deleted: they are deleted once no
// reader's snapshot lists them (purge).
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
	for _, r := range tx.current.Retired {
		if _, err := tx.store.resolve(r.Path, nil); !errors.Is(err, fs.ErrNotExist) {
			next.Retired = append(next.Retired, r) // not deleted yet
		}
	}
	for _, f := range tx.current.Files {
		if tx.removed[f.Path] {
			next.Retired = append(next.Retired, RetiredFile{Path: f.Path, Version: next.Version, Bytes: f.Bytes})
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
	next.Retired = append(next.Retired, tx.src.retired(tx.current.Sources, next.Version)...)
	if err := next.validate(); err != nil {
		return fmt.Errorf("store %q: commit: %w", tx.store.Info.Name, err)
	}
	// The pruning metadata of the new snapshot (metasnap.go). Best effort:
	// files without an entry are planned from their tails.
	writeMetaSnapshot(tx.store.Dir, &next)
	if err := tx.store.writeManifest(next); err != nil {
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
	tx.src.committed(tx.created)
	tx.current, tx.pending, tx.rejects, tx.totals = next, nil, nil, Totals{}
	tx.removed = map[string]bool{}
	// The commit stands whatever happens to the deletions: a file not
	// deleted now stays retired, and a later writer deletes it.
	tx.purgeLocked()
	return nil
}

// purge deletes the retired files no live reader holds any more.
func (tx *Tx) purge() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return tx.purgeLocked()
}

func (tx *Tx) purgeLocked() error {
	tx.kept = 0
	if len(tx.current.Retired) == 0 {
		return nil
	}
	rd, err := tx.store.liveReaders()
	if err != nil {
		return err
	}
	for _, r := range tx.current.Retired {
		if !rd.mayDelete(r.Version) {
			tx.kept++
			continue
		}
		if err := tx.store.removeStoreFile(r.Path); err != nil {
			return fmt.Errorf("store %q: deleting replaced file: %w", tx.store.Info.Name, err)
		}
	}
	return nil
}

// KeptForReaders is how many replaced files the last commit (or Begin)
// left on disk because a running query's snapshot still lists them; a later
// writer deletes them once those queries end.
func (tx *Tx) KeptForReaders() int {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return tx.kept
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
	clean := true
	for rel := range tx.created {
		if err := tx.store.removeStoreFile(rel); err != nil {
			clean = false
		}
	}
	if clean {
		tx.journal.reset() // else the next writer retries from it
	}
	tx.journal.close()
	return tx.lock.release()
}

// writeJSONAtomic replaces path with v as indented JSON (writeFileAtomic).
func writeJSONAtomic(p string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(p, append(b, '\n'))
}

// writeFileAtomic replaces path with b: write a temporary file beside it,
// fsync it, rename it over path, fsync the folder.
func writeFileAtomic(p string, b []byte) error {
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
