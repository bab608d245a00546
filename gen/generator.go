package gen

import (
	"errors"
	"math"
	"sync/atomic"
)

// Random streams, kept apart so that each is independent of the others.
const (
	streamWorld = iota
	streamPlan
	streamEvents
	streamDup
	streamNames
	streamInsights
)

// world is everything fixed before the first event: catalog, accounts and
// plan. It is read-only once built and shared by all workers.
type world struct {
	cfg       Config
	cat       *catalog
	accts     []*account
	files     []fileSpec
	eventBase uint64
	dupSalt   uint64
	dupCut    uint64 // event k is re-delivered if mix64(k^dupSalt) < dupCut
	insights  map[int64]insightRole
	done      atomic.Int64 // unique events in finished files, for Progress
}

func newWorld(cfg Config) (*world, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	w := &world{cfg: cfg, cat: cat}
	wr := rng{s: streamSeed(cfg.Seed, streamWorld)}
	orgOffset := wr.intn(len(orgNames))
	taken := map[string]bool{}
	for i := 0; i < cfg.Accounts; i++ {
		w.accts = append(w.accts, newAccount(&wr, i, orgOffset, taken))
	}
	pr := rng{s: streamSeed(cfg.Seed, streamPlan)}
	w.files = buildPlan(cfg, &pr)
	ir := rng{s: streamSeed(cfg.Seed, streamInsights)}
	w.insights = planInsights(w.files, cfg.Events, &ir)
	w.eventBase = streamSeed(cfg.Seed, streamEvents)
	w.dupSalt = streamSeed(cfg.Seed, streamDup)
	if cfg.Duplicates > 0 {
		w.dupCut = uint64(math.Min(cfg.Duplicates, 1) * math.MaxUint64)
	}
	return w, nil
}

// item is one record of a file: event j of file f (f may be an earlier file
// of the same stream when the record is a re-delivery).
type item struct {
	file int
	j    int
	dup  bool
}

// items lists the records of file fi in output order: its own events with the
// re-deliveries of its stream's previous file spread among them.
func (w *world) items(fi int, dst []item) []item {
	f := &w.files[fi]
	dst = dst[:0]
	var dups []item
	if w.dupCut > 0 && f.prev >= 0 {
		for pi := f.prev; pi < f.prev+f.prevN; pi++ {
			p := &w.files[pi]
			for j := 0; j < p.n; j++ {
				if mix64(uint64(p.first+int64(j))^w.dupSalt) < w.dupCut {
					dups = append(dups, item{file: pi, j: j, dup: true})
				}
			}
		}
	}
	d := 0
	for j := 0; j < f.n; j++ {
		dst = append(dst, item{file: fi, j: j})
		for d < len(dups) && (d+1)*f.n <= (j+1)*(len(dups)+1) {
			dst = append(dst, dups[d])
			d++
		}
	}
	return append(dst, dups[d:]...)
}

// Generator yields the configured events in memory, one at a time, in the
// order the ndjson layout writes them (re-deliveries included).
type Generator struct {
	w     *world
	fi    int
	items []item
	pos   int
	e     ev
	stats stats
}

// New returns a Generator for cfg.
func New(cfg Config) (*Generator, error) {
	w, err := newWorld(cfg)
	if err != nil {
		return nil, err
	}
	g := &Generator{w: w, fi: -1}
	g.stats.init(w)
	return g, nil
}

// ErrDone is returned by Next after the last event.
var ErrDone = errors.New("gen: no more events")

// Next appends the next event's compact JSON (no trailing newline) to dst.
// After the last event it returns dst unchanged and ErrDone.
func (g *Generator) Next(dst []byte) ([]byte, error) {
	for g.pos >= len(g.items) {
		g.fi++
		if g.fi >= len(g.w.files) {
			return dst, ErrDone
		}
		g.items = g.w.items(g.fi, g.items)
		g.pos = 0
	}
	it := g.items[g.pos]
	g.pos++
	start := len(dst)
	dst = g.w.appendEvent(dst, &g.e, &g.w.files[it.file], it.j)
	g.stats.add(&g.e, it.dup, len(dst)-start)
	return dst, nil
}

// Summary reports what Next has produced so far.
func (g *Generator) Summary() Summary { return g.stats.summary(g.w) }

// Events is the number of unique events the Generator yields.
func (g *Generator) Events() int64 { return g.w.cfg.Events }
