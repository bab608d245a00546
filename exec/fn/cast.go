package fn

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// CastKernel returns the kernel of CAST(x AS to) for x of type from, or of
// TRY_CAST when try is set (a failed conversion gives NULL instead of an
// error). The conversions follow Trino:
//
//   - varchar → bigint: optional sign and digits only, no spaces (Java's
//     Long.parseLong); → double: surrounding spaces allowed; → boolean:
//     true/false/t/f/1/0, any case; → date: yyyy-mm-dd after trimming;
//     → timestamp: 'yyyy-mm-dd', 'yyyy-mm-dd hh:mm[:ss[.fffffffff]]', and
//     (beyond Trino, for CloudTrail users) ISO-8601 with T, Z or an offset,
//     converted to UTC; → json: a JSON string (not parsed; json_parse parses).
//   - double → bigint rounds half away from zero; NaN or out of range fails.
//   - bigint/double/boolean → varchar use Trino's text (doubles as Java
//     prints them: 1.0, 1.0E20); timestamp → varchar is
//     'yyyy-mm-dd hh:mm:ss.fff'; date → 'yyyy-mm-dd'.
//   - json → varchar/bigint/double/boolean accept JSON scalars only.
//   - json ↔ array, map(varchar, …) and row: see cast_json.go.
//
// Failures name the value: "Cannot cast 'abc' to BIGINT".
func CastKernel(from, to planner.Type, try bool) (Kernel, error) {
	if from.Equal(to) {
		return identityKernel(to), nil
	}
	if k, ok, err := moreCasts(from, to, try); ok {
		return k, err
	}
	if from.Kind == planner.KindUnknown {
		if !isScalarKind(to) {
			return allNullKernel(to), nil
		}
		return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
			out := newValOut(ctx.Mem, to, n)
			for i := 0; i < n; i++ {
				out.set(i, vnull)
			}
			return out.finish(), nil
		}, nil
	}
	if k, ok := compoundCast(from, to, try); ok {
		return k, nil
	}
	conv := scalarCast(from, to)
	if conv == nil {
		return nil, fmt.Errorf("cannot cast %s to %s", from, to)
	}
	f := conv
	if try {
		f = func(a []planner.Value) (planner.Value, error) {
			r, err := conv(a)
			if err != nil {
				return vnull, nil
			}
			return r, nil
		}
	}
	return rowKernel(ts(from), to, false, f), nil
}

// identityKernel returns its argument (materialized when constant).
func identityKernel(t planner.Type) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		if !args[0].IsConst && args[0].Arr != nil {
			args[0].Arr.Retain()
			return args[0].Arr, nil
		}
		if !isScalarKind(t) { // compound constants are only NULLs
			return allNullKernel(t)(ctx, args, n)
		}
		out := newValOut(ctx.Mem, t, n)
		for i := 0; i < n; i++ {
			out.set(i, args[0].Const)
		}
		return out.finish(), nil
	}
}

// castErr names the value, clipped: casting a 2 MB document must not make
// a 2 MB message (FuzzJSONFunctions).
func castErr(s string, to string) error {
	return fmt.Errorf("Cannot cast '%s' to %s", clipText(s), to)
}

