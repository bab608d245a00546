package fn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

type arrowArray = arrow.Array

// dmap builds a double → double kernel.
func dmap(f func(float64) float64) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		a := floatsOf(args[0])
		out := newFixedOut[float64](ctx.Mem, tD.Arrow(), n)
		for i := 0; i < n; i++ {
			if a.null(i) {
				out.setNull(i)
				continue
			}
			out.vals[i] = f(a.at(i))
		}
		return out.finish(), nil
	}
}

// roundHalfAway rounds x to d decimal places, half away from zero, as
// Trino's round(double, integer) does; NaN and infinities pass through.
func roundHalfAway(x float64, d int64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	if d > 300 {
		return x
	}
	if d < -300 {
		return 0
	}
	f := math.Pow10(int(d))
	y := x * f
	if math.IsInf(y, 0) {
		return x
	}
	return math.Round(y) / f
}

// roundInt rounds a bigint to d decimal places (only negative d changes it).
func roundInt(x, d int64) (int64, error) {
	if d >= 0 {
		return x, nil
	}
	if d < -18 {
		return 0, nil
	}
	p := int64(math.Pow10(int(-d)))
	q, r := x/p, x%p
	if r*2 >= p {
		q++
	} else if -r*2 >= p {
		q--
	}
	return mulInt(q, p)
}

