package orcstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// metaFixture is a store of five files over three days, two of them with
// several row groups, committed in two transactions (so the second commit
// reuses the first's entries).
func metaFixture(t *testing.T) (*Store, []testEvent) {
	t.Helper()
	c, err := OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Create("meta", CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(7))
	seq := 0
	var all []testEvent
	file := func(tx *Tx, day string, n int) {
		d, _ := time.Parse("2006-01-02", day)
		evs := make([]testEvent, n)
		for i := range evs {
			seq++
			tm := d.Add(time.Duration(rng.Int63n(int64(24 * time.Hour))))
			evs[i] = testEvent{fmt.Sprintf("%08x-%04d", rng.Uint32(), seq), tm.UnixNano(), `{}`}
		}
		writeTestEvents(t, tx, evs)
		all = append(all, evs...)
	}
	for _, batch := range [][]struct {
		day string
		n   int
	}{{{"2024-06-01", 500}, {"2024-06-02", 23000}}, {{"2024-06-02", 300}, {"2024-06-03", 12000}, {"2024-06-03", 10}}} {
		tx, err := s.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range batch {
			file(tx, f.day, f.n)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		tx.Close()
	}
	return s, all
}

// scanIDs runs spec on the store's current snapshot and returns the
// eventIDs it delivers (sorted) and its figures.
func scanIDs(t *testing.T, s *Store, spec ScanSpec) ([]string, ScanStats) {
	t.Helper()
	return scanIDsWith(t, s, spec, ScanOptions{})
}

// scanIDsWith is scanIDs with scan options (a dynamic filter).
func scanIDsWith(t *testing.T, s *Store, spec ScanSpec, opts ScanOptions) ([]string, ScanStats) {
	t.Helper()
	m, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	spec.Columns = []string{"eventID"}
	sc, err := s.Scan(context.Background(), m, spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var ids []string
	for {
		b, err := sc.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		col := b.Rec.Column(0).(*array.String)
		if b.Sel == nil {
			for i := 0; i < col.Len(); i++ {
				ids = append(ids, col.Value(i))
			}
		} else {
			for _, i := range b.Sel {
				ids = append(ids, col.Value(int(i)))
			}
		}
		b.Rec.Release()
	}
	sort.Strings(ids)
	return ids, sc.Stats()
}

func metaSpecs(all []testEvent) map[string]ScanSpec {
	d := func(s string) int64 { t, _ := time.Parse(time.RFC3339, s); return t.UnixNano() }
	str := func(v string) Scalar { return Scalar{Kind: ScalarString, Str: v} }
	return map[string]ScanSpec{
		"all":           {},
		"one day":       {Time: TimeRange{Min: d("2024-06-02T00:00:00Z"), Max: d("2024-06-03T00:00:00Z"), HasMin: true, HasMax: true}},
		"one hour":      {Time: TimeRange{Min: d("2024-06-02T13:00:00Z"), Max: d("2024-06-02T14:00:00Z"), HasMin: true, HasMax: true}},
		"before":        {Time: TimeRange{Max: d("2024-06-01T06:00:00Z"), HasMax: true}},
		"empty":         {Time: TimeRange{Min: d("2025-01-01T00:00:00Z"), HasMin: true}},
		"lookup":        {Prune: []Predicate{{Column: "eventID", Op: PredEq, Values: []Scalar{str(all[17000].ID)}}}},
		"lookup miss":   {Prune: []Predicate{{Column: "eventID", Op: PredEq, Values: []Scalar{str("no-such-id")}}}},
		"lookup in":     {Prune: []Predicate{{Column: "eventID", Op: PredIn, Values: []Scalar{str(all[3].ID), str(all[30000].ID)}}}},
		"source":        {Prune: []Predicate{{Column: "eventSource", Op: PredEq, Values: []Scalar{str("s3.amazonaws.com")}}}},
		"source ci":     {Prune: []Predicate{{Column: "EVENTSOURCE", Op: PredEq, Values: []Scalar{str("ec2.amazonaws.com")}}}},
		"null name":     {Prune: []Predicate{{Column: "eventName", Op: PredIsNotNull}}},
		"lookup in day": {Time: TimeRange{Min: d("2024-06-03T00:00:00Z"), HasMin: true}, Prune: []Predicate{{Column: "eventID", Op: PredEq, Values: []Scalar{str(all[30000].ID)}}}},
	}
}

// TestMetaSnapshotPrunesAsTails checks that scans planned from the
// snapshot return the same rows, and read and skip the same, as scans
// planned from the files' tails; and that a missing, damaged or stale
// snapshot changes nothing but speed.
func TestMetaSnapshotPrunesAsTails(t *testing.T) {
	s, all := metaFixture(t)
	snapPath := filepath.Join(s.Dir, metaSnapName)
	good, err := os.ReadFile(snapPath)
	if err != nil {
		t.Fatalf("no snapshot after commit: %v", err)
	}
	snap, err := decodeMetaSnapshot(good)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Snapshot()
	if len(snap.files) != len(m.Files) || snap.version != m.Version || len(snap.schemas) != 1 {
		t.Fatalf("snapshot has %d files (manifest %d), version %d (%d), %d schemas", len(snap.files), len(m.Files), snap.version, m.Version, len(snap.schemas))
	}
	for _, fe := range m.Files {
		if _, ok := metaSnapshotOf(s.Dir).lookup(fe); !ok {
			t.Fatalf("%s: no usable snapshot entry", fe.Path)
		}
	}
	specs := metaSpecs(all)
	type result struct {
		ids   []string
		stats ScanStats
	}
	withSnap := map[string]result{}
	for name, spec := range specs {
		ids, st := scanIDs(t, s, spec)
		withSnap[name] = result{ids, st}
	}
	if lk := withSnap["lookup"]; lk.stats.RowGroupsRead != 1 || sort.SearchStrings(lk.ids, all[17000].ID) == len(lk.ids) {
		t.Fatalf("lookup: %d rows in %d row groups", len(lk.ids), lk.stats.RowGroupsRead)
	}
	variants := map[string]func(){
		"missing":      func() { os.Remove(snapPath) },
		"damaged":      func() { b := append([]byte(nil), good...); b[len(b)/2] ^= 0xff; os.WriteFile(snapPath, b, 0o644) },
		"truncated":    func() { os.WriteFile(snapPath, good[:len(good)/3], 0o644) },
		"not snapshot": func() { os.WriteFile(snapPath, []byte("hello"), 0o644) },
		"stale": func() {
			// Sizes that no longer match: every entry is ignored.
			bad, _ := decodeMetaSnapshot(good)
			for _, f := range bad.files {
				f.size++
			}
			b, _ := bad.encode()
			os.WriteFile(snapPath, b, 0o644)
		},
	}
	for vname, apply := range variants {
		apply()
		for name, spec := range specs {
			ids, st := scanIDs(t, s, spec)
			want := withSnap[name]
			if !reflect.DeepEqual(ids, want.ids) {
				t.Errorf("%s, %s: %d rows, with the snapshot %d", vname, name, len(ids), len(want.ids))
			}
			if st != want.stats {
				t.Errorf("%s, %s: stats %+v, with the snapshot %+v", vname, name, st, want.stats)
			}
		}
		os.WriteFile(snapPath, good, 0o644)
	}
	// A one-query process (`ctlake query`) reads bloom filters into a
	// reused buffer and keeps none: the same rows and figures, the cache
	// emptied first so that every stream is read that way.
	oldLimit := orcfile.SetMetaCacheLimit(0)
	oldKeep := orcfile.SetKeepBloomSets(false)
	for name, spec := range specs {
		ids, st := scanIDs(t, s, spec)
		want := withSnap[name]
		if !reflect.DeepEqual(ids, want.ids) || st != want.stats {
			t.Errorf("bloom filters not kept, %s: %d rows, %+v; kept: %d rows, %+v", name, len(ids), st, len(want.ids), want.stats)
		}
	}
	orcfile.SetKeepBloomSets(oldKeep)
	orcfile.SetMetaCacheLimit(oldLimit)
	// Every spec reads what a scan without pruning returns, filtered.
	for name, spec := range specs {
		spec.NoPruning = true
		ids, _ := scanIDs(t, s, spec)
		if got := withSnap[name].ids; len(spec.Prune) == 0 && !reflect.DeepEqual(got, ids) {
			t.Errorf("%s: %d rows pruned, %d without pruning", name, len(got), len(ids))
		}
	}
}

// TestMetaSnapshotCatchesUp checks that a store without a snapshot (written
// before it existed) gets a complete one at its next commit, and that
// entries equal what is read from the files.
func TestMetaSnapshotCatchesUp(t *testing.T) {
	s, _ := metaFixture(t)
	snapPath := filepath.Join(s.Dir, metaSnapName)
	good, _ := os.ReadFile(snapPath)
	os.Remove(snapPath)
	tx, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx.Close()
	b, err := os.ReadFile(snapPath)
	if err != nil {
		t.Fatal(err)
	}
	a, err1 := decodeMetaSnapshot(good)
	c, err2 := decodeMetaSnapshot(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if len(c.files) != len(a.files) || c.version != a.version+1 {
		t.Fatalf("%d files at version %d, want %d at %d", len(c.files), c.version, len(a.files), a.version+1)
	}
	for p, f := range a.files {
		g := c.files[p]
		if g == nil {
			t.Fatalf("%s missing", p)
		}
		if !reflect.DeepEqual(g.stripes, f.stripes) || !reflect.DeepEqual(g.schema.paths, f.schema.paths) || g.size != f.size || g.modTime != f.modTime {
			t.Errorf("%s: rebuilt entry differs", p)
		}
		if len(f.stripes[0].blooms) == 0 || len(f.stripes[0].groups) == 0 {
			t.Errorf("%s: no bloom filter locations or row group statistics", p)
		}
	}
}

// TestEstimateMatchesScan checks that Estimate predicts exactly what the
// scan then reads (stripes, row groups, rows, bytes) for scans without
// top-N pruning, with and without the metadata snapshot, and that it
// reads no data to do so.
func TestEstimateMatchesScan(t *testing.T) {
	s, all := metaFixture(t)
	snapPath := filepath.Join(s.Dir, metaSnapName)
	good, _ := os.ReadFile(snapPath)
	for _, variant := range []string{"snapshot", "tails"} {
		if variant == "tails" {
			os.Remove(snapPath)
		}
		for name, spec := range metaSpecs(all) {
			for _, cols := range [][]string{{"eventID"}, {"eventTime", "eventSource", "eventJson"}, nil} {
				spec.Columns = cols
				m, _ := s.Snapshot()
				est, err := s.Estimate(context.Background(), m, spec)
				if err != nil {
					t.Fatal(err)
				}
				st := scanStats(t, s, spec)
				if est.Stripes != st.StripesRead || est.RowGroups != st.RowGroupsRead || est.Events != st.RowsRead || est.Bytes != st.BytesRead || est.Files > st.FilesRead || est.UpperBound {
					t.Errorf("%s, %s, columns %v: estimate %+v, scan read %+v", variant, name, cols, est, st)
				}
			}
		}
	}
	os.WriteFile(snapPath, good, 0o644)
}

// scanStats runs spec to the end and returns its figures.
func scanStats(t *testing.T, s *Store, spec ScanSpec) ScanStats {
	t.Helper()
	m, _ := s.Snapshot()
	sc, err := s.Scan(context.Background(), m, spec, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	for {
		b, err := sc.Next()
		if errors.Is(err, io.EOF) {
			return sc.Stats()
		}
		if err != nil {
			t.Fatal(err)
		}
		b.Rec.Release()
	}
}
