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
	fs := newFlagSet("store compact", "NAME|ID", stderr)
	open := dataFlag(fs)
	noRetention := fs.Bool("no-retention", false, "only merge files; keep events older than the retention period")
	ref, err := oneArg(fs, args, "store name or ID")
	if err != nil {
		return err
	}
	c, err := open()
	if err != nil {
		return err
	}
	s, err := c.Open(ref)
	if err != nil {
		return err
	}
	res, err := s.Compact(ctx, orcstore.CompactOptions{NoRetention: *noRetention})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: merged %d partitions; files %d -> %d; events %d -> %d (%d expired by the %d-day retention, %d files dropped whole); %s -> %s\n",
		s.Info.Name, res.PartitionsMerged, res.FilesBefore, res.FilesAfter, res.EventsBefore, res.EventsAfter,
		res.EventsExpired, s.Info.RetentionDays, res.FilesExpired, humanBytes(res.BytesBefore), humanBytes(res.BytesAfter))
	return nil
}
