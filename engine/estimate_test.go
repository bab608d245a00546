package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/engine"
)

// A JSON table's estimate is its files' bytes (every event is decoded); a
// bytes limit under it refuses the query, an events limit cannot apply.
func TestJSONTableEstimate(t *testing.T) {
	dir := t.TempDir()
	line := `{"eventVersion":"1.08","eventTime":"2024-05-01T00:00:00Z","eventID":"a","eventName":"X"}` + "\n"
	path := filepath.Join(dir, "x.ndjson")
	if err := os.WriteFile(path, []byte(strings.Repeat(line, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	size := int64(10 * len(line))
	eng := engine.New(nil)
	ctx := context.Background()
	tables := map[string][]string{"raw": {path}}
	q, err := eng.Prepare(ctx, "EXPLAIN SELECT count(*) FROM raw", engine.Options{JSONTables: tables})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("(estimate: 1 file, %d B (every event decoded))", size)
	if !strings.Contains(q.Explain(), want) {
		t.Fatalf("EXPLAIN:\n%s\nwant %q", q.Explain(), want)
	}
	_, err = eng.Run(ctx, "SELECT count(*) FROM raw", engine.Options{JSONTables: tables, MaxBytesScanned: size - 1})
	if !errors.Is(err, engine.ErrScanLimit) || !strings.Contains(err.Error(), fmt.Sprintf("(%d bytes)", size)) {
		t.Fatalf("bytes limit: %v", err)
	}
	out, err := eng.Run(ctx, "SELECT count(*) FROM raw", engine.Options{JSONTables: tables, MaxBytesScanned: size, MaxEventsScanned: 1})
	if err != nil {
		t.Fatalf("limits a JSON scan is within: %v", err)
	}
	out.Release()
}
