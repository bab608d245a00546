package fn

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

func buildStrLists(rows [][]any) arrow.Array {
	b := array.NewListBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String)
	defer b.Release()
	vb := b.ValueBuilder().(*array.StringBuilder)
	for _, r := range rows {
		if r == nil {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for _, x := range r {
			if x == nil {
				vb.AppendNull()
			} else {
				vb.Append(x.(string))
			}
		}
	}
	return b.NewArray()
}

func TestArrayWhitelistFunctions(t *testing.T) {
	ints := buildIntLists([][]any{{1, 2, 2, nil, nil}, {3, nil, 1}, {10, 20, 30}, nil, {}})
	defer ints.Release()
	strsL := buildStrLists([][]any{{"a", nil, "b"}, {"x"}, nil})
	defer strsL.Release()
	at, st := planner.ArrayOf(tI), planner.ArrayOf(tV)
	cases := []struct {
		name  string
		first arrow.Array
		ft    planner.Type
		rest  []tv
		want  string
		err   string
	}{
		// Trino docs: array_distinct removes duplicates, keeping one NULL.
		{name: "array_distinct", first: ints, ft: at, want: "[1,2,null]|[3,null,1]|[10,20,30]|NULL|[]"},
		// array_sort puts NULLs last.
		{name: "array_sort", first: ints, ft: at, want: "[1,2,2,null,null]|[1,3,null]|[10,20,30]|NULL|[]"},
		// array_max/min are NULL when any element is NULL.
		{name: "array_max", first: ints, ft: at, want: "NULL|NULL|30|NULL|NULL"},
		{name: "array_min", first: ints, ft: at, want: "NULL|NULL|10|NULL|NULL"},
		{name: "array_position", first: ints, ft: at, rest: args(I(20)), want: "0|0|2|NULL|0"},
		{name: "array_position", first: ints, ft: at, rest: args(I(2)), want: "2|0|0|NULL|0"},
		{name: "slice", first: ints, ft: at, rest: args(I(2), I(2)), want: "[2,2]|[null,1]|[20,30]|NULL|[]"},
		{name: "slice", first: ints, ft: at, rest: args(I(-2), I(5)), want: "[null,null]|[null,1]|[20,30]|NULL|[]"},
		{name: "slice", first: ints, ft: at, rest: args(I(0), I(1)), err: "SQL array indices start at 1"},
		{name: "array_join", first: strsL, ft: st, rest: args(S(",")), want: "a,b|x|NULL"},
		{name: "array_join", first: strsL, ft: st, rest: args(S(","), S("?")), want: "a,?,b|x|NULL"},
		{name: "array_join", first: ints, ft: at, rest: args(S("-")), want: "1-2-2|3-1|10-20-30|NULL|"},
		{name: "reverse", first: ints, ft: at, want: "[null,null,2,2,1]|[1,null,3]|[30,20,10]|NULL|[]"},
	}
	for _, c := range cases {
		got, err := runCompound(t, c.name, c.first, c.ft, c.rest...)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%s(%s) = %s, want %s", c.name, argText(c.rest), g, c.want)
		}
	}
}

