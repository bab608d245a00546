package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/ctlake/ctlake/gen"
)

func init() {
	register(command{name: "gen", summary: "generate deterministic, realistic CloudTrail events (S3 layout or NDJSON)", run: runGen})
}

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gen", "--out DIR", stderr)
	events := fs.Int64("events", 100_000, "number of unique events")
	seed := fs.Int64("seed", 1, "random seed; same flags and seed give byte-identical files")
	start := fs.String("start", gen.DefaultStart.Format(time.RFC3339), "earliest eventTime (RFC 3339, or a UTC date YYYY-MM-DD)")
	days := fs.Int("days", 7, "days of activity after --start")
	accounts := fs.Int("accounts", 3, "number of AWS accounts")
	layout := fs.String("layout", "s3", "output layout: s3 (AWSLogs/…/*.json.gz, as a trail's bucket) or ndjson")
	out := fs.String("out", "", "output directory (required)")
	dups := fs.Float64("duplicates", 0, "fraction of events re-delivered in a later file (same eventID), 0..0.5")
	perFile := fs.Int("max-per-file", 2500, "cap on events per log file")
	window := fs.Duration("window", 0, "eventTime span of each log file, a multiple of 5m (default: 5m, widened up to 1h for sparse traffic)")
	workers := fs.Int("workers", 0, "parallel workers (default: all cores); does not change the output")
	force := fs.Bool("force", false, "write into a non-empty --out directory (files of earlier runs stay beside the new ones)")
	counts := fs.String("counts", "", "also write unique events' eventSource/eventName counts as TSV to this file ('-' for stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *out == "" {
		return fmt.Errorf("%w: --out DIR is required", errUsage)
	}
	if !*force {
		if ents, err := os.ReadDir(*out); err == nil && len(ents) > 0 {
			return fmt.Errorf("%w: --out %s is not empty; earlier files would mix with the new ones (use --force to write anyway)", errUsage, *out)
		}
	}
	lay, err := gen.ParseLayout(*layout)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	t0, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		var err2 error
		if t0, err2 = time.Parse(time.DateOnly, *start); err2 != nil {
			return fmt.Errorf("%w: --start: %v", errUsage, err)
		}
	}
	cfg := gen.Config{Events: *events, Seed: *seed, Start: t0, Days: *days, Accounts: *accounts,
		Duplicates: *dups, MaxPerFile: *perFile, FileWindow: *window, Workers: *workers}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	prog := newGenProgress(stderr)
	if prog != nil {
		cfg.Progress = prog.update
	}
	sum, err := gen.Write(ctx, cfg, lay, *out)
	if prog != nil {
		prog.clear()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "generated %d events (+%d re-delivered) in %d files (+%d digests), %.1f MB (%.1f MB JSON), %.2f s, %.0f events/s\n",
		sum.Events, sum.Duplicates, sum.Files, sum.Digests, float64(sum.Bytes)/1e6, float64(sum.JSONBytes)/1e6,
		sum.Elapsed.Seconds(), float64(sum.Records())/max(sum.Elapsed.Seconds(), 1e-9))
	if *counts != "" {
		w := stdout
		if *counts != "-" {
			f, err := os.Create(*counts)
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		if err := sum.WriteCountsTSV(w); err != nil {
			return fmt.Errorf("writing counts: %w", err)
		}
	}
	return nil
}

// genProgress draws a one-line progress display on a terminal, at most five
// times a second.
type genProgress struct {
	mu    sync.Mutex
	w     io.Writer
	began time.Time
	last  time.Time
}

// newGenProgress returns nil unless w is a terminal: logs and pipes get only
// the final summary.
func newGenProgress(w io.Writer) *genProgress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &genProgress{w: w, began: time.Now()}
}

func (p *genProgress) update(done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && done < total {
		return
	}
	p.last = now
	el := now.Sub(p.began).Seconds()
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	fmt.Fprintf(p.w, "\rgenerating: %5.1f%%  %d/%d events  %.1f s  %.0f events/s ", pct, done, total, el, float64(done)/max(el, 1e-9))
}

func (p *genProgress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
}
