package orcfile

import (
	"fmt"

	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// Statistics are one column's statistics (file, stripe or row group level),
// decoded from the protobuf form. Exactly one of the typed parts is set,
// according to the column's kind, when the writer recorded it.
type Statistics struct {
	Count   uint64 `json:"count"`   // non-null values
	HasNull bool   `json:"hasNull"` // only meaningful when HasNullKnown (old writers omit it)
	// HasNullKnown is false for files whose writer did not record hasNull;
	// treat the column as possibly containing nulls then.
	HasNullKnown bool `json:"hasNullKnown"`

	Int       *IntStats       `json:"int,omitempty"`
	Double    *DoubleStats    `json:"double,omitempty"`
	String    *StringStats    `json:"string,omitempty"`
	Bool      *BoolStats      `json:"bool,omitempty"`
	Date      *DateStats      `json:"date,omitempty"`
	Timestamp *TimestampStats `json:"timestamp,omitempty"`
	Decimal   *DecimalStats   `json:"decimal,omitempty"`
	Binary    *BinaryStats    `json:"binary,omitempty"`
}

// IntStats cover BYTE, SHORT, INT and LONG columns.
type IntStats struct {
	Min    int64 `json:"min"`
	Max    int64 `json:"max"`
	Sum    int64 `json:"sum"`
	HasSum bool  `json:"hasSum"` // false when the sum overflowed or was not recorded
}

// DoubleStats cover FLOAT and DOUBLE columns.
type DoubleStats struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	Sum float64 `json:"sum"`
}

// StringStats cover STRING, CHAR and VARCHAR columns. Sum is the total
// length in bytes.
type StringStats struct {
	Min       string `json:"min"`
	Max       string `json:"max"`
	HasMinMax bool   `json:"hasMinMax"`
	Sum       int64  `json:"sum"`
	// Trusted is false for files from writers before HIVE-8732, whose
	// min/max compared non-ASCII text wrongly: do not prune with them.
	Trusted bool `json:"trusted"`
}

// BoolStats count true values (false = Count - TrueCount).
type BoolStats struct {
	TrueCount uint64 `json:"trueCount"`
}

// DateStats hold days since 1970-01-01.
type DateStats struct {
	Min int32 `json:"min"`
	Max int32 `json:"max"`
}

// TimestampStats hold milliseconds since the epoch, UTC, from the
// minimumUtc/maximumUtc fields (ORC-135, writer version 6 and later).
// Older files only carry minimum/maximum, which Java writers computed from
// the values as the writer's JVM saw them; UTC is false then, and pruning
// with them should allow a day of slack for zone differences.
type TimestampStats struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
	UTC bool  `json:"utc"`
}

// DecimalStats keep the decimal strings as written.
type DecimalStats struct {
	Min string `json:"min"`
	Max string `json:"max"`
	Sum string `json:"sum"`
}

// BinaryStats: Sum is the total length in bytes.
type BinaryStats struct {
	Sum int64 `json:"sum"`
}

// decStatistics converts protobuf statistics for a column of kind k.
// writerVersion decides whether string min/max are trustworthy.
func decStatistics(s *orcproto.ColumnStatistics, k orcproto.Type_Kind, writerVersion uint32) Statistics {
	out := Statistics{Count: s.GetNumberOfValues(), HasNull: s.GetHasNull(), HasNullKnown: s.HasNull != nil}
	switch k {
	case orcproto.Type_BYTE, orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG:
		if is := s.GetIntStatistics(); is != nil {
			out.Int = &IntStats{Min: is.GetMinimum(), Max: is.GetMaximum(), Sum: is.GetSum(), HasSum: is.Sum != nil}
		}
	case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		if ds := s.GetDoubleStatistics(); ds != nil {
			out.Double = &DoubleStats{Min: ds.GetMinimum(), Max: ds.GetMaximum(), Sum: ds.GetSum()}
		}
	case orcproto.Type_STRING, orcproto.Type_CHAR, orcproto.Type_VARCHAR:
		if ss := s.GetStringStatistics(); ss != nil {
			out.String = &StringStats{Min: ss.GetMinimum(), Max: ss.GetMaximum(), HasMinMax: ss.Minimum != nil && ss.Maximum != nil,
				Sum: ss.GetSum(), Trusted: writerVersion >= 1}
		}
	case orcproto.Type_BOOLEAN:
		if bs := s.GetBucketStatistics(); bs != nil && len(bs.GetCount()) > 0 {
			out.Bool = &BoolStats{TrueCount: bs.GetCount()[0]}
		}
	case orcproto.Type_DATE:
		if ds := s.GetDateStatistics(); ds != nil {
			out.Date = &DateStats{Min: ds.GetMinimum(), Max: ds.GetMaximum()}
		}
	case orcproto.Type_TIMESTAMP:
		if ts := s.GetTimestampStatistics(); ts != nil {
			if ts.MinimumUtc != nil && ts.MaximumUtc != nil {
				out.Timestamp = &TimestampStats{Min: ts.GetMinimumUtc(), Max: ts.GetMaximumUtc(), UTC: true}
			} else if ts.Minimum != nil && ts.Maximum != nil {
				out.Timestamp = &TimestampStats{Min: ts.GetMinimum(), Max: ts.GetMaximum()}
			}
		}
	case orcproto.Type_DECIMAL:
		if ds := s.GetDecimalStatistics(); ds != nil {
			out.Decimal = &DecimalStats{Min: ds.GetMinimum(), Max: ds.GetMaximum(), Sum: ds.GetSum()}
		}
	case orcproto.Type_BINARY:
		if bs := s.GetBinaryStatistics(); bs != nil {
			out.Binary = &BinaryStats{Sum: bs.GetSum()}
		}
	}
	return out
}

// ColumnStatistics returns the file-level statistics of every column, by
// column ID (nil when the file has none).
func (f *File) ColumnStatistics() []Statistics {
	return f.decStatsList(f.footer.GetStatistics())
}

// StripeStatistics returns stripe i's statistics by column ID, from the
// metadata section (nil when the writer wrote none). Files from OpenFile
// share decoded statistics through the metadata cache (read_metacache.go):
// do not modify the result.
func (f *File) StripeStatistics(i int) ([]Statistics, error) {
	return f.stripeStatsCached(i)
}

// decodeStripeStatistics decodes stripe i's statistics.
func (f *File) decodeStripeStatistics(i int) ([]Statistics, error) {
	if i < 0 || i >= len(f.stripes) {
		return nil, fmt.Errorf("%s: stripe %d out of range (file has %d)", f.name, i, len(f.stripes))
	}
	ss := f.meta.GetStripeStats()
	if i >= len(ss) {
		return nil, nil
	}
	cs := ss[i].GetColStats()
	if len(cs) != len(f.cols) {
		return nil, fmt.Errorf("%s: stripe %d has statistics for %d columns, schema has %d: %w", f.name, i, len(cs), len(f.cols), ErrCorrupt)
	}
	return f.decStatsList(cs), nil
}

func (f *File) decStatsList(list []*orcproto.ColumnStatistics) []Statistics {
	if len(list) != len(f.cols) {
		return nil
	}
	out := make([]Statistics, len(list))
	for i, s := range list {
		out[i] = decStatistics(s, f.cols[i].Kind, f.WriterVersion())
	}
	return out
}
