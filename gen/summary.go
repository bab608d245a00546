package gen

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"time"
)

// Pair is an (eventSource, eventName). Insights events, which have neither at
// the top level, count under the zero Pair.
type Pair struct{ EventSource, EventName string }

// Summary describes a generated data set. Counts, Categories and Errors cover
// unique events only: a re-delivered record is counted once, in Events, and
// again only in Duplicates.
type Summary struct {
	Events     int64          // unique events
	Duplicates int64          // extra re-delivered records (same eventID and body)
	Files      int            // log files written (CloudTrail and CloudTrail-Insight; digests excluded)
	Digests    int            // CloudTrail-Digest files written
	Bytes      int64          // bytes written to disk (compressed for the s3 layout)
	JSONBytes  int64          // bytes of event JSON, re-deliveries included
	Elapsed    time.Duration  // wall time of Write
	Counts     map[Pair]int64 // unique events by (eventSource, eventName)
	// DuplicateCounts counts the re-delivered records by pair; a reader
	// that does not deduplicate (CloudTrail Lake does not) sees
	// RecordCounts = Counts + DuplicateCounts.
	DuplicateCounts map[Pair]int64
	Categories      map[string]int64 // unique events by eventCategory
	Errors          int64            // unique events with an errorCode or errorMessage
}

// Records is the number of event records written: Events + Duplicates.
func (s *Summary) Records() int64 { return s.Events + s.Duplicates }

// RecordCounts returns the records by pair, re-deliveries included.
func (s *Summary) RecordCounts() map[Pair]int64 {
	out := make(map[Pair]int64, len(s.Counts))
	for p, n := range s.Counts {
		out[p] = n
	}
	for p, n := range s.DuplicateCounts {
		out[p] += n
	}
	return out
}

// WriteCountsTSV writes Counts in the format of the datasets'
// expected_eventsource_eventname_counts.tsv: a header line, then
// "eventSource\teventName\tcount" ordered by count descending, then source
// and name in byte order, as `SELECT eventSource, eventName, count(*) ...
// GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2` returns them. Insights events (null
// source and name) print as empty fields and sort after ties, as SQL's NULLS
// LAST puts them.
func (s *Summary) WriteCountsTSV(w io.Writer) error {
	type row struct {
		p Pair
		n int64
	}
	rows := make([]row, 0, len(s.Counts))
	for p, n := range s.Counts {
		rows = append(rows, row{p, n})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.n != b.n {
			return a.n > b.n
		}
		if (a.p == Pair{}) != (b.p == Pair{}) {
			return b.p == Pair{}
		}
		if a.p.EventSource != b.p.EventSource {
			return a.p.EventSource < b.p.EventSource
		}
		return a.p.EventName < b.p.EventName
	})
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "eventSource\teventName\tcount\n")
	for _, r := range rows {
		fmt.Fprintf(bw, "%s\t%s\t%d\n", r.p.EventSource, r.p.EventName, r.n)
	}
	return bw.Flush()
}

// stats is one worker's tally, kept in flat arrays on the hot path and
// merged into a Summary at the end.
type stats struct {
	ops       []int64 // by op id; the last slot counts Insights
	dupOps    []int64 // the same for re-delivered records
	cats      [numCats]int64
	events    int64
	dups      int64
	errors    int64
	jsonBytes int64
	bytes     int64
	files     int
	digests   int
}

func (s *stats) init(w *world) {
	s.ops = make([]int64, len(w.cat.ops)+1)
	s.dupOps = make([]int64, len(w.cat.ops)+1)
}

func (s *stats) add(e *ev, dup bool, size int) {
	s.jsonBytes += int64(size)
	op := e.opID
	if op < 0 {
		op = len(s.ops) - 1
	}
	if dup {
		s.dups++
		s.dupOps[op]++
		return
	}
	s.events++
	s.ops[op]++
	s.cats[e.catIdx]++
	if e.isError {
		s.errors++
	}
}

func (s *stats) merge(o *stats) {
	for i, n := range o.ops {
		s.ops[i] += n
	}
	for i, n := range o.dupOps {
		s.dupOps[i] += n
	}
	for i, n := range o.cats {
		s.cats[i] += n
	}
	s.events += o.events
	s.dups += o.dups
	s.errors += o.errors
	s.jsonBytes += o.jsonBytes
	s.bytes += o.bytes
	s.files += o.files
	s.digests += o.digests
}

func (s *stats) summary(w *world) Summary {
	sum := Summary{Events: s.events, Duplicates: s.dups, Files: s.files, Digests: s.digests, Bytes: s.bytes,
		JSONBytes: s.jsonBytes, Errors: s.errors, Counts: map[Pair]int64{}, DuplicateCounts: map[Pair]int64{},
		Categories: map[string]int64{}}
	pair := func(id int) Pair {
		if id == len(w.cat.ops) {
			return Pair{}
		}
		o := w.cat.ops[id]
		return Pair{o.svc.source, o.name}
	}
	for id, n := range s.ops {
		if n > 0 {
			sum.Counts[pair(id)] += n
		}
	}
	for id, n := range s.dupOps {
		if n > 0 {
			sum.DuplicateCounts[pair(id)] += n
		}
	}
	for i, n := range s.cats {
		if n > 0 {
			sum.Categories[catNames[i]] = n
		}
	}
	return sum
}
