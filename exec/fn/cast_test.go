package fn

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// castOne runs CastKernel on a constant and on an array and checks both.
func castOne(t *testing.T, x tv, to planner.Type, try bool) (planner.Value, error) {
	t.Helper()
	k, err := CastKernel(x.t, to, try)
	if err != nil {
		return planner.Value{}, err
	}
	ctx := &Context{Mem: memory.NewGoAllocator()}
	var got []planner.Value
	for _, vec := range []Vec{{IsConst: true, Const: x.v}, {Arr: buildArray(x.t, x.v, 2)}} {
		r, err := k(ctx, []Vec{vec}, 2)
		if err != nil {
			return planner.Value{}, err
		}
		if r.Len() != 2 {
			t.Fatalf("cast result length %d", r.Len())
		}
		val := arrGetter(r, to)(1)
		val.Str = strings.Clone(val.Str)
		got = append(got, val)
	}
	if !sameResult(got[0], got[1], to) {
		t.Errorf("cast %s → %s: constant %+v, array %+v", show(x), to, got[0], got[1])
	}
	return got[0], nil
}

func TestCastMatrix(t *testing.T) {
	cases := []struct {
		x    tv
		to   planner.Type
		want tv
		err  string
	}{
		{x: S("42"), to: tI, want: I(42)},
		{x: S("-42"), to: tI, want: I(-42)},
		{x: S("+42"), to: tI, want: I(42)},
		// Java's Long.parseLong does not trim: Trino rejects ' 42'.
		{x: S(" 42"), to: tI, err: "Cannot cast ' 42' to BIGINT"},
		{x: S("4.2"), to: tI, err: "Cannot cast '4.2' to BIGINT"},
		{x: S("9223372036854775808"), to: tI, err: "to BIGINT"},
		{x: S(" 1.5 "), to: tD, want: F(1.5)},
		{x: S("1e3"), to: tD, want: F(1000)},
		{x: S("NaN"), to: tD, want: F(math.NaN())},
		{x: S("abc"), to: tD, err: "Cannot cast 'abc' to DOUBLE"},
		{x: S("true"), to: tB, want: B(true)},
		{x: S("FALSE"), to: tB, want: B(false)},
		{x: S("t"), to: tB, want: B(true)},
		{x: S("0"), to: tB, want: B(false)},
		{x: S("yes"), to: tB, err: "Cannot cast 'yes' to BOOLEAN"},
		{x: S("2024-01-02"), to: tTS, want: TS("2024-01-02")},
		{x: S("2024-01-02 03:04:05"), to: tTS, want: TS("2024-01-02 03:04:05")},
		{x: S("2024-01-02 03:04:05.123"), to: tTS, want: TS("2024-01-02 03:04:05.123")},
		{x: S("2024-01-02 03:04"), to: tTS, want: TS("2024-01-02 03:04")},
		{x: S("2024-01-02T03:04:05Z"), to: tTS, want: TS("2024-01-02 03:04:05")},
		{x: S("2024-01-02T03:04:05+02:00"), to: tTS, want: TS("2024-01-02 01:04:05")},
		{x: S("2024-01-02T03:04:05.5-0130"), to: tTS, want: TS("2024-01-02 04:34:05.5")},
		{x: S("2024-02-30"), to: tTS, err: "Value cannot be cast to timestamp: 2024-02-30"},
		{x: S("yesterday"), to: tTS, err: "Value cannot be cast to timestamp"},
		{x: S(" 2024-01-02 "), to: tDT, want: DT("2024-01-02")},
		{x: S("2024-13-02"), to: tDT, err: "Value cannot be cast to date"},
		{x: S(`say "hi"`), to: tJ, want: J(`"say \"hi\""`)},
		{x: I(42), to: tV, want: S("42")},
		{x: I(42), to: tD, want: F(42)},
		{x: I(2), to: tB, want: B(true)},
		{x: I(0), to: tB, want: B(false)},
		// double → bigint rounds half away from zero.
		{x: F(2.5), to: tI, want: I(3)},
		{x: F(-2.5), to: tI, want: I(-3)},
		{x: F(2.4), to: tI, want: I(2)},
		{x: F(1e19), to: tI, err: "Unable to cast"},
		{x: F(math.NaN()), to: tI, err: "Unable to cast NaN"},
		// double → varchar prints like Java's Double.toString.
		{x: F(1), to: tV, want: S("1.0")},
		{x: F(0.5), to: tV, want: S("0.5")},
		{x: F(1e7), to: tV, want: S("1.0E7")},
		{x: F(1.5e-5), to: tV, want: S("1.5E-5")},
		{x: F(123456.789), to: tV, want: S("123456.789")},
		{x: F(math.Inf(-1)), to: tV, want: S("-Infinity")},
		{x: B(true), to: tV, want: S("true")},
		{x: B(true), to: tI, want: I(1)},
		{x: TS("2024-01-02 03:04:05.678"), to: tV, want: S("2024-01-02 03:04:05.678")},
		{x: TS("2024-01-02 03:04:05"), to: tDT, want: DT("2024-01-02")},
		{x: TS("1969-12-31 23:00:00"), to: tDT, want: DT("1969-12-31")},
		{x: DT("2024-01-02"), to: tV, want: S("2024-01-02")},
		{x: DT("2024-01-02"), to: tTS, want: TS("2024-01-02")},
		{x: J(`"abc"`), to: tV, want: S("abc")},
		{x: J(`12`), to: tI, want: I(12)},
		{x: J(`1.5`), to: tD, want: F(1.5)},
		{x: J(`true`), to: tB, want: B(true)},
		{x: J(`null`), to: tV, want: N(tV)},
		{x: J(`{"a":1}`), to: tV, err: "Expected a json scalar value"},
		{x: N(tV), to: tI, want: N(tI)},
		{x: N(planner.Unknown), to: tTS, want: N(tTS)},
		{x: S("x"), to: tV, want: S("x")},
		{x: TS("2024-01-02"), to: tB, err: "cannot cast timestamp(3) to boolean"},
	}
	for _, c := range cases {
		got, err := castOne(t, c.x, c.to, false)
		label := "CAST(" + show(c.x) + " AS " + c.to.String() + ")"
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", label, err, c.err)
			}
			if err != nil && strings.HasPrefix(err.Error(), "cannot cast") {
				continue // no kernel at all: TRY_CAST does not apply
			}
			// TRY_CAST gives NULL instead.
			got, err := castOne(t, c.x, c.to, true)
			if err != nil || !got.Null {
				t.Errorf("TRY_%s = %+v, %v; want NULL", label, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", label, err)
			continue
		}
		if !sameResult(got, c.want.v, c.to) {
			t.Errorf("%s = %s, want %s", label, show(tv{c.to, got}), show(c.want))
		}
	}
}
