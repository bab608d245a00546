package lakeapi

import (
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// Results carry intervals as Arrow duration and month_interval, timestamps
// with time zone with their zone in the type, varbinary as binary
// (exec.ResultArrow); the API prints them as Trino does.
func TestLakeValueResultTypes(t *testing.T) {
	mem := memory.DefaultAllocator
	db := array.NewDurationBuilder(mem, &arrow.DurationType{Unit: arrow.Nanosecond})
	db.Append(3332000000000)
	dur := db.NewArray()
	mb := array.NewMonthIntervalBuilder(mem)
	mb.Append(-15)
	months := mb.NewArray()
	tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "America/New_York"})
	tb.Append(arrow.Timestamp(time.Date(2024, 5, 3, 10, 20, 30, 0, time.UTC).UnixNano()))
	tz := tb.NewArray()
	bb := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	bb.Append([]byte("hi"))
	bin := bb.NewArray()
	for _, c := range []struct {
		a    arrow.Array
		t    planner.Type
		want string
	}{
		{dur, planner.Interval, "0 00:55:32.000"},
		{months, planner.IntervalYM, "-1-3"},
		{tz, planner.TimestampTZ("America/New_York"), "2024-05-03 06:20:30.000 America/New_York"},
		{bin, planner.Varbinary, "68 69"},
	} {
		if got := string(appendLakeValue(nil, c.a, 0, c.t, false)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.t, got, c.want)
		}
		c.a.Release()
	}
}
