package fn

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Timestamps with time zone are instants (ns) whose type names the zone
// (planner.Type.Zone). Functions that read a calendar (hour, date_trunc,
// date_add, date_format, …) see the wall-clock time in that zone: their
// overloads for timestamp with time zone convert the argument to wall-clock
// nanoseconds, run the timestamp kernel, and convert a timestamp result
// back to an instant in the zone. Instant arithmetic (+ interval day to
// second, the difference of two instants, to_unixtime) ignores the zone.

// wallFunctions read the wall-clock time of a timestamp with time zone.
var wallFunctions = []string{
	"year", "quarter", "month", "week", "week_of_year", "year_of_week", "yow", "day", "day_of_month",
	"day_of_week", "dow", "day_of_year", "doy", "hour", "minute", "second", "millisecond",
	"date", "last_day_of_month", "date_trunc", "date_add", "date_diff", "date_format", "format_datetime",
}

// zoneLoc resolves a type's zone (UTC when it cannot be: the binder
// validated it).
func zoneLoc(zone string) *time.Location {
	loc, _, err := planner.LoadZone(zone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// toWall maps an instant to its wall-clock time in loc, as nanoseconds of
// a UTC timestamp.
func toWall(ns int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return ns
	}
	_, off := time.Unix(0, ns).In(loc).Zone()
	return ns + int64(off)*1e9
}

// fromWall maps a wall-clock time in loc (nanoseconds of a UTC timestamp)
// to the instant; a time skipped or repeated by a DST change resolves as
// Go's time.Date does.
func fromWall(wall int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return wall
	}
	t := time.Unix(0, wall).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UnixNano()
}

// mapInts applies f to an int64-like argument (constant or array), giving
// values of Arrow type dt.
func mapInts(ctx *Context, a Vec, dt arrow.DataType, n int, f func(int64) int64) Vec {
	if a.IsConst {
		if a.Const.Null {
			return a
		}
		return Vec{IsConst: true, Const: planner.Value{Int: f(a.Const.Int)}}
	}
	r := intsOf(a)
	out := newFixedOut[int64](ctx.Mem, dt, n)
	for i := 0; i < n; i++ {
		if r.null(i) {
			out.setNull(i)
			continue
		}
		out.vals[i] = f(r.at(i))
	}
	return Vec{Arr: out.finish()}
}

// retype returns a zero-copy view of a with data type dt (same layout).
func retype(a arrow.Array, dt arrow.DataType) arrow.Array {
	d := a.Data()
	nd := array.NewData(dt, d.Len(), d.Buffers(), d.Children(), d.NullN(), d.Offset())
	defer nd.Release()
	return array.MakeFromData(nd)
}

