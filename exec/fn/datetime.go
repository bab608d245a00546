package fn

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// Date and time functions. Every instant is UTC: timestamps are Unix ns,
// dates are days since 1970-01-01 (see planner.Value).

const (
	nsPerMs   = int64(time.Millisecond)
	nsPerSec  = int64(time.Second)
	nsPerMin  = int64(time.Minute)
	nsPerHour = int64(time.Hour)
	nsPerWeek = 7 * nsPerDay
)

func utc(ns int64) time.Time { return time.Unix(0, ns).UTC() }

// unit is a date_trunc/date_add/date_diff unit.
type unit uint8

const (
	uMillisecond unit = iota
	uSecond
	uMinute
	uHour
	uDay
	uWeek
	uMonth
	uQuarter
	uYear
)

var unitNames = map[string]unit{
	"millisecond": uMillisecond, "second": uSecond, "minute": uMinute, "hour": uHour,
	"day": uDay, "week": uWeek, "month": uMonth, "quarter": uQuarter, "year": uYear,
}

func parseUnit(s string, date bool) (unit, error) {
	u, ok := unitNames[strings.ToLower(strings.TrimSpace(s))]
	if !ok || (date && u < uDay) {
		kind := "Timestamp"
		if date {
			kind = "Date"
		}
		return 0, fmt.Errorf("'%s' is not a valid %s field", s, kind)
	}
	return u, nil
}

// fixedNs is the length of the fixed-length units, 0 for calendar units.
func (u unit) fixedNs() int64 {
	switch u {
	case uMillisecond:
		return nsPerMs
	case uSecond:
		return nsPerSec
	case uMinute:
		return nsPerMin
	case uHour:
		return nsPerHour
	case uDay:
		return nsPerDay
	case uWeek:
		return nsPerWeek
	}
	return 0
}

// truncTS truncates a timestamp to the unit; weeks start on Monday.
func truncTS(ns int64, u unit) int64 {
	switch u {
	case uWeek:
		d := floorDiv(ns, nsPerDay)
		d -= floorMod(d+3, 7) // 1970-01-01 was a Thursday
		return d * nsPerDay
	case uMonth, uQuarter, uYear:
		y, m, _ := civilFromDays(floorDiv(ns, nsPerDay))
		switch u {
		case uQuarter:
			m = (m-1)/3*3 + 1
		case uYear:
			m = 1
		}
		return daysFromCivil(y, m, 1) * nsPerDay
	}
	f := u.fixedNs()
	return floorDiv(ns, f) * f
}

// addUnit is date_add on a timestamp: calendar units clamp the day to the
// end of the month, as Trino does.
func addUnit(ns int64, u unit, n int64) (int64, error) {
	switch u {
	case uMonth:
		return addMonths(ns, n), nil
	case uQuarter:
		m, err := mulInt(n, 3)
		if err != nil {
			return 0, err
		}
		return addMonths(ns, m), nil
	case uYear:
		m, err := mulInt(n, 12)
		if err != nil {
			return 0, err
		}
		return addMonths(ns, m), nil
	}
	d, err := mulInt(n, u.fixedNs())
	if err != nil {
		return 0, fmt.Errorf("date_add overflow: %d %v", n, err)
	}
	return addInt(ns, d)
}

// diffUnit is date_diff: whole units from a to b, truncated toward zero;
// months, quarters and years count calendar months that fully elapsed.
func diffUnit(a, b int64, u unit) int64 {
	if f := u.fixedNs(); f != 0 {
		return (b - a) / f
	}
	ta, tb := utc(a), utc(b)
	months := int64(tb.Year()-ta.Year())*12 + int64(tb.Month()-ta.Month())
	if months > 0 && addMonths(a, months) > b {
		months--
	} else if months < 0 && addMonths(a, months) < b {
		months++
	}
	switch u {
	case uQuarter:
		return months / 3
	case uYear:
		return months / 12
	}
	return months
}

