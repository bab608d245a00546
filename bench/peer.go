package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Duck runs queries through the duckpeer CLI of the separate peer/duckdb
// module (cgo), built once into the cache. The CLI answers one query per
// process, so each run of a query on the imported table pays a load, which
// is timed apart from the query (its -timing output).
type Duck struct {
	Bin string
}

// FindPeerSource looks for peer/duckdb (the module holding cmd/duckpeer)
// in dir and its parents.
func FindPeerSource(dir string) (string, bool) {
	for {
		p := filepath.Join(dir, "peer", "duckdb")
		if _, err := os.Stat(filepath.Join(p, "cmd", "duckpeer")); err == nil {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// BuildDuck builds cmd/duckpeer from src into cache/duckpeer with cgo. It
// fails with a reason when go or a C compiler is missing.
func BuildDuck(ctx context.Context, src, cache string) (*Duck, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return nil, errors.New("duckdb peer unavailable: no go command to build cmd/duckpeer")
	}
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "gcc"
	}
	if _, err := exec.LookPath(cc); err != nil {
		return nil, fmt.Errorf("duckdb peer unavailable: no C compiler (%s) for cgo", cc)
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	bin := filepath.Join(cache, "duckpeer")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/duckpeer")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("duckdb peer unavailable: building cmd/duckpeer: %v\n%s", err, out)
	}
	return &Duck{Bin: bin}, nil
}

// The peer's output patterns, compiled on first use (bench is linked into
// every ctlake process).
var (
	duckLoaded = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`loaded \d+ events from \d+ files in (\S+)`) })
	duckRows   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\d+ rows in (\S+)$`) })
	duckTime   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$`) })
)

// DuckRun is one duckpeer invocation's rows (canonical text) and times.
type DuckRun struct {
	Rows        []string
	LoadSeconds float64 // import into the table (0 with a view)
	Seconds     float64 // the query alone
}

// Query runs sql over the JSON at path as table "events": imported into
// DuckDB's own table, or through a view over the files (view).
func (d *Duck) Query(ctx context.Context, path string, view bool, sql string) (*DuckRun, error) {
	args := []string{"query", "-timing"}
	if view {
		args = append(args, "-view")
	}
	return d.run(ctx, append(args, path, sql))
}

func (d *Duck) run(ctx context.Context, args []string) (*DuckRun, error) {
	cmd := exec.CommandContext(ctx, d.Bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("duckpeer: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	run := &DuckRun{}
	if m := duckLoaded().FindStringSubmatch(stderr.String()); m != nil {
		dur, err := time.ParseDuration(m[1])
		if err == nil {
			run.LoadSeconds = dur.Seconds()
		}
	}
	m := duckRows().FindStringSubmatch(stderr.String())
	if m == nil {
		return nil, fmt.Errorf("duckpeer: no timing in %q", stderr.String())
	}
	dur, err := time.ParseDuration(m[1])
	if err != nil {
		return nil, fmt.Errorf("duckpeer timing %q: %w", m[1], err)
	}
	run.Seconds = dur.Seconds()
	run.Rows = duckTSV(strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n"))
	return run, nil
}

// duckTSV turns duckpeer's TSV lines (a header first) into canonical rows.
func duckTSV(lines []string) []string {
	var rows []string
	for _, l := range lines[min(1, len(lines)):] {
		cells := strings.Split(l, "\t")
		for i, c := range cells {
			if duckTime().MatchString(c) {
				cells[i] = canonicalTime(c)
			}
		}
		rows = append(rows, strings.Join(cells, "\t"))
	}
	return rows
}

// QueryDB runs sql on DuckDB's table kept in the database file db,
// importing the JSON at path into it first when the file has no table.
func (d *Duck) QueryDB(ctx context.Context, db, path, sql string) (*DuckRun, error) {
	return d.run(ctx, []string{"query", "-timing", "-db", db, path, sql})
}

// canonicalTime pads a time's fraction to nine digits, as Canonical prints.
func canonicalTime(s string) string {
	date, frac, _ := strings.Cut(s, ".")
	return date + "." + (frac + "000000000")[:9]
}
