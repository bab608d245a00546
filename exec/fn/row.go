package fn

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// Row-at-a-time helpers over planner.Value for the long tail of functions
// whose per-row work dwarfs a function call (date_format, lpad, ...). Values
// are plain structs, never interfaces, so nothing is boxed.

// getter returns a reader of row i of v as a planner.Value of scalar type t.
func getter(v Vec, t planner.Type) func(i int) planner.Value {
	if v.IsConst {
		c := v.Const
		return func(int) planner.Value { return c }
	}
	return arrGetter(v.Arr, t)
}

func arrGetter(a arrow.Array, t planner.Type) func(i int) planner.Value {
	nl := arrNulls(a)
	null := planner.Value{Null: true}
	if nl.isConst {
		return func(int) planner.Value { return null }
	}
	switch t.Kind {
	case planner.KindBoolean:
		r := boolsOf(Vec{Arr: a})
		return func(i int) planner.Value {
			if r.null(i) {
				return null
			}
			return planner.Value{Bool: r.at(i)}
		}
	case planner.KindDouble:
		r := floatsOf(Vec{Arr: a})
		return func(i int) planner.Value {
			if r.null(i) {
				return null
			}
			return planner.Value{Float: r.at(i)}
		}
	case planner.KindVarchar, planner.KindJSON:
		r := strsOf(Vec{Arr: a})
		return func(i int) planner.Value {
			if r.null(i) {
				return null
			}
			return planner.Value{Str: r.at(i)}
		}
	case planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix:
		bin, ok := a.(*array.Binary)
		if !ok {
			return func(int) planner.Value { return null }
		}
		return func(i int) planner.Value {
			if bin.IsNull(i) {
				return null
			}
			return planner.Value{Str: string(bin.Value(i))}
		}
	case planner.KindUUID:
		return arrGetter(a, planner.Varchar)
	case planner.KindBigint, planner.KindTimestamp, planner.KindDate, planner.KindInterval, planner.KindIntervalYM, planner.KindTimestampTZ:
		r := intsOf(Vec{Arr: a})
		return func(i int) planner.Value {
			if r.null(i) {
				return null
			}
			return planner.Value{Int: r.at(i)}
		}
	}
	return func(int) planner.Value { return null }
}

// valOut collects scalar planner.Values of type t into an Arrow array.
type valOut struct {
	t   planner.Type
	i64 *fixedOut[int64]
	i32 *fixedOut[int32]
	f64 *fixedOut[float64]
	b   *boolOut
	s   *strOut
}

func newValOut(mem memory.Allocator, t planner.Type, n int) *valOut {
	o := &valOut{t: t}
	switch t.Kind {
	case planner.KindBoolean:
		o.b = newBoolOut(mem, n)
	case planner.KindDouble:
		o.f64 = newFixedOut[float64](mem, t.Arrow(), n)
	case planner.KindDate, planner.KindIntervalYM:
		o.i32 = newFixedOut[int32](mem, t.Arrow(), n)
	case planner.KindVarchar, planner.KindJSON, planner.KindUUID:
		o.s = newStrOut(mem, n, 0)
	case planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix:
		o.s = newBinOut(mem, n, 0)
	default:
		o.i64 = newFixedOut[int64](mem, t.Arrow(), n)
	}
	return o
}

// set stores row i; rows must be set in order 0, 1, ... (strings append).
func (o *valOut) set(i int, v planner.Value) {
	switch {
	case o.b != nil:
		if v.Null {
			o.b.setNull(i)
		} else {
			o.b.set(i, v.Bool)
		}
	case o.f64 != nil:
		if v.Null {
			o.f64.setNull(i)
		} else {
			o.f64.vals[i] = v.Float
		}
	case o.i32 != nil:
		if v.Null {
			o.i32.setNull(i)
		} else {
			o.i32.vals[i] = int32(v.Int)
		}
	case o.i64 != nil:
		if v.Null {
			o.i64.setNull(i)
		} else {
			o.i64.vals[i] = v.Int
		}
	default:
		if v.Null {
			o.s.appendNull()
		} else {
			o.s.appendString(v.Str)
		}
	}
}

// result is finish, or the error of a string output that passed
// maxBatchBytes.
func (o *valOut) result() (arrow.Array, error) {
	if o.s != nil {
		return o.s.result()
	}
	return o.finish(), nil
}

func (o *valOut) finish() arrow.Array {
	switch {
	case o.b != nil:
		return o.b.finish()
	case o.f64 != nil:
		return o.f64.finish()
	case o.i32 != nil:
		return o.i32.finish()
	case o.i64 != nil:
		return o.i64.finish()
	}
	return o.s.finish()
}

// rowFn is a scalar function of one row's argument values. It is called
// only when no argument is NULL unless the kernel was built with nullIn.
type rowFn func(args []planner.Value) (planner.Value, error)

// rowKernel turns a rowFn into a Kernel: NULL in gives NULL out without
// calling f, unless nullIn (f then sees NULL arguments itself).
func rowKernel(ps []planner.Type, ret planner.Type, nullIn bool, f rowFn) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		gets := make([]func(int) planner.Value, len(args))
		for j, a := range args {
			t := ps[len(ps)-1]
			if j < len(ps) {
				t = ps[j]
			}
			gets[j] = getter(a, t)
		}
		vals := make([]planner.Value, len(args))
		out := newValOut(ctx.Mem, ret, n)
	rows:
		for i := 0; i < n; i++ {
			work := 1 // a row, plus one per KB of text (regexes over long strings)
			for j, g := range gets {
				vals[j] = g(i)
				if vals[j].Null && !nullIn {
					out.set(i, planner.Value{Null: true})
					continue rows
				}
				work += len(vals[j].Str) >> 10
			}
			if err := ctx.Poll(work); err != nil {
				out.finish().Release()
				return nil, err
			}
			v, err := f(vals)
			if err != nil {
				out.finish().Release()
				return nil, err
			}
			out.set(i, v)
		}
		return out.result()
	}
}
