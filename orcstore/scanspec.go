package orcstore

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ScanSpec is everything a query asks of one scan of a store: which columns
// to read, which eventTime range matters, and which conditions may be used
// to skip data. It is plain data so that EXPLAIN can print it and tests can
// compare it.
type ScanSpec struct {
	// Columns are dotted paths of the columns to read, e.g. "eventName" or
	// "userIdentity.arn" (a struct child read without its siblings: the
	// result has a struct column userIdentity holding only arn). Empty reads
	// no column, for count(*).
	Columns []string
	// Time bounds eventTime. It prunes files (manifest ranges), stripes and
	// row groups (statistics), and rows outside it are dropped exactly, so
	// the planner removes the conjuncts it came from.
	Time TimeRange
	// Prune holds conjuncts used only to skip stripes and row groups by
	// min/max statistics and bloom filters. They are not applied to rows:
	// the same conditions stay in a filter above the scan.
	Prune []Predicate
	// Filter holds conjuncts the scan applies exactly, when it reads rows
	// late for a top-N (TopNOrder.Rows): string =, IN and STARTS WITH
	// (byte-exact). Rows that fail them may still be returned by other
	// scan paths, so the same conditions stay in a filter above the scan.
	Filter []Predicate
	// BatchSize is the number of rows per record (0: the scanner's default).
	BatchSize int
	// NoPruning reads everything the columns need, ignoring Time's pruning
	// and Prune (Time still drops rows exactly). Tests use it to show that
	// results never depend on pruning.
	NoPruning bool
	// TopN, when set, says a top-N ordered by eventTime sits above the
	// scan: files, stripes and row groups are visited in that order and
	// those that cannot reach the top-N are skipped (see topn.go). Pruning
	// only: it never changes which rows a complete scan would return.
	TopN *TopNOrder
	// Sample, when set, keeps only some row groups (TABLESAMPLE SYSTEM);
	// unlike pruning it changes the result, so NoPruning does not turn it
	// off. A sampled scan takes no TopN.
	Sample *BlockSample
}

// TimeRange is an eventTime interval in Unix nanoseconds. Min is inclusive
// and Max exclusive; HasMin/HasMax false mean unbounded. An empty range
// (Min >= Max with both set) selects nothing.
type TimeRange struct {
	Min, Max       int64
	HasMin, HasMax bool
}

// All reports an unbounded range.
func (r TimeRange) All() bool { return !r.HasMin && !r.HasMax }

// Empty reports a range that selects nothing.
func (r TimeRange) Empty() bool { return r.HasMin && r.HasMax && r.Min >= r.Max }

// Contains reports whether t (Unix ns) is inside the range.
func (r TimeRange) Contains(t int64) bool {
	return (!r.HasMin || t >= r.Min) && (!r.HasMax || t < r.Max)
}

// Overlaps reports whether [lo, hi] (inclusive, Unix ns) meets the range.
func (r TimeRange) Overlaps(lo, hi int64) bool {
	return (!r.HasMin || hi >= r.Min) && (!r.HasMax || lo < r.Max)
}

// Intersect narrows r by s.
func (r TimeRange) Intersect(s TimeRange) TimeRange {
	if s.HasMin && (!r.HasMin || s.Min > r.Min) {
		r.Min, r.HasMin = s.Min, true
	}
	if s.HasMax && (!r.HasMax || s.Max < r.Max) {
		r.Max, r.HasMax = s.Max, true
	}
	return r
}

func (r TimeRange) String() string {
	f := func(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }
	lo, hi := "-inf", "+inf"
	if r.HasMin {
		lo = f(r.Min)
	}
	if r.HasMax {
		hi = f(r.Max)
	}
	return "[" + lo + ", " + hi + ")"
}

// PredOp is the operator of a pruning predicate.
type PredOp uint8

const (
	PredEq        PredOp = iota // column = v
	PredIn                      // column IN (v, ...)
	PredLt                      // column < v
	PredLe                      // column <= v
	PredGt                      // column > v
	PredGe                      // column >= v
	PredIsNull                  // column IS NULL
	PredIsNotNull               // column IS NOT NULL
	PredPrefix                  // column LIKE 'v%' (starts with v)
)