func TestMoreStringFunctions(t *testing.T) {
	arr := func(s string) tv { return tv{planner.ArrayOf(tV), planner.Value{Str: s}} }
	runCases(t, []fcase{
		// Trino docs: strpos('test,test,test', 'test', 2) = 6, instance -1 counts from the end.
		{name: "strpos", args: args(S("test,test,test"), S("test"), I(2)), want: I(6)},
		{name: "strpos", args: args(S("test,test,test"), S("test"), I(-1)), want: I(11)},
		{name: "strpos", args: args(S("aaa"), S("aa"), I(2)), want: I(2)},
		{name: "strpos", args: args(S("aaa"), S("aa"), I(-2)), want: I(1)},
		{name: "strpos", args: args(S("test"), S("t"), I(3)), want: I(0)},
		{name: "strpos", args: args(S("test"), S("t"), I(0)), err: "'instance' must be a positive or negative number"},
		{name: "concat_ws", args: args(S(","), S("a"), N(tV), S("b")), want: S("a,b")},
		{name: "concat_ws", args: args(N(tV), S("a")), want: N(tV)},
		{name: "levenshtein_distance", args: args(S("kitten"), S("sitting")), want: I(3)},
		{name: "hamming_distance", args: args(S("abcde"), S("abxde")), want: I(1)},
		{name: "hamming_distance", args: args(S("a"), S("ab")), err: "same length"},
		// Trino docs: regexp_extract_all('1a 2b 14m', '\d+') = [1, 2, 14].
		{name: "regexp_extract_all", args: args(S("1a 2b 14m"), S(`\d+`)), want: arr(`["1","2","14"]`)},
		{name: "regexp_extract_all", args: args(S("1a 2b 14m"), S(`(\d+)([a-z]+)`), I(2)), want: arr(`["a","b","m"]`)},
		// Trino docs: regexp_split('1a 2b 14m', '\s*[a-z]+\s*') = [1, 2, 14, ].
		{name: "regexp_split", args: args(S("1a 2b 14m"), S(`\s*[a-z]+\s*`)), want: arr(`["1","2","14",""]`)},
		// Trino docs: regexp_like('1a 2b 14m', '\d+b') = true (a partial match suffices).
		{name: "regexp_like", args: args(S("1a 2b 14m"), S(`\d+b`)), want: B(true)},
		{name: "regexp_like", args: args(S("abc"), S(`^b`)), want: B(false)},
		{name: "regexp_like", args: args(S("abc"), S(`(`)), err: "invalid regular expression"},
		// Trino docs: regexp_extract('1a 2b 14m', '\d+') = '1'; group 2 of '(\d+)([a-z]+)' = 'a'.
		{name: "regexp_extract", args: args(S("1a 2b 14m"), S(`\d+`)), want: S("1")},
		{name: "regexp_extract", args: args(S("1a 2b 14m"), S(`(\d+)([a-z]+)`), I(2)), want: S("a")},
		{name: "regexp_extract", args: args(S("abc"), S(`\d+`)), want: N(tV)},
		{name: "regexp_extract", args: args(S("abc"), S(`(a)`), I(2)), err: "Pattern has 1 groups. Cannot access group 2"},
		// Trino docs: regexp_replace('1a 2b 14m', '\d+[ab] ') = '14m'; '(\d+)([ab]) ' → '3c$2 ' gives '3ca 3cb 14m'.
		{name: "regexp_replace", args: args(S("1a 2b 14m"), S(`\d+[ab] `)), want: S("14m")},
		{name: "regexp_replace", args: args(S("1a 2b 14m"), S(`(\d+)([ab]) `), S(`3c$2 `)), want: S("3ca 3cb 14m")},
		{name: "regexp_replace", args: args(S("a.b"), S(`\.`), S(`\$`)), want: S("a$b")},
		{name: "regexp_replace", args: args(S("ab"), S(`(a)`), S(`$1x`)), want: S("axb")},
		// Trino docs (URL functions) example: http://www.example.com:80/stuff/index.html?a=1&b=2#x
		{name: "url_extract_host", args: args(S("https://www.example.com:80/stuff/index.html?a=1&b=2#x")), want: S("www.example.com")},
		{name: "url_extract_port", args: args(S("https://www.example.com:80/stuff/index.html?a=1&b=2#x")), want: I(80)},
		{name: "url_extract_port", args: args(S("https://www.example.com/")), want: N(tI)},
		{name: "url_extract_path", args: args(S("https://www.example.com:80/stuff/index.html?a=1&b=2#x")), want: S("/stuff/index.html")},
		{name: "url_extract_query", args: args(S("https://www.example.com:80/stuff/index.html?a=1&b=2#x")), want: S("a=1&b=2")},
		{name: "url_extract_fragment", args: args(S("https://www.example.com:80/stuff/index.html?a=1&b=2#x")), want: S("x")},
		{name: "url_extract_protocol", args: args(S("https://www.example.com:80/stuff/index.html?a=1&b=2#x")), want: S("https")},
		{name: "url_extract_parameter", args: args(S("https://www.example.com:80/stuff/index.html?a=1&b=2#x"), S("b")), want: S("2")},
		{name: "url_extract_parameter", args: args(S("https://www.example.com/?a=1"), S("c")), want: N(tV)},
		{name: "url_encode", args: args(S("a b&c")), want: S("a+b%26c")},
		{name: "url_decode", args: args(S("a+b%26c")), want: S("a b&c")},
		{name: "regexp_count", args: args(S("1a 2b 14m"), S(`\s*[a-z]+\s*`)), want: I(3)},
	})
}

func TestConcatArrays(t *testing.T) {
	a := buildIntLists([][]any{{1, 2}, nil, {}})
	b := buildIntLists([][]any{{3}, {4}, {nil}})
	defer a.Release()
	defer b.Release()
	at := planner.ArrayOf(tI)
	s, err := testCatalog.ResolveScalar("concat", []planner.Type{at, at})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Kernel(&Context{Mem: memory.DefaultAllocator}, []Vec{{Arr: a}, {Arr: b}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	got := arrString(out, 0) + "|" + arrString(out, 1) + "|" + arrString(out, 2)
	if got != "[1,2,3]|NULL|[null]" {
		t.Errorf("concat(array, array) = %s", got)
	}
	if _, err := testCatalog.ResolveScalar("concat", []planner.Type{at, tV}); err == nil {
		t.Error("concat(array(bigint), varchar) resolved")
	}
}
