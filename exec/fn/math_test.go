package fn

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/planner"
)

func TestMathFunctions(t *testing.T) {
	runCases(t, []fcase{
		{name: "abs", args: args(I(-5)), want: I(5)},
		{name: "abs", args: args(I(math.MinInt64)), err: "out of range"},
		{name: "abs", args: args(F(-1.5)), want: F(1.5)},
		// Trino MathFunctions.round: half away from zero, on bigint and double.
		{name: "round", args: args(F(2.5)), want: F(3)},
		{name: "round", args: args(F(-2.5)), want: F(-3)},
		{name: "round", args: args(F(2.4)), want: F(2)},
		{name: "round", args: args(F(1.2345), I(2)), want: F(1.23)},
		{name: "round", args: args(F(-1.235), I(2)), want: F(-1.24)},
		{name: "round", args: args(F(1234.5), I(-2)), want: F(1200)},
		{name: "round", args: args(F(math.NaN())), want: F(math.NaN())},
		{name: "round", args: args(I(7)), want: I(7)},
		{name: "round", args: args(I(15), I(-1)), want: I(20)},
		{name: "round", args: args(I(-15), I(-1)), want: I(-20)},
		{name: "round", args: args(I(14), I(-1)), want: I(10)},
		{name: "floor", args: args(F(-1.5)), want: F(-2)},
		{name: "ceil", args: args(F(-1.5)), want: F(-1)},
		{name: "ceiling", args: args(F(1.2)), want: F(2)},
		{name: "floor", args: args(I(3)), want: I(3)},
		{name: "sign", args: args(I(-9)), want: I(-1)},
		{name: "sign", args: args(F(0)), want: F(0)},
		{name: "sqrt", args: args(F(16)), want: F(4)},
		{name: "sqrt", args: args(I(2)), want: F(math.Sqrt2)}, // bigint coerces to double
		{name: "sqrt", args: args(F(-1)), want: F(math.NaN())},
		{name: "power", args: args(F(2), F(10)), want: F(1024)},
		{name: "pow", args: args(I(2), I(-1)), want: F(0.5)},
		{name: "ln", args: args(F(math.E)), want: F(1)},
		{name: "log10", args: args(F(1000)), want: F(3)},
		{name: "mod", args: args(I(-7), I(3)), want: I(-1)},
		{name: "mod", args: args(I(7), I(0)), err: "Division by zero"},
		{name: "mod", args: args(F(7.5), F(2)), want: F(1.5)},
		{name: "greatest", args: args(I(1), I(5), I(3)), want: I(5)},
		{name: "least", args: args(I(1), I(5), I(3)), want: I(1)},
		{name: "greatest", args: args(I(1), F(2.5)), want: F(2.5)},
		{name: "greatest", args: args(S("a"), S("b")), want: S("b")},
		{name: "least", args: args(TS("2024-01-01"), TS("2023-01-01")), want: TS("2023-01-01")},
		{name: "greatest", args: args(I(1), N(tI)), want: N(tI)},
		{name: "greatest", args: args(I(1), S("a")), err: "greatest expects"},
		{name: "pi", want: F(math.Pi)},
		{name: "is_finite", args: args(F(math.Inf(1))), want: B(false)},
		{name: "is_infinite", args: args(F(math.Inf(-1))), want: B(true)},
		{name: "typeof", args: args(TS("2024-01-01")), want: S("timestamp(3)")},
		{name: "typeof", args: args(N(tI)), want: S("bigint")}, // typeof is never NULL
		{name: "current_timezone", want: S("UTC")},
		{name: "to_milliseconds", args: args(IV(90 * time.Second)), want: I(90000)},
		// Trino docs: human_readable_seconds(96) = '1 minute, 36 seconds';
		// human_readable_seconds(3762) = '1 hour, 2 minutes, 42 seconds';
		// human_readable_seconds(56363463) = '93 weeks, 1 day, 8 hours, 31 minutes, 3 seconds'.
		{name: "human_readable_seconds", args: args(F(96)), want: S("1 minute, 36 seconds")},
		{name: "human_readable_seconds", args: args(F(3762)), want: S("1 hour, 2 minutes, 42 seconds")},
		{name: "human_readable_seconds", args: args(F(56363463)), want: S("93 weeks, 1 day, 8 hours, 31 minutes, 3 seconds")},
	})
}

