package exec

import (
	"context"
	"errors"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// tri is an independent Kleene truth value for the reference: nil = NULL.
func kAnd(a, b *bool) *bool {
	if (a != nil && !*a) || (b != nil && !*b) {
		return bp(false)
	}
	if a == nil || b == nil {
		return nil
	}
	return bp(true)
}
func kOr(a, b *bool) *bool {
	if (a != nil && *a) || (b != nil && *b) {
		return bp(true)
	}
	if a == nil || b == nil {
		return nil
	}
	return bp(false)
}
func kNot(a *bool) *bool {
	if a == nil {
		return nil
	}
	return bp(!*a)
}
func bp(b bool) *bool { return &b }

func TestThreeValuedLogic(t *testing.T) {
	vals := []any{true, false, nil}
	var av, bv []any
	for _, x := range vals {
		for _, y := range vals {
			av, bv = append(av, x), append(bv, y)
		}
	}
	rec := mkRecord(col{"a", planner.Boolean, false, av}, col{"b", planner.Boolean, false, bv})
	defer rec.Release()
	a, b := ref(0, "a", planner.Boolean), ref(1, "b", planner.Boolean)
	toP := func(v any) *bool {
		if v == nil {
			return nil
		}
		return bp(v.(bool))
	}
	cases := []struct {
		name string
		e    planner.Expr
		want func(x, y *bool) *bool
	}{
		{"a AND b", &planner.Logic{Args: []planner.Expr{a, b}}, kAnd},
		{"a OR b", &planner.Logic{Or: true, Args: []planner.Expr{a, b}}, kOr},
		{"NOT a", &planner.Not{X: a}, func(x, _ *bool) *bool { return kNot(x) }},
		{"NOT (a AND b)", &planner.Not{X: &planner.Logic{Args: []planner.Expr{a, b}}}, func(x, y *bool) *bool { return kNot(kAnd(x, y)) }},
		{"NOT (a OR NOT b)", &planner.Not{X: &planner.Logic{Or: true, Args: []planner.Expr{a, &planner.Not{X: b}}}}, func(x, y *bool) *bool { return kNot(kOr(x, kNot(y))) }},
		{"a = b", &planner.Compare{Op: planner.OpEq, L: a, R: b}, func(x, y *bool) *bool {
			if x == nil || y == nil {
				return nil
			}
			return bp(*x == *y)
		}},
		{"a IS DISTINCT FROM b", &planner.Compare{Op: planner.OpIsDistinct, L: a, R: b}, func(x, y *bool) *bool {
			if x == nil || y == nil {
				return bp((x == nil) != (y == nil))
			}
			return bp(*x != *y)
		}},
		{"a IS NULL OR b", &planner.Logic{Or: true, Args: []planner.Expr{&planner.IsNull{X: a}, b}}, func(x, y *bool) *bool { return kOr(bp(x == nil), y) }},
		{"a IS NOT DISTINCT FROM NULL", &planner.Compare{Op: planner.OpIsNotDistinct, L: a, R: lit(nil)}, func(x, _ *bool) *bool { return bp(x == nil) }},
		{"a IN (b, true)", &planner.In{X: a, List: []planner.Expr{b, lit(true)}}, func(x, y *bool) *bool {
			eq := func(p, q *bool) *bool {
				if p == nil || q == nil {
					return nil
				}
				return bp(*p == *q)
			}
			return kOr(eq(x, y), eq(x, bp(true)))
		}},
		{"a NOT IN (b)", &planner.In{X: a, Negate: true, List: []planner.Expr{b}}, func(x, y *bool) *bool {
			if x == nil || y == nil {
				return nil
			}
			return bp(*x != *y)
		}},
		{"a < NULL", &planner.Compare{Op: planner.OpLt, L: a, R: lit(nil)}, func(_, _ *bool) *bool { return nil }},
		{"NOT (a IN (true, NULL))", &planner.Not{X: &planner.In{X: a, List: []planner.Expr{lit(true), lit(nil)}}}, func(x, _ *bool) *bool {
			if x == nil || !*x {
				return nil // no match, NULL in the list
			}
			return bp(false)
		}},
	}
	for _, tc := range cases {
		for _, sel := range [][]int32{nil, {0, 2, 4, 5, 8}} {
			b := Batch{Rec: rec, Sel: sel}
			live := liveRows(b)
			ev, err := Compile(tc.e, rec.Schema(), &Env{})
			if err != nil {
				t.Fatal(err)
			}
			v, err := ev.Eval(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			s, err := CompileSelector(tc.e, rec.Schema(), &Env{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Select(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			var wantSel []int32
			for i, r := range live {
				w := tc.want(toP(av[r]), toP(bv[r]))
				var g any
				if v.IsConst {
					g = fmtP(constBool(v))
				} else {
					g = cell(v.Arr, i)
				}
				if (w == nil) != (g == nil) || (w != nil && *w != g.(bool)) {
					t.Errorf("%s sel=%v row %d (a=%v b=%v): got %v want %v", tc.name, sel != nil, r, av[r], bv[r], g, fmtP(w))
				}
				if w != nil && *w {
					wantSel = append(wantSel, r)
				}
			}
			v.Release()
			if !slices.Equal(got, wantSel) && !(len(got) == 0 && len(wantSel) == 0) {
				t.Errorf("%s sel=%v: Select %v want %v", tc.name, sel != nil, got, wantSel)
			}
		}
	}
}

func fmtP(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// TestPredicatesDictionaryVsPlain checks, over random data, that every
// predicate gives the same rows on plain and dictionary-encoded strings,
// with and without a selection, and that both match a reference written
// directly in Go.
func TestPredicatesDictionaryVsPlain(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	vocab := []string{"s3.amazonaws.com", "ec2.amazonaws.com", "iam.amazonaws.com", "S3.AmazonAWS.com", "", "a%b", "kms"}
	const n = 3000
	vals := make([]any, n)
	for i := range vals {
		if rng.Intn(10) == 0 {
			vals[i] = nil
		} else {
			vals[i] = vocab[rng.Intn(len(vocab))]
		}
	}
	x := ref(0, "x", planner.Varchar)
	lower := &planner.Call{Name: "lower", Fn: lowerFn, Args: []planner.Expr{x}, T: planner.Varchar}
	type refFn func(s string) *bool
	cases := []struct {
		name string
		e    planner.Expr
		want refFn // for non-NULL x; NULL x gives NULL unless noted
		null *bool // result for NULL x
	}{
		{"x = s3", &planner.Compare{Op: planner.OpEq, L: x, R: lit("s3.amazonaws.com")}, func(s string) *bool { return bp(s == "s3.amazonaws.com") }, nil},
		{"'kms' <> x", &planner.Compare{Op: planner.OpNe, L: lit("kms"), R: x}, func(s string) *bool { return bp(s != "kms") }, nil},
		{"x < i", &planner.Compare{Op: planner.OpLt, L: x, R: lit("i")}, func(s string) *bool { return bp(s < "i") }, nil},
		{"x >= ec2", &planner.Compare{Op: planner.OpGe, L: x, R: lit("ec2.amazonaws.com")}, func(s string) *bool { return bp(s >= "ec2.amazonaws.com") }, nil},
		{"x IN (kms, '')", &planner.In{X: x, List: []planner.Expr{lit("kms"), lit("")}}, func(s string) *bool { return bp(s == "kms" || s == "") }, nil},
		{"x NOT IN (kms)", &planner.In{X: x, Negate: true, List: []planner.Expr{lit("kms")}}, func(s string) *bool { return bp(s != "kms") }, nil},
		{"x IN (kms, NULL)", &planner.In{X: x, List: []planner.Expr{lit("kms"), lit(nil)}}, func(s string) *bool {
			if s == "kms" {
				return bp(true)
			}
			return nil
		}, nil},
		{"x LIKE '%.amazonaws.com'", &planner.Like{X: x, Pattern: lit("%.amazonaws.com")}, func(s string) *bool { return bp(strings.HasSuffix(s, ".amazonaws.com")) }, nil},
		{"x NOT LIKE 'a\\%b' ESCAPE", &planner.Like{X: x, Pattern: lit(`a\%b`), Escape: lit(`\`), Negate: true}, func(s string) *bool { return bp(s != "a%b") }, nil},
		{"x LIKE '_3%'", &planner.Like{X: x, Pattern: lit("_3%")}, func(s string) *bool { return bp(len(s) >= 2 && s[1] == '3') }, nil},
		{"x IS NULL", &planner.IsNull{X: x}, func(s string) *bool { return bp(false) }, bp(true)},
		{"lower(x) = s3", &planner.Compare{Op: planner.OpEq, L: lower, R: lit("s3.amazonaws.com")}, func(s string) *bool { return bp(strings.ToLower(s) == "s3.amazonaws.com") }, nil},
		{"NOT (x = kms OR x LIKE 'i%')", &planner.Not{X: &planner.Logic{Or: true, Args: []planner.Expr{
			&planner.Compare{Op: planner.OpEq, L: x, R: lit("kms")}, &planner.Like{X: x, Pattern: lit("i%")}}}},
			func(s string) *bool { return bp(!(s == "kms" || strings.HasPrefix(s, "i"))) }, nil},
		{"x = x", &planner.Compare{Op: planner.OpEq, L: x, R: x}, func(s string) *bool { return bp(true) }, nil},
		{"CASE WHEN x = kms THEN 'k' ELSE lower(x) END = 's3.amazonaws.com'", &planner.Compare{Op: planner.OpEq, R: lit("s3.amazonaws.com"),
			L: &planner.Case{T: planner.Varchar, Whens: []planner.When{{Cond: &planner.Compare{Op: planner.OpEq, L: x, R: lit("kms")}, Result: lit("k")}}, Else: lower}},
			func(s string) *bool { return bp(strings.ToLower(s) == "s3.amazonaws.com") }, nil},
		{"coalesce(x, 'kms') = 'kms'", &planner.Compare{Op: planner.OpEq, R: lit("kms"), L: &planner.Coalesce{T: planner.Varchar, Args: []planner.Expr{x, lit("kms")}}},
			func(s string) *bool { return bp(s == "kms") }, bp(true)},
	}
	sels := map[string][]int32{"off": nil}
	var half []int32
	for i := 0; i < n; i++ {
		if rng.Intn(2) == 0 {
			half = append(half, int32(i))
		}
	}
	sels["on"] = half
	for _, dict := range []bool{false, true} {
		rec := mkRecord(col{"x", planner.Varchar, dict, vals})
		for _, tc := range cases {
			for sname, sel := range sels {
				b := Batch{Rec: rec, Sel: sel}
				s, err := CompileSelector(tc.e, rec.Schema(), &Env{})
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				got, err := s.Select(context.Background(), b)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				ev, err := Compile(tc.e, rec.Schema(), &Env{})
				if err != nil {
					t.Fatal(err)
				}
				v, err := ev.Eval(context.Background(), b)
				if err != nil {
					t.Fatal(err)
				}
				var want []int32
				bad := 0
				for i, r := range liveRows(b) {
					w := tc.null
					if vals[r] != nil {
						w = tc.want(vals[r].(string))
					}
					if w != nil && *w {
						want = append(want, r)
					}
					var g any
					if v.IsConst {
						g = fmtP(constBool(v))
					} else {
						g = cell(v.Arr, i)
					}
					if g != fmtP(w) && bad < 3 {
						bad++
						t.Errorf("%s dict=%v sel=%s row %d (%v): value %v want %v", tc.name, dict, sname, r, vals[r], g, fmtP(w))
					}
				}
				v.Release()
				if len(got) != len(want) || !slices.Equal(got, want) {
					t.Errorf("%s dict=%v sel=%s: %d rows selected, want %d", tc.name, dict, sname, len(got), len(want))
				}
			}
		}
		rec.Release()
	}
}

func constBool(v Vec) *bool {
	if v.Const.Null {
		return nil
	}
	return bp(v.Const.Bool)
}

// TestStructFieldNull checks that a field of a NULL struct is NULL even
// when the child array holds a value there.
func TestStructFieldNull(t *testing.T) {
	rec := mkRecord(col{"u", planner.RowOf(planner.Field{Name: "arn", Type: planner.Varchar}), false, nil})
	rec.Release()
	// Build a struct whose second row is NULL with a child value "hidden".
	child := mkArray(col{"arn", planner.Varchar, false, []any{"a", "hidden", nil}})
	st := planner.RowOf(planner.Field{Name: "arn", Type: planner.Varchar})
	s, err := array.NewStructArrayWithNulls([]arrowArray{child}, []string{"arn"}, validity(true, false, true), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = st
	r := recordOf("u", s)
	fr := &planner.FieldRef{Row: ref(0, "u", st), Name: "ARN", T: planner.Varchar}
	ev, err := Compile(fr, r.Schema(), &Env{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := ev.Eval(context.Background(), Batch{Rec: r})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{cell(v.Arr, 0), cell(v.Arr, 1), cell(v.Arr, 2)}
	if got[0] != "a" || got[1] != nil || got[2] != nil {
		t.Errorf("u.arn = %v, want [a <nil> <nil>]", got)
	}
	sel, err := CompileSelector(&planner.IsNull{X: fr}, r.Schema(), &Env{})
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := sel.Select(context.Background(), Batch{Rec: r})
	if !slices.Equal(rows, []int32{1, 2}) {
		t.Errorf("u.arn IS NULL selected %v, want [1 2]", rows)
	}
}

// TestFunctionOnDictionary checks that a unary string function on a
// dictionary column keeps the encoding (one call per entry) and agrees with
// the plain column, and that run-time errors carry the query position.
func TestFunctionOnDictionary(t *testing.T) {
	vals := []any{"A", "b", nil, "A", "C", "b"}
	for _, dict := range []bool{false, true} {
		rec := mkRecord(col{"x", planner.Varchar, dict, vals})
		e := &planner.Call{Name: "lower", Fn: lowerFn, Args: []planner.Expr{ref(0, "x", planner.Varchar)}, T: planner.Varchar}
		ev, err := Compile(e, rec.Schema(), &Env{})
		if err != nil {
			t.Fatal(err)
		}
		for _, sel := range [][]int32{nil, {0, 2, 4}} {
			v, err := ev.Eval(context.Background(), Batch{Rec: rec, Sel: sel})
			if err != nil {
				t.Fatal(err)
			}
			if _, isDict := v.Arr.(*array.Dictionary); isDict != dict {
				t.Errorf("dict=%v: result encoding %s", dict, v.Arr.DataType())
			}
			for i, r := range liveRows(Batch{Rec: rec, Sel: sel}) {
				var want any
				if vals[r] != nil {
					want = strings.ToLower(vals[r].(string))
				}
				if got := cell(v.Arr, i); got != want {
					t.Errorf("dict=%v row %d: %v want %v", dict, r, got, want)
				}
			}
			v.Release()
		}
		cast := &planner.Cast{X: ref(0, "x", planner.Varchar), To: planner.Bigint, P: 23}
		ev, err = Compile(cast, rec.Schema(), &Env{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ev.Eval(context.Background(), Batch{Rec: rec})
		var pe *ExprError
		if !errors.As(err, &pe) || pe.Pos != 23 {
			t.Errorf("dict=%v: CAST(x AS bigint) error %v, want one at position 23", dict, err)
		}
		rec.Release()
	}
}

// TestStructWithDictionaryChild gathers and filters a struct whose string
// field is dictionary-encoded, as the ORC reader produces for dictionary
// stripes.
func TestStructWithDictionaryChild(t *testing.T) {
	child := mkArray(col{"arn", planner.Varchar, true, []any{"r1", "r2", nil, "r1"}})
	s, err := array.NewStructArrayWithNulls([]arrowArray{child}, []string{"arn"}, validity(true, true, true, false), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	child.Release()
	rec := recordOf("u", s)
	s.Release()
	defer rec.Release()
	st := planner.RowOf(planner.Field{Name: "arn", Type: planner.Varchar})
	u := ref(0, "u", st)
	arn := &planner.FieldRef{Row: u, Name: "arn", T: planner.Varchar}
	sel, err := CompileSelector(&planner.Compare{Op: planner.OpEq, L: arn, R: lit("r1")}, rec.Schema(), &Env{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := sel.Select(context.Background(), Batch{Rec: rec})
	if err != nil || !slices.Equal(rows, []int32{0}) {
		t.Errorf("u.arn = 'r1' selected %v, %v; want [0] (row 3's struct is NULL)", rows, err)
	}
	ev, _ := Compile(u, rec.Schema(), &Env{})
	v, err := ev.Eval(context.Background(), Batch{Rec: rec, Sel: []int32{1, 3}})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Release()
	if v.Arr.Len() != 2 || !v.Arr.IsValid(0) || v.Arr.IsValid(1) {
		t.Errorf("gathered struct %v", v.Arr)
	}
	res, err := Run(context.Background(), &source{schema: arrowSchemaOf("u", st), batches: []Batch{{Rec: rec, Sel: []int32{0, 1}}}}, nil, &Env{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if got := res.Records[0].Column(0).(*array.Struct).Field(0).(*array.String).Value(1); got != "r2" {
		t.Errorf("result u[1].arn = %q", got)
	}
}
