package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ctlake/ctlake/orcstore"
)

// storeCompact merges each eventdate partition's small files and applies the
// store's retention, in one atomic commit (see orcstore.Store.Compact).
func storeCompact(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sc := newStoreCommand("compact", stderr)
	noRetention := sc.fs.Bool("no-retention", false, "only merge files; keep events older than the retention period")
	maxRows := sc.fs.Int("max-file-rows", 2_000_000, "cut merged files at this many events; files that hold this many already are left alone")
	memLimit := sc.fs.String("memory-limit", "512MiB", "most decoded events held at once; larger partitions are merged through temporary sorted runs (see README for the process's peak)")
	var limit int64
	s, err := sc.store(args, func() error {
		var err error
		if limit, err = parseBytes(*memLimit); err != nil {
			return fmt.Errorf("%w: --memory-limit: %v", errUsage, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	res, err := s.Compact(ctx, orcstore.CompactOptions{NoRetention: *noRetention, MemoryLimit: limit, MaxFileRows: *maxRows})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: merged %d partitions; files %d -> %d; events %d -> %d (%d expired by the %d-day retention, %d files dropped whole); %s -> %s\n",
		s.Info.Name, res.PartitionsMerged, res.FilesBefore, res.FilesAfter, res.EventsBefore, res.EventsAfter,
		res.EventsExpired, s.Info.RetentionDays, res.FilesExpired, humanBytes(res.BytesBefore), humanBytes(res.BytesAfter))
	if res.KeptForReaders > 0 {
		fmt.Fprintf(stdout, "%d replaced files stay on disk until the queries reading them finish; the next ingest or compaction deletes them\n", res.KeptForReaders)
	}
	return nil
}
