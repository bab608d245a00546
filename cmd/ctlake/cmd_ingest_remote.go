package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/s3io"
)

// ingestRemoteFlags are ingest's flags for S3 and --follow.
type ingestRemoteFlags struct {
	s3              *s3Flags
	accounts        *string
	regions         *string
	recursive       *bool
	reingestChanged *bool
	fetchers        *int
	follow          *bool
	interval        *time.Duration
}

// s3Flags are the connection flags every S3 command shares.
type s3Flags struct {
	endpoint  *string
	pathStyle *bool
	region    *string
	profile   *string
}

func addS3Flags(fs *flag.FlagSet) *s3Flags {
	return &s3Flags{
		endpoint:  fs.String("endpoint-url", "", "S3-compatible endpoint (MinIO, Ceph, ...), as the AWS CLI's --endpoint-url"),
		pathStyle: fs.Bool("path-style", false, "path-style S3 addressing (endpoint/bucket/key), which most S3-compatible stores need"),
		region:    fs.String("region", "", "AWS region (default: the bucket's own, discovered)"),
		profile:   fs.String("profile", "", "shared config profile (default: $AWS_PROFILE, else default)"),
	}
}

func (f *s3Flags) options() s3io.Options {
	return s3io.Options{Endpoint: *f.endpoint, PathStyle: *f.pathStyle, Region: *f.region, Profile: *f.profile}
}

func remoteFlags(fs *flag.FlagSet) *ingestRemoteFlags {
	return &ingestRemoteFlags{
		s3:              addS3Flags(fs),
		accounts:        fs.String("accounts", "", "s3: only these account IDs (comma-separated)"),
		regions:         fs.String("regions", "", "s3: only these regions (comma-separated)"),
		recursive:       fs.Bool("recursive", false, "s3: read every log file under the prefix, CloudTrail layout or not"),
		reingestChanged: fs.Bool("reingest-changed", false, "s3: read again objects whose ETag or size changed since they were ingested (by default they are reported)"),
		fetchers:        fs.Int("fetchers", 0, "s3: objects fetched in parallel (default 64)"),
		follow:          fs.Bool("follow", false, "keep ingesting new logs every --interval until interrupted"),
		interval:        fs.Duration("interval", time.Minute, "with --follow: how often to look for new logs"),
	}
}

