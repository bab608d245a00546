package orcstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// craftedStore is a real store (compactFixture's) in a data directory with
// a canary file beside it, outside every store.
type craftedStore struct {
	s      *Store
	now    time.Time
	canary string
	events int
	files  []string  // the data files on disk before any craft
	orig   *Manifest // the manifest before any craft
}

const canaryText = "canary: ctlake must neither read nor delete me\n"

func newCraftedStore(t *testing.T) *craftedStore {
	t.Helper()
	s, all, now := compactFixture(t)
	// The catalog is <tmp>/stores/<id>; the canary sits in <tmp>.
	canary := filepath.Join(filepath.Dir(filepath.Dir(s.Dir)), "victim.orc")
	if err := os.WriteFile(canary, []byte(canaryText), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := s.readManifest()
	if err != nil {
		t.Fatal(err)
	}
	return &craftedStore{s: s, now: now, canary: canary, events: len(all), files: dataFiles(t, s), orig: m}
}

// craft rewrites the manifest through edit, with a valid checksum (so that
// only the checks of its content stand in the way), or, if old, as a
// format-1 manifest without one.
func (c *craftedStore) craft(t *testing.T, old bool, edit func(m *Manifest)) {
	t.Helper()
	cp := *c.orig
	cp.Files = append([]FileEntry(nil), c.orig.Files...)
	m := &cp
	edit(m)
	var b []byte
	var err error
	if old {
		m.Format, m.Checksum = 0, ""
		for i := range m.Files {
			m.Files[i].Checksum, m.Files[i].TailChecksum = "", ""
		}
		b, err = json.MarshalIndent(m, "", "  ")
	} else {
		b, err = encodeManifest(*m)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.s.Dir, manifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// intact checks that the canary and every data file survived.
func (c *craftedStore) intact(t *testing.T) {
	t.Helper()
	if b, err := os.ReadFile(c.canary); err != nil || string(b) != canaryText {
		t.Fatalf("the canary outside the store was touched: %q, %v", b, err)
	}
	have := map[string]bool{}
	for _, f := range dataFiles(t, c.s) {
		have[f] = true
	}
	for _, f := range c.files {
		if !have[f] {
			t.Fatalf("%s was deleted", f)
		}
	}
}

// everyWriter runs what may read or delete files: a scan, a writer's Begin
// (its cleanup), compaction with retention, verify. It returns their
// errors joined.
func (c *craftedStore) everyWriter(t *testing.T) (snapErr, scanErr, beginErr, compactErr error, rep VerifyReport) {
	t.Helper()
	m, snapErr := c.s.Snapshot()
	if snapErr == nil {
		_, scanErr = countScan(t, c.s, m)
		m.Release()
	}
	rep, err := c.s.Verify(context.Background(), VerifyOptions{Deep: true})
	if err != nil {
		t.Fatal(err)
	}
	tx, beginErr := c.s.Begin()
	if beginErr == nil {
		tx.Close()
	}
	_, compactErr = c.s.Compact(context.Background(), CompactOptions{Now: func() time.Time { return c.now }})
	return
}

func wantErr(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("%s: error %q does not mention %q", what, err, p)
		}
	}
}

func hasProblem(rep VerifyReport, parts ...string) bool {
	for _, p := range rep.Problems {
		all := true
		for _, s := range parts {
			all = all && strings.Contains(p.String(), s)
		}
		if all {
			return true
		}
	}
	return false
}

// TestCraftedManifestPaths: entries that lead outside the store (.., an
// absolute path, a path outside data/) are refused when the manifest is
// loaded, by every command, checksum or not; nothing outside is read or
// deleted, nothing inside either.
func TestCraftedManifestPaths(t *testing.T) {
	for _, tc := range []struct {
		name, path string
	}{
		{"dotdot", "../../../victim.orc"},
		{"dotdot inside", "data/eventdate=2024-06-01/../../../../victim.orc"},
		{"absolute", "/etc/passwd"},
		{"outside data", "store.json"},
		{"backslash", `data\eventdate=2024-06-01\..\..\victim.orc`},
	} {
		for _, old := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				c := newCraftedStore(t)
				if tc.path == "../../../victim.orc" {
					rel, _ := filepath.Rel(c.s.Dir, c.canary)
					tc.path = filepath.ToSlash(rel)
				}
				c.craft(t, old, func(m *Manifest) {
					// An old maxEventTime: retention would drop it whole.
					m.Files[0].Path = tc.path
				})
				snap, _, begin, compact, rep := c.everyWriter(t)
				for what, err := range map[string]error{"snapshot": snap, "begin": begin, "compact": compact} {
					wantErr(t, what, err, "file entry 1", "not inside the store's data folder")
					if !errors.Is(err, ErrDamaged) || !errors.Is(err, ErrUnsafePath) {
						t.Fatalf("%s: %v is not ErrDamaged and ErrUnsafePath", what, err)
					}
				}
				if !hasProblem(rep, manifestName, "not inside") {
					t.Fatalf("verify: %+v", rep.Problems)
				}
				c.intact(t)
			})
		}
	}
}

