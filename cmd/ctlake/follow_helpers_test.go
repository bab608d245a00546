package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
)

// followInput writes events generated events of today (from seed) to a
// folder in the S3 layout, for `ingest --follow` to pick up, and names a
// data directory beside it.
func followInput(t *testing.T, events, seed int64) (in, data string, sum gen.Summary) {
	t.Helper()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	tmp := t.TempDir()
	in = filepath.Join(tmp, "in")
	sum, err := gen.Write(context.Background(), gen.Config{Events: events, Seed: seed, Start: today, Days: 1, Accounts: 1, Workers: 1}, gen.LayoutS3, in)
	if err != nil {
		t.Fatal(err)
	}
	return in, filepath.Join(tmp, "data"), sum
}

// readLines sends r's lines to the channel it returns, which closes at the
// end of r (the command exited).
func readLines(r io.Reader) <-chan string {
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return lines
}