func (rf *ingestRemoteFlags) remote(paths []string) bool {
	for _, p := range paths {
		if s3io.IsURL(p) {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// runRemoteIngest ingests s3:// URLs, or follows a folder or a bucket.
func runRemoteIngest(ctx context.Context, rf *ingestRemoteFlags, paths []string, dopts ingest.DiscoverOptions, cfg ingest.Config, pf *lakeapi.ProgressFile, tty bool, stdout, stderr io.Writer) error {
	for _, p := range paths {
		if s3io.IsURL(p) != s3io.IsURL(paths[0]) {
			return fmt.Errorf("%w: mix of s3:// URLs and local paths; ingest them in separate runs", errUsage)
		}
	}
	cfg.Fetchers = *rf.fetchers
	opts := ingest.S3Options{Options: rf.s3.options(), Since: dopts.Since, Until: dopts.Until,
		Accounts: splitList(*rf.accounts), Regions: splitList(*rf.regions), Recursive: *rf.recursive}
	if *rf.follow {
		if len(paths) != 1 {
			return fmt.Errorf("%w: --follow takes one folder or s3:// prefix", errUsage)
		}
		return runFollow(ctx, rf, paths[0], opts, dopts, cfg, stdout, stderr)
	}
	var failed error
	for _, url := range paths {
		if err := ingestS3(ctx, url, opts, *rf.reingestChanged, cfg, pf, tty, stdout, stderr); err != nil {
			if ctx.Err() != nil || s3io.Fatal(err) {
				return err
			}
			fmt.Fprintf(stderr, "ctlake ingest: %v\n", err)
			failed = errors.New("some inputs failed (see above)")
		}
	}
	return failed
}

// ingestS3 lists one s3:// URL and ingests what the store does not hold.
func ingestS3(ctx context.Context, url string, opts ingest.S3Options, reingest bool, cfg ingest.Config, pf *lakeapi.ProgressFile, tty bool, stdout, stderr io.Writer) error {
	store := cfg.Store
	began := time.Now()
	src, err := ingest.OpenS3(ctx, url, opts)
	if err != nil {
		return err
	}
	if tty {
		fmt.Fprintf(stderr, "\r\033[Klisting %s ...", url)
	}
	l, err := src.ListObjects(ctx)
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	known, err := ingest.KnownObjects(store)
	if err != nil {
		return err
	}
	plan := ingest.PlanInputs(src.Inputs(l.Objects), known, reingest)
	fmt.Fprintf(stderr, "%s: listed %d objects (%s) in %d folders with %d LIST calls in %.1fs; %d already in the store, %d to fetch\n",
		url, len(l.Objects), humanBytes(l.Bytes), l.Prefixes, src.Client.Stats.Lists.Load(), time.Since(began).Seconds(), plan.Already, len(plan.Inputs))
	if l.Skipped > 0 {
		fmt.Fprintf(stderr, "skipped %d objects that are not log files (.json, .json.gz, .jsonl, .ndjson, .gz), e.g. %s\n", l.Skipped, strings.Join(l.Examples, ", "))
	}
	reportChanged(plan.Changed, reingest, stderr)
	if len(plan.Inputs) == 0 {
		fmt.Fprintf(stdout, "%s: nothing new to ingest from %s\n", store.Info.Name, url)
		return nil
	}
	cfg.SourceStats = src.Stats
	// Commits fall where memory fills, as for files, and at least every
	// 5 minutes so that a slow network ingest makes durable progress.
	cfg.CommitInterval = 5 * time.Minute
	if tty {
		cfg.Progress = func(p ingest.Progress) { fmt.Fprintf(stderr, "\r\033[K%s", remoteProgressLine(p)) }
	}
	cfg.Progress = publishing(pf, cfg.Progress)
	sum, err := ingest.Ingest(ctx, cfg, plan.Inputs)
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	fmt.Fprintln(stdout, summaryLine(sum, store))
	fmt.Fprintf(stderr, "%s: %d objects recorded in the store, %s fetched, %d requests, %d retried\n",
		url, sum.Recorded, humanBytes(sum.Fetched), sum.Requests, sum.Retries)
	reportProblems(sum, store, stderr)
	if err != nil {
		return resumeHint(err, sum, url)
	}
	if n := len(sum.InputErrors); n > 0 {
		return fmt.Errorf("%d objects could not be read completely (the events read before any damage were kept; objects that could not be fetched are fetched by the next run)", n)
	}
	return nil
}

// resumeHint says how an interrupted or failed S3 ingest goes on.
func resumeHint(err error, sum ingest.Summary, url string) error {
	return fmt.Errorf("%w\n%d objects were committed before it stopped; run the same command again to fetch the rest of %s (committed objects are not fetched again)", err, sum.Recorded, url)
}

func reportChanged(changed []ingest.ChangedObject, reingest bool, stderr io.Writer) {
	if len(changed) == 0 {
		return
	}
	what := "not read again (use --reingest-changed to read them; eventIDs already stored are skipped)"
	if reingest {
		what = "read again (--reingest-changed); eventIDs already stored are skipped"
	}
	fmt.Fprintf(stderr, "%d objects changed since they were ingested, %s:\n", len(changed), what)
	for i, c := range changed {
		if i == 5 {
			fmt.Fprintf(stderr, "  ... and %d more\n", len(changed)-5)
			break
		}
		fmt.Fprintf(stderr, "  %s: ETag %s size %d, now ETag %s size %d\n", c.Now.Key, c.Was.ETag, c.Was.Size, c.Now.ETag, c.Now.Size)
	}
}

// remoteProgressLine adds objects, bytes fetched, retries and an ETA.
func remoteProgressLine(p ingest.Progress) string {
	secs := max(p.Elapsed.Seconds(), 1e-9)
	eta := "-"
	if p.BytesRead > 0 && p.BytesTotal > p.BytesRead {
		left := time.Duration(float64(p.BytesTotal-p.BytesRead) / float64(p.BytesRead) * float64(p.Elapsed))
		eta = left.Round(time.Second).String()
	}
	return fmt.Sprintf("objects %d/%d  fetched %s/%s  events %s (%s/s)  ingested %s  dup %s  rejected %s  requests %d (retried %d)  ETA %s",
		p.InputsDone, p.Inputs, humanBytes(p.Fetched), humanBytes(p.BytesTotal), count(p.Events), count(int64(float64(p.Events)/secs)),
		count(p.Ingested), count(p.Duplicates), count(p.Rejected), p.Requests, p.Retries, eta)
}