// scalarCast returns the conversion of one non-NULL value, or nil when the
// cast does not exist.
func scalarCast(from, to planner.Type) rowFn {
	switch from.Kind {
	case planner.KindVarchar:
		switch to.Kind {
		case planner.KindBigint:
			return func(a []planner.Value) (planner.Value, error) {
				i, err := parseBigint(a[0].Str)
				if err != nil {
					return vnull, castErr(a[0].Str, "BIGINT")
				}
				return vi(i), nil
			}
		case planner.KindDouble:
			return func(a []planner.Value) (planner.Value, error) {
				f, err := parseDouble(a[0].Str)
				if err != nil {
					return vnull, castErr(a[0].Str, "DOUBLE")
				}
				return vf(f), nil
			}
		case planner.KindBoolean:
			return func(a []planner.Value) (planner.Value, error) {
				switch strings.ToLower(a[0].Str) {
				case "true", "t", "1":
					return vb(true), nil
				case "false", "f", "0":
					return vb(false), nil
				}
				return vnull, castErr(a[0].Str, "BOOLEAN")
			}
		case planner.KindTimestamp:
			return func(a []planner.Value) (planner.Value, error) {
				ns, err := ParseTimestamp(a[0].Str)
				if err != nil {
					return vnull, fmt.Errorf("Value cannot be cast to timestamp: %s", a[0].Str)
				}
				return vi(ns), nil
			}
		case planner.KindDate:
			return func(a []planner.Value) (planner.Value, error) {
				d, err := parseDate(strings.TrimSpace(a[0].Str))
				if err != nil {
					return vnull, fmt.Errorf("Value cannot be cast to date: %s", a[0].Str)
				}
				return vi(d), nil
			}
		case planner.KindJSON:
			return func(a []planner.Value) (planner.Value, error) {
				return v(jsonQuote(a[0].Str)), nil
			}
		}
	case planner.KindBigint:
		switch to.Kind {
		case planner.KindVarchar, planner.KindJSON:
			return func(a []planner.Value) (planner.Value, error) { return v(strconv.FormatInt(a[0].Int, 10)), nil }
		case planner.KindDouble:
			return func(a []planner.Value) (planner.Value, error) { return vf(float64(a[0].Int)), nil }
		case planner.KindBoolean:
			return func(a []planner.Value) (planner.Value, error) { return vb(a[0].Int != 0), nil }
		}
	case planner.KindDouble:
		switch to.Kind {
		case planner.KindVarchar:
			return func(a []planner.Value) (planner.Value, error) { return v(javaDouble(a[0].Float)), nil }
		case planner.KindJSON:
			return func(a []planner.Value) (planner.Value, error) {
				f := a[0].Float
				if math.IsNaN(f) || math.IsInf(f, 0) {
					return v(strconv.Quote(javaDouble(f))), nil
				}
				return v(javaDouble(f)), nil
			}
		case planner.KindBigint:
			return func(a []planner.Value) (planner.Value, error) {
				i, ok := roundToInt(a[0].Float)
				if !ok {
					return vnull, fmt.Errorf("Unable to cast %s to bigint", javaDouble(a[0].Float))
				}
				return vi(i), nil
			}
		case planner.KindBoolean:
			return func(a []planner.Value) (planner.Value, error) { return vb(a[0].Float != 0), nil }
		}
	case planner.KindBoolean:
		switch to.Kind {
		case planner.KindVarchar, planner.KindJSON:
			return func(a []planner.Value) (planner.Value, error) { return v(strconv.FormatBool(a[0].Bool)), nil }
		case planner.KindBigint:
			return func(a []planner.Value) (planner.Value, error) { return vi(b2i(a[0].Bool)), nil }
		case planner.KindDouble:
			return func(a []planner.Value) (planner.Value, error) { return vf(float64(b2i(a[0].Bool))), nil }
		}
	case planner.KindTimestamp:
		switch to.Kind {
		case planner.KindVarchar:
			return func(a []planner.Value) (planner.Value, error) { return v(FormatTimestamp(a[0].Int)), nil }
		case planner.KindJSON:
			return func(a []planner.Value) (planner.Value, error) { return v(jsonQuote(FormatTimestamp(a[0].Int))), nil }
		case planner.KindDate:
			return func(a []planner.Value) (planner.Value, error) { return vi(floorDiv(a[0].Int, nsPerDay)), nil }
		}
	case planner.KindDate:
		switch to.Kind {
		case planner.KindVarchar:
			return func(a []planner.Value) (planner.Value, error) { return v(formatDate(a[0].Int)), nil }
		case planner.KindJSON:
			return func(a []planner.Value) (planner.Value, error) { return v(jsonQuote(formatDate(a[0].Int))), nil }
		case planner.KindTimestamp:
			return func(a []planner.Value) (planner.Value, error) { return vi(a[0].Int * nsPerDay), nil }
		}
	case planner.KindJSON:
		if to.Kind == planner.KindVarchar || to.Kind == planner.KindBigint || to.Kind == planner.KindDouble || to.Kind == planner.KindBoolean {
			return func(a []planner.Value) (planner.Value, error) { return jsonToScalar(a[0].Str, to) }
		}
	}
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// parseBigint follows Java's Long.parseLong: an optional sign, then digits.
func parseBigint(s string) (int64, error) {
	if s == "" || strings.ContainsAny(s, " \t\n_") {
		return 0, strconv.ErrSyntax
	}
	if s[0] == '+' && len(s) > 1 && s[1] != '-' && s[1] != '+' {
		s = s[1:]
	}
	return strconv.ParseInt(s, 10, 64)
}

// parseDouble follows Java's Double.parseDouble: surrounding whitespace is
// ignored; NaN and [+-]Infinity are spelled out; a trailing d/f is allowed.
func parseDouble(s string) (float64, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity", "+Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	if n := len(s); n > 1 && strings.ContainsRune("dDfF", rune(s[n-1])) {
		s = s[:n-1]
	}
	low := strings.ToLower(s)
	if strings.Contains(low, "inf") || strings.Contains(low, "nan") || strings.Contains(s, "_") || strings.HasPrefix(low, "0x") {
		return 0, strconv.ErrSyntax
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return 0, err
	}
	return f, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// roundToInt rounds half away from zero into int64.
func roundToInt(f float64) (int64, bool) {
	if math.IsNaN(f) {
		return 0, false
	}
	r := math.Round(f)
	if r >= 9.223372036854775807e18 || r < -9.223372036854775808e18 {
		return 0, false
	}
	return int64(r), true
}

// javaDouble prints a double as Java's Double.toString does, which is what
// Trino's CAST(double AS varchar) returns: 1.0, 0.001, 1.0E7, 1.5E-4, NaN,
// Infinity.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64) // 1.5E-04 style
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// FormatTimestamp prints a timestamp as Lake shows it: 2024-01-02 03:04:05.678.
func FormatTimestamp(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02 15:04:05.000")
}

func formatDate(days int64) string {
	return time.Unix(days*86400, 0).UTC().Format("2006-01-02")
}

// parseDate parses yyyy-m-d into days since the epoch.
func parseDate(s string) (int64, error) {
	y, m, d, rest, ok := scanDate(s)
	if !ok || rest != "" {
		return 0, fmt.Errorf("invalid date %q", s)
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400, nil
}

// scanDate reads [+-]yyyy-m-d from the start of s and checks the day exists.
func scanDate(s string) (y, m, d int, rest string, ok bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n int
	if y, n = scanInt(s, 4, 9); n == 0 {
		return
	}
	s = s[n:]
	if neg {
		y = -y
	}
	if s == "" || s[0] != '-' {
		return
	}
	if m, n = scanInt(s[1:], 1, 2); n == 0 {
		return
	}
	s = s[1+n:]
	if s == "" || s[0] != '-' {
		return
	}
	if d, n = scanInt(s[1:], 1, 2); n == 0 {
		return
	}
	s = s[1+n:]
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return
	}
	return y, m, d, s, true
}

// scanInt reads between lo and hi decimal digits.
func scanInt(s string, lo, hi int) (int, int) {
	v, n := 0, 0
	for n < len(s) && n < hi && s[n] >= '0' && s[n] <= '9' {
		v = v*10 + int(s[n]-'0')
		n++
	}
	if n < lo {
		return 0, 0
	}
	return v, n
}

// ParseTimestamp parses the timestamp spellings CloudTrail Lake users write:
// '2024-01-02', '2024-01-02 03:04', '2024-01-02 03:04:05', with an optional
// fraction of up to 9 digits, 'T' instead of the space, and an optional zone
// suffix (Z, UTC, +hh, +hh:mm, +hhmm) that is converted to UTC. Result in
// Unix ns.
func ParseTimestamp(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("invalid timestamp %q", orig)
	y, mo, d, rest, ok := scanDate(s)
	if !ok {
		return 0, bad
	}
	var hh, mm, ss, frac int
	if rest != "" && (rest[0] == ' ' || rest[0] == 'T' || rest[0] == 't') {
		r := rest[1:]
		var n int
		if hh, n = scanInt(r, 1, 2); n == 0 {
			return 0, bad
		}
		r = r[n:]
		if r == "" || r[0] != ':' {
			return 0, bad
		}
		if mm, n = scanInt(r[1:], 1, 2); n == 0 {
			return 0, bad
		}
		r = r[1+n:]
		if r != "" && r[0] == ':' {
			if ss, n = scanInt(r[1:], 1, 2); n == 0 {
				return 0, bad
			}
			r = r[1+n:]
			if r != "" && (r[0] == '.' || r[0] == ',') {
				digits, n := scanInt(r[1:], 1, 9)
				if n == 0 {
					return 0, bad
				}
				frac = digits
				for k := n; k < 9; k++ {
					frac *= 10
				}
				r = r[1+n:]
			}
		}
		if hh > 23 || mm > 59 || ss > 59 {
			return 0, bad
		}
		rest = r
	}
	offset, ok := parseZone(strings.TrimSpace(rest))
	if !ok {
		return 0, bad
	}
	t := time.Date(y, time.Month(mo), d, hh, mm, ss, frac, time.UTC)
	return t.UnixNano() - int64(offset)*int64(time.Second), nil
}

// parseZone reads a zone suffix: "", Z, UTC, +hh, +hh:mm, +hhmm; seconds
// east of UTC.
func parseZone(z string) (int, bool) {
	switch z {
	case "", "Z", "z", "UTC", "GMT":
		return 0, true
	}
	if z[0] != '+' && z[0] != '-' {
		return 0, false
	}
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	z = z[1:]
	h, n := scanInt(z, 2, 2)
	if n == 0 {
		return 0, false
	}
	z = z[n:]
	m := 0
	if z != "" {
		if z[0] == ':' {
			z = z[1:]
		}
		if m, n = scanInt(z, 2, 2); n == 0 || len(z) != 2 {
			return 0, false
		}
	}
	if h > 18 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}