// TestCraftedSymlinks: a lexically valid path whose file or partition folder
// is a symbolic link out of the store is refused before it is opened.
func TestCraftedSymlinks(t *testing.T) {
	for _, dirLink := range []bool{false, true} {
		c := newCraftedStore(t)
		var rel string
		if dirLink {
			outside := filepath.Dir(c.canary)
			os.Symlink(outside, filepath.Join(c.s.DataDir(), "eventdate=2024-06-02"))
			rel = "data/eventdate=2024-06-02/victim.orc"
		} else {
			rel = "data/eventdate=2024-06-02/link.orc"
			os.MkdirAll(filepath.Join(c.s.DataDir(), "eventdate=2024-06-02"), 0o755)
			os.Symlink(c.canary, c.s.FilePath(rel))
		}
		c.craft(t, false, func(m *Manifest) {
			m.Files = append(m.Files, FileEntry{Path: rel, Date: "2024-06-02", Rows: 1, Bytes: int64(len(canaryText)),
				MinTime: time.Date(2024, 6, 2, 1, 0, 0, 0, time.UTC), MaxTime: time.Date(2024, 6, 2, 2, 0, 0, 0, time.UTC)})
		})
		snap, scan, _, compact, rep := c.everyWriter(t)
		if snap != nil {
			t.Fatalf("a lexically valid path should load: %v", snap)
		}
		wantErr(t, "scan", scan, "symbolic link")
		wantErr(t, "compact", compact, "symbolic link")
		if !hasProblem(rep, rel, "symbolic link") {
			t.Fatalf("verify: %+v", rep.Problems)
		}
		c.intact(t)
	}
}

// TestCraftedEntries: duplicated entries, wrong counts, wrong or reversed
// time ranges are clear errors (on load where the manifest alone shows
// them, else when the file is opened, and from verify); none deletes
// anything.
func TestCraftedEntries(t *testing.T) {
	day := func(h int) time.Time { return time.Date(2024, 6, 5, h, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name   string
		edit   func(m *Manifest)
		onLoad string // error from Snapshot, or "" if the file check finds it
		onOpen string
	}{
		{"duplicate entry", func(m *Manifest) { m.Files = append(m.Files, m.Files[len(m.Files)-1]) }, "listed twice", ""},
		{"wrong partition", func(m *Manifest) { m.Files[0].Date = "2024-06-02" }, "partition", ""},
		{"reversed range", func(m *Manifest) { m.Files[0].MinTime, m.Files[0].MaxTime = m.Files[0].MaxTime, m.Files[0].MinTime }, "reversed", ""},
		{"range outside partition", func(m *Manifest) { m.Files[0].MaxTime = m.Files[0].MaxTime.Add(72 * time.Hour) }, "not inside partition", ""},
		{"negative rows", func(m *Manifest) { m.Files[0].Rows = -5 }, "negative", ""},
		{"more rows", func(m *Manifest) { m.Files[merged(m)].Rows++ }, "", "events, the file's footer"},
		{"fewer rows", func(m *Manifest) { m.Files[merged(m)].Rows-- }, "", "events, the file's footer"},
		{"narrower range", func(m *Manifest) {
			for i, f := range m.Files {
				if f.Date == "2024-06-05" {
					m.Files[i].MaxTime = day(1)
					m.Files[i].MinTime = day(0)
				}
			}
		}, "", "eventTime"},
		{"wrong tail checksum", func(m *Manifest) { m.Files[merged(m)].TailChecksum = "0123456789abcdef" }, "", "tail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCraftedStore(t)
			c.craft(t, false, tc.edit)
			snap, scan, begin, compact, rep := c.everyWriter(t)
			if tc.onLoad != "" {
				wantErr(t, "snapshot", snap, tc.onLoad)
				wantErr(t, "begin", begin, tc.onLoad)
				wantErr(t, "compact", compact, tc.onLoad)
				if !hasProblem(rep, manifestName, tc.onLoad) {
					t.Fatalf("verify: %+v", rep.Problems)
				}
			} else {
				if snap != nil {
					t.Fatalf("snapshot: %v", snap)
				}
				wantErr(t, "scan", scan, tc.onOpen, "data/eventdate=")
				wantErr(t, "compact", compact, tc.onOpen)
				if !hasProblem(rep, tc.onOpen) {
					t.Fatalf("verify: %+v", rep.Problems)
				}
			}
			c.intact(t)
		})
	}
}

