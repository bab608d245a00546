package gen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Layout is the on-disk shape Write produces.
type Layout string

const (
	// LayoutS3 mirrors a trail's S3 bucket: AWSLogs/<account>/CloudTrail/
	// <region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<16 chars>.json.gz,
	// each a gzipped {"Records":[…]}; Insights events in the same shape under
	// CloudTrail-Insight/ (…_CloudTrail-Insight_…), as trails deliver them;
	// and CloudTrail-Digest files, which readers must skip.
	LayoutS3 Layout = "s3"
	// LayoutNDJSON writes events-NNNNN.ndjson files, one compact event per
	// line, in the Generator's order, starting a new file after ndjsonPart
	// events.
	LayoutNDJSON Layout = "ndjson"
)

// ParseLayout accepts "s3" and "ndjson".
func ParseLayout(s string) (Layout, error) {
	switch l := Layout(s); l {
	case LayoutS3, LayoutNDJSON:
		return l, nil
	}
	return "", fmt.Errorf("unknown layout %q (want s3 or ndjson)", s)
}

const ndjsonPart = 1_000_000

// Write generates cfg's events into dir in the given layout, using
// cfg.Workers goroutines. The files depend only on cfg (not on Workers or
// timing). dir is created if needed; existing files with the same names are
// overwritten, others are left alone.
func Write(ctx context.Context, cfg Config, layout Layout, dir string) (Summary, error) {
	began := time.Now()
	w, err := newWorld(cfg)
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, err
	}
	var total stats
	total.init(w)
	switch layout {
	case LayoutS3:
		err = w.writeS3(ctx, dir, &total)
	case LayoutNDJSON:
		err = w.writeNDJSON(ctx, dir, &total)
	default:
		_, err = ParseLayout(string(layout))
	}
	if err != nil {
		return Summary{}, err
	}
	s := total.summary(w)
	s.Elapsed = time.Since(began)
	return s, nil
}

// worker is one goroutine's reusable state.
type worker struct {
	w     *world
	e     ev
	items []item
	buf   []byte
	ins   []byte // Insights records of the current file
	gz    *gzip.Writer
	zbuf  fileBuf
	st    stats
}

// fileBuf is a minimal growable io.Writer (bytes.Buffer without the reader
// half), reused across files.
type fileBuf struct{ b []byte }

func (f *fileBuf) Write(p []byte) (int, error) { f.b = append(f.b, p...); return len(p), nil }

// appendFile appends the records of plan file fi, each followed by sep.
// With insights non-nil, Insights events go there instead, as CloudTrail
// delivers them in files of their own.
func (k *worker) appendFile(dst []byte, fi int, sep byte, insights *[]byte) []byte {
	k.items = k.w.items(fi, k.items)
	for _, it := range k.items {
		start := len(dst)
		dst = k.w.appendEvent(dst, &k.e, &k.w.files[it.file], it.j)
		k.st.add(&k.e, it.dup, len(dst)-start)
		if insights != nil && k.e.catIdx == catInsight {
			*insights = append(append(*insights, dst[start:]...), sep)
			dst = dst[:start]
			continue
		}
		dst = append(dst, sep)
	}
	return dst
}

