package fn

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// nullArray is a length-n all-NULL array of t.
func nullArray(t planner.Type, n int) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, t.Arrow())
	defer b.Release()
	b.AppendNulls(n)
	return b.NewArray()
}

// Every fixed-signature scalar, fed NULLs (as arrays and as constants) and
// empty batches, returns an array of the declared type and length without
// panicking; NULL in gives NULL out except for the functions Trino
// defines otherwise.
func TestEveryScalarOnNullsAndEmptyBatches(t *testing.T) {
	nullAware := map[string]bool{"concat_ws": true, "typeof": true}
	for name, entries := range testCatalog.scalars {
		for _, e := range entries {
			s := e.fixed
			if s == nil {
				continue
			}
			if s.Variadic {
				s = expandVariadic(s, len(s.Ps)+1)
			}
			for _, n := range []int{0, 3} {
				for _, asConst := range []bool{false, true} {
					vecs := make([]Vec, len(s.Ps))
					for i, p := range s.Ps {
						if asConst {
							vecs[i] = Vec{IsConst: true, Const: planner.Value{Null: true}}
						} else {
							vecs[i] = Vec{Arr: nullArray(p, n)}
						}
					}
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					out, err := s.Kernel(&Context{Mem: mem}, vecs, n)
					for _, v := range vecs {
						if v.Arr != nil {
							v.Arr.Release()
						}
					}
					if err != nil {
						t.Errorf("%s%s on NULLs (n=%d): %v", name, sigOf(s.Ps, false), n, err)
						continue
					}
					if out.Len() != n || !arrow.TypeEqual(out.DataType(), s.Ret.Arrow()) {
						t.Errorf("%s%s: got %d rows of %v, want %d of %v", name, sigOf(s.Ps, false), out.Len(), out.DataType(), n, s.Ret.Arrow())
					}
					if len(s.Ps) > 0 && !s.NonDet && !nullAware[name] && out.NullN() != n {
						t.Errorf("%s%s: %d of %d rows non-NULL for NULL input", name, sigOf(s.Ps, false), n-out.NullN(), n)
					}
					out.Release()
					mem.AssertSize(t, 0)
				}
			}
		}
	}
}

// Every aggregate over an empty input yields one NULL per group, except
// count and count_if (0) and approx_distinct (0).
func TestEveryAggregateOnEmptyGroups(t *testing.T) {
	zero := map[string]bool{"count": true, "count_if": true, "approx_distinct": true}
	for name := range testCatalog.aggs {
		for _, distinct := range []bool{false, true} {
			args := []planner.Type{tV}
			switch name {
			case "count_if", "bool_and", "bool_or", "every":
				args = ts(tB)
			case "sum", "avg", "variance", "var_samp", "var_pop", "stddev", "stddev_samp", "stddev_pop":
				args = ts(tD)
			case "min_by", "max_by", "map_agg":
				args = ts(tV, tI)
			case "approx_percentile":
				args = ts(tD, tD)
			case "listagg":
				args = ts(tV, tV, tI, tV)
			case "approx_most_frequent":
				args = ts(tI, tV, tI)
			}
			a, err := testCatalog.ResolveAggregate(name, args, distinct)
			if err != nil {
				if distinct {
					continue
				}
				t.Fatalf("%s: %v", name, err)
			}
			acc := a.New()
			acc.Grow(2)
			// An update with only NULLs still leaves the groups empty.
			in := make([]arrow.Array, len(a.Ps))
			for i, p := range a.Ps {
				in[i] = nullArray(p, 2)
			}
			if err := acc.Update([]uint32{0, 0}, in); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			res, err := acc.Result(memory.DefaultAllocator)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			switch {
			case name == "array_agg" && !distinct:
				// array_agg keeps NULLs: group 0 has [null, null], group 1 none.
				if got := arrString(res, 0) + " " + arrString(res, 1); got != "[null,null] NULL" {
					t.Errorf("array_agg = %s", got)
				}
			case name == "array_agg":
				if got := arrString(res, 0) + " " + arrString(res, 1); got != "[null] NULL" {
					t.Errorf("array_agg(DISTINCT) = %s", got)
				}
			case zero[name]:
				if g := arrGetter(res, tI); g(0).Int != 0 || g(1).Int != 0 || g(0).Null {
					t.Errorf("%s over NULLs = %+v, %+v; want 0", name, g(0), g(1))
				}
			default:
				if res.NullN() != 2 {
					t.Errorf("%s(distinct=%v) over NULLs: %d non-NULL results", name, distinct, 2-res.NullN())
				}
			}
		}
	}
}

// Describe lists the functions the catalog resolves, with their
// signatures, and no operator kernel.
func TestDescribe(t *testing.T) {
	c := NewCatalog()
	byName := map[string]FuncInfo{}
	for _, f := range c.Describe() {
		byName[f.Name] = f
		if len(f.Signatures) == 0 {
			t.Errorf("%s: no signature", f.Name)
		}
		if f.Aggregate != c.IsAggregate(f.Name) {
			t.Errorf("%s: aggregate %v, catalog says %v", f.Name, f.Aggregate, c.IsAggregate(f.Name))
		}
	}
	for _, n := range c.Names() {
		if _, ok := byName[n]; !ok && !operatorKernels[n] {
			t.Errorf("%s is resolvable but not described", n)
		}
	}
	if _, ok := byName["add"]; ok {
		t.Error("operator kernel add is listed")
	}
	if s := byName["split_part"].Signatures; len(s) != 1 || s[0] != "(varchar, varchar, bigint) → varchar" {
		t.Errorf("split_part: %q", s)
	}
	if !byName["count"].Aggregate {
		t.Error("count is not an aggregate")
	}
}
