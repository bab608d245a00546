package fn

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// errDivZero is Trino's error for integer division or modulus by zero.
var errDivZero = errors.New("Division by zero")

// intBin builds a kernel over two int64-valued arguments (bigint,
// timestamp, date, intervals); f reports an error for overflow.
func intBin(ret planner.Type, f func(a, b int64) (int64, error)) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		a, b := intsOf(args[0]), intsOf(args[1])
		var out32 *fixedOut[int32]
		var out64 *fixedOut[int64]
		if ret.Kind == planner.KindDate || ret.Kind == planner.KindIntervalYM {
			out32 = newFixedOut[int32](ctx.Mem, ret.Arrow(), n)
		} else {
			out64 = newFixedOut[int64](ctx.Mem, ret.Arrow(), n)
		}
		for i := 0; i < n; i++ {
			if a.null(i) || b.null(i) {
				if out32 != nil {
					out32.setNull(i)
				} else {
					out64.setNull(i)
				}
				continue
			}
			v, err := f(a.at(i), b.at(i))
			if err != nil {
				if out32 != nil {
					out32.finish().Release()
				} else {
					out64.finish().Release()
				}
				return nil, err
			}
			if out32 != nil {
				out32.vals[i] = int32(v)
			} else {
				out64.vals[i] = v
			}
		}
		if out32 != nil {
			return out32.finish(), nil
		}
		return out64.finish(), nil
	}
}

// floatBin builds a kernel over two doubles (IEEE semantics, no errors).
func floatBin(f func(a, b float64) float64) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		a, b := floatsOf(args[0]), floatsOf(args[1])
		out := newFixedOut[float64](ctx.Mem, tD.Arrow(), n)
		for i := 0; i < n; i++ {
			if a.null(i) || b.null(i) {
				out.setNull(i)
				continue
			}
			out.vals[i] = f(a.at(i), b.at(i))
		}
		return out.finish(), nil
	}
}

func addInt(a, b int64) (int64, error) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, fmt.Errorf("bigint addition overflow: %d + %d", a, b)
	}
	return c, nil
}

func subInt(a, b int64) (int64, error) {
	c := a - b
	if (c < a) != (b > 0) {
		return 0, fmt.Errorf("bigint subtraction overflow: %d - %d", a, b)
	}
	return c, nil
}

func mulInt(a, b int64) (int64, error) {
	if a == 0 || b == 0 {
		return 0, nil
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, fmt.Errorf("bigint multiplication overflow: %d * %d", a, b)
	}
	return c, nil
}

// divInt truncates toward zero, as Trino's integer division does.
func divInt(a, b int64) (int64, error) {
	if b == 0 {
		return 0, errDivZero
	}
	if a == math.MinInt64 && b == -1 {
		return 0, fmt.Errorf("bigint division overflow: %d / %d", a, b)
	}
	return a / b, nil
}

// modInt has the sign of the dividend, like Java's %.
func modInt(a, b int64) (int64, error) {
	if b == 0 {
		return 0, errDivZero
	}
	if b == -1 {
		return 0, nil
	}
	return a % b, nil
}

