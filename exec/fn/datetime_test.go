package fn

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

func TestDateTimeFunctions(t *testing.T) {
	ts0 := TS("2024-05-15 13:45:30.123456789") // a Wednesday
	runCases(t, []fcase{
		{name: "date", args: args(ts0), want: DT("2024-05-15")},
		{name: "date", args: args(TS("1969-12-31 23:59:59")), want: DT("1969-12-31")},
		{name: "date", args: args(S("2024-05-15")), want: DT("2024-05-15")},
		{name: "date_trunc", args: args(S("second"), ts0), want: TS("2024-05-15 13:45:30")},
		{name: "date_trunc", args: args(S("minute"), ts0), want: TS("2024-05-15 13:45")},
		{name: "date_trunc", args: args(S("hour"), ts0), want: TS("2024-05-15 13:00")},
		{name: "date_trunc", args: args(S("DAY"), ts0), want: TS("2024-05-15")},
		// Weeks start on Monday (ISO), as in Trino.
		{name: "date_trunc", args: args(S("week"), ts0), want: TS("2024-05-13")},
		{name: "date_trunc", args: args(S("week"), TS("2024-05-13 00:00:00")), want: TS("2024-05-13")},
		{name: "date_trunc", args: args(S("week"), TS("2024-05-19 23:59:59")), want: TS("2024-05-13")},
		{name: "date_trunc", args: args(S("week"), TS("1970-01-01 12:00:00")), want: TS("1969-12-29")},
		{name: "date_trunc", args: args(S("month"), ts0), want: TS("2024-05-01")},
		{name: "date_trunc", args: args(S("quarter"), ts0), want: TS("2024-04-01")},
		{name: "date_trunc", args: args(S("year"), ts0), want: TS("2024-01-01")},
		{name: "date_trunc", args: args(S("month"), DT("2024-05-15")), want: DT("2024-05-01")},
		{name: "date_trunc", args: args(S("decade"), ts0), err: "'decade' is not a valid Timestamp field"},
		{name: "date_trunc", args: args(S("hour"), DT("2024-05-15")), err: "not a valid Date field"},
		{name: "date_trunc", args: args(S("hour"), N(tTS)), want: N(tTS)},
		{name: "date_add", args: args(S("week"), I(-1), TS("2024-05-15 00:00:00")), want: TS("2024-05-08")},
		{name: "date_add", args: args(S("month"), I(1), TS("2024-01-31 00:00:00")), want: TS("2024-02-29")},
		{name: "date_add", args: args(S("year"), I(1), TS("2024-02-29 06:00:00")), want: TS("2025-02-28 06:00")},
		{name: "date_add", args: args(S("quarter"), I(1), TS("2024-11-30 00:00:00")), want: TS("2025-02-28")},
		{name: "date_add", args: args(S("millisecond"), I(1500), TS("2024-01-01 00:00:00")), want: TS("2024-01-01 00:00:01.5")},
		{name: "date_add", args: args(S("day"), I(3), DT("2024-02-27")), want: DT("2024-03-01")},
		// Trino docs: date_diff('day', 2020-03-01, 2020-03-02) = 1; whole units toward zero.
		{name: "date_diff", args: args(S("day"), TS("2020-03-01 00:00:00"), TS("2020-03-02 00:00:00")), want: I(1)},
		{name: "date_diff", args: args(S("hour"), TS("2020-03-01 00:00:00"), TS("2020-03-01 23:59:59")), want: I(23)},
		{name: "date_diff", args: args(S("hour"), TS("2020-03-01 23:59:59"), TS("2020-03-01 00:00:00")), want: I(-23)},
		{name: "date_diff", args: args(S("month"), TS("2020-01-31 00:00:00"), TS("2020-02-29 00:00:00")), want: I(1)},
		{name: "date_diff", args: args(S("month"), TS("2020-01-15 00:00:00"), TS("2020-02-14 23:59:59")), want: I(0)},
		{name: "date_diff", args: args(S("month"), TS("2020-02-14 00:00:00"), TS("2020-01-15 00:00:00")), want: I(0)},
		{name: "date_diff", args: args(S("year"), TS("2020-05-01 00:00:00"), TS("2024-04-30 00:00:00")), want: I(3)},
		{name: "date_diff", args: args(S("quarter"), TS("2020-01-01 00:00:00"), TS("2020-12-31 00:00:00")), want: I(3)},
		{name: "date_diff", args: args(S("week"), DT("2024-01-01"), DT("2024-01-15")), want: I(2)},
		// Trino docs: date_format(TIMESTAMP '2022-10-20 05:10:00', '%m-%d-%Y %H') = '10-20-2022 05'.
		{name: "date_format", args: args(TS("2022-10-20 05:10:00"), S("%m-%d-%Y %H")), want: S("10-20-2022 05")},
		{name: "date_format", args: args(ts0, S("%Y-%m-%d %T.%f")), want: S("2024-05-15 13:45:30.123000")},
		{name: "date_format", args: args(ts0, S("%a %b %c %e %j %k %l %p %r %W %M %y %i %s %%")), want: S("Wed May 5 15 136 13 1 PM 01:45:30 PM Wednesday May 24 45 30 %")},
		{name: "date_format", args: args(TS("2024-12-30 00:00:00"), S("%x-%v")), want: S("2025-01")},
		{name: "date_format", args: args(ts0, S("%D")), err: "not supported"},
		// Trino docs: date_parse('2022/10/20/05', '%Y/%m/%d/%H').
		{name: "date_parse", args: args(S("2022/10/20/05"), S("%Y/%m/%d/%H")), want: TS("2022-10-20 05:00")},
		{name: "date_parse", args: args(S("20 May 2024 01:02:03 PM"), S("%d %b %Y %h:%i:%s %p")), want: TS("2024-05-20 13:02:03")},
		{name: "date_parse", args: args(S("2022/10/20"), S("%Y-%m-%d")), err: "Invalid format"},
		// format_datetime takes Joda-Time patterns.
		{name: "format_datetime", args: args(ts0, S("yyyy-MM-dd HH:mm:ss.SSS")), want: S("2024-05-15 13:45:30.123")},
		{name: "format_datetime", args: args(ts0, S("EEE, d MMM yy h:mm a 'at' Z")), want: S("Wed, 15 May 24 1:45 PM at +0000")},
		{name: "format_datetime", args: args(ts0, S("EEEE MMMM D ''")), want: S("Wednesday May 136 '")},
		{name: "format_datetime", args: args(ts0, S("q")), err: "Illegal pattern component: q"},
		{name: "from_iso8601_timestamp", args: args(S("2024-05-01T12:00:00Z")), want: TS("2024-05-01 12:00:00")},
		{name: "from_iso8601_timestamp", args: args(S("2024-05-01T12:00:00.250+02:00")), want: TS("2024-05-01 10:00:00.25")},
		{name: "from_iso8601_timestamp", args: args(S("2024-05-01")), want: TS("2024-05-01")},
		{name: "from_iso8601_timestamp", args: args(S("2024-05-01 12:00:00")), err: "Invalid format"},
		{name: "from_iso8601_date", args: args(S("2024-05-01")), want: DT("2024-05-01")},
		// Trino prints UTC instants with Z and milliseconds.
		{name: "to_iso8601", args: args(TS("2024-05-01 12:00:00")), want: S("2024-05-01T12:00:00.000Z")},
		{name: "to_iso8601", args: args(DT("2024-05-01")), want: S("2024-05-01")},
		{name: "from_unixtime", args: args(I(1700000000)), want: TS("2023-11-14 22:13:20")},
		{name: "from_unixtime", args: args(F(1700000000.5)), want: TS("2023-11-14 22:13:20.5")},
		{name: "to_unixtime", args: args(TS("2023-11-14 22:13:20.5")), want: F(1700000000.5)},
		{name: "year", args: args(ts0), want: I(2024)},
		{name: "quarter", args: args(ts0), want: I(2)},
		{name: "month", args: args(ts0), want: I(5)},
		{name: "week", args: args(TS("2024-12-30 00:00:00")), want: I(1)}, // ISO week of the next year
		{name: "week_of_year", args: args(TS("2021-01-01 00:00:00")), want: I(53)},
		{name: "year_of_week", args: args(TS("2024-12-30 00:00:00")), want: I(2025)},
		{name: "day", args: args(ts0), want: I(15)},
		{name: "day_of_month", args: args(DT("2024-05-15")), want: I(15)},
		{name: "day_of_week", args: args(ts0), want: I(3)},
		{name: "dow", args: args(TS("2024-05-19 00:00:00")), want: I(7)}, // Sunday is 7
		{name: "day_of_year", args: args(ts0), want: I(136)},
		{name: "doy", args: args(DT("2024-12-31")), want: I(366)},
		{name: "hour", args: args(ts0), want: I(13)},
		{name: "minute", args: args(ts0), want: I(45)},
		{name: "second", args: args(ts0), want: I(30)},
		{name: "millisecond", args: args(ts0), want: I(123)},
		{name: "hour", args: args(N(tTS)), want: N(tI)},
		// Before 1970 the fields still count forward from midnight.
		{name: "hour", args: args(TS("1969-12-31 23:59:58.250")), want: I(23)},
		{name: "second", args: args(TS("1969-12-31 23:59:58.250")), want: I(58)},
		{name: "millisecond", args: args(TS("1969-12-31 23:59:58.250")), want: I(250)},
		{name: "year", args: args(TS("1969-12-31 23:59:58.250")), want: I(1969)},
		{name: "day_of_week", args: args(TS("1969-12-31 23:59:58")), want: I(3)},
		{name: "day_of_year", args: args(TS("2023-12-31 10:00:00")), want: I(365)},
		{name: "quarter", args: args(DT("2024-12-31")), want: I(4)},
		{name: "last_day_of_month", args: args(TS("2024-02-10 00:00:00")), want: DT("2024-02-29")},
		{name: "now", want: TS("2024-05-01 12:00:00")},
		{name: "current_timestamp", want: TS("2024-05-01 12:00:00")},
		{name: "current_date", want: DT("2024-05-01")},
	})
}

// TestTruncFixedMatchesTruncTS: the fixed-unit date_trunc path floors like
// truncTS, negative instants (before 1970) and exact multiples included.
func TestTruncFixedMatchesTruncTS(t *testing.T) {
	vals := []int64{0, 1, -1, nsPerHour, -nsPerHour, nsPerHour - 1, -nsPerHour + 1, 1714567890123456789, -1714567890123456789, nsPerDay*3 + 5}
	for _, u := range []unit{uMillisecond, uSecond, uMinute, uHour, uDay} {
		b := newFixedOut[int64](memory.DefaultAllocator, tTS.Arrow(), len(vals))
		copy(b.vals, vals)
		in := b.finish()
		out, err := truncFixed(u.fixedNs())(&Context{Mem: memory.DefaultAllocator}, []Vec{{Arr: in}}, len(vals))
		if err != nil {
			t.Fatal(err)
		}
		got := out.(*array.Timestamp)
		for i, x := range vals {
			if want := truncTS(x, u); int64(got.Value(i)) != want {
				t.Errorf("unit %v, %d: %d, want %d", u, x, got.Value(i), want)
			}
		}
		in.Release()
		out.Release()
	}
}
