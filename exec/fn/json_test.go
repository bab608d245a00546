package fn

import (
	"strings"
	"testing"
)

const rp = `{"bucketName":"logs","key":"a/b.txt","ModifySecurityGroupRulesRequest":{"GroupId":"sg-1","SecurityGroupRule":{"RuleId":"sgr-2"}},"tagSet":{"items":[{"key":"env","value":"prod"},{"key":"team","value":"x"}]},"n":12,"f":1.5,"ok":true,"nul":null,"esc":"a\"b\u00e9"}`

func TestJSONFunctions(t *testing.T) {
	runCases(t, []fcase{
		// Trino docs (JSON functions): json_extract_scalar('[1, 2, 3]', '$[2]') = '3'.
		{name: "json_extract_scalar", args: args(S(`[1, 2, 3]`), S(`$[2]`)), want: S("3")},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.bucketName`)), want: S("logs")},
		{name: "json_extract_scalar", args: args(J(rp), S(`$.ModifySecurityGroupRulesRequest.GroupId`)), want: S("sg-1")},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.tagSet.items[1].key`)), want: S("team")},
		{name: "json_extract_scalar", args: args(S(rp), S(`$["tagSet"]["items"][0]["value"]`)), want: S("prod")},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.n`)), want: S("12")},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.f`)), want: S("1.5")},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.ok`)), want: S("true")},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.esc`)), want: S(`a"bé`)},
		// Objects, arrays, JSON null and missing paths are NULL.
		{name: "json_extract_scalar", args: args(S(rp), S(`$.tagSet`)), want: N(tV)},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.tagSet.items`)), want: N(tV)},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.nul`)), want: N(tV)},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.missing.deeper`)), want: N(tV)},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.tagSet.items[5].key`)), want: N(tV)},
		{name: "json_extract_scalar", args: args(S(`not json`), S(`$.a`)), want: N(tV)},
		{name: "json_extract_scalar", args: args(N(tV), S(`$.a`)), want: N(tV)},
		{name: "json_extract_scalar", args: args(S(rp), S(`bucketName`)), err: "Invalid JSON path"},
		{name: "json_extract_scalar", args: args(S(rp), S(`$.`)), err: "Invalid JSON path"},
		{name: "json_extract", args: args(S(rp), S(`$.ModifySecurityGroupRulesRequest.SecurityGroupRule`)), want: J(`{"RuleId":"sgr-2"}`)},
		{name: "json_extract", args: args(S(`{"a": [1, 2]}`), S(`$.a`)), want: J(`[1,2]`)},
		{name: "json_extract", args: args(S(rp), S(`$.bucketName`)), want: J(`"logs"`)},
		// json_extract re-serializes canonically: no spaces, escapes decoded.
		{name: "json_extract", args: args(S(rp), S(`$`)), want: J(strings.Replace(rp, `\u00e9`, "é", 1))},
		{name: "json_extract", args: args(S(`{"a" : [1, {"b" : "x\/y"}]}`), S(`$.a`)), want: J(`[1,{"b":"x/y"}]`)},
		{name: "json_extract", args: args(S(rp), S(`$.nul`)), want: J(`null`)},
		{name: "json_array_length", args: args(S(`[1, 2, 3]`)), want: I(3)},
		{name: "json_array_length", args: args(S(`{"a":1}`)), want: N(tI)},
		// Trino docs: json_array_contains('[1, 2, 3]', 2) = true.
		{name: "json_array_contains", args: args(S(`[1, 2, 3]`), I(2)), want: B(true)},
		{name: "json_array_contains", args: args(S(`[1, 2, 3]`), I(5)), want: B(false)},
		{name: "json_array_contains", args: args(S(`["a", "b"]`), S("b")), want: B(true)},
		{name: "json_array_contains", args: args(S(`[true]`), B(true)), want: B(true)},
		// Trino docs: json_array_get('["a", [3, 9], "c"]', 0) = JSON 'a'; -1 is the last; past the end NULL.
		{name: "json_array_get", args: args(S(`["a", [3, 9], "c"]`), I(0)), want: J(`"a"`)},
		{name: "json_array_get", args: args(S(`["a", [3, 9], "c"]`), I(1)), want: J(`[3,9]`)},
		{name: "json_array_get", args: args(S(`["a", [3, 9], "c"]`), I(-1)), want: J(`"c"`)},
		{name: "json_array_get", args: args(S(`["a", [3, 9], "c"]`), I(10)), want: N(tJ)},
		// Trino docs: json_size.
		{name: "json_size", args: args(S(`{"x": {"a": 1, "b": 2}}`), S(`$.x`)), want: I(2)},
		{name: "json_size", args: args(S(`{"x": [1, 2, 3]}`), S(`$.x`)), want: I(3)},
		{name: "json_size", args: args(S(`{"x": {"a": 1, "b": 2}}`), S(`$.x.a`)), want: I(0)},
		{name: "json_size", args: args(S(`{"x": 1}`), S(`$.y`)), want: N(tI)},
		{name: "json_parse", args: args(S(`[1, 2, 3]`)), want: J(`[1,2,3]`)},
		{name: "json_parse", args: args(S(`{"a" : {"b" : "c"}}`)), want: J(`{"a":{"b":"c"}}`)},
		{name: "json_parse", args: args(S(` "\u0041" `)), want: J(`"A"`)},
		{name: "json_parse", args: args(S(`{"a":`)), err: "Cannot convert value to JSON"},
		{name: "json_format", args: args(J(`{"a":1}`)), want: S(`{"a":1}`)},
		{name: "is_json_scalar", args: args(S(`1`)), want: B(true)},
		{name: "is_json_scalar", args: args(S(`[1, 2, 3]`)), want: B(false)},
	})
}
