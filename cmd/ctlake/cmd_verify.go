package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ctlake/ctlake/orcstore"
)

// storeVerify checks a store's files against its manifest (see
// orcstore.Store.Verify). It exits non-zero when it finds damage, so that
// scripts and cron jobs can rely on it.
func storeVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sc := newStoreCommand("verify", stderr)
	deep := sc.fs.Bool("deep", false, "also decode every value of every file (slower; checks each frame's checksum and eventTime range)")
	format := sc.fs.String("format", "text", "text or json")
	s, err := sc.store(args)
	if err != nil {
		return err
	}
	opts := orcstore.VerifyOptions{Deep: *deep}
	if isTerminal(stderr) && *format == "text" {
		opts.Progress = func(done, total int) { fmt.Fprintf(stderr, "\r\033[Kverifying file %d of %d", done, total) }
	}
	rep, err := s.Verify(ctx, opts)
	if opts.Progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if *format == "json" {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		how := "checksums and footers"
		if *deep {
			how += ", every value decoded"
		}
		fmt.Fprintf(stdout, "%s: %d files, %d events, %s read in %.2fs (%s)\n", s.Info.Name, rep.Files, rep.Events, humanBytes(rep.Bytes), rep.Elapsed.Seconds(), how)
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "DAMAGED %s\n", p)
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(stdout, "note: %s\n", n)
		}
		if len(rep.Problems) == 0 {
			fmt.Fprintln(stdout, "ok: no damage found")
		}
	}
	if len(rep.Problems) > 0 {
		return fmt.Errorf("store %q: %d problems found", s.Info.Name, len(rep.Problems))
	}
	return nil
}
