package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// FollowSource is where a Follower looks for new logs.
type FollowSource interface {
	// List returns the candidate inputs: with all set, everything in the
	// source's range (the first pass); otherwise only the newest delivery
	// days (today's and yesterday's, UTC, by now). Every input carries an
	// Object, so the store's source log tells which are new.
	List(ctx context.Context, now time.Time, all bool) ([]Input, error)
	// Stats adds the source's request counters to a progress report.
	Stats(p *Progress)
	String() string
}

// Follower ingests a growing trail: every Interval it lists the newest
// prefixes, ingests the objects the store does not hold yet and commits,
// so queries see new events within one interval. It merges the small files
// this makes in the background (Store.Compact, whose single commit never
// blocks a query) and, when its context is cancelled, stops after
// committing every input it has read whole. `ctlake ingest --follow` and
// the Lake API's ingestion calls run this same type.
type Follower struct {
	Source FollowSource
	// Config is each cycle's ingest (Store, decode options, memory);
	// CommitInterval defaults to Interval.
	Config Config
	// Interval is the time between the starts of two cycles (default 1 min).
	Interval time.Duration
	// Backfill makes the first cycle list the source's whole range (its
	// --since/--until) rather than only the newest days.
	Backfill bool
	// ReingestChanged reads again an object whose ETag or size changed.
	ReingestChanged bool
	// CompactAt is how many small files one eventdate may gather before a
	// background compaction merges them (default 12).
	CompactAt int
	// OnCycle, if set, is told about every cycle (on the Run goroutine).
	OnCycle func(Cycle)
	// Paused, if set, is asked before each cycle. A non-empty answer (the
	// reason) skips the cycle: nothing is listed or ingested, OnCycle gets
	// a Cycle whose Paused says why, and the follower asks again after
	// Interval or PauseCheck, whichever is shorter. `ctlake ingest
	// --follow` pauses this way while the Lake API has the store's
	// ingestion stopped (StopEventDataStoreIngestion) or the store is
	// pending deletion. A cycle under way when the answer changes
	// finishes first.
	Paused func() string
	// PauseCheck bounds the wait between two questions while paused
	// (default 5 s), so a resumed store does not wait a whole Interval.
	PauseCheck time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Cycle is what one round of a Follower did.
type Cycle struct {
	N       int // the ingesting cycles so far; a paused one repeats the last number
	Started time.Time
	Paused  string // why this cycle was skipped (Follower.Paused), or empty
	Listed  int    // candidate inputs listed
	Already int    // of which the store held already
	Changed []ChangedObject
	Summary Summary // the ingest of the new inputs (zero if none)
	Err     error   // the cycle's error; the follower goes on unless it is fatal
	// Compaction is the background compaction that ended since the last
	// cycle, if any.
	Compaction *orcstore.CompactResult
	CompactErr error
}

// Run follows until ctx is cancelled (it then returns nil, with everything
// read committed) or a fatal error (refused credentials, a store that
// cannot be written).
func (f *Follower) Run(ctx context.Context) error {
	if f.Interval <= 0 {
		f.Interval = time.Minute
	}
	if f.Now == nil {
		f.Now = time.Now
	}
	if f.CompactAt <= 0 {
		f.CompactAt = 12
	}
	if f.Config.CommitInterval <= 0 {
		f.Config.CommitInterval = f.Interval
	}
	if f.PauseCheck <= 0 {
		f.PauseCheck = 5 * time.Second
	}
	known := newKnownObjects()
	bg := &background{}
	defer bg.wait()
	for n := 1; ; n++ {
		c := Cycle{N: n, Started: f.Now()}
		c.Compaction, c.CompactErr = bg.wait()
		if f.Paused != nil {
			if c.Paused = f.Paused(); c.Paused != "" {
				c.N = n - 1
				if f.OnCycle != nil {
					f.OnCycle(c)
				}
				n--
				if !sleepCtx(ctx, min(f.Interval, f.PauseCheck)) {
					return nil
				}
				continue
			}
		}
		err := f.cycle(ctx, known, &c, n == 1 && f.Backfill)
		c.Err = err
		if f.OnCycle != nil {
			f.OnCycle(c)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && fatalFollow(err) {
			return err
		}
		if err == nil && f.compactionDue() {
			bg.start(ctx, f.Config.Store)
		}
		if !sleepCtx(ctx, time.Until(c.Started.Add(f.Interval))) {
			return nil
		}
	}
}

// sleepCtx waits d; false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// fatalFollow: errors a next cycle cannot get past.
func fatalFollow(err error) bool {
	return s3io.Fatal(err) || errors.Is(err, orcstore.ErrLocked)
}

func (f *Follower) cycle(ctx context.Context, known *knownObjects, c *Cycle, all bool) error {
	store := f.Config.Store
	if err := known.refresh(store); err != nil {
		return err
	}
	ins, err := f.Source.List(ctx, f.Now(), all)
	if err != nil {
		return err
	}
	plan := PlanInputs(ins, known.objs, f.ReingestChanged)
	c.Listed, c.Already, c.Changed = len(ins), plan.Already, plan.Changed
	if len(plan.Inputs) == 0 {
		return nil
	}
	cfg := f.Config
	cfg.SourceStats = f.Source.Stats
	sum, err := Ingest(ctx, cfg, plan.Inputs)
	c.Summary = sum
	if err != nil && ctx.Err() != nil {
		return nil // stopped: what ended is committed
	}
	return err
}

// compactionDue: some eventdate holds CompactAt small files or more.
func (f *Follower) compactionDue() bool {
	m, err := f.Config.Store.ReadManifest() // the entries only, no file read
	if err != nil {
		return false
	}
	small := map[string]int{}
	for _, fe := range m.Files {
		if fe.Rows < defaultMaxFileRows/4 {
			small[fe.Date]++
			if small[fe.Date] >= f.CompactAt {
				return true
			}
		}
	}
	return len(m.Sources) > 64
}

// background runs one compaction at a time beside the follower's waiting.
type background struct {
	done chan struct{}
	mu   sync.Mutex
	res  *orcstore.CompactResult
	err  error
}

func (b *background) start(ctx context.Context, s *orcstore.Store) {
	b.done = make(chan struct{})
	go func() {
		defer close(b.done)
		res, err := s.Compact(ctx, orcstore.CompactOptions{})
		if err == nil {
			err = compactSources(s)
		}
		b.mu.Lock()
		b.res, b.err = &res, err
		b.mu.Unlock()
	}()
}

// wait waits for the running compaction, if any, and returns its result.
func (b *background) wait() (*orcstore.CompactResult, error) {
	if b.done == nil {
		return nil, nil
	}
	<-b.done
	b.done = nil
	b.mu.Lock()
	defer b.mu.Unlock()
	res, err := b.res, b.err
	b.res, b.err = nil, nil
	if errors.Is(err, context.Canceled) {
		err = nil // abandoned on stop; the store is as it was
	}
	return res, err
}

// compactSources merges the source log's files when there are many.
func compactSources(s *orcstore.Store) error {
	m, err := s.ReadManifest()
	if err != nil || len(m.Sources) <= 64 {
		return err
	}
	tx, err := s.Begin()
	if err != nil {
		return err
	}
	defer tx.Close()
	if err := tx.CompactSources(); err != nil {
		return err
	}
	return tx.Commit()
}

// List implements FollowSource for a bucket prefix.
func (s *S3Source) List(ctx context.Context, now time.Time, all bool) ([]Input, error) {
	days := s.days()
	if !all {
		today := now.UTC().Truncate(24 * time.Hour)
		days = dayRange{today.Add(-24 * time.Hour), today}
	}
	l, err := s.list(ctx, days)
	if err != nil {
		return nil, err
	}
	return s.Inputs(l.Objects), nil
}

func (s *S3Source) String() string { return s.URL }

// LocalSource follows a folder (a trail synced to disk, in the S3 layout
// or not).
type LocalSource struct {
	Dir          string
	Since, Until time.Time
	// Settle skips files modified this recently (default 2 s): a file
	// still being written would read as damaged and never be read again.
	Settle time.Duration
}

// List walks the folder: only the newest day folders when the tree is in
// CloudTrail's layout (files elsewhere carry no date and are always seen).
func (l *LocalSource) List(ctx context.Context, now time.Time, all bool) ([]Input, error) {
	opts := DiscoverOptions{Since: l.Since, Until: l.Until}
	if !all {
		today := now.UTC().Truncate(24 * time.Hour)
		opts = DiscoverOptions{Since: today.Add(-24 * time.Hour), Until: today}
	}
	ins, errs := Discover([]string{l.Dir}, opts)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	settle := l.Settle
	if settle == 0 {
		settle = 2 * time.Second
	}
	out := ins[:0]
	for _, in := range ins {
		st, err := os.Stat(in.Path)
		if err != nil || now.Sub(st.ModTime()) < settle {
			continue // gone, or still being written: the next cycle sees it
		}
		abs, err := filepath.Abs(in.Path)
		if err != nil {
			return nil, err
		}
		in.Size = st.Size()
		in.Object = &orcstore.SourceObject{Key: "file://" + filepath.ToSlash(abs), ETag: st.ModTime().UTC().Format(time.RFC3339Nano), Size: st.Size()}
		out = append(out, in)
	}
	return out, nil
}

func (l *LocalSource) Stats(*Progress) {}

func (l *LocalSource) String() string { return l.Dir }

// ErrNotFollowable is returned for a follow source that is not a folder.
var ErrNotFollowable = fmt.Errorf("--follow needs a folder or an s3:// prefix")