func (c *Catalog) addMath() {
	c.fixed("abs", ts(tI), tI, rowKernel(ts(tI), tI, false, func(a []planner.Value) (planner.Value, error) {
		if a[0].Int == math.MinInt64 {
			return vnull, fmt.Errorf("Value -9223372036854775808 is out of range for abs(bigint)")
		}
		if a[0].Int < 0 {
			return vi(-a[0].Int), nil
		}
		return a[0], nil
	}))
	c.fixed("abs", ts(tD), tD, dmap(math.Abs))
	c.fixed("round", ts(tI), tI, identityKernel(tI))
	c.fixed("round", ts(tD), tD, dmap(func(x float64) float64 { return roundHalfAway(x, 0) }))
	c.fixed("round", ts(tI, tI), tI, intBin(tI, roundInt))
	c.fixed("round", ts(tD, tI), tD, rowKernel(ts(tD, tI), tD, false, func(a []planner.Value) (planner.Value, error) {
		return vf(roundHalfAway(a[0].Float, a[1].Int)), nil
	}))
	c.fixed("floor", ts(tI), tI, identityKernel(tI))
	c.fixed("floor", ts(tD), tD, dmap(math.Floor))
	c.fixed("ceil,ceiling", ts(tI), tI, identityKernel(tI))
	c.fixed("ceil,ceiling", ts(tD), tD, dmap(math.Ceil))
	c.fixed("truncate", ts(tD), tD, dmap(math.Trunc))
	c.fixed("sign", ts(tI), tI, rowKernel(ts(tI), tI, false, func(a []planner.Value) (planner.Value, error) {
		switch {
		case a[0].Int > 0:
			return vi(1), nil
		case a[0].Int < 0:
			return vi(-1), nil
		}
		return vi(0), nil
	}))
	c.fixed("sign", ts(tD), tD, dmap(func(x float64) float64 {
		switch {
		case math.IsNaN(x):
			return x
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}))
	c.fixed("sqrt", ts(tD), tD, dmap(math.Sqrt))
	c.fixed("cbrt", ts(tD), tD, dmap(math.Cbrt))
	c.fixed("ln", ts(tD), tD, dmap(math.Log))
	c.fixed("log10", ts(tD), tD, dmap(math.Log10))
	c.fixed("log2", ts(tD), tD, dmap(math.Log2))
	c.fixed("exp", ts(tD), tD, dmap(math.Exp))
	c.fixed("degrees", ts(tD), tD, dmap(func(x float64) float64 { return x * 180 / math.Pi }))
	c.fixed("radians", ts(tD), tD, dmap(func(x float64) float64 { return x * math.Pi / 180 }))
	c.fixed("power,pow", ts(tD, tD), tD, floatBin(math.Pow))
	c.fixed("log", ts(tD, tD), tD, floatBin(func(b, x float64) float64 { return math.Log(x) / math.Log(b) }))
	c.fixed("mod", ts(tI, tI), tI, intBin(tI, modInt))
	c.fixed("mod", ts(tD, tD), tD, floatBin(math.Mod))
	c.fixed("is_nan", ts(tD), tB, rowKernel(ts(tD), tB, false, func(a []planner.Value) (planner.Value, error) {
		return vb(math.IsNaN(a[0].Float)), nil
	}))
	constD := func(x float64) Kernel {
		return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
			out := newFixedOut[float64](ctx.Mem, tD.Arrow(), n)
			for i := range out.vals {
				out.vals[i] = x
			}
			return out.finish(), nil
		}
	}
	c.fixed("pi", nil, tD, constD(math.Pi))
	c.fixed("e", nil, tD, constD(math.E))
	c.fixed("infinity", nil, tD, constD(math.Inf(1)))
	c.fixed("nan", nil, tD, constD(math.NaN()))
	c.add(&Scalar{FName: "random", Ret: tD, NonDet: true, Kernel: func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		out := newFixedOut[float64](ctx.Mem, tD.Arrow(), n)
		for i := range out.vals {
			out.vals[i] = rand.Float64()
		}
		return out.finish(), nil
	}})
	c.add(&Scalar{FName: "rand", Ret: tD, NonDet: true, Kernel: c.scalars["random"][0].fixed.Kernel})
	for _, name := range []string{"greatest", "least"} {
		least := name == "least"
		c.generic(name, "(T, T...) with T orderable", func(args []planner.Type) *Scalar {
			t, ok := commonType(args)
			if !ok || len(args) < 1 || !isScalarKind(t) || !t.Orderable() {
				return nil
			}
			ps := make([]planner.Type, len(args))
			for i := range ps {
				ps[i] = t
			}
			return &Scalar{Ps: ps, Ret: t, Kernel: rowKernel(ps, t, false, func(a []planner.Value) (planner.Value, error) {
				best := a[0]
				for i, x := range a {
					if t.Kind == planner.KindDouble && math.IsNaN(x.Float) {
						return vnull, errors.New("Invalid argument to " + name + "(): NaN")
					}
					if i == 0 {
						continue
					}
					c := compareValues(x, best, t)
					if (least && c < 0) || (!least && c > 0) {
						best = x
					}
				}
				return best, nil
			})}
		})
	}
}

// commonType is the type every argument coerces to (Trino's common super
// type for the scalar types we have).
func commonType(args []planner.Type) (planner.Type, bool) {
	t := tU
	for _, a := range args {
		switch {
		case a.Kind == planner.KindUnknown:
		case t.Kind == planner.KindUnknown || t.Equal(a):
			t = a
		case coerceCost(a, t) > 0:
		case coerceCost(t, a) > 0:
			t = a
		default:
			return planner.Type{}, false
		}
	}
	return t, true
}

// compareValues orders two non-NULL scalar values of type t.
func compareValues(a, b planner.Value, t planner.Type) int {
	switch t.Kind {
	case planner.KindBoolean:
		return int(b2i(a.Bool) - b2i(b.Bool))
	case planner.KindDouble:
		switch {
		case a.Float < b.Float:
			return -1
		case a.Float > b.Float:
			return 1
		}
		return 0
	case planner.KindVarchar, planner.KindJSON, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix, planner.KindUUID:
		switch {
		case a.Str < b.Str:
			return -1
		case a.Str > b.Str:
			return 1
		}
		return 0
	}
	switch {
	case a.Int < b.Int:
		return -1
	case a.Int > b.Int:
		return 1
	}
	return 0
}