// tsMap builds a timestamp → int64-valued kernel (timestamp, bigint, date)
// from a plain function; the hot extractors and date_trunc go through it.
func tsMap(ret planner.Type, f func(ns int64) int64) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		a := intsOf(args[0])
		if ret.Kind == planner.KindDate {
			out := newFixedOut[int32](ctx.Mem, ret.Arrow(), n)
			for i := 0; i < n; i++ {
				if a.null(i) {
					out.setNull(i)
					continue
				}
				out.vals[i] = int32(f(a.at(i)))
			}
			return out.finish(), nil
		}
		out := newFixedOut[int64](ctx.Mem, ret.Arrow(), n)
		for i := 0; i < n; i++ {
			if a.null(i) {
				out.setNull(i)
				continue
			}
			out.vals[i] = f(a.at(i))
		}
		return out.finish(), nil
	}
}

// truncFixed is date_trunc to a unit of fixed length (millisecond to day)
// on timestamps, without a call per row: GROUP BY date_trunc('hour',
// eventTime) spent a quarter of its time in the generic mapping.
func truncFixed(unitNs int64) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		a := intsOf(args[0])
		out := newFixedOut[int64](ctx.Mem, tTS.Arrow(), n)
		for i := 0; i < n; i++ {
			if a.null(i) {
				out.setNull(i)
				continue
			}
			x := a.at(i)
			t := x - x%unitNs
			if t > x { // x < 0 with a remainder: floor, not toward zero
				t -= unitNs
			}
			out.vals[i] = t
		}
		return out.finish(), nil
	}
}

// dateTruncKernel truncates timestamps (date=false) or dates; the unit is
// usually constant and parsed once.
func dateTruncKernel(date bool) Kernel {
	ret := tTS
	if date {
		ret = tDT
	}
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		us := strsOf(args[0])
		if us.isConst {
			if us.cnull {
				return allNullKernel(ret)(ctx, args, n)
			}
			u, err := parseUnit(us.c, date)
			if err != nil {
				return nil, err
			}
			if fx := u.fixedNs(); !date && fx > 0 && u != uWeek {
				return truncFixed(fx)(ctx, args[1:], n)
			}
			f := func(x int64) int64 { return truncTS(x, u) }
			if date {
				f = func(d int64) int64 { return truncTS(d*nsPerDay, u) / nsPerDay }
			}
			return tsMap(ret, f)(ctx, args[1:], n)
		}
		return rowKernel(ts(tV, ret), ret, false, func(a []planner.Value) (planner.Value, error) {
			u, err := parseUnit(a[0].Str, date)
			if err != nil {
				return vnull, err
			}
			if date {
				return vi(truncTS(a[1].Int*nsPerDay, u) / nsPerDay), nil
			}
			return vi(truncTS(a[1].Int, u)), nil
		})(ctx, args, n)
	}
}

// dateDiffKernel is date_diff on timestamps (date=false) or dates. The
// unit is usually a constant: it is parsed once and the rows loop over
// the two int64 columns without boxing a Value per row (lag-gaps spent a
// fifth of its time in the generic row kernel). Any other shape — a unit
// per row, or one that does not parse — goes through the row kernel, so
// errors and NULLs stay exactly what they were.
func dateDiffKernel(date bool) Kernel {
	arg := tTS
	scale := int64(1)
	if date {
		arg, scale = tDT, nsPerDay
	}
	slow := rowKernel(ts(tV, arg, arg), tI, false, func(a []planner.Value) (planner.Value, error) {
		u, err := parseUnit(a[0].Str, date)
		if err != nil {
			return vnull, err
		}
		return vi(diffUnit(a[1].Int*scale, a[2].Int*scale, u)), nil
	})
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		us := strsOf(args[0])
		if !us.isConst || us.cnull {
			return slow(ctx, args, n)
		}
		u, err := parseUnit(us.c, date)
		if err != nil {
			return slow(ctx, args, n)
		}
		a, b := intsOf(args[1]), intsOf(args[2])
		out := newFixedOut[int64](ctx.Mem, tI.Arrow(), n)
		fx := u.fixedNs()
		for i := 0; i < n; i++ {
			if a.null(i) || b.null(i) {
				out.setNull(i)
				continue
			}
			x, y := a.at(i)*scale, b.at(i)*scale
			if fx != 0 {
				out.vals[i] = (y - x) / fx
			} else {
				out.vals[i] = diffUnit(x, y, u)
			}
		}
		return out.finish(), nil
	}
}

