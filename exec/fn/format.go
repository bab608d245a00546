package fn

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ctlake/ctlake/planner"
)

// format(fmt, args…) follows Java's String.format, which Trino calls:
// %[index$][flags][width][.precision]conversion with conversions b, s, S,
// c, d, o, x, X, e, E, f, g, G, % and n, flags - # + space 0 , and (.
// Arguments are the SQL values as Java would see them: bigint a Long,
// double a Double, varchar a String, boolean a Boolean, date 2024-05-01,
// timestamp 2024-05-01T10:20:30.250 (LocalDateTime's text), NULL "null".
// A conversion that does not fit its argument (%d of a double) is an error,
// as in Java. Date/time conversions (%t) are not supported.

func (c *Catalog) addFormat() {
	c.generic("format", "(varchar, T...)", func(args []planner.Type) *Scalar {
		if len(args) < 1 || (args[0].Kind != planner.KindVarchar && args[0].Kind != planner.KindUnknown) {
			return nil
		}
		ps := append([]planner.Type{tV}, args[1:]...)
		for _, t := range ps[1:] {
			if !isScalarKind(t) {
				return nil
			}
		}
		types := ps
		return &Scalar{Ps: ps, Ret: tV, Kernel: rowKernel(ps, tV, true, func(a []planner.Value) (planner.Value, error) {
			if a[0].Null {
				return vnull, nil
			}
			s, err := javaFormat(a[0].Str, a[1:], types[1:])
			return v(s), err
		})}
	})
}

// maxFormatWidth bounds a conversion's width and precision, so that a
// format string cannot ask for a gigabyte of padding.
const maxFormatWidth = 1 << 16

type fmtArg struct {
	v planner.Value
	t planner.Type
}

func javaFormat(f string, vals []planner.Value, types []planner.Type) (string, error) {
	var b strings.Builder
	next := 0
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		j := i + 1
		// [index$]
		index := -1
		k := j
		for k < len(f) && f[k] >= '0' && f[k] <= '9' {
			k++
		}
		if k < len(f) && f[k] == '$' && k > j {
			n, _ := strconv.Atoi(f[j:k])
			index, j = n-1, k+1
		}
		flags := ""
		for j < len(f) && strings.IndexByte("-#+ 0,(", f[j]) >= 0 {
			flags += string(f[j])
			j++
		}
		width := -1
		k = j
		for k < len(f) && f[k] >= '0' && f[k] <= '9' {
			k++
		}
		if k > j {
			digits := f[j:k]
			width, _ = strconv.Atoi(digits)
			if len(digits) > 6 || width > maxFormatWidth {
				return "", fmt.Errorf("Invalid format string: width %s is too large", digits)
			}
			j = k
		}
		prec := -1
		if j < len(f) && f[j] == '.' {
			k = j + 1
			for k < len(f) && f[k] >= '0' && f[k] <= '9' {
				k++
			}
			if k == j+1 {
				return "", fmt.Errorf("Invalid format string: %s", f)
			}
			digits := f[j+1 : k]
			prec, _ = strconv.Atoi(digits)
			if len(digits) > 6 || prec > maxFormatWidth {
				return "", fmt.Errorf("Invalid format string: precision %s is too large", digits)
			}
			j = k
		}
		if j >= len(f) {
			return "", fmt.Errorf("Invalid format string: %s (incomplete conversion)", f)
		}
		conv := f[j]
		i = j
		switch conv {
		case '%':
			b.WriteString(fmtPad("%", width, flags))
			continue
		case 'n':
			b.WriteByte('\n')
			continue
		}
		ai := index
		if ai < 0 {
			ai = next
			next++
		}
		if ai >= len(vals) {
			return "", fmt.Errorf("Invalid format string: %s (missing argument for %%%c)", f, conv)
		}
		s, err := formatOne(conv, flags, prec, fmtArg{vals[ai], types[ai]})
		if err != nil {
			return "", err
		}
		b.WriteString(fmtPad(s, width, flags))
	}
	return b.String(), nil
}

func fmtPad(s string, width int, flags string) string {
	n := len([]rune(s))
	if width <= n {
		return s
	}
	fill := strings.Repeat(" ", width-n)
	if strings.Contains(flags, "-") {
		return s + fill
	}
	if strings.Contains(flags, "0") {
		sign := ""
		if s != "" && (s[0] == '-' || s[0] == '+') {
			sign, s = s[:1], s[1:]
		}
		return sign + strings.Repeat("0", width-n) + s
	}
	return fill + s
}

