package fn

import (
	"testing"

	"github.com/ctlake/ctlake/planner"
)

func TestStringFunctions(t *testing.T) {
	runCases(t, []fcase{
		{name: "lower", args: args(S("GetObject")), want: S("getobject")},
		{name: "lower", args: args(S("ÀÉÎ")), want: S("àéî")},
		{name: "lower", args: args(N(tV)), want: N(tV)},
		{name: "upper", args: args(S("s3.amazonaws.com")), want: S("S3.AMAZONAWS.COM")},
		// Trino (airlift SliceUtf8) maps code point by code point: ß has no
		// single-code-point upper case, so it stays.
		{name: "upper", args: args(S("straße")), want: S("STRAßE")},
		{name: "reverse", args: args(S("héllo")), want: S("olléh")},
		{name: "length", args: args(S("héllo")), want: I(5)}, // code points, not bytes
		{name: "length", args: args(S("")), want: I(0)},
		{name: "length", args: args(N(tV)), want: N(tI)},
		// replace: Trino doc "replace('hello', 'l')" removes, 3-arg replaces all.
		{name: "replace", args: args(S("hello"), S("l")), want: S("heo")},
		{name: "replace", args: args(S("hello"), S("l"), S("L")), want: S("heLLo")},
		{name: "replace", args: args(S("abc"), S(""), S("-")), want: S("-a-b-c-")},
		{name: "replace", args: args(S("abc"), N(tV), S("-")), want: N(tV)},
		// split_part: 1-based; index past the last part is NULL; 0 is an error.
		{name: "split_part", args: args(S("a,b,c"), S(","), I(2)), want: S("b")},
		{name: "split_part", args: args(S("a,b,c"), S(","), I(3)), want: S("c")},
		{name: "split_part", args: args(S("a,b,c"), S(","), I(4)), want: N(tV)},
		{name: "split_part", args: args(S("a,,c"), S(","), I(2)), want: S("")},
		{name: "split_part", args: args(S("abc"), S(""), I(2)), want: S("b")},
		{name: "split_part", args: args(S("a,b"), S(","), I(0)), err: "Index must be greater than zero"},
		{name: "split_part", args: args(S("arn:aws:iam::123:role/x"), S(":"), I(5)), want: S("123")},
		// strpos: 1-based code points, 0 when absent, 1 for the empty needle.
		{name: "strpos", args: args(S("high"), S("ig")), want: I(2)},
		{name: "strpos", args: args(S("héllo"), S("l")), want: I(3)},
		{name: "strpos", args: args(S("high"), S("x")), want: I(0)},
		{name: "strpos", args: args(S("high"), S("")), want: I(1)},
		{name: "position", args: args(S("ig"), S("high")), want: I(2)},
		// substr: Trino StringFunctions.substring rules.
		{name: "substr", args: args(S("Trino"), I(2)), want: S("rino")},
		{name: "substring", args: args(S("Trino"), I(2), I(3)), want: S("rin")},
		{name: "substr", args: args(S("Trino"), I(-3)), want: S("ino")},
		{name: "substr", args: args(S("Trino"), I(-3), I(2)), want: S("in")},
		{name: "substr", args: args(S("Trino"), I(0)), want: S("")},
		{name: "substr", args: args(S("Trino"), I(6)), want: S("")},
		{name: "substr", args: args(S("Trino"), I(-6)), want: S("")},
		{name: "substr", args: args(S("Trino"), I(2), I(0)), want: S("")},
		{name: "substr", args: args(S("Trino"), I(2), I(-1)), want: S("")},
		{name: "substr", args: args(S("Trino"), I(3), I(100)), want: S("ino")},
		{name: "substr", args: args(S("héllo"), I(2), I(2)), want: S("él")},
		{name: "substr", args: args(S("Trino"), N(tI)), want: N(tV)},
		{name: "concat", args: args(S("a"), S("b"), S("c")), want: S("abc")},
		{name: "concat", args: args(S("a"), N(tV)), want: N(tV)},
		{name: "trim", args: args(S("  a b \t")), want: S("a b")},
		{name: "ltrim", args: args(S("  a ")), want: S("a ")},
		{name: "rtrim", args: args(S("  a ")), want: S("  a")},
		{name: "trim", args: args(S("xxaxx"), S("x")), want: S("a")},
		{name: "starts_with", args: args(S("AssumeRole"), S("Assume")), want: B(true)},
		{name: "starts_with", args: args(S("AssumeRole"), S("Role")), want: B(false)},
		{name: "ends_with", args: args(S("AssumeRole"), S("Role")), want: B(true)},
		// lpad/rpad: truncate when longer, pad string repeats, empty pad is an error.
		{name: "lpad", args: args(S("7"), I(3), S("0")), want: S("007")},
		{name: "lpad", args: args(S("abcd"), I(2), S("0")), want: S("ab")},
		{name: "rpad", args: args(S("a"), I(4), S("xy")), want: S("axyx")},
		{name: "rpad", args: args(S("a"), I(4), S("")), err: "Padding string must not be empty"},
		{name: "lpad", args: args(S("a"), I(-1), S("x")), err: "Target length"},
		{name: "chr", args: args(I(65)), want: S("A")},
		{name: "codepoint", args: args(S("A")), want: I(65)},
		{name: "split", args: args(S("a.b.c"), S(".")), want: tv{planner.ArrayOf(tV), planner.Value{Str: `["a","b","c"]`}}},
		{name: "split", args: args(S("a."), S(".")), want: tv{planner.ArrayOf(tV), planner.Value{Str: `["a",""]`}}},
		{name: "split", args: args(S("a"), S("")), err: "delimiter may not be the empty string"},
		// bigint literals coerce to double where only double exists, but
		// varchar functions do not take bigint.
		{name: "lower", args: args(I(1)), err: "argument 1 of lower must be varchar, not bigint"},
	})
}
