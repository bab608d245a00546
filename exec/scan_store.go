package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// StoreScan reads a planned Scan from its event data store: files and
// stripes in parallel, pruned by the ScanSpec, with the exact time range
// applied as a selection vector.
type StoreScan struct {
	node    *planner.Scan
	sc      *orcstore.Scanner
	schema  *arrow.Schema
	prev    arrow.Record
	stats   orcstore.ScanStats
	closed  bool
	workers int
	// start opens the scan: at once, or at the first Next for the probe
	// side of a join that filters it dynamically (the join has then read
	// its build side and published its keys, so that no batch is decoded
	// before the filter is in place).
	start func() error
}

// NewStoreScan starts the scan. workers ≤ 0 means one per CPU.
func NewStoreScan(ctx context.Context, node *planner.Scan, env *Env, workers int) (*StoreScan, error) {
	spec := node.Spec
	if env != nil && env.BatchSize > 0 {
		spec.BatchSize = env.BatchSize
	}
	opts := orcstore.ScanOptions{Workers: workers, Allocator: env.mem()}
	if spec.TopN != nil {
		opts.Bound = topNBound(ctx) // set by the top-N above (topn_prune.go)
	}
	schema, err := orcstore.OutputSchema(spec)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", node.Table, err)
	}
	s := &StoreScan{node: node, schema: schema, workers: workers}
	s.start = func() error {
		sc, err := node.Store.Scan(ctx, node.Snapshot, spec, opts)
		if err != nil {
			return fmt.Errorf("scan %s: %w", node.Table, err)
		}
		s.sc, s.schema = sc, sc.Schema()
		return nil
	}
	if node.Dynamic != "" && env != nil {
		opts.Dynamic = env.DynamicSlot(node)
		return s, nil
	}
	if err := s.start(); err != nil {
		return nil, err
	}
	s.start = nil
	return s, nil
}

// StoreScanHook adapts NewStoreScan to Env.Scan.
func StoreScanHook(env *Env, workers int) func(ctx context.Context, s *planner.Scan) (Operator, error) {
	return func(ctx context.Context, s *planner.Scan) (Operator, error) {
		return NewStoreScan(ctx, s, env, workers)
	}
}

func (s *StoreScan) Schema() *arrow.Schema { return s.schema }

// Next returns the next batch; records are released when the next batch is
// requested, as the Operator contract allows.
func (s *StoreScan) Next(ctx context.Context) (Batch, error) {
	if s.prev != nil {
		s.prev.Release()
		s.prev = nil
	}
	if err := ctx.Err(); err != nil {
		return Batch{}, err
	}
	if s.start != nil {
		start := s.start
		s.start = nil
		if err := start(); err != nil {
			return Batch{}, err
		}
	}
	if s.sc == nil {
		return Batch{}, nil // closed before it started
	}
	b, err := s.sc.Next()
	if errors.Is(err, io.EOF) {
		s.stats = s.sc.Stats()
		return Batch{}, nil
	}
	if err != nil {
		return Batch{}, err
	}
	s.prev = b.Rec
	return Batch{Rec: b.Rec, Sel: b.Sel}, nil
}

// Close stops the scan (a LIMIT above it may close it early).
func (s *StoreScan) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.start = nil
	if s.prev != nil {
		s.prev.Release()
		s.prev = nil
	}
	if s.sc != nil {
		s.sc.Close()
		s.stats = s.sc.Stats()
	}
	return nil
}

// ScanStats reports what the scan read and skipped.
func (s *StoreScan) ScanStats() orcstore.ScanStats {
	if !s.closed && s.sc != nil && s.stats == (orcstore.ScanStats{}) {
		return s.sc.Stats()
	}
	return s.stats
}

// Extra gives EXPLAIN ANALYZE the scan's own figures.
func (s *StoreScan) Extra() map[string]string {
	st := s.ScanStats()
	rw := func(read, skipped int) string {
		return strconv.Itoa(read) + " read, " + strconv.Itoa(skipped) + " skipped"
	}
	m := map[string]string{
		"files":      rw(st.FilesRead, st.FilesSkipped),
		"stripes":    rw(st.StripesRead, st.StripesSkipped),
		"row groups": rw(st.RowGroupsRead, st.RowGroupsSkipped),
		"bytes read": FormatBytes(st.BytesRead),
		"rows read":  strconv.FormatInt(st.RowsRead, 10),
	}
	if s.node.Dynamic != "" {
		m["dynamic filter"] = strconv.FormatInt(st.RowsDynFiltered, 10) + " rows dropped, " +
			strconv.Itoa(st.RowGroupsDynSkipped) + " row groups skipped by bloom filter"
	}
	if s.node.Spec.TopN != nil && !s.node.Spec.NoPruning {
		m["top-N pruning"] = TopNPruned(st)
		if st.RowsLate > 0 {
			m["rows fetched late"] = strconv.FormatInt(st.RowsLate, 10)
		}
	}
	return m
}

// TopNPruned describes what top-N pruning skipped, for EXPLAIN ANALYZE and
// --stats.
func TopNPruned(st orcstore.ScanStats) string {
	return fmt.Sprintf("%d files, %d stripes, %d row groups skipped", st.TopNFilesSkipped, st.TopNStripesSkipped, st.TopNRowGroupsSkipped)
}
