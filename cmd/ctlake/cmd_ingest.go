package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/orcstore"
)

func init() {
	register(command{name: "ingest", summary: "load CloudTrail JSON (files, folders, s3:// buckets, .gz, NDJSON, stdin) into a store; --follow a trail", run: runIngest, data: true})
}

const ingestUsage = `--store NAME|ID PATH|s3://BUCKET/PREFIX/...

Reads CloudTrail logs into an event data store. PATH is a file, a folder
(walked in CloudTrail's S3 layout, digests skipped), a glob or - for stdin.

s3://BUCKET/[PREFIX/] reads a trail's bucket directly, listing only what the
CloudTrail layout (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/, and
AWSLogs/<o-org>/<account>/... for organization trails) and --since, --until,
--accounts and --regions can touch. Credentials come from the AWS SDK's
standard chain (environment, AWS_PROFILE or --profile in ~/.aws/config and
credentials, SSO, role assumption, container and instance roles). The store
records each object it ingested (key, ETag, size) with the commit holding its
events: re-running the same command, after an interruption or a day later,
fetches only what is new. --recursive reads every log file under a prefix
that has no CloudTrail layout.

--follow keeps going: every --interval it lists the newest day folders
(today's and yesterday's per account and region, after a first pass over
--since.. if given), ingests what is new and commits, so queries see new
events within one interval; it merges its small files in the background and
stops cleanly on Ctrl-C or SIGTERM with everything read committed.`

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", ingestUsage, stderr)
	open := dataFlag(fs)
	storeRef := fs.String("store", "", "event data store name or ID (required)")
	create := fs.Bool("create", false, "create the store if it does not exist")
	since := fs.String("since", "", "skip files whose path date (…/YYYY/MM/DD/…) is before this day (YYYY-MM-DD)")
	until := fs.String("until", "", "skip files whose path date is after this day (YYYY-MM-DD)")
	timeField := fs.String("time-field", "", "fallback field for events without a parseable eventTime, e.g. @timestamp")
	noDedup := fs.Bool("no-dedup", false, "keep every copy of an eventID (by default the first occurrence wins)")
	strict := fs.Bool("strict", false, "fail, leaving the store unchanged, if any event is rejected or any input is unreadable")
	workers := fs.Int("workers", 0, "parallel decoders (default: one per CPU)")
	memLimit := fs.String("memory-limit", "512MiB", "memory for decoded events, buffered or being written, and the work around them; the process stays under about twice this")
	quiet := fs.Bool("quiet", false, "no progress display")
	rf := remoteFlags(fs)
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *storeRef == "" {
		fs.Usage()
		return fmt.Errorf("%w: --store is required", errUsage)
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: give at least one file, folder, glob or - for stdin", errUsage)
	}
	limit, err := parseBytes(*memLimit)
	if err != nil {
		return fmt.Errorf("%w: --memory-limit: %v", errUsage, err)
	}
	// The runtime's soft limit keeps the process within twice the limit:
	// without it, 150k events (245 MB of NDJSON) peaked at 907 MB and 1M
	// at 1.2 GB with the default 512 MiB (memlimit.go: ingest's factor and
	// the 1M-event figures of the S3 layout).
	defer ingest.SetRuntimeLimit(limit)()
	var dopts ingest.DiscoverOptions
	if dopts.Since, err = parseDay(*since); err != nil {
		return fmt.Errorf("%w: --since: %v", errUsage, err)
	}
	if dopts.Until, err = parseDay(*until); err != nil {
		return fmt.Errorf("%w: --until: %v", errUsage, err)
	}
	c, err := open()
	if err != nil {
		return err
	}
	store, err := c.Open(*storeRef)
	if errors.Is(err, orcstore.ErrNotFound) && *create {
		store, err = c.Create(*storeRef, orcstore.CreateOptions{})
		if err == nil {
			fmt.Fprintf(stderr, "created event data store %q (ID %s)\n", store.Info.Name, store.Info.ID)
		}
	}
	if err != nil {
		return err
	}
	cfg := ingest.Config{
		Store:       store,
		Decode:      ingest.Options{TimeField: *timeField},
		NoDedup:     *noDedup,
		Strict:      *strict,
		Workers:     *workers,
		MemoryLimit: limit,
	}
	tty := isTerminal(stderr) && !*quiet
	// The console of a `ctlake serve` over the same data shows the ingest's
	// progress from this file.
	pf := lakeapi.NewProgressFile(c.Dir, store)
	defer pf.Close()
	if rf.remote(paths) || *rf.follow {
		return runRemoteIngest(ctx, rf, paths, dopts, cfg, pf, tty, stdout, stderr)
	}
	inputs, problems := ingest.Discover(paths, dopts)
	for _, p := range problems {
		fmt.Fprintf(stderr, "warning: %v\n", p)
	}
	if len(inputs) == 0 {
		return errors.New("no input files found")
	}
	if tty {
		cfg.Progress = func(p ingest.Progress) { fmt.Fprintf(stderr, "\r\033[K%s", progressLine(p)) }
	}
	cfg.Progress = publishing(pf, cfg.Progress)
	sum, err := ingest.Ingest(ctx, cfg, inputs)
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	reportIngest(stdout, stderr, sum, err, store, *strict)
	if err != nil {
		return err
	}
	if len(sum.InputErrors) > 0 || len(problems) > 0 {
		return fmt.Errorf("%d inputs could not be read completely; the events read before the damage were kept", len(sum.InputErrors)+len(problems))
	}
	return nil
}