// gzipTo compresses data into k.zbuf.
func (k *worker) gzipTo(data []byte) error {
	if k.gz == nil {
		k.gz, _ = gzip.NewWriterLevel(&k.zbuf, gzip.BestSpeed)
	}
	k.zbuf.b = k.zbuf.b[:0]
	k.gz.Reset(&k.zbuf)
	if _, err := k.gz.Write(data); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	if err := k.gz.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// run calls fn for every plan file index in [lo, hi) on cfg.Workers
// goroutines and merges their stats into total.
func (w *world) run(ctx context.Context, total *stats, lo, hi int, fn func(k *worker, fi int) error) error {
	var next atomic.Int64
	next.Store(int64(lo))
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range w.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := &worker{w: w}
			k.st.init(w)
			for {
				fi := int(next.Add(1) - 1)
				if fi >= hi {
					break
				}
				err := ctx.Err()
				if err == nil {
					err = fn(k, fi)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					next.Store(int64(hi))
					break
				}
				d := w.done.Add(int64(w.files[fi].n))
				if w.cfg.Progress != nil {
					w.cfg.Progress(d, w.cfg.Events)
				}
			}
			mu.Lock()
			total.merge(&k.st)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return firstErr
}

// digestEntry is what a digest needs to know about one log file.
type digestEntry struct {
	key  string // S3 key relative to the bucket root
	hash string
}

func (w *world) writeS3(ctx context.Context, dir string, total *stats) error {
	var dirs sync.Map
	entries := make([]digestEntry, len(w.files))
	nameBase := streamSeed(w.cfg.Seed, streamNames)
	err := w.run(ctx, total, 0, len(w.files), func(k *worker, fi int) error {
		f := &w.files[fi]
		k.buf = append(k.buf[:0], `{"Records":[`...)
		k.ins = append(k.ins[:0], `{"Records":[`...)
		k.buf = k.appendFile(k.buf, fi, ',', &k.ins)
		acct, region := w.accts[f.acct].id, regions[f.region].name
		stamp := f.stamp()
		r := rng{s: nameBase ^ mix64(uint64(fi))}
		suffix := randString(&r, mixedAlnum, 16)
		if len(k.ins) > len(`{"Records":[`) {
			k.ins = append(closeArr(k.ins), '}')
			if err := k.gzipTo(k.ins); err != nil {
				return err
			}
			rel := "AWSLogs/" + acct + "/CloudTrail-Insight/" + region + "/" + datePath(stamp)
			key := rel + "/" + acct + "_CloudTrail-Insight_" + region + "_" + compactStamp(stamp) + "_" + randString(&r, mixedAlnum, 16) + ".json.gz"
			if err := writeFile(&dirs, dir, rel, key, k.zbuf.b); err != nil {
				return err
			}
			k.st.files++
			k.st.bytes += int64(len(k.zbuf.b))
		}
		if len(k.buf) == len(`{"Records":[`) {
			return nil // the window held only Insights events
		}
		k.buf = append(closeArr(k.buf), '}')
		if err := k.gzipTo(k.buf); err != nil {
			return err
		}
		rel := "AWSLogs/" + acct + "/CloudTrail/" + region + "/" + datePath(stamp)
		key := rel + "/" + acct + "_CloudTrail_" + region + "_" + compactStamp(stamp) + "_" + suffix + ".json.gz"
		if err := writeFile(&dirs, dir, rel, key, k.zbuf.b); err != nil {
			return err
		}
		if stamp%86400 < 3600 {
			sum := sha256.Sum256(k.zbuf.b)
			entries[fi] = digestEntry{key: key, hash: hex.EncodeToString(sum[:])}
		}
		k.st.files++
		k.st.bytes += int64(len(k.zbuf.b))
		return nil
	})
	if err != nil {
		return err
	}
	return w.writeDigests(dir, entries, total)
}

// writeFile writes data to dir/key, creating dir/rel once per run.
func writeFile(dirs *sync.Map, dir, rel, key string, data []byte) error {
	if _, ok := dirs.Load(rel); !ok {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(rel)), 0o755); err != nil {
			return err
		}
		dirs.Store(rel, true)
	}
	return os.WriteFile(filepath.Join(dir, filepath.FromSlash(key)), data, 0o644)
}

func (w *world) writeNDJSON(ctx context.Context, dir string, total *stats) error {
	// Batches of plan files are generated in parallel, then appended in plan
	// order, so the output is independent of scheduling.
	batch := w.cfg.Workers * 16
	bufs := make([][]byte, batch)
	var out *os.File
	part, inPart := 0, int64(0)
	closeOut := func() error {
		if out == nil {
			return nil
		}
		err := out.Close()
		out = nil
		return err
	}
	defer closeOut()
	for lo := 0; lo < len(w.files); lo += batch {
		hi := min(lo+batch, len(w.files))
		err := w.run(ctx, total, lo, hi, func(k *worker, fi int) error {
			bufs[fi-lo] = k.appendFile(bufs[fi-lo][:0], fi, '\n', nil)
			return nil
		})
		if err != nil {
			return err
		}
		for fi := lo; fi < hi; fi++ {
			if out == nil || inPart >= ndjsonPart {
				if err := closeOut(); err != nil {
					return err
				}
				name := filepath.Join(dir, fmt.Sprintf("events-%05d.ndjson", part))
				f, err := os.Create(name)
				if err != nil {
					return err
				}
				out, inPart = f, 0
				part++
				total.files++
			}
			b := bufs[fi-lo]
			if _, err := out.Write(b); err != nil {
				return err
			}
			total.bytes += int64(len(b))
			inPart += int64(w.files[fi].n)
		}
	}
	return closeOut()
}