func extract(f func(t time.Time) int64) func(ns int64) int64 {
	return func(ns int64) int64 { return f(utc(ns)) }
}

func isoWeek(t time.Time) int64 { _, w := t.ISOWeek(); return int64(w) }
func isoYear(t time.Time) int64 { y, _ := t.ISOWeek(); return int64(y) }

func dayOfWeek(t time.Time) int64 {
	wd := int64(t.Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

// ToISO8601 prints a timestamp as Trino's to_iso8601 does for UTC:
// 2024-05-01T12:00:00.000Z.
func ToISO8601(ns int64) string {
	return utc(ns).Format("2006-01-02T15:04:05.000Z")
}

func (c *Catalog) addDateTime() {
	c.fixed("date", ts(tTS), tDT, tsMap(tDT, func(ns int64) int64 { return floorDiv(ns, nsPerDay) }))
	c.fixed("date", ts(tDT), tDT, identityKernel(tDT))
	dateOfStr := scalarCast(tV, tDT)
	c.fixed("date", ts(tV), tDT, rowKernel(ts(tV), tDT, false, dateOfStr))
	c.fixed("date_trunc", ts(tV, tTS), tTS, dateTruncKernel(false))
	c.fixed("date_trunc", ts(tV, tDT), tDT, dateTruncKernel(true))
	c.fixed("date_add", ts(tV, tI, tTS), tTS, rowKernel(ts(tV, tI, tTS), tTS, false, func(a []planner.Value) (planner.Value, error) {
		u, err := parseUnit(a[0].Str, false)
		if err != nil {
			return vnull, err
		}
		r, err := addUnit(a[2].Int, u, a[1].Int)
		return vi(r), err
	}))
	c.fixed("date_add", ts(tV, tI, tDT), tDT, rowKernel(ts(tV, tI, tDT), tDT, false, func(a []planner.Value) (planner.Value, error) {
		u, err := parseUnit(a[0].Str, true)
		if err != nil {
			return vnull, err
		}
		r, err := addUnit(a[2].Int*nsPerDay, u, a[1].Int)
		return vi(floorDiv(r, nsPerDay)), err
	}))
	c.fixed("date_diff", ts(tV, tTS, tTS), tI, dateDiffKernel(false))
	c.fixed("date_diff", ts(tV, tDT, tDT), tI, dateDiffKernel(true))
	c.fixed("date_format", ts(tTS, tV), tV, rowKernel(ts(tTS, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		s, err := mysqlFormat(a[0].Int, a[1].Str)
		return v(s), err
	}))
	c.fixed("format_datetime", ts(tTS, tV), tV, rowKernel(ts(tTS, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		s, err := jodaFormat(a[0].Int, a[1].Str)
		return v(s), err
	}))
	c.fixed("date_parse", ts(tV, tV), tTS, rowKernel(ts(tV, tV), tTS, false, func(a []planner.Value) (planner.Value, error) {
		ns, err := mysqlParse(a[0].Str, a[1].Str)
		return vi(ns), err
	}))
	c.fixed("from_iso8601_timestamp", ts(tV), tTS, rowKernel(ts(tV), tTS, false, func(a []planner.Value) (planner.Value, error) {
		ns, err := ParseTimestamp(strings.TrimSpace(a[0].Str))
		if err != nil || strings.Contains(a[0].Str, " ") {
			return vnull, fmt.Errorf("Invalid format: \"%s\"", a[0].Str)
		}
		return vi(ns), nil
	}))
	c.fixed("from_iso8601_date", ts(tV), tDT, rowKernel(ts(tV), tDT, false, func(a []planner.Value) (planner.Value, error) {
		d, err := parseDate(a[0].Str)
		if err != nil {
			return vnull, fmt.Errorf("Invalid format: \"%s\"", a[0].Str)
		}
		return vi(d), nil
	}))
	c.fixed("to_iso8601", ts(tTS), tV, rowKernel(ts(tTS), tV, false, func(a []planner.Value) (planner.Value, error) {
		return v(ToISO8601(a[0].Int)), nil
	}))
	c.fixed("to_iso8601", ts(tDT), tV, rowKernel(ts(tDT), tV, false, func(a []planner.Value) (planner.Value, error) {
		return v(formatDate(a[0].Int)), nil
	}))
	c.fixed("from_unixtime", ts(tD), tTS, rowKernel(ts(tD), tTS, false, func(a []planner.Value) (planner.Value, error) {
		ms := math.Round(a[0].Float * 1000) // Trino keeps milliseconds
		if math.IsNaN(ms) || math.Abs(ms) > 9.2e15 {
			return vnull, fmt.Errorf("from_unixtime: value out of range: %v", a[0].Float)
		}
		return vi(int64(ms) * nsPerMs), nil
	}))
	c.fixed("to_unixtime", ts(tTS), tD, rowKernel(ts(tTS), tD, false, func(a []planner.Value) (planner.Value, error) {
		return vf(float64(a[0].Int) / 1e9), nil
	}))
	c.fixed("last_day_of_month", ts(tTS), tDT, tsMap(tDT, func(ns int64) int64 {
		return floorDiv(addMonths(truncTS(ns, uMonth), 1), nsPerDay) - 1
	}))
	c.fixed("last_day_of_month", ts(tDT), tDT, tsMap(tDT, func(d int64) int64 {
		return floorDiv(addMonths(truncTS(d*nsPerDay, uMonth), 1), nsPerDay) - 1
	}))

	// Field extractors work on the instant's day number and time of day
	// directly (civil.go); only ISO weeks go through time.Time.
	day := func(ns int64) int64 { return floorDiv(ns, nsPerDay) }
	tod := func(ns int64) int64 { return floorMod(ns, nsPerDay) }
	fields := []struct {
		names string
		f     func(ns int64) int64
		date  bool // also defined on dates
	}{
		{"year", func(ns int64) int64 { y, _, _ := civilFromDays(day(ns)); return y }, true},
		{"quarter", func(ns int64) int64 { _, m, _ := civilFromDays(day(ns)); return int64(m-1)/3 + 1 }, true},
		{"month", func(ns int64) int64 { _, m, _ := civilFromDays(day(ns)); return int64(m) }, true},
		{"week,week_of_year", extract(isoWeek), true},
		{"year_of_week,yow", extract(isoYear), true},
		{"day,day_of_month", func(ns int64) int64 { _, _, d := civilFromDays(day(ns)); return int64(d) }, true},
		{"day_of_week,dow", func(ns int64) int64 { return floorMod(day(ns)+3, 7) + 1 }, true}, // 1970-01-01 was a Thursday (4)
		{"day_of_year,doy", func(ns int64) int64 {
			z := day(ns)
			y, _, _ := civilFromDays(z)
			return z - daysFromCivil(y, 1, 1) + 1
		}, true},
		{"hour", func(ns int64) int64 { return tod(ns) / nsPerHour }, false},
		{"minute", func(ns int64) int64 { return tod(ns) % nsPerHour / nsPerMin }, false},
		{"second", func(ns int64) int64 { return tod(ns) % nsPerMin / nsPerSec }, false},
		{"millisecond", func(ns int64) int64 { return tod(ns) % nsPerSec / nsPerMs }, false},
	}
	for _, fd := range fields {
		fd := fd
		c.fixed(fd.names, ts(tTS), tI, tsMap(tI, fd.f))
		if fd.date {
			c.fixed(fd.names, ts(tDT), tI, tsMap(tI, func(d int64) int64 { return fd.f(d * nsPerDay) }))
		}
	}

	nowKernel := func(ret planner.Type) Kernel {
		return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
			x := ctx.Now
			if ret.Kind == planner.KindDate {
				x = floorDiv(x, nsPerDay)
			}
			out := newValOut(ctx.Mem, ret, n)
			for i := 0; i < n; i++ {
				out.set(i, vi(x))
			}
			return out.finish(), nil
		}
	}
	for _, name := range []string{"now", "current_timestamp", "localtimestamp"} {
		c.add(&Scalar{FName: name, Ret: tTS, NonDet: true, Kernel: nowKernel(tTS)})
	}
	c.add(&Scalar{FName: "current_date", Ret: tDT, NonDet: true, Kernel: nowKernel(tDT)})
}
