package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// Dataset is one generated event set, in both layouts, cached on disk by
// seed and size so that repeated runs skip generation.
type Dataset struct {
	Events      int64
	Seed        int64
	Dir         string // <cache>/seed-S-events-N
	NDJSON      string // folder of events-NNNNN.ndjson
	S3          string // AWSLogs/… tree of .json.gz Records files
	NDJSONBytes int64
	S3Bytes     int64
	S3Files     int
	GenSeconds  float64 // 0 when taken from the cache
}

// datasetMeta is the marker written after generation completes.
const datasetMeta = "dataset.json"

// PrepareDataset returns the cached dataset for (seed, events) under
// cache, generating it first if needed.
func PrepareDataset(ctx context.Context, cache string, seed, events int64) (*Dataset, error) {
	dir := filepath.Join(cache, fmt.Sprintf("seed-%d-events-%d", seed, events))
	ds := &Dataset{Events: events, Seed: seed, Dir: dir, NDJSON: filepath.Join(dir, "ndjson"), S3: filepath.Join(dir, "s3")}
	if b, err := os.ReadFile(filepath.Join(dir, datasetMeta)); err == nil {
		var cached Dataset
		if json.Unmarshal(b, &cached) == nil && cached.Events == events && cached.Seed == seed {
			cached.Dir, cached.NDJSON, cached.S3, cached.GenSeconds = ds.Dir, ds.NDJSON, ds.S3, 0
			return &cached, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	start := time.Now()
	cfg := gen.Config{Events: events, Seed: seed}
	nd, err := gen.Write(ctx, cfg, gen.LayoutNDJSON, ds.NDJSON)
	if err != nil {
		return nil, fmt.Errorf("generating NDJSON: %w", err)
	}
	s3, err := gen.Write(ctx, cfg, gen.LayoutS3, ds.S3)
	if err != nil {
		return nil, fmt.Errorf("generating the S3 layout: %w", err)
	}
	ds.NDJSONBytes, ds.S3Bytes, ds.S3Files = nd.Bytes, s3.Bytes, s3.Files
	ds.GenSeconds = time.Since(start).Seconds()
	b, _ := json.MarshalIndent(ds, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, datasetMeta), b, 0o644); err != nil {
		return nil, err
	}
	return ds, nil
}

// IngestResult is one timed ingest of a layout into a fresh store.
type IngestResult struct {
	Layout       string  `json:"layout"`
	Inputs       int     `json:"inputs"`
	Events       int64   `json:"events"`
	Bytes        int64   `json:"bytes"` // input bytes (compressed for .gz)
	Seconds      float64 `json:"seconds"`
	EventsPerSec float64 `json:"events_per_sec"`
	MBPerSec     float64 `json:"mb_per_sec"`
	StoreBytes   int64   `json:"store_bytes"`
	StoreFiles   int     `json:"store_files"`
	// CPUSeconds is the process's user + system time during the ingest;
	// PeakRSS its peak resident memory (Linux; 0 elsewhere).
	CPUSeconds float64 `json:"cpu_seconds"`
	PeakRSS    int64   `json:"peak_rss"`
}

// ingestMemoryLimit is the bench's ingest budget: `ctlake ingest`'s
// default --memory-limit.
const ingestMemoryLimit = 512 << 20

// IngestInto creates store name in c and ingests path into it, timed.
func IngestInto(ctx context.Context, c *orcstore.Catalog, name, layout, path string) (*orcstore.Store, IngestResult, error) {
	res := IngestResult{Layout: layout}
	st, err := c.Create(name, orcstore.CreateOptions{})
	if err != nil {
		return nil, res, err
	}
	inputs, errs := ingest.Discover([]string{path}, ingest.DiscoverOptions{})
	if len(errs) > 0 {
		return nil, res, errs[0]
	}
	// The runtime's soft memory limit as 'ctlake ingest' sets it for its
	// default --memory-limit, so that CPU and peak RSS are the command's.
	defer ingest.SetRuntimeLimit(ingestMemoryLimit)()
	meter := startMeter()
	sum, err := ingest.Ingest(ctx, ingest.Config{Store: st, MemoryLimit: ingestMemoryLimit}, inputs)
	res.CPUSeconds, res.PeakRSS = meter.stop()
	if err != nil {
		return nil, res, fmt.Errorf("ingesting %s: %w", layout, err)
	}
	if sum.Rejected > 0 || len(sum.InputErrors) > 0 {
		return nil, res, fmt.Errorf("ingesting %s: %d rejected events, %d input errors", layout, sum.Rejected, len(sum.InputErrors))
	}
	snap, err := st.ReadManifest()
	if err != nil {
		return nil, res, err
	}
	res.Inputs, res.Events, res.Bytes = len(inputs), sum.Ingested, sum.BytesRead
	res.Seconds = sum.Elapsed.Seconds()
	res.EventsPerSec = float64(sum.Events) / res.Seconds
	res.MBPerSec = float64(sum.BytesRead) / 1e6 / res.Seconds
	res.StoreBytes, res.StoreFiles = snap.Bytes(), len(snap.Files)
	return st, res, nil
}

// dirSize sums the sizes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