// javaText is an argument's text as Java's String.valueOf gives it.
func javaText(a fmtArg) string {
	if a.v.Null {
		return "null"
	}
	switch a.t.Kind {
	case planner.KindBoolean:
		return strconv.FormatBool(a.v.Bool)
	case planner.KindBigint:
		return strconv.FormatInt(a.v.Int, 10)
	case planner.KindDouble:
		return javaDouble(a.v.Float)
	case planner.KindDate:
		return formatDate(a.v.Int)
	case planner.KindTimestamp:
		t := time.Unix(0, a.v.Int).UTC()
		s := t.Format("2006-01-02T15:04")
		if t.Second() != 0 || t.Nanosecond() != 0 {
			s += t.Format(":05")
		}
		if ms := t.Nanosecond() / 1e6; ms != 0 {
			s += fmt.Sprintf(".%03d", ms)
		}
		return s
	}
	return planner.FormatValue(a.v, a.t, false)
}

func formatOne(conv byte, flags string, prec int, a fmtArg) (string, error) {
	bad := func() error {
		return fmt.Errorf("Invalid format string: %%%c does not take %s", conv, a.t)
	}
	cut := func(s string) string {
		if prec >= 0 && prec < len([]rune(s)) {
			return string([]rune(s)[:prec])
		}
		return s
	}
	switch conv {
	case 's':
		return cut(javaText(a)), nil
	case 'S':
		return strings.ToUpper(cut(javaText(a))), nil
	case 'b', 'B':
		s := "true"
		switch {
		case a.v.Null:
			s = "false"
		case a.t.Kind == planner.KindBoolean:
			s = strconv.FormatBool(a.v.Bool)
		}
		if conv == 'B' {
			s = strings.ToUpper(s)
		}
		return cut(s), nil
	}
	if a.v.Null {
		return "null", nil
	}
	switch conv {
	case 'c':
		if a.t.Kind != planner.KindBigint {
			return "", bad()
		}
		return string(rune(a.v.Int)), nil
	case 'd', 'o', 'x', 'X':
		if a.t.Kind != planner.KindBigint {
			return "", bad()
		}
		n := a.v.Int
		var s string
		switch conv {
		case 'd':
			s = strconv.FormatInt(n, 10)
			if strings.Contains(flags, ",") {
				s = group(s)
			}
			s = signed(s, n < 0, flags)
		case 'o':
			s = strconv.FormatUint(uint64(n), 8)
			if strings.Contains(flags, "#") {
				s = "0" + s
			}
		default:
			s = strconv.FormatUint(uint64(n), 16)
			if strings.Contains(flags, "#") {
				s = "0x" + s
			}
			if conv == 'X' {
				s = strings.ToUpper(s)
			}
		}
		return s, nil
	case 'e', 'E', 'f', 'g', 'G':
		var x float64
		switch a.t.Kind {
		case planner.KindDouble:
			x = a.v.Float
		default:
			return "", bad()
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return javaDouble(x), nil
		}
		if prec < 0 {
			prec = 6
		}
		var s string
		switch conv {
		case 'f':
			s = strconv.FormatFloat(math.Abs(x), 'f', prec, 64)
			if strings.Contains(flags, ",") {
				intPart, frac, _ := strings.Cut(s, ".")
				s = group(intPart)
				if frac != "" {
					s += "." + frac
				}
			}
		case 'e', 'E':
			s = strconv.FormatFloat(math.Abs(x), 'e', prec, 64)
		default:
			// Java: plain notation for 1e-4 <= |x| < 10^precision, else
			// scientific, with precision significant digits.
			if prec == 0 {
				prec = 1
			}
			ax := math.Abs(x)
			if ax != 0 && (ax < 1e-4 || ax >= math.Pow(10, float64(prec))) {
				s = strconv.FormatFloat(ax, 'e', prec-1, 64)
			} else {
				digits := prec - 1
				if ax != 0 {
					digits = prec - 1 - int(math.Floor(math.Log10(ax)))
				}
				s = strconv.FormatFloat(ax, 'f', max(digits, 0), 64)
			}
		}
		if conv == 'E' || conv == 'G' {
			s = strings.ToUpper(s)
		}
		return signed(s, math.Signbit(x), flags), nil
	}
	return "", fmt.Errorf("Invalid format string: unknown conversion %%%c", conv)
}

// signed applies a sign and the + space ( flags to a magnitude's text.
func signed(s string, neg bool, flags string) string {
	s = strings.TrimPrefix(s, "-")
	switch {
	case neg && strings.Contains(flags, "("):
		return "(" + s + ")"
	case neg:
		return "-" + s
	case strings.Contains(flags, "+"):
		return "+" + s
	case strings.Contains(flags, " "):
		return " " + s
	}
	return s
}

// group inserts thousands separators into a run of digits (sign kept).
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}
