package fn

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// Small functions that fit no family: typeof, current_timezone,
// is_finite/is_infinite, to_milliseconds, human_readable_seconds.

// constStrKernel returns s for every row (typeof never returns NULL).
func constStrKernel(s string) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		out := newStrOut(ctx.Mem, n, len(s)*n)
		for i := 0; i < n; i++ {
			out.appendString(s)
		}
		return out.finish(), nil
	}
}

// humanSeconds is Trino's human_readable_seconds: weeks, days, hours,
// minutes and seconds, largest first, rounded to whole seconds.
func humanSeconds(x float64) string {
	s := int64(math.Round(math.Abs(x)))
	units := []struct {
		name string
		n    int64
	}{{"week", 604800}, {"day", 86400}, {"hour", 3600}, {"minute", 60}, {"second", 1}}
	var parts []string
	for _, u := range units {
		if q := s / u.n; q > 0 || (u.n == 1 && len(parts) == 0) {
			name := u.name
			if q != 1 {
				name += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", q, name))
			s %= u.n
		}
	}
	return strings.Join(parts, ", ")
}

func (c *Catalog) addMisc() {
	c.generic("typeof", "(T)", func(args []planner.Type) *Scalar {
		if len(args) != 1 {
			return nil
		}
		return &Scalar{Ps: ts(args[0]), Ret: tV, Kernel: constStrKernel(args[0].String())}
	})
	c.add(&Scalar{FName: "current_timezone", Ret: tV, Kernel: constStrKernel("UTC")})
	c.fixed("is_finite", ts(tD), tB, rowKernel(ts(tD), tB, false, func(a []planner.Value) (planner.Value, error) {
		return vb(!math.IsInf(a[0].Float, 0) && !math.IsNaN(a[0].Float)), nil
	}))
	c.fixed("is_infinite", ts(tD), tB, rowKernel(ts(tD), tB, false, func(a []planner.Value) (planner.Value, error) {
		return vb(math.IsInf(a[0].Float, 0)), nil
	}))
	c.fixed("to_milliseconds", ts(tIDS), tI, rowKernel(ts(tIDS), tI, false, func(a []planner.Value) (planner.Value, error) {
		return vi(a[0].Int / nsPerMs), nil
	}))
	c.fixed("human_readable_seconds", ts(tD), tV, rowKernel(ts(tD), tV, false, func(a []planner.Value) (planner.Value, error) {
		if math.IsNaN(a[0].Float) || math.IsInf(a[0].Float, 0) {
			return vnull, fmt.Errorf("Invalid argument found: %v", a[0].Float)
		}
		return v(humanSeconds(a[0].Float)), nil
	}))
}