// merged is the index of a file of 2024-06-05, a partition compaction
// merges (and so must open) and retention keeps.
func merged(m *Manifest) int {
	for i, f := range m.Files {
		if f.Date == "2024-06-05" {
			return i
		}
	}
	panic("fixture has no 2024-06-05 file")
}

// TestCraftedEmptyFileList: a manifest that forgets its files shows no
// events, but the next writer deletes none of them (they are not its crash
// leftovers), and verify names each one.
func TestCraftedEmptyFileList(t *testing.T) {
	c := newCraftedStore(t)
	c.craft(t, false, func(m *Manifest) { m.Files = []FileEntry{} })
	m, err := c.s.Snapshot()
	if err != nil || len(m.Files) != 0 {
		t.Fatalf("snapshot %v, %v", m, err)
	}
	m.Release()
	tx, err := c.s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if len(tx.Strays()) != len(c.files) {
		t.Fatalf("strays %v, want the %d files", tx.Strays(), len(c.files))
	}
	tx.Commit()
	tx.Close()
	c.intact(t)
	rep, err := c.s.Verify(context.Background(), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.files {
		if !hasProblem(rep, f, "not listed in the manifest") {
			t.Fatalf("verify does not name %s: %+v", f, rep.Problems)
		}
	}
}

// TestCraftedJournalAndRetired: the journal and the retired list are data
// too: paths in them that leave the store are ignored or refused, and a
// retired entry that names a live file is refused.
func TestCraftedJournalAndRetired(t *testing.T) {
	c := newCraftedStore(t)
	rel, _ := filepath.Rel(c.s.Dir, c.canary)
	journal := strings.Join([]string{filepath.ToSlash(rel), c.canary, "data/eventdate=2024-06-01/../../../victim.orc", ""}, "\n")
	os.WriteFile(filepath.Join(c.s.Dir, journalName), []byte(journal), 0o644)
	tx, err := c.s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	tx.Close()
	c.intact(t)

	c.craft(t, false, func(m *Manifest) {
		m.Retired = []RetiredFile{{Path: filepath.ToSlash(rel), Version: 1}}
	})
	_, _, begin, _, _ := c.everyWriter(t)
	wantErr(t, "begin", begin, "retired entry 1", "not inside")
	c.intact(t)

	c.craft(t, false, func(m *Manifest) {
		m.Retired = []RetiredFile{{Path: m.Files[0].Path, Version: 1}}
	})
	_, _, begin, _, _ = c.everyWriter(t)
	wantErr(t, "begin", begin, "also a committed file")
	c.intact(t)
}

// TestManifestChecksum: any change to a format-2 manifest is caught, a
// format-1 manifest (no checksums) still loads, and one that lists file
// checksums must carry its own.
func TestManifestChecksum(t *testing.T) {
	c := newCraftedStore(t)
	p := filepath.Join(c.s.Dir, manifestName)
	good, _ := os.ReadFile(p)
	if !bytes.Contains(good, []byte(`"checksum": "xxh3:`)) || !bytes.Contains(good, []byte(`"format": 2`)) {
		t.Fatalf("manifest lacks its format or checksum:\n%s", good)
	}
	var v map[string]any
	if err := json.Unmarshal(good, &v); err != nil {
		t.Fatalf("the manifest is not plain JSON: %v", err)
	}
	edited := bytes.Replace(good, []byte(`"rows": `), []byte(`"rows": 1`), 1)
	os.WriteFile(p, edited, 0o644)
	_, err := c.s.Snapshot()
	wantErr(t, "edited", err, "checksum mismatch")
	stripped := bytes.Replace(good, good[bytes.LastIndex(good, []byte(",\n  \"checksum\"")):], []byte("\n}\n"), 1)
	os.WriteFile(p, stripped, 0o644)
	_, err = c.s.Snapshot()
	wantErr(t, "checksum removed", err, "checksum is missing")
	c.craft(t, true, func(m *Manifest) {})
	m, err := c.s.Snapshot()
	if err != nil || len(m.Files) == 0 {
		t.Fatalf("an old manifest does not load: %v", err)
	}
	if n, err := countScan(t, c.s, m); err != nil || n != int64(c.events) {
		t.Fatalf("old manifest: %d events, %v", n, err)
	}
	m.Release()
}

// TestVerifyHealthyAndOld: a healthy store has no problems and Verify
// hashes every byte; a store from before checksums has none either, with a
// note per file, and every file decoded.
func TestVerifyHealthyAndOld(t *testing.T) {
	c := newCraftedStore(t)
	rep, err := c.s.Verify(context.Background(), VerifyOptions{})
	if err != nil || len(rep.Problems) != 0 || rep.Decoded != 0 || rep.Bytes != c.orig.Bytes() || rep.Elapsed <= 0 {
		t.Fatalf("healthy store: %+v, %v", rep, err)
	}
	c.craft(t, true, func(m *Manifest) {})
	rep, err = c.s.Verify(context.Background(), VerifyOptions{})
	if err != nil || len(rep.Problems) != 0 || rep.Decoded != int64(c.events) || len(rep.Notes) != len(c.orig.Files)+1 {
		t.Fatalf("old store: %+v, %v", rep, err)
	}
}

// TestCraftedLogs: the source log's and the dropped-event files' entries
// are paths too: one leading out is refused on load, and a source log that
// is a symbolic link out of the store is refused before it is read (the
// canary holds no JSON an ingest could take as a source object).
func TestCraftedLogs(t *testing.T) {
	c := newCraftedStore(t)
	rel, _ := filepath.Rel(c.s.Dir, c.canary)
	for _, edit := range []func(m *Manifest){
		func(m *Manifest) { m.Sources = []SourceLog{{Path: filepath.ToSlash(rel), Count: 1}} },
		func(m *Manifest) { m.Sources = []SourceLog{{Path: "sources/../../victim.ndjson", Count: 1}} },
		func(m *Manifest) { m.Dropped = []DroppedFile{{Path: "/tmp/x.ndjson.gz"}} },
	} {
		c.craft(t, false, edit)
		snap, _, begin, _, _ := c.everyWriter(t)
		wantErr(t, "snapshot", snap, "not inside the store's data folder")
		wantErr(t, "begin", begin, "not inside the store's data folder")
		c.intact(t)
	}

	os.MkdirAll(filepath.Join(c.s.Dir, "sources"), 0o755)
	link := "sources/link.ndjson"
	if err := os.Symlink(c.canary, c.s.FilePath(link)); err != nil {
		t.Fatal(err)
	}
	c.craft(t, false, func(m *Manifest) { m.Sources = []SourceLog{{Path: link, Count: 1}} })
	m, err := c.s.Snapshot()
	if err != nil {
		t.Fatalf("a lexically valid log should load: %v", err)
	}
	defer m.Release()
	err = c.s.Sources(m, func(SourceObject) {})
	wantErr(t, "sources", err, "symbolic link")
	if _, err := c.s.ListedPath(link); !errors.Is(err, ErrUnsafePath) {
		t.Fatalf("ListedPath of a link: %v", err)
	}
	c.intact(t)
}
