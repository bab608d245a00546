package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/engine"
)

// liveLeases counts the reader leases in a store's readers/ folder.
func liveLeases(t *testing.T, dir string) int {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "readers"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".lease") {
			n++
		}
	}
	return n
}

// Every way a query ends gives up its snapshots' leases at once, not when
// the garbage collector comes by: while a lease lives, compaction keeps the
// files it replaced (orcstore/doc.go).
func TestQueriesReleaseLeases(t *testing.T) {
	c, _ := store(t)
	s, err := c.Open("trail")
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(c)
	ctx := context.Background()
	const threeScans = "SELECT count(*) FROM (SELECT eventID FROM trail UNION ALL SELECT eventID FROM trail UNION ALL SELECT eventID FROM trail)"
	check := func(what string, held int) {
		t.Helper()
		if n := liveLeases(t, s.Dir); n != held {
			t.Errorf("%s: %d leases live, want %d", what, n, held)
		}
	}
	prepare := func(q string) *engine.Query {
		t.Helper()
		pq, err := e.Prepare(ctx, q, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return pq
	}

	q := prepare(threeScans)
	check("prepared, three scans", 3)
	rows, err := q.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, rows)
	check("three scans read to the end", 0)

	rows, err = prepare("SELECT eventID FROM trail").Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := rows.Next(); err != nil || rec == nil {
		t.Fatal(rec, err)
	} else {
		rec.Release()
	}
	check("open stream", 1)
	rows.Close()
	check("stream closed early", 0)

	if _, err := e.Run(ctx, "EXPLAIN "+threeScans, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	check("EXPLAIN", 0)
	if _, _, err := prepare("EXPLAIN ANALYZE "+threeScans).Analyze(ctx, engine.HiddenTimes); err != nil {
		t.Fatal(err)
	}
	check("EXPLAIN ANALYZE", 0)

	// Binding fails after the first scan took its snapshot.
	if _, err := e.Prepare(ctx, "SELECT eventID FROM trail UNION ALL SELECT nosuchcolumn FROM trail", engine.Options{}); err == nil {
		t.Fatal("an unknown column was accepted")
	}
	check("failed binding", 0)

	q = prepare("SELECT count(*) FROM trail")
	q.Close()
	check("prepared and closed", 0)
}