func TestCatalogResolution(t *testing.T) {
	c := testCatalog
	cases := []struct {
		name    string
		args    []planner.Type
		ret     planner.Type
		params  []planner.Type
		err     string
		isAgg   bool
		distinc bool
	}{
		{name: "LOWER", args: ts(tV), ret: tV, params: ts(tV)},
		{name: "lower", args: ts(tU), ret: tV, params: ts(tV)}, // NULL coerces
		{name: "lower", args: ts(tI), err: "argument 1 of lower must be varchar, not bigint"},
		{name: "round", args: ts(tV), err: "argument 1 of round must be bigint or double, not varchar: round expects (bigint), (double), (bigint, bigint) or (double, bigint), got (varchar)"},
		{name: "add", args: ts(tI, tI), ret: tI, params: ts(tI, tI)},
		{name: "add", args: ts(tI, tD), ret: tD, params: ts(tD, tD)},
		{name: "add", args: ts(tDT, tIDS), ret: tDT, params: ts(tDT, tIDS)},
		{name: "concat", args: ts(tV, tV, tV, tV), ret: tV, params: ts(tV, tV, tV, tV)},
		{name: "concat", args: ts(tV), err: "concat takes 2 or more arguments, not 1"},
		{name: "element_at", args: ts(planner.MapOf(tV, tV), tV), ret: tV, params: ts(planner.MapOf(tV, tV), tV)},
		{name: "element_at", args: ts(planner.ArrayOf(tTS), tI), ret: tTS, params: ts(planner.ArrayOf(tTS), tI)},
		{name: "element_at", args: ts(tV, tI), err: "argument 1 of element_at must be map(K,V) or array(T), not varchar: element_at expects (map(K,V), K) or (array(T), bigint), got (varchar, bigint)"},
		{name: "lowr", args: ts(tV), err: "function lowr not registered (did you mean lower?)"},
		{name: "count", args: ts(tV), err: "count is an aggregate function"},
		{name: "date_trunc", args: ts(tV, tDT), ret: tDT, params: ts(tV, tDT)},
		{name: "json_extract_scalar", args: ts(tJ, tV), ret: tV, params: ts(tJ, tV)},
		{name: "json_extract_scalar", args: ts(tV, tV), ret: tV, params: ts(tV, tV)},
		{name: "count", args: nil, isAgg: true, ret: tI, params: nil},
		{name: "COUNT", args: ts(tV), isAgg: true, distinc: true, ret: tI, params: ts(tV)},
		{name: "sum", args: ts(tI), isAgg: true, ret: tI, params: ts(tI)},
		{name: "sum", args: ts(tD), isAgg: true, ret: tD, params: ts(tD)},
		{name: "avg", args: ts(tI), isAgg: true, ret: tD, params: ts(tI)},
		{name: "sum", args: ts(tV), isAgg: true, err: "argument 1 of sum must be bigint, double, interval day to second or interval year to month, not varchar: sum expects (bigint), (double), (interval day to second) or (interval year to month), got (varchar)"},
		{name: "max", args: ts(tTS), isAgg: true, ret: tTS, params: ts(tTS)},
		{name: "max_by", args: ts(planner.RowOf(planner.Field{Name: "a", Type: tV}), tTS), isAgg: true, ret: planner.RowOf(planner.Field{Name: "a", Type: tV}), params: ts(planner.RowOf(planner.Field{Name: "a", Type: tV}), tTS)},
		{name: "array_agg", args: ts(tV), isAgg: true, ret: planner.ArrayOf(tV), params: ts(tV)},
		{name: "lower", args: ts(tV), isAgg: true, err: "lower is not an aggregate function"},
		{name: "count", args: nil, isAgg: true, distinc: true, err: "needs an argument"},
	}
	for _, cs := range cases {
		var ret planner.Type
		var ps []planner.Type
		var err error
		if cs.isAgg {
			var a planner.AggFunc
			a, err = c.Aggregate(cs.name, cs.args, cs.distinc)
			if err == nil {
				ret, ps = a.Return(), a.Params()
			}
		} else {
			var s planner.ScalarFunc
			s, err = c.Scalar(cs.name, cs.args)
			if err == nil {
				ret, ps = s.Return(), s.Params()
			}
		}
		if cs.err != "" {
			if err == nil || !strings.Contains(err.Error(), cs.err) {
				t.Errorf("%s%v: error %v, want %q", cs.name, cs.args, err, cs.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s%v: %v", cs.name, cs.args, err)
			continue
		}
		if !ret.Equal(cs.ret) || len(ps) != len(cs.params) {
			t.Errorf("%s%v: returns %s with %v, want %s with %v", cs.name, cs.args, ret, ps, cs.ret, cs.params)
			continue
		}
		for i := range ps {
			if !ps[i].Equal(cs.params[i]) {
				t.Errorf("%s%v: params %v, want %v", cs.name, cs.args, ps, cs.params)
			}
		}
	}
	if !c.IsAggregate("Approx_Distinct") || c.IsAggregate("lower") {
		t.Error("IsAggregate is wrong")
	}
	names := strings.Join(c.Names(), " ")
	for _, want := range []string{"add", "subscript", "json_extract_scalar", "count", "date_trunc", "regexp_like"} {
		if !strings.Contains(" "+names+" ", " "+want+" ") {
			t.Errorf("Names() lacks %s", want)
		}
	}
	if s, _ := c.Scalar("now", nil); s.Deterministic() {
		t.Error("now() must not be deterministic")
	}
}