func (c *Catalog) addZoned() {
	for _, name := range wallFunctions {
		name := name
		c.generic(name, "(… timestamp(3) with time zone …)", func(args []planner.Type) *Scalar {
			return c.wallOverload(name, args)
		})
	}
	// Instant arithmetic and conversions.
	c.generic("add", "(timestamp(3) with time zone, interval)", func(args []planner.Type) *Scalar {
		return zonedArith(c, "add", args)
	})
	c.generic("subtract", "(timestamp(3) with time zone, interval) or (timestamp(3) with time zone, timestamp(3) with time zone)", func(args []planner.Type) *Scalar {
		if len(args) == 2 && args[0].IsTimestamp() && args[1].IsTimestamp() && (args[0].Kind == planner.KindTimestampTZ || args[1].Kind == planner.KindTimestampTZ) {
			return &Scalar{Ps: args, Ret: tIDS, Kernel: intBin(tIDS, subInt)}
		}
		return zonedArith(c, "subtract", args)
	})
	c.generic("to_unixtime", "(timestamp(3) with time zone)", func(args []planner.Type) *Scalar {
		if len(args) != 1 || args[0].Kind != planner.KindTimestampTZ {
			return nil
		}
		return &Scalar{Ps: args, Ret: tD, Kernel: rowKernel(args, tD, false, func(a []planner.Value) (planner.Value, error) {
			return vf(float64(a[0].Int) / 1e9), nil
		})}
	})
	c.generic("to_iso8601", "(timestamp(3) with time zone)", func(args []planner.Type) *Scalar {
		if len(args) != 1 || args[0].Kind != planner.KindTimestampTZ {
			return nil
		}
		loc := zoneLoc(args[0].Zone)
		return &Scalar{Ps: args, Ret: tV, Kernel: rowKernel(args, tV, false, func(a []planner.Value) (planner.Value, error) {
			t := time.Unix(0, a[0].Int).In(loc)
			s := t.Format("2006-01-02T15:04:05.000Z07:00")
			return v(s), nil
		})}
	})
	for _, part := range []string{"timezone_hour", "timezone_minute"} {
		minute := part == "timezone_minute"
		c.generic(part, "(timestamp(3) with time zone)", func(args []planner.Type) *Scalar {
			if len(args) != 1 || args[0].Kind != planner.KindTimestampTZ {
				return nil
			}
			loc := zoneLoc(args[0].Zone)
			return &Scalar{Ps: args, Ret: tI, Kernel: rowKernel(args, tI, false, func(a []planner.Value) (planner.Value, error) {
				_, off := time.Unix(0, a[0].Int).In(loc).Zone()
				if minute {
					return vi(int64(off / 60 % 60)), nil
				}
				return vi(int64(off / 3600)), nil
			})}
		})
	}
	c.generic("timezone", "(timestamp(3) with time zone)", func(args []planner.Type) *Scalar {
		if len(args) != 1 || args[0].Kind != planner.KindTimestampTZ {
			return nil
		}
		zone := args[0].Zone
		return &Scalar{Ps: args, Ret: tV, Kernel: rowKernel(args, tV, false, func(a []planner.Value) (planner.Value, error) {
			return v(zone), nil
		})}
	})
	c.fixed("with_timezone", ts(tTS, tV), tTS, rowKernel(ts(tTS, tV), tTS, false, func(a []planner.Value) (planner.Value, error) {
		loc, _, err := planner.LoadZone(a[1].Str)
		if err != nil {
			return vnull, err
		}
		return vi(fromWall(a[0].Int, loc)), nil
	}))
	c.fixed("current_timezone", nil, tV, func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		out := newStrOut(ctx.Mem, n, 3*n)
		for i := 0; i < n; i++ {
			out.appendString("UTC")
		}
		return out.finish(), nil
	})
}

// wallOverload builds name's overload for arguments with a timestamp with
// time zone: the timestamp overload run on wall-clock times.
func (c *Catalog) wallOverload(name string, args []planner.Type) *Scalar {
	zone, tz := "", -1
	plain := append([]planner.Type(nil), args...)
	for i, a := range args {
		if a.Kind == planner.KindTimestampTZ {
			if tz < 0 {
				tz, zone = i, a.Zone
			}
			plain[i] = tTS
		}
	}
	if tz < 0 {
		return nil
	}
	inner, err := c.ResolveScalar(name, plain)
	if err != nil {
		return nil
	}
	ps := append([]planner.Type(nil), inner.Ps...)
	locs := make([]*time.Location, len(args))
	for i, a := range args {
		if a.Kind == planner.KindTimestampTZ {
			ps[i] = a
			locs[i] = zoneLoc(a.Zone)
		}
	}
	ret := inner.Ret
	back := ret.Kind == planner.KindTimestamp
	if back {
		ret = planner.TimestampTZ(zone)
	}
	loc := zoneLoc(zone)
	k := inner.Kernel
	return &Scalar{Ps: ps, Ret: ret, Kernel: func(ctx *Context, vs []Vec, n int) (arrow.Array, error) {
		conv := make([]Vec, len(vs))
		for i, v := range vs {
			conv[i] = v
			if l := locs[i]; l != nil {
				conv[i] = mapInts(ctx, v, tTS.Arrow(), n, func(ns int64) int64 { return toWall(ns, l) })
				if conv[i].Arr != nil {
					defer conv[i].Arr.Release()
				}
			}
		}
		out, err := k(ctx, conv, n)
		if err != nil || !back {
			return out, err
		}
		defer out.Release()
		res := mapInts(ctx, Vec{Arr: out}, ret.Arrow(), n, func(w int64) int64 { return fromWall(w, loc) })
		return res.Arr, nil
	}}
}

