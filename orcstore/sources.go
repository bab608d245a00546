package orcstore

// The source log: which input objects (S3 objects, files) a store's
// committed events came from, so that an ingest of a bucket fetches each
// object once across runs. An ingest adds the objects it read whole with
// the very commit that publishes their events (AddSources then Commit), so
// a crash at any instant never leaves an object recorded without its
// events, or events of a recorded object missing.
//
// The objects are kept in NDJSON files under sources/, one per commit that
// added any, listed in the manifest's "sources" section: the manifest, read
// by every query, stays small however many objects a trail delivers.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"time"
)

// SourceObject is one input read whole into the store.
type SourceObject struct {
	Key  string `json:"key"`            // s3://bucket/key, or file:///path
	ETag string `json:"etag,omitempty"` // the S3 ETag; for a file, its modification time
	Size int64  `json:"size"`
	// Err is set when the input could not be read to its end for a reason
	// a re-read would not fix (corrupt gzip, not JSON): the events before
	// the damage are stored, and the object is not fetched again.
	Err string `json:"error,omitempty"`
}

// SourceLog is one file of the source log.
type SourceLog struct {
	Path  string `json:"path"` // relative to the store folder
	Count int    `json:"count"`
}

// txSources is a Tx's part of the source log: logs written for the next
// commit, and logs the next commit drops (CompactSources).
type txSources struct {
	added   []SourceLog
	dropped map[string]bool
}

// AddSources records objects with the next commit.
func (tx *Tx) AddSources(objs []SourceObject) error {
	if len(objs) == 0 {
		return nil
	}
	rel, err := tx.writeSourceLog(objs)
	if err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.src.added = append(tx.src.added, SourceLog{Path: rel, Count: len(objs)})
	return nil
}

func (tx *Tx) writeSourceLog(objs []SourceObject) (string, error) {
	rel := path.Join("sources", time.Now().UTC().Format("20060102T150405Z")+"-"+newUUID()[:8]+".ndjson")
	rel, f, err := tx.create(rel)
	if err != nil {
		return "", fmt.Errorf("source log: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for i := range objs {
		if err := enc.Encode(&objs[i]); err != nil {
			f.Close()
			return "", fmt.Errorf("source log: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", fmt.Errorf("source log: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("source log: %w", err)
	}
	if err := syncFile(tx.store.FilePath(rel)); err != nil {
		return "", err
	}
	return rel, nil
}

// CompactSources rewrites the committed source log as one file (the latest
// entry of each key), published by the next commit: a store that follows a
// trail commits every minute, and would otherwise list thousands of logs.
func (tx *Tx) CompactSources() error {
	cur := tx.Current()
	if len(cur.Sources) < 2 {
		return nil
	}
	latest, err := tx.store.SourceObjects(cur)
	if err != nil {
		return err
	}
	objs := make([]SourceObject, 0, len(latest))
	seen := map[string]bool{}
	// Keep the log's order (first appearance of each key) for readability.
	err = tx.store.Sources(cur, func(o SourceObject) {
		if !seen[o.Key] {
			seen[o.Key] = true
			objs = append(objs, latest[o.Key])
		}
	})
	if err != nil {
		return err
	}
	rel, err := tx.writeSourceLog(objs)
	if err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.src.dropped == nil {
		tx.src.dropped = map[string]bool{}
	}
	for _, l := range cur.Sources {
		tx.src.dropped[l.Path] = true
	}
	tx.src.added = append(tx.src.added, SourceLog{Path: rel, Count: len(objs)})
	return nil
}

// next is the source log of the next commit; the caller holds tx.mu.
func (s *txSources) next(cur []SourceLog) []SourceLog {
	var out []SourceLog
	for _, l := range cur {
		if !s.dropped[l.Path] {
			out = append(out, l)
		}
	}
	return append(out, s.added...)
}

// retired lists the committed logs the next commit (at version v) drops:
// a reader of an older snapshot may still be reading them, so they are
// deleted as replaced data files are, once no reader holds that snapshot.
// The caller holds tx.mu.
func (s *txSources) retired(cur []SourceLog, v int64) []RetiredFile {
	var out []RetiredFile
	for _, l := range cur {
		if s.dropped[l.Path] {
			out = append(out, RetiredFile{Path: l.Path, Version: v})
		}
	}
	return out
}

// committed resets after a commit, forgetting the new logs as uncommitted;
// the caller holds tx.mu.
func (s *txSources) committed(created map[string]bool) {
	for _, l := range s.added {
		delete(created, l.Path)
	}
	s.added, s.dropped = nil, nil
}

// Sources calls fn for every object in m's source log, oldest first (a key
// may appear more than once when a changed object was ingested again).
func (s *Store) Sources(m *Manifest, fn func(SourceObject)) error {
	for _, l := range m.Sources {
		abs, err := s.resolve(l.Path, nil)
		if err != nil {
			return fmt.Errorf("store %q: source log: %w", s.Info.Name, err)
		}
		f, err := os.Open(abs)
		if err != nil {
			return fmt.Errorf("store %q: source log: %w", s.Info.Name, err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		n := 0
		for sc.Scan() {
			var o SourceObject
			if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
				f.Close()
				return fmt.Errorf("store %q: source log %s line %d: %w", s.Info.Name, l.Path, n+1, err)
			}
			n++
			fn(o)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return fmt.Errorf("store %q: source log %s: %w", s.Info.Name, l.Path, err)
		}
		if n != l.Count {
			return fmt.Errorf("store %q: source log %s holds %d objects, the manifest says %d", s.Info.Name, l.Path, n, l.Count)
		}
	}
	return nil
}

// SourceObjects is the latest entry of each key in m's source log.
func (s *Store) SourceObjects(m *Manifest) (map[string]SourceObject, error) {
	out := map[string]SourceObject{}
	err := s.Sources(m, func(o SourceObject) { out[o.Key] = o })
	return out, err
}
