package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// storeExport uploads a store's committed ORC files to S3 in the Hive
// layout, then the symlink manifests and the snapshot marker, and prints
// the DDL that makes them a table (see s3io/export.go).
func storeExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("store export", "NAME|ID s3://BUCKET/PREFIX/", stderr)
	open := dataFlag(fs)
	sf := addS3Flags(fs)
	since := fs.String("since", "", "only eventdate partitions from this day (YYYY-MM-DD)")
	until := fs.String("until", "", "only eventdate partitions up to this day (YYYY-MM-DD)")
	dialect := fs.String("dialect", "athena", "DDL to print: athena, trino or spark")
	table := fs.String("table", "", "table name in the DDL (default: the store name)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || !s3io.IsURL(pos[1]) {
		fs.Usage()
		return fmt.Errorf("%w: want a store and an s3:// destination", errUsage)
	}
	if !slices.Contains(orcstore.DDLDialects, strings.ToLower(*dialect)) {
		return fmt.Errorf("%w: --dialect %q: want athena, trino or spark", errUsage, *dialect)
	}
	for _, d := range []string{*since, *until} {
		if _, err := parseDay(d); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	c, err := open()
	if err != nil {
		return err
	}
	s, err := c.Open(pos[0])
	if err != nil {
		return err
	}
	bucket, prefix, err := s3io.ParseURL(pos[1])
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	client, err := s3io.Connect(ctx, bucket, sf.options())
	if err != nil {
		return err
	}
	m, err := s.Snapshot()
	if err != nil {
		return err
	}
	defer m.Release() // its files stay until the upload ends
	tty := isTerminal(stderr)
	opts := s3io.ExportOptions{Since: *since, Until: *until}
	if tty {
		opts.Progress = func(done, total int, bytes int64) {
			fmt.Fprintf(stderr, "\r\033[Kfiles %d/%d, %s uploaded", done, total, humanBytes(bytes))
		}
	}
	began := time.Now()
	res, err := s3io.Export(ctx, client, prefix, s, m, opts)
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: snapshot v%d exported to %s in %.1fs: %d files (%d uploaded, %s; %d already there), %d stale files deleted; marker %s\n",
		s.Info.Name, m.Version, s3io.URL(bucket, prefix), time.Since(began).Seconds(), res.Files, res.Uploaded, humanBytes(res.BytesUploaded), res.Skipped, res.Deleted, res.Marker)
	// Athena and Trino get the symlink table, which reads one exported
	// snapshot per day (s3io/export_manifest.go); Spark, which cannot, the
	// table over the partition folders.
	var ddl string
	if strings.EqualFold(*dialect, "spark") {
		ddl, err = s.DDL(*dialect, *table, s3io.URL(bucket, prefix))
		ddl = "-- Spark lists the partition folders: during an export it may see files not yet in a manifest, and after a\n" +
			"-- compaction the files it replaced until the next export deletes them. For one snapshot exactly, read the\n" +
			"-- files named in " + s3io.URL(bucket, prefix+s3io.ManifestDir) + "eventdate=*/manifest.\n" + ddl
	} else {
		ddl, err = s.SymlinkDDL(*dialect, *table, s3io.URL(bucket, prefix+s3io.ManifestDir))
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, ddl)
	return err
}
