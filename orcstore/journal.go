package orcstore

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// The write journal (writes.journal in the store's folder) lists the files
// a writer creates, each appended before the file itself is created. A
// writer that dies leaves the files it had not committed; the next writer
// deletes exactly those the journal names and the manifest does not, and
// leaves every other unlisted file where it is: a file the writer cannot
// prove is its own crash leftover (a manifest edited to forget its files,
// a file someone copied in) is reported by `store verify`, never deleted.
//
// The journal is not fsynced: a kill -9 loses nothing already written to
// the page cache, and after a power loss the worst case is a leftover that
// is not deleted, the safe direction. It is emptied when a writer closes
// cleanly and after a new writer has cleaned up.

const journalName = "writes.journal"

// journal is a writer's open journal.
type journal struct {
	f *os.File
}

func openJournal(dir string) (*journal, error) {
	f, err := os.OpenFile(filepath.Join(dir, journalName), os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &journal{f: f}, nil
}

// add records rel before the file is created.
func (j *journal) add(rel string) error {
	if _, err := j.f.WriteString(rel + "\n"); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	return nil
}

// entries are the paths journaled so far.
func (j *journal) entries() ([]string, error) {
	if _, err := j.f.Seek(0, 0); err != nil {
		return nil, err
	}
	return journalEntries(j.f)
}

// journalEntries parses a journal. Lines that are not a store file's path
// (a torn last line, an edited journal) are skipped.
func journalEntries(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rel := sc.Text(); checkStorePath(rel) == nil {
			out = append(out, rel)
		}
	}
	return out, sc.Err()
}

// journaled reads the journal without taking the writer's lock (verify).
func (s *Store) journaled() ([]string, error) {
	f, err := os.Open(filepath.Join(s.Dir, journalName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return journalEntries(f)
}

// reset empties the journal.
func (j *journal) reset() error { return j.f.Truncate(0) }

func (j *journal) close() error { return j.f.Close() }

// recover deletes what a dead writer left: the journaled files that the
// manifest neither lists nor retires, and unfinished manifest temporaries.
// It also lists the files under the store's folders (data/, rejects/,
// sources/, dropped/) that nothing accounts for (strays), which it leaves
// alone.
func (tx *Tx) recover() error {
	known := map[string]bool{}
	for _, f := range tx.current.Files {
		known[f.Path] = true
	}
	for _, r := range tx.current.Rejects {
		known[r.Path] = true
	}
	for _, r := range tx.current.Retired {
		known[r.Path] = true
	}
	for _, l := range tx.current.Sources {
		known[l.Path] = true
	}
	for _, d := range tx.current.Dropped {
		known[d.Path] = true
	}
	s := tx.store
	left, err := tx.journal.entries()
	if err != nil {
		return fmt.Errorf("store %q: reading the write journal: %w", s.Info.Name, err)
	}
	for _, rel := range left {
		if known[rel] {
			continue
		}
		if err := s.removeStoreFile(rel); err != nil {
			return fmt.Errorf("store %q: cleaning up after an interrupted write: %w", s.Info.Name, err)
		}
	}
	if err := tx.journal.reset(); err != nil {
		return fmt.Errorf("store %q: write journal: %w", s.Info.Name, err)
	}
	removeManifestTemps(s.Dir)
	strays, err := s.unlisted(known)
	if err != nil {
		return err
	}
	tx.strays = strays
	return nil
}

// manifestTempRE matches writeFileAtomic's temporaries of manifest.json.
var manifestTempRE = regexp.MustCompile(`^\.manifest\.json\.tmp-[0-9]+$`)

func removeManifestTemps(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Type().IsRegular() && manifestTempRE.MatchString(e.Name()) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// unlisted walks data/, rejects/, sources/ and dropped/ for files that known does not name.
// It follows no symbolic link (WalkDir does not).
func (s *Store) unlisted(known map[string]bool) ([]string, error) {
	var out []string
	for _, sub := range []string{"data", "rejects", "sources", droppedDir} {
		root := filepath.Join(s.Dir, sub)
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
			rel, err := filepath.Rel(s.Dir, p)
			if err != nil {
				return err
			}
			if rel = filepath.ToSlash(rel); !known[rel] {
				out = append(out, rel)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store %q: listing %s: %w", s.Info.Name, sub, err)
		}
	}
	return out, nil
}

// Strays are the files under the store's folders that neither the manifest
// nor the write journal accounts for, found when the Tx began. They are
// never read, and never deleted: `store verify` names them.
func (tx *Tx) Strays() []string { return tx.strays }
