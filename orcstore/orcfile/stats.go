package orcfile

import (
	"math"
	"math/bits"
	"strings"

	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// wStatsMaxString is the longest string kept as a minimum or maximum. Apache
// ORC (ORC-203) truncates longer ones into lowerBound/upperBound, fields our
// protobuf types lack; we omit minimum and maximum for the column instead
// (statistics are optional, so readers just cannot prune on it) rather than
// copy multi-kilobyte event JSON into every row index entry.
const wStatsMaxString = 1024

// wStats accumulates one column's statistics over a row group, a stripe or
// the file. Only the fields of the column's kind are used.
type wStats struct {
	kind    orcproto.Type_Kind
	n       uint64 // non-null values (rows for the root)
	hasNull bool

	hasMinMax  bool  // a value has set min/max (ints, dates, timestamps, doubles, strings)
	imin, imax int64 // ints, dates (days), timestamps (ms UTC)
	// The integer sum is kept in 128 bits (sumHi:sumLo), so that it is
	// written whenever the true sum fits in 64 bits, whatever the order of
	// values; Java omits it after any intermediate overflow.
	sumLo uint64
	sumHi int64

	dmin, dmax, dsum float64

	smin, smax string
	stooLong   bool // a value longer than wStatsMaxString was seen
	bytes      int64

	trues uint64
}

func (s *wStats) reset() {
	k := s.kind
	*s = wStats{kind: k}
}

func (s *wStats) addInt(v int64) {
	s.n++
	if !s.hasMinMax {
		s.imin, s.imax, s.hasMinMax = v, v, true
	} else if v < s.imin {
		s.imin = v
	} else if v > s.imax {
		s.imax = v
	}
	s.addSum(uint64(v), v>>63)
}

func (s *wStats) addSum(lo uint64, hi int64) {
	var carry uint64
	s.sumLo, carry = bits.Add64(s.sumLo, lo, 0)
	s.sumHi += hi + int64(carry)
}

// sum is the integer sum and whether it fits in 64 bits.
func (s *wStats) sum() (int64, bool) {
	return int64(s.sumLo), s.sumHi == int64(s.sumLo)>>63
}

// addDouble keeps NaN out of min/max (it compares false with everything) but
// in the sum, as Java's DoubleStatisticsImpl does for the sum.
func (s *wStats) addDouble(v float64) {
	s.n++
	s.dsum += v
	if math.IsNaN(v) {
		return
	}
	if !s.hasMinMax {
		s.dmin, s.dmax, s.hasMinMax = v, v, true
	} else if v < s.dmin {
		s.dmin = v
	} else if v > s.dmax {
		s.dmax = v
	}
}

// addString takes a string that may alias Arrow memory; min/max are copied.
func (s *wStats) addString(v string) {
	s.n++
	s.bytes += int64(len(v))
	if len(v) > wStatsMaxString {
		s.stooLong = true
	}
	if s.stooLong {
		return
	}
	if !s.hasMinMax {
		s.smin, s.smax, s.hasMinMax = strings.Clone(v), strings.Clone(v), true
	} else if v < s.smin {
		s.smin = strings.Clone(v)
	} else if v > s.smax {
		s.smax = strings.Clone(v)
	}
}

// addStringRepeat counts a string equal to the last one added.
func (s *wStats) addStringRepeat(n int) {
	s.n++
	s.bytes += int64(n)
}

func (s *wStats) addBool(v bool) {
	s.n++
	if v {
		s.trues++
	}
}

// merge folds o (same kind) into s.
func (s *wStats) merge(o *wStats) {
	s.n += o.n
	s.hasNull = s.hasNull || o.hasNull
	s.trues += o.trues
	s.bytes += o.bytes
	s.dsum += o.dsum
	s.addSum(o.sumLo, o.sumHi)
	s.stooLong = s.stooLong || o.stooLong
	if !o.hasMinMax {
		return
	}
	if !s.hasMinMax {
		s.hasMinMax = true
		s.imin, s.imax, s.dmin, s.dmax, s.smin, s.smax = o.imin, o.imax, o.dmin, o.dmax, o.smin, o.smax
		return
	}
	s.imin, s.imax = min(s.imin, o.imin), max(s.imax, o.imax)
	s.dmin, s.dmax = min(s.dmin, o.dmin), max(s.dmax, o.dmax)
	s.smin, s.smax = min(s.smin, o.smin), max(s.smax, o.smax)
}

// proto renders the statistics as ORC's ColumnStatistics.
func (s *wStats) proto() *orcproto.ColumnStatistics {
	cs := &orcproto.ColumnStatistics{NumberOfValues: wU64(s.n), HasNull: wBool(s.hasNull)}
	switch s.kind {
	case orcproto.Type_BYTE, orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG:
		is := &orcproto.IntegerStatistics{}
		if s.hasMinMax {
			is.Minimum, is.Maximum = wI64(s.imin), wI64(s.imax)
		}
		if sum, ok := s.sum(); ok {
			is.Sum = wI64(sum)
		}
		cs.IntStatistics = is
	case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		ds := &orcproto.DoubleStatistics{Sum: &s.dsum}
		if s.hasMinMax {
			ds.Minimum, ds.Maximum = wF64(s.dmin), wF64(s.dmax)
		}
		ds.Sum = wF64(s.dsum)
		cs.DoubleStatistics = ds
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR:
		ss := &orcproto.StringStatistics{Sum: wI64(s.bytes)}
		if s.hasMinMax && !s.stooLong {
			ss.Minimum, ss.Maximum = wStr(s.smin), wStr(s.smax)
		}
		cs.StringStatistics = ss
	case orcproto.Type_BINARY:
		cs.BinaryStatistics = &orcproto.BinaryStatistics{Sum: wI64(s.bytes)}
	case orcproto.Type_BOOLEAN:
		cs.BucketStatistics = &orcproto.BucketStatistics{Count: []uint64{s.trues}}
	case orcproto.Type_DATE:
		d := &orcproto.DateStatistics{}
		if s.hasMinMax {
			d.Minimum, d.Maximum = wI32(int32(s.imin)), wI32(int32(s.imax))
		}
		cs.DateStatistics = d
	case orcproto.Type_TIMESTAMP:
		t := &orcproto.TimestampStatistics{}
		if s.hasMinMax {
			// The file's writer timezone is UTC, so local and UTC agree.
			t.Minimum, t.Maximum = wI64(s.imin), wI64(s.imax)
			t.MinimumUtc, t.MaximumUtc = wI64(s.imin), wI64(s.imax)
		}
		cs.TimestampStatistics = t
	}
	return cs
}

func wU64(v uint64) *uint64   { return &v }
func wI64(v int64) *int64     { return &v }
func wI32(v int32) *int32     { return &v }
func wU32(v uint32) *uint32   { return &v }
func wF64(v float64) *float64 { return &v }
func wStr(v string) *string   { return &v }
func wBool(v bool) *bool      { return &v }
