package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// runFollow is `ingest --follow`: a Follower on a folder or a bucket
// prefix, one line per cycle, until Ctrl-C or SIGTERM.
func runFollow(ctx context.Context, rf *ingestRemoteFlags, path string, opts ingest.S3Options, dopts ingest.DiscoverOptions, cfg ingest.Config, stdout, stderr io.Writer) error {
	var src ingest.FollowSource
	if s3io.IsURL(path) {
		s, err := ingest.OpenS3(ctx, path, opts)
		if err != nil {
			return err
		}
		src = s
	} else {
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			return fmt.Errorf("%w: %s is not a folder", ingest.ErrNotFollowable, path)
		}
		src = &ingest.LocalSource{Dir: path, Since: dopts.Since, Until: dopts.Until}
	}
	store := cfg.Store
	f := &ingest.Follower{
		Source:          src,
		Config:          cfg,
		Interval:        *rf.interval,
		Backfill:        !dopts.Since.IsZero() || !dopts.Until.IsZero(),
		ReingestChanged: *rf.reingestChanged,
		Paused:          lakePaused(store, stderr),
	}
	fmt.Fprintf(stderr, "following %s into %q every %s (Ctrl-C stops after committing what was read)\n", src, store.Info.Name, f.Interval)
	lastPause := ""
	f.OnCycle = func(c ingest.Cycle) {
		if c.Paused != lastPause {
			switch {
			case c.Paused != "":
				fmt.Fprintf(stderr, "%s paused: %s\n", c.Started.Format("15:04:05"), c.Paused)
			default:
				fmt.Fprintf(stderr, "%s resumed: the store's ingestion is on again\n", c.Started.Format("15:04:05"))
			}
			lastPause = c.Paused
		}
		if c.Paused != "" {
			return
		}
		s := c.Summary
		line := fmt.Sprintf("%s cycle %d: %d listed, %d new", c.Started.Format("15:04:05"), c.N, c.Listed, c.Listed-c.Already-len(c.Changed))
		if s.Done {
			line += fmt.Sprintf(", %d events ingested (%d duplicates, %d rejected) from %d inputs in %.2fs, %d recorded",
				s.Ingested, s.Duplicates, s.Rejected, s.InputsDone, s.Elapsed.Seconds(), s.Recorded)
		}
		if c.Compaction != nil && c.Compaction.PartitionsMerged > 0 {
			line += fmt.Sprintf("; compacted %d partitions, files %d -> %d", c.Compaction.PartitionsMerged, c.Compaction.FilesBefore, c.Compaction.FilesAfter)
		}
		fmt.Fprintln(stdout, line)
		reportChanged(c.Changed, f.ReingestChanged, stderr)
		if s.Done {
			reportProblems(s, store, stderr)
		}
		if c.Err != nil {
			fmt.Fprintf(stderr, "cycle %d: %v\n", c.N, c.Err)
		}
		if c.CompactErr != nil {
			fmt.Fprintf(stderr, "background compaction: %v\n", c.CompactErr)
		}
	}
	began := time.Now()
	if err := f.Run(ctx); err != nil {
		return fmt.Errorf("%w\nwhat was committed is kept; run the same command again to go on", err)
	}
	fmt.Fprintf(stderr, "stopped after %s; everything read is committed\n", time.Since(began).Round(time.Second))
	return nil
}

// lakePaused is the follower's pause switch: the store's Lake status, which
// `ctlake serve` sets with StopEventDataStoreIngestion and
// StartEventDataStoreIngestion (Lake's live ingestion is what a follower
// does here) and with DeleteEventDataStore. A status that cannot be read
// is reported once and does not pause: following goes on as before the
// API existed.
func lakePaused(store *orcstore.Store, stderr io.Writer) func() string {
	warned := false
	return func() string {
		status, err := lakeapi.StoreStatus(store)
		if err != nil {
			if !warned {
				fmt.Fprintf(stderr, "reading the store's ingestion switch: %v (following regardless)\n", err)
				warned = true
			}
			return ""
		}
		switch status {
		case lakeapi.StatusStoppedIngestion:
			return "the store's ingestion is stopped (aws cloudtrail stop-event-data-store-ingestion); start-event-data-store-ingestion resumes it"
		case lakeapi.StatusPendingDeletion:
			return "the store is pending deletion (aws cloudtrail delete-event-data-store); restore-event-data-store resumes it"
		}
		return ""
	}
}