// addMonths adds months to a timestamp (ns), clamping the day to the end of
// the target month as Trino (Joda plusMonths) does: Jan 31 + 1 month = Feb 28/29.
func addMonths(ns int64, months int64) int64 {
	t := time.Unix(0, ns).UTC()
	y, m, d := t.Date()
	total := int64(y)*12 + int64(m-1) + months
	ny, nm := int(floorDiv(total, 12)), time.Month(floorMod(total, 12)+1)
	if last := daysIn(ny, nm); d > last {
		d = last
	}
	nt := time.Date(ny, nm, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return nt.UnixNano()
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

const nsPerDay = int64(24 * time.Hour)

func (c *Catalog) addOperators() {
	c.fixed("add", ts(tI, tI), tI, intBin(tI, addInt))
	c.fixed("subtract", ts(tI, tI), tI, intBin(tI, subInt))
	c.fixed("multiply", ts(tI, tI), tI, intBin(tI, mulInt))
	c.fixed("divide", ts(tI, tI), tI, intBin(tI, divInt))
	c.fixed("modulus", ts(tI, tI), tI, intBin(tI, modInt))
	c.fixed("add", ts(tD, tD), tD, floatBin(func(a, b float64) float64 { return a + b }))
	c.fixed("subtract", ts(tD, tD), tD, floatBin(func(a, b float64) float64 { return a - b }))
	c.fixed("multiply", ts(tD, tD), tD, floatBin(func(a, b float64) float64 { return a * b }))
	c.fixed("divide", ts(tD, tD), tD, floatBin(func(a, b float64) float64 { return a / b }))
	c.fixed("modulus", ts(tD, tD), tD, floatBin(math.Mod))

	c.fixed("negate", ts(tI), tI, rowKernel(ts(tI), tI, false, func(a []planner.Value) (planner.Value, error) {
		if a[0].Int == math.MinInt64 {
			return planner.Value{}, fmt.Errorf("bigint negation overflow: %d", a[0].Int)
		}
		return planner.Value{Int: -a[0].Int}, nil
	}))
	c.fixed("negate", ts(tD), tD, rowKernel(ts(tD), tD, false, func(a []planner.Value) (planner.Value, error) {
		return planner.Value{Float: -a[0].Float}, nil
	}))
	c.fixed("negate", ts(tIDS), tIDS, rowKernel(ts(tIDS), tIDS, false, func(a []planner.Value) (planner.Value, error) {
		return planner.Value{Int: -a[0].Int}, nil
	}))
	c.fixed("negate", ts(tIYM), tIYM, rowKernel(ts(tIYM), tIYM, false, func(a []planner.Value) (planner.Value, error) {
		return planner.Value{Int: -a[0].Int}, nil
	}))

	// Timestamps and dates with intervals.
	c.fixed("add", ts(tTS, tIDS), tTS, intBin(tTS, addInt))
	c.fixed("add", ts(tIDS, tTS), tTS, intBin(tTS, addInt))
	c.fixed("subtract", ts(tTS, tIDS), tTS, intBin(tTS, subInt))
	c.fixed("add", ts(tTS, tIYM), tTS, intBin(tTS, func(a, m int64) (int64, error) { return addMonths(a, m), nil }))
	c.fixed("add", ts(tIYM, tTS), tTS, intBin(tTS, func(m, a int64) (int64, error) { return addMonths(a, m), nil }))
	c.fixed("subtract", ts(tTS, tIYM), tTS, intBin(tTS, func(a, m int64) (int64, error) { return addMonths(a, -m), nil }))
	c.fixed("subtract", ts(tTS, tTS), tIDS, intBin(tIDS, subInt))
	dateDays := func(sign int64) func(d, iv int64) (int64, error) {
		return func(d, iv int64) (int64, error) {
			if iv%nsPerDay != 0 {
				return 0, fmt.Errorf("cannot add hour, minute or second interval to date")
			}
			return d + sign*iv/nsPerDay, nil
		}
	}
	c.fixed("add", ts(tDT, tIDS), tDT, intBin(tDT, dateDays(1)))
	c.fixed("add", ts(tIDS, tDT), tDT, intBin(tDT, func(iv, d int64) (int64, error) { return dateDays(1)(d, iv) }))
	c.fixed("subtract", ts(tDT, tIDS), tDT, intBin(tDT, dateDays(-1)))
	dateMonths := func(sign int64) func(d, m int64) (int64, error) {
		return func(d, m int64) (int64, error) { return addMonths(d*nsPerDay, sign*m) / nsPerDay, nil }
	}
	c.fixed("add", ts(tDT, tIYM), tDT, intBin(tDT, dateMonths(1)))
	c.fixed("add", ts(tIYM, tDT), tDT, intBin(tDT, func(m, d int64) (int64, error) { return dateMonths(1)(d, m) }))
	c.fixed("subtract", ts(tDT, tIYM), tDT, intBin(tDT, dateMonths(-1)))
	c.fixed("subtract", ts(tDT, tDT), tIDS, intBin(tIDS, func(a, b int64) (int64, error) { return (a - b) * nsPerDay, nil }))

	// Interval arithmetic.
	c.fixed("add", ts(tIDS, tIDS), tIDS, intBin(tIDS, addInt))
	c.fixed("subtract", ts(tIDS, tIDS), tIDS, intBin(tIDS, subInt))
	c.fixed("add", ts(tIYM, tIYM), tIYM, intBin(tIYM, addInt))
	c.fixed("subtract", ts(tIYM, tIYM), tIYM, intBin(tIYM, subInt))
	c.fixed("multiply", ts(tIDS, tI), tIDS, intBin(tIDS, mulInt))
	c.fixed("multiply", ts(tI, tIDS), tIDS, intBin(tIDS, mulInt))
	c.fixed("multiply", ts(tIYM, tI), tIYM, intBin(tIYM, mulInt))
	c.fixed("multiply", ts(tI, tIYM), tIYM, intBin(tIYM, mulInt))

	c.add(&Scalar{FName: "concat", Ps: ts(tV, tV), Variadic: true, Ret: tV, Kernel: concatKernel})
}

// concatKernel joins its varchar arguments; any NULL argument gives NULL.
func concatKernel(ctx *Context, args []Vec, n int) (arrow.Array, error) {
	rs := make([]strs, len(args))
	hint := 0
	for j := range args {
		rs[j] = strsOf(args[j])
		hint += dataLen(&rs[j], n)
	}
	out := newStrOut(ctx.Mem, n, hint)
	var buf []byte
rows:
	for i := 0; i < n; i++ {
		buf = buf[:0]
		for j := range rs {
			if rs[j].null(i) {
				out.appendNull()
				continue rows
			}
			x := rs[j].at(i)
			if len(buf)+len(x) > maxValueBytes {
				out.finish().Release()
				return nil, errValueTooLarge("concat", int64(len(buf)+len(x)))
			}
			buf = append(buf, x...)
		}
		out.appendBytes(buf)
	}
	return out.result()
}
