package querytest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

const nsPerDay = int64(24 * time.Hour)

// cast converts v from one type to another. Casts between simple scalars
// follow Trino's rules, written out here independently of fn/cast.go;
// anything involving json or compound types runs fn's cast kernel.
func (r *Reference) cast(v any, from, to planner.Type) (any, error) {
	if v == nil || from.Kind == planner.KindUnknown {
		return nil, nil
	}
	if from.Equal(to) {
		return v, nil
	}
	fail := func() (any, error) {
		return nil, fmt.Errorf("Cannot cast '%s' to %s", Render(v, from), strings.ToUpper(to.String()))
	}
	switch from.Kind {
	case planner.KindVarchar:
		s := v.(string)
		switch to.Kind {
		case planner.KindBigint:
			// Java's Long.parseLong: optional sign, then digits only.
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || strings.HasPrefix(s, "+") && len(s) == 1 {
				return fail()
			}
			return n, nil
		case planner.KindDouble:
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return fail()
			}
			return f, nil
		case planner.KindBoolean:
			switch strings.ToLower(s) {
			case "true", "t", "1":
				return true, nil
			case "false", "f", "0":
				return false, nil
			}
			return fail()
		case planner.KindDate:
			d, err := time.Parse("2006-01-02", strings.TrimSpace(s))
			if err != nil {
				return fail()
			}
			return floorDiv(d.Unix()*int64(time.Second), nsPerDay), nil
		case planner.KindTimestamp:
			if t, ok := parseTimestamp(strings.TrimSpace(s)); ok {
				return t, nil
			}
			return fail()
		}
	case planner.KindBigint:
		n := v.(int64)
		switch to.Kind {
		case planner.KindVarchar:
			return strconv.FormatInt(n, 10), nil
		case planner.KindDouble:
			return float64(n), nil
		case planner.KindBoolean:
			return n != 0, nil
		}
	case planner.KindDouble:
		f := v.(float64)
		switch to.Kind {
		case planner.KindBigint:
			if math.IsNaN(f) || math.Abs(f) >= 9.223372036854775807e18 {
				return fail()
			}
			return int64(math.Round(f)), nil // half away from zero
		case planner.KindBoolean:
			return f != 0, nil
		}
	case planner.KindBoolean:
		switch to.Kind {
		case planner.KindVarchar:
			return strconv.FormatBool(v.(bool)), nil
		case planner.KindBigint:
			if v.(bool) {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case planner.KindTimestamp:
		switch to.Kind {
		case planner.KindVarchar:
			return time.Unix(0, v.(int64)).UTC().Format("2006-01-02 15:04:05.000"), nil
		case planner.KindDate:
			return floorDiv(v.(int64), nsPerDay), nil
		}
	case planner.KindDate:
		switch to.Kind {
		case planner.KindVarchar:
			return time.Unix(v.(int64)*86400, 0).UTC().Format("2006-01-02"), nil
		case planner.KindTimestamp:
			return v.(int64) * nsPerDay, nil
		}
	}
	return kernelCast(v, from, to)
}

// kernelCast runs fn's cast kernel on one value (json and compound casts,
// double to varchar's Java spelling).
func kernelCast(v any, from, to planner.Type) (any, error) {
	k, err := fn.CastKernel(from, to, false)
	if err != nil {
		return nil, err
	}
	out, err := k(&fn.Context{Mem: memory.DefaultAllocator}, []fn.Vec{{Arr: ToArrow(v, from)}}, 1)
	if err != nil {
		return nil, err
	}
	defer out.Release()
	return FromArrow(out, 0, to), nil
}

// parseTimestamp accepts Trino's 'yyyy-mm-dd[ hh:mm[:ss[.f…]]]' and the
// ISO-8601 spellings CloudTrail uses (T separator, Z or an offset).
func parseTimestamp(s string) (int64, bool) {
	layouts := []string{
		"2006-01-02",
		"2006-01-02 15:04",
		"2006-01-02 15:04:05",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05.999999999Z07:00",
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