// reportProblems prints an ingest's unreadable inputs and first rejects.
func reportProblems(sum ingest.Summary, store *orcstore.Store, stderr io.Writer) {
	for _, e := range sum.InputErrors {
		fmt.Fprintf(stderr, "unreadable input: %v\n", e)
	}
	for _, r := range sum.FirstRejects {
		fmt.Fprintf(stderr, "rejected: %v\n", r)
	}
	if more := sum.Rejected - int64(len(sum.FirstRejects)); more > 0 {
		fmt.Fprintf(stderr, "rejected: ... and %d more\n", more)
	}
	if sum.Rejected > 0 && len(sum.Rejects) > 0 {
		fmt.Fprintf(stderr, "%d rejected events were kept with their reasons in %s\n", sum.Rejected, store.FilePath(sum.Rejects[len(sum.Rejects)-1]))
	}
	reportLeftOut(sum, store, stderr)
}

func progressLine(p ingest.Progress) string {
	secs := p.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	return fmt.Sprintf("files %d/%d  events %s (%s/s)  read %s (%s/s)  ingested %s  dup %s  filtered %s  rejected %s",
		p.InputsDone, p.Inputs, count(p.Events), count(int64(float64(p.Events)/secs)),
		humanBytes(p.BytesRead), humanBytes(int64(float64(p.BytesRead)/secs)),
		count(p.Ingested), count(p.Duplicates), count(p.Filtered), count(p.Rejected))
}

func summaryLine(s ingest.Summary, store *orcstore.Store) string {
	secs := s.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	return fmt.Sprintf("%s: ingested %d events (%d duplicates, %d filtered, %d rejected) from %d inputs, %s read, %d files written, in %.2fs (%.0f events/s, %s/s)",
		store.Info.Name, s.Ingested, s.Duplicates, s.Filtered, s.Rejected, s.InputsDone, humanBytes(s.BytesRead), s.FilesWritten,
		secs, float64(s.Events)/secs, humanBytes(int64(float64(s.BytesRead)/secs)))
}

// count prints large numbers compactly: 950, 12.3k, 4.56M.
func count(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse("2006-01-02", s)
}

// parseBytes reads sizes such as 512MiB, 2GiB, 100MB or a plain byte count.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}
	t := strings.TrimSpace(s)
	for _, u := range units {
		if num, ok := strings.CutSuffix(t, u.suffix); ok {
			var v float64
			if _, err := fmt.Sscan(strings.TrimSpace(num), &v); err != nil || v < 0 {
				return 0, fmt.Errorf("cannot read size %q", s)
			}
			return int64(v * float64(u.mult)), nil
		}
	}
	var v int64
	if _, err := fmt.Sscan(t, &v); err != nil || v < 0 {
		return 0, fmt.Errorf("cannot read size %q (use e.g. 512MiB)", s)
	}
	return v, nil
}

// isTerminal reports whether w is a character device (a terminal), where
// progress is drawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// publishing adds the progress file (which the console reads) to an
// ingest's progress callback.
func publishing(pf *lakeapi.ProgressFile, show func(ingest.Progress)) func(ingest.Progress) {
	return func(p ingest.Progress) {
		pf.Update(p)
		if show != nil {
			show(p)
		}
	}
}