// zonedArith is timestamp with time zone ± interval: day-to-second
// intervals move the instant, year-to-month intervals the wall-clock date.
func zonedArith(c *Catalog, name string, args []planner.Type) *Scalar {
	if len(args) != 2 {
		return nil
	}
	ti, ii := 0, 1
	if args[1].Kind == planner.KindTimestampTZ {
		ti, ii = 1, 0
	}
	if args[ti].Kind != planner.KindTimestampTZ || (name == "subtract" && ti != 0) {
		return nil
	}
	zone := args[ti].Zone
	ret := planner.TimestampTZ(zone)
	switch args[ii].Kind {
	case planner.KindInterval:
		k := intBin(ret, addInt)
		if name == "subtract" {
			k = intBin(ret, subInt)
		}
		return &Scalar{Ps: args, Ret: ret, Kernel: k}
	case planner.KindIntervalYM:
		loc := zoneLoc(zone)
		sign := int64(1)
		if name == "subtract" {
			sign = -1
		}
		return &Scalar{Ps: args, Ret: ret, Kernel: rowKernel(args, ret, false, func(a []planner.Value) (planner.Value, error) {
			ns, m := a[ti].Int, a[ii].Int
			return vi(fromWall(addMonths(toWall(ns, loc), sign*m), loc)), nil
		})}
	}
	return nil
}

// zoneCast converts to and from timestamp with time zone; ok is false when
// neither side is one.
func zoneCast(from, to planner.Type, try bool) (Kernel, bool, error) {
	if from.Kind != planner.KindTimestampTZ && to.Kind != planner.KindTimestampTZ {
		return nil, false, nil
	}
	relabel := func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		if args[0].IsConst {
			return identityKernel(to)(ctx, args, n)
		}
		return retype(args[0].Arr, to.Arrow()), nil
	}
	switch {
	case to.Kind == planner.KindTimestampTZ && from.IsTimestamp():
		return relabel, true, nil // the instant stays; only the zone shown changes
	case to.Kind == planner.KindTimestampTZ && from.Kind == planner.KindDate:
		return rowKernel(ts(from), to, false, func(a []planner.Value) (planner.Value, error) { return vi(a[0].Int * nsPerDay), nil }), true, nil
	case to.Kind == planner.KindTimestampTZ && from.Kind == planner.KindVarchar:
		f := func(a []planner.Value) (planner.Value, error) {
			ns, err := parseTimestampTZ(a[0].Str)
			if err != nil {
				if try {
					return vnull, nil
				}
				return vnull, err
			}
			return vi(ns), nil
		}
		return rowKernel(ts(from), to, false, f), true, nil
	case from.Kind == planner.KindTimestampTZ:
		loc := zoneLoc(from.Zone)
		var f rowFn
		switch to.Kind {
		case planner.KindTimestamp:
			f = func(a []planner.Value) (planner.Value, error) { return vi(toWall(a[0].Int, loc)), nil }
		case planner.KindDate:
			f = func(a []planner.Value) (planner.Value, error) {
				return vi(floorDiv(toWall(a[0].Int, loc), nsPerDay)), nil
			}
		case planner.KindVarchar:
			f = func(a []planner.Value) (planner.Value, error) {
				return v(planner.FormatTimestampTZ(a[0].Int, from.Zone)), nil
			}
		case planner.KindJSON:
			f = func(a []planner.Value) (planner.Value, error) {
				return v(jsonQuote(planner.FormatTimestampTZ(a[0].Int, from.Zone))), nil
			}
		default:
			return nil, true, fmt.Errorf("cannot cast %s to %s", from, to)
		}
		return rowKernel(ts(from), to, false, f), true, nil
	}
	return nil, true, fmt.Errorf("cannot cast %s to %s", from, to)
}

// parseTimestampTZ reads 'yyyy-mm-dd hh:mm:ss[.fff] [zone]' (or ISO-8601
// with an offset) to an instant; without a zone the time is UTC, the
// session zone.
func parseTimestampTZ(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if sp := strings.LastIndexByte(s, ' '); sp > 0 && strings.ContainsAny(s[:sp], " T") {
		if loc, _, err := planner.LoadZone(s[sp+1:]); err == nil {
			wall, err := ParseTimestamp(s[:sp])
			if err != nil {
				return 0, fmt.Errorf("Value cannot be cast to timestamp with time zone: %s", s)
			}
			return fromWall(wall, loc), nil
		}
	}
	ns, err := ParseTimestamp(s)
	if err != nil {
		return 0, fmt.Errorf("Value cannot be cast to timestamp with time zone: %s", s)
	}
	return ns, nil
}
