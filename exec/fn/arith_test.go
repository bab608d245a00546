package fn

import (
	"math"
	"testing"
	"time"
)

func TestArithmetic(t *testing.T) {
	runCases(t, []fcase{
		{name: "add", args: args(I(2), I(3)), want: I(5)},
		{name: "add", args: args(I(math.MaxInt64), I(1)), err: "bigint addition overflow"},
		{name: "subtract", args: args(I(math.MinInt64), I(1)), err: "bigint subtraction overflow"},
		{name: "multiply", args: args(I(1<<62), I(4)), err: "bigint multiplication overflow"},
		{name: "multiply", args: args(I(-3), I(7)), want: I(-21)},
		// Integer division truncates toward zero; % has the dividend's sign.
		{name: "divide", args: args(I(-7), I(2)), want: I(-3)},
		{name: "divide", args: args(I(7), I(0)), err: "Division by zero"},
		{name: "modulus", args: args(I(-7), I(2)), want: I(-1)},
		{name: "modulus", args: args(I(7), I(0)), err: "Division by zero"},
		{name: "add", args: args(I(1), N(tI)), want: N(tI)},
		// Mixed bigint/double coerces to double.
		{name: "add", args: args(I(1), F(0.5)), want: F(1.5)},
		{name: "divide", args: args(F(1), F(0)), want: F(math.Inf(1))},
		{name: "divide", args: args(F(0), F(0)), want: F(math.NaN())},
		{name: "modulus", args: args(F(7.5), F(2)), want: F(1.5)},
		{name: "negate", args: args(I(5)), want: I(-5)},
		{name: "negate", args: args(I(math.MinInt64)), err: "overflow"},
		{name: "negate", args: args(F(2.5)), want: F(-2.5)},
		// Timestamps with intervals.
		{name: "add", args: args(TS("2024-01-01 00:00:00"), IV(36*time.Hour)), want: TS("2024-01-02 12:00:00")},
		{name: "subtract", args: args(TS("2024-01-01 00:00:00"), IV(time.Second)), want: TS("2023-12-31 23:59:59")},
		{name: "add", args: args(IV(time.Hour), TS("2024-01-01 00:00:00")), want: TS("2024-01-01 01:00:00")},
		// Month arithmetic clamps to the end of the month (Trino/Joda).
		{name: "add", args: args(TS("2024-01-31 10:00:00"), IYM(1)), want: TS("2024-02-29 10:00:00")},
		{name: "subtract", args: args(TS("2024-03-31 00:00:00"), IYM(13)), want: TS("2023-02-28 00:00:00")},
		{name: "subtract", args: args(TS("2024-01-02 00:00:00"), TS("2024-01-01 12:00:00")), want: IV(12 * time.Hour)},
		{name: "add", args: args(DT("2024-02-28"), IV(48*time.Hour)), want: DT("2024-03-01")},
		{name: "add", args: args(DT("2024-02-28"), IV(time.Hour)), err: "cannot add hour"},
		{name: "add", args: args(DT("2024-01-31"), IYM(1)), want: DT("2024-02-29")},
		{name: "subtract", args: args(DT("2024-01-01"), IYM(12)), want: DT("2023-01-01")},
		{name: "multiply", args: args(IV(time.Hour), I(3)), want: IV(3 * time.Hour)},
		{name: "concat", args: args(S("a"), S("b")), want: S("ab")},
		{name: "add", args: args(S("a"), I(1)), err: "add expects"},
	})
}
