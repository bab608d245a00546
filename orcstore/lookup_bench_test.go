package orcstore

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// BenchmarkLookupRepeated runs the point lookup of the benchmark suite's
// eventid-lookup query (five columns WHERE eventID = '…') against a real
// store, repeatedly in one process, as `ctlake query -f` does: after the
// first iteration, stripe footers, statistics, row indexes and bloom
// filters come from orcfile's metadata cache. Opt-in, since it needs an
// ingested store:
//
//	CTLAKE_BENCH_LOOKUP_DATA=/tmp/bcache/seed-1-events-1000000/store \
//	CTLAKE_BENCH_LOOKUP_ID=ecce34c3-e4ee-4159-8528-1a744dc18a83 \
//	go test -run '^$' -bench LookupRepeated -benchmem ./orcstore
//
// (CTLAKE_BENCH_LOOKUP_STORE names the store; default "trail".)
func BenchmarkLookupRepeated(b *testing.B) {
	dir, id := os.Getenv("CTLAKE_BENCH_LOOKUP_DATA"), os.Getenv("CTLAKE_BENCH_LOOKUP_ID")
	if dir == "" || id == "" {
		b.Skip("set CTLAKE_BENCH_LOOKUP_DATA and CTLAKE_BENCH_LOOKUP_ID (see the comment)")
	}
	name := os.Getenv("CTLAKE_BENCH_LOOKUP_STORE")
	if name == "" {
		name = "trail"
	}
	cat, err := OpenCatalog(dir)
	if err != nil {
		b.Fatal(err)
	}
	s, err := cat.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	spec := ScanSpec{
		Columns: []string{"eventTime", "eventSource", "eventName", "userIdentity.arn", "sourceIPAddress", "eventID"},
		Prune:   []Predicate{{Column: "eventID", Op: PredEq, Values: []Scalar{{Kind: ScalarString, Str: id}}}},
	}
	lookup := func() (ScanStats, int) {
		m, err := s.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		sc, err := s.Scan(context.Background(), m, spec, ScanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer sc.Close()
		rows := 0
		for {
			bt, err := sc.Next()
			if errors.Is(err, io.EOF) {
				return sc.Stats(), rows
			}
			if err != nil {
				b.Fatal(err)
			}
			rows += bt.len()
			bt.Rec.Release()
		}
	}
	st, rows := lookup() // fills the caches
	if rows == 0 || st.RowGroupsRead != 1 {
		b.Fatalf("lookup read %d rows in %d row groups; want one row group holding the event", rows, st.RowGroupsRead)
	}
	h0, m0, _ := orcfile.MetaCacheStats()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lookup()
	}
	b.StopTimer()
	h1, m1, held := orcfile.MetaCacheStats()
	b.ReportMetric(float64(m1-m0)/float64(b.N), "decodes/op")
	b.ReportMetric(float64(h1-h0)/float64(b.N), "cachehits/op")
	b.ReportMetric(float64(held)/(1<<20), "cacheMB")
}