var predText = [...]string{"=", "IN", "<", "<=", ">", ">=", "IS NULL", "IS NOT NULL", "STARTS WITH"}

func (op PredOp) String() string { return predText[op] }

// Predicate is a condition on one column against constants, in a form the
// store can test against statistics and bloom filters.
type Predicate struct {
	Column string // dotted path, schema spelling
	Op     PredOp
	Values []Scalar // one for comparisons and PredPrefix, several for PredIn, none for null tests
}

// ScalarKind says which field of a Scalar holds its value.
type ScalarKind uint8

const (
	ScalarString ScalarKind = iota
	ScalarInt               // int64 columns
	ScalarFloat             // double columns
	ScalarBool              // boolean columns
	ScalarTime              // timestamps, Unix ns
)

// Scalar is one constant of a predicate.
type Scalar struct {
	Kind  ScalarKind
	Str   string
	Int   int64 // ScalarInt and ScalarTime
	Float float64
	Bool  bool
}

func (s Scalar) String() string {
	switch s.Kind {
	case ScalarInt:
		return strconv.FormatInt(s.Int, 10)
	case ScalarFloat:
		if math.IsInf(s.Float, 0) {
			return fmt.Sprint(s.Float)
		}
		return strconv.FormatFloat(s.Float, 'g', -1, 64)
	case ScalarBool:
		return strconv.FormatBool(s.Bool)
	case ScalarTime:
		return "TIMESTAMP '" + time.Unix(0, s.Int).UTC().Format("2006-01-02 15:04:05.000") + "'"
	default:
		return "'" + strings.ReplaceAll(s.Str, "'", "''") + "'"
	}
}

func (p Predicate) String() string {
	switch p.Op {
	case PredIsNull, PredIsNotNull:
		return p.Column + " " + p.Op.String()
	case PredIn:
		vs := make([]string, len(p.Values))
		for i, v := range p.Values {
			vs[i] = v.String()
		}
		return p.Column + " IN (" + strings.Join(vs, ", ") + ")"
	default:
		if len(p.Values) == 0 {
			return p.Column + " " + p.Op.String() + " ?"
		}
		return p.Column + " " + p.Op.String() + " " + p.Values[0].String()
	}
}

// ScanStats counts what a scan read and skipped, for --stats and EXPLAIN
// ANALYZE.
type ScanStats struct {
	FilesRead, FilesSkipped         int
	StripesRead, StripesSkipped     int
	RowGroupsRead, RowGroupsSkipped int
	BytesRead                       int64 // compressed bytes of the streams read
	RowsRead                        int64 // rows decoded
	RowsOut                         int64 // rows returned (after the exact time range and a dynamic filter)
	RowsDynFiltered                 int64 // rows a join's dynamic filter dropped in the scan
	// RowGroupsDynSkipped are the skipped row groups whose bloom filter
	// held none of a join's build keys (dynamic.go).
	RowGroupsDynSkipped int
	// RowsLate are the rows whose other columns a top-N scan read after
	// choosing them by eventTime alone (late materialization).
	RowsLate int64
	// Of the skipped units above, those skipped by top-N pruning.
	TopNFilesSkipped, TopNStripesSkipped, TopNRowGroupsSkipped int
}

// Add accumulates s2 into s.
func (s *ScanStats) Add(s2 ScanStats) {
	s.FilesRead += s2.FilesRead
	s.FilesSkipped += s2.FilesSkipped
	s.StripesRead += s2.StripesRead
	s.StripesSkipped += s2.StripesSkipped
	s.RowGroupsRead += s2.RowGroupsRead
	s.RowGroupsSkipped += s2.RowGroupsSkipped
	s.BytesRead += s2.BytesRead
	s.RowsRead += s2.RowsRead
	s.RowsOut += s2.RowsOut
	s.RowsDynFiltered += s2.RowsDynFiltered
	s.RowGroupsDynSkipped += s2.RowGroupsDynSkipped
	s.RowsLate += s2.RowsLate
	s.TopNFilesSkipped += s2.TopNFilesSkipped
	s.TopNStripesSkipped += s2.TopNStripesSkipped
	s.TopNRowGroupsSkipped += s2.TopNRowGroupsSkipped
}
