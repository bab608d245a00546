package orcstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCatalogLifecycle(t *testing.T) {
	c, err := OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Create("trail-events", CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !IsStoreID(s.Info.ID) || !strings.HasSuffix(s.Info.ARN, "eventdatastore/"+s.Info.ID) {
		t.Fatalf("bad identity %+v", s.Info)
	}
	if s.Info.RetentionDays != DefaultRetentionDays || !s.Info.TerminationProtection {
		t.Fatalf("defaults not applied: %+v", s.Info)
	}
	if _, err := c.Create("trail-events", CreateOptions{}); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate name: %v", err)
	}
	for _, bad := range []string{"x", "has space", s.Info.ID} {
		if _, err := c.Create(bad, CreateOptions{}); err == nil {
			t.Fatalf("name %q accepted", bad)
		}
	}
	if _, err := c.Create("short-retention", CreateOptions{RetentionDays: 3}); err == nil {
		t.Fatal("3-day retention accepted")
	}
	for _, ref := range []string{"trail-events", s.Info.ID, strings.ToUpper(s.Info.ID), s.Info.ARN} {
		got, err := c.Open(ref)
		if err != nil || got.Info.ID != s.Info.ID {
			t.Fatalf("open %q: %v %v", ref, got, err)
		}
	}
	if _, err := c.Open("nope"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "trail-events") {
		t.Fatalf("missing store error should list the stores: %v", err)
	}
	if err := c.Delete("trail-events"); !errors.Is(err, ErrProtected) {
		t.Fatalf("delete with protection on: %v", err)
	}
	if _, err := c.Update("trail-events", func(i *Info) error { i.TerminationProtection = false; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(s.Info.ID); err != nil {
		t.Fatal(err)
	}
	if infos, _ := c.List(); len(infos) != 0 {
		t.Fatalf("store survived delete: %v", infos)
	}
}

func writeFile(t *testing.T, tx *Tx, date string, rows int64) FileEntry {
	t.Helper()
	rel, f, err := tx.NewFile(date)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("not really ORC")
	f.Close()
	day, _ := time.Parse("2006-01-02", date)
	e := FileEntry{Path: rel, Date: date, Rows: rows, Bytes: 14, MinTime: day, MaxTime: day.Add(time.Hour)}
	if err := tx.AddFile(e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestTxCommitIsAtomicAndCleansUp(t *testing.T) {
	c, _ := OpenCatalog(t.TempDir())
	s, _ := c.Create("events", CreateOptions{})
	tx, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Begin(); !errors.Is(err, ErrLocked) {
		t.Fatalf("second writer: %v", err)
	}
	e1 := writeFile(t, tx, "2024-05-01", 10)
	// Not committed yet: readers see nothing.
	if m, _ := s.ReadManifest(); len(m.Files) != 0 {
		t.Fatalf("uncommitted file visible: %v", m.Files)
	}
	tx.Count(Totals{Ingested: 10})
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, tx, "2024-05-02", 5) // never committed
	if err := tx.Close(); err != nil {
		t.Fatal(err)
	}
	m, _ := s.ReadManifest()
	if len(m.Files) != 1 || m.Files[0] != e1 || m.Rows() != 10 || m.Totals.Ingested != 10 || m.Version != 1 {
		t.Fatalf("snapshot %+v", m)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "data", "eventdate=2024-05-02")); err == nil {
		entries, _ := os.ReadDir(filepath.Join(s.Dir, "data", "eventdate=2024-05-02"))
		if len(entries) != 0 {
			t.Fatalf("uncommitted file left behind: %v", entries)
		}
	}

	// A crashed writer's file (journaled, never in the manifest) is removed
	// by the next Begin; a file no writer journaled is left alone.
	tx, err = s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	rel, f, err := tx.NewFile("2024-05-03")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	f.Close()
	tx.crash()
	orphan := s.FilePath(rel)
	foreign := filepath.Join(s.Dir, "data", "eventdate=2024-05-03", "copied-in.orc")
	os.WriteFile(foreign, []byte("not ours"), 0o644)
	tx, err = s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatalf("orphan survived: %v", err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Fatalf("a file the writer cannot prove its own was deleted: %v", err)
	}
	if got := tx.Strays(); len(got) != 1 || got[0] != "data/eventdate=2024-05-03/copied-in.orc" {
		t.Fatalf("strays %v", got)
	}
	if _, err := os.Stat(s.FilePath(e1.Path)); err != nil {
		t.Fatalf("committed file removed: %v", err)
	}
	// Removing a file publishes and then deletes it.
	tx.RemoveFile(e1.Path)
	e2 := writeFile(t, tx, "2024-05-01", 10)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx.Close()
	m, _ = s.ReadManifest()
	if len(m.Files) != 1 || m.Files[0].Path != e2.Path {
		t.Fatalf("after compaction-like commit: %+v", m.Files)
	}
	if _, err := os.Stat(s.FilePath(e1.Path)); !os.IsNotExist(err) {
		t.Fatal("replaced file not deleted")
	}
}

func TestSelectors(t *testing.T) {
	event := map[string][]string{
		"eventCategory":  {"Data"},
		"eventSource":    {"s3.amazonaws.com"},
		"eventName":      {"GetObject"},
		"readOnly":       {"true"},
		"resources.type": {"AWS::S3::Object", "AWS::S3::Bucket"},
		"resources.ARN":  {"arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket"},
	}
	get := func(f string) []string { return event[f] }
	sel := func(fs ...FieldSelector) Selector { return Selector{FieldSelectors: fs} }
	cat := func(v string) FieldSelector { return FieldSelector{Field: "eventCategory", Equals: []string{v}} }
	cases := []struct {
		name string
		sels []Selector
		want bool
	}{
		{"none selects all", nil, true},
		{"category", []Selector{sel(cat("Data"))}, true},
		{"other category", []Selector{sel(cat("Management"))}, false},
		{"OR across selectors", []Selector{sel(cat("Management")), sel(cat("Data"))}, true},
		{"AND within", []Selector{sel(cat("Data"), FieldSelector{Field: "eventName", Equals: []string{"PutObject"}})}, false},
		{"values ORed", []Selector{sel(cat("Data"), FieldSelector{Field: "eventName", Equals: []string{"PutObject", "GetObject"}})}, true},
		{"StartsWith any resource", []Selector{sel(cat("Data"), FieldSelector{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::bucket/"}})}, true},
		{"NotStartsWith", []Selector{sel(cat("Data"), FieldSelector{Field: "eventSource", NotStartsWith: []string{"s3."}})}, false},
		{"NotEquals all values", []Selector{sel(cat("Data"), FieldSelector{Field: "eventName", NotEquals: []string{"PutObject", "DeleteObject"}})}, true},
		{"EndsWith", []Selector{sel(cat("Data"), FieldSelector{Field: "eventName", EndsWith: []string{"Object"}})}, true},
		{"NotEndsWith", []Selector{sel(cat("Data"), FieldSelector{Field: "eventName", NotEndsWith: []string{"Object"}})}, false},
		{"absent field, negative", []Selector{sel(cat("Data"), FieldSelector{Field: "errorCode", NotEquals: []string{"AccessDenied"}})}, true},
		{"absent field, positive", []Selector{sel(cat("Data"), FieldSelector{Field: "errorCode", Equals: []string{"AccessDenied"}})}, false},
		{"case-insensitive field name", []Selector{sel(FieldSelector{Field: "EventCategory", Equals: []string{"Data"}})}, true},
	}
	for _, c := range cases {
		if err := ValidateSelectors(c.sels); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := MatchSelectors(c.sels, get); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
	bad := [][]Selector{
		{sel(FieldSelector{Field: "eventName", Equals: []string{"x"}})},
		{sel(FieldSelector{Field: "eventCategory", StartsWith: []string{"D"}})},
		{sel(cat("Data"), FieldSelector{Field: "readOnly", Equals: []string{"yes"}})},
		{sel(cat("Data"), FieldSelector{Field: "bogus", Equals: []string{"x"}})},
		{sel(cat("Data"), FieldSelector{Field: "resources.type", Equals: []string{"a", "b"}})},
		{{}},
	}
	for i, b := range bad {
		if err := ValidateSelectors(b); err == nil {
			t.Errorf("bad selector set %d accepted", i)
		}
	}
}

func TestDDL(t *testing.T) {
	c, _ := OpenCatalog(t.TempDir())
	s, _ := c.Create("my-trail", CreateOptions{})
	for _, d := range DDLDialects {
		ddl, err := s.DDL(d, "", "")
		if err != nil {
			t.Fatal(err)
		}
		// Every top-level column and the partition column appear once, and
		// brackets balance (a cheap syntax check; the README shows a run).
		for _, f := range EventSchema.Fields() {
			if !strings.Contains(ddl, f.Name) {
				t.Fatalf("%s: column %s missing", d, f.Name)
			}
		}
		if !strings.Contains(ddl, "eventdate") || !strings.Contains(ddl, "my_trail") || !strings.Contains(ddl, "file://") {
			t.Fatalf("%s: partition, table or location missing:\n%s", d, ddl)
		}
		for _, pair := range [][2]string{{"(", ")"}, {"<", ">"}} {
			if strings.Count(ddl, pair[0]) != strings.Count(ddl, pair[1]) {
				t.Fatalf("%s: unbalanced %s%s:\n%s", d, pair[0], pair[1], ddl)
			}
		}
	}
	if _, err := s.DDL("mysql", "", ""); err == nil {
		t.Fatal("unknown dialect accepted")
	}
}

// crash ends a Tx the way a killed process does: the lock and journal are
// dropped, nothing is cleaned up.
func (tx *Tx) crash() {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.released = true
	tx.journal.close()
	tx.lock.release()
}
