package orcstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Paths read from manifest.json, store.json and the write journal are data,
// not trust: a store folder may come from anyone (an incident's evidence, a
// colleague's export), and a path such as "../../../victim.txt" must never
// make a query read, or a writer delete, anything outside the store.
//
// Two checks guard every such path. The first is lexical and cheap, run on
// every entry when a manifest is loaded: a data file must be exactly
// data/eventdate=YYYY-MM-DD/NAME.orc (the date its entry's), a reject file
// rejects/NAME.ndjson, with NAME free of slashes and not starting with a
// dot, so no "..", no absolute path, no backslash can pass. The second runs
// before a file is opened or deleted: each folder between the store and the
// file must be a real folder and the file a regular file, checked with
// Lstat, so a symbolic link planted inside the store cannot lead outside it.

// ErrUnsafePath marks a path in a store's metadata that leaves, or could
// leave, the store's folder.
var ErrUnsafePath = errors.New("path is not inside the store's data folder")

// checkDataPath checks a data file's path lexically; date, if not empty,
// must be its partition. (Hand-written: with a regular expression and
// eagerly formatted messages, checking a 300-file manifest's entries cost
// most of what decoding its JSON does; BenchmarkSnapshot.)
func checkDataPath(rel, date string) error {
	part, name, ok := strings.Cut(strings.TrimPrefix(rel, "data/eventdate="), "/")
	if !ok || !strings.HasPrefix(rel, "data/eventdate=") || !isDate(part) || !safeName(name, ".orc") {
		return fmt.Errorf("%q: %w (want data/eventdate=YYYY-MM-DD/NAME.orc)", rel, ErrUnsafePath)
	}
	if date != "" && part != date {
		return fmt.Errorf("%q is in partition %s, its entry says %s", rel, part, date)
	}
	return nil
}

// checkRejectPath checks a reject file's path lexically.
func checkRejectPath(rel string) error {
	name, ok := strings.CutPrefix(rel, "rejects/")
	if !ok || !safeName(name, ".ndjson") {
		return fmt.Errorf("%q: %w (want rejects/NAME.ndjson)", rel, ErrUnsafePath)
	}
	return nil
}

// isDate reports the shape YYYY-MM-DD (digits and dashes).
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// safeName reports a file name of letters, digits, '.', '_' and '-', not
// starting with a dot, ending with ext (and longer than it).
func safeName(name, ext string) bool {
	if len(name) <= len(ext) || !strings.HasSuffix(name, ext) || name[0] == '.' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkStorePath accepts any kind of file a writer creates: data files,
// reject files, source logs (sources.go), dropped-event files
// (ingestlog.go).
func checkStorePath(rel string) error {
	switch {
	case strings.HasPrefix(rel, "rejects/"):
		return checkRejectPath(rel)
	case strings.HasPrefix(rel, "sources/"):
		if !safeName(strings.TrimPrefix(rel, "sources/"), ".ndjson") {
			return fmt.Errorf("%q: %w (want sources/NAME.ndjson)", rel, ErrUnsafePath)
		}
		return nil
	case strings.HasPrefix(rel, droppedDir+"/"):
		if !safeName(strings.TrimPrefix(rel, droppedDir+"/"), ".ndjson.gz") {
			return fmt.Errorf("%q: %w (want dropped/NAME.ndjson.gz)", rel, ErrUnsafePath)
		}
		return nil
	}
	return checkDataPath(rel, "")
}

// resolve checks rel (lexically valid already, or checked here) and
// returns its absolute path after making sure that no component under the
// store's folder is a symbolic link: each folder must be a folder and the
// file, if it exists, a regular file. A missing file is reported with an
// error wrapping fs.ErrNotExist. dirs, if not nil, remembers folders
// already checked (a scan resolves many files of a few partitions).
func (s *Store) resolve(rel string, dirs map[string]error) (string, error) {
	if err := checkStorePath(rel); err != nil {
		return "", err
	}
	parts := strings.Split(rel, "/")
	p := s.Dir
	for i, part := range parts {
		p = filepath.Join(p, part)
		last := i == len(parts)-1
		if !last && dirs != nil {
			if err, ok := dirs[p]; ok {
				if err != nil {
					return "", err
				}
				continue
			}
		}
		err := checkComponent(p, rel, last)
		if !last && dirs != nil {
			dirs[p] = err
		}
		if err != nil {
			return "", err
		}
	}
	return p, nil
}

// ListedPath is the absolute path of a file the manifest lists (a data,
// reject, source-log or dropped-event file) for a reader outside orcstore
// (export, ingest's reject matching): rel must have a listed file's form
// and lead, through folders that are not symbolic links, to a regular
// file under the store's folder, so that a crafted manifest cannot make
// ctlake read, or upload, anything outside the store.
func (s *Store) ListedPath(rel string) (string, error) {
	abs, err := s.resolve(rel, nil)
	if err != nil {
		return "", fmt.Errorf("store %q: %w", s.Info.Name, err)
	}
	return abs, nil
}

// checkComponent Lstats one component of rel's path.
func checkComponent(p, rel string, last bool) error {
	st, err := os.Lstat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w", rel, fs.ErrNotExist)
		}
		return fmt.Errorf("%s: %w", rel, err)
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s: %s is a symbolic link: %w", rel, p, ErrUnsafePath)
	case !last && !st.IsDir():
		return fmt.Errorf("%s: %s is not a folder: %w", rel, p, ErrUnsafePath)
	case last && !st.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file: %w", rel, ErrUnsafePath)
	}
	return nil
}

// removeStoreFile deletes a file of the store after the same checks as
// resolve; a file already gone is not an error.
func (s *Store) removeStoreFile(rel string) error {
	abs, err := s.resolve(rel, nil)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.Remove(abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
