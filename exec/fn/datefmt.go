package fn

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MySQL-style format strings of date_format and date_parse, with Trino's
// choices: %f prints the fraction truncated to milliseconds as 6 digits
// (123000); %D, %U, %u, %V, %w and %X are not supported (an error, as in
// Trino); %x for an unlisted x prints x.

func pad2(b []byte, n int) []byte {
	if n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

func hour12(h int) int {
	h %= 12
	if h == 0 {
		return 12
	}
	return h
}

func mysqlFormat(ns int64, f string) (string, error) {
	t := utc(ns)
	b := make([]byte, 0, len(f)+16)
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 == len(f) {
			b = append(b, c)
			continue
		}
		i++
		switch f[i] {
		case 'a':
			b = append(b, t.Weekday().String()[:3]...)
		case 'b':
			b = append(b, t.Month().String()[:3]...)
		case 'c':
			b = strconv.AppendInt(b, int64(t.Month()), 10)
		case 'd':
			b = pad2(b, t.Day())
		case 'e':
			b = strconv.AppendInt(b, int64(t.Day()), 10)
		case 'f':
			b = append(b, fmt.Sprintf("%06d", t.Nanosecond()/1e6*1000)...)
		case 'H':
			b = pad2(b, t.Hour())
		case 'h', 'I':
			b = pad2(b, hour12(t.Hour()))
		case 'i':
			b = pad2(b, t.Minute())
		case 'j':
			b = append(b, fmt.Sprintf("%03d", t.YearDay())...)
		case 'k':
			b = strconv.AppendInt(b, int64(t.Hour()), 10)
		case 'l':
			b = strconv.AppendInt(b, int64(hour12(t.Hour())), 10)
		case 'M':
			b = append(b, t.Month().String()...)
		case 'm':
			b = pad2(b, int(t.Month()))
		case 'p':
			if t.Hour() < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'r':
			b = pad2(b, hour12(t.Hour()))
			b = append(b, ':')
			b = pad2(b, t.Minute())
			b = append(b, ':')
			b = pad2(b, t.Second())
			if t.Hour() < 12 {
				b = append(b, " AM"...)
			} else {
				b = append(b, " PM"...)
			}
		case 'S', 's':
			b = pad2(b, t.Second())
		case 'T':
			b = pad2(b, t.Hour())
			b = append(b, ':')
			b = pad2(b, t.Minute())
			b = append(b, ':')
			b = pad2(b, t.Second())
		case 'v':
			b = pad2(b, int(isoWeek(t)))
		case 'W':
			b = append(b, t.Weekday().String()...)
		case 'x':
			b = append(b, fmt.Sprintf("%04d", isoYear(t))...)
		case 'Y':
			b = append(b, fmt.Sprintf("%04d", t.Year())...)
		case 'y':
			b = pad2(b, t.Year()%100)
		case 'D', 'U', 'u', 'V', 'w', 'X':
			return "", fmt.Errorf("%%%c not supported in date format string", f[i])
		default:
			b = append(b, f[i])
		}
	}
	return string(b), nil
}

var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	for i := time.January; i <= time.December; i++ {
		m[strings.ToLower(i.String())] = i
		m[strings.ToLower(i.String()[:3])] = i
	}
	return m
}()

// mysqlParse is date_parse: it reads s with format f into a UTC timestamp.
// Fields not in the format default to 1970-01-01 00:00:00.
func mysqlParse(s, f string) (int64, error) {
	bad := fmt.Errorf("Invalid format: \"%s\"", s)
	y, mo, d, h, mi, sec, frac := 1970, 1, 1, 0, 0, 0, 0
	pm, has12 := false, false
	num := func(max int) (int, bool) {
		v, n := scanInt(s, 1, max)
		if n == 0 {
			return 0, false
		}
		s = s[n:]
		return v, true
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 == len(f) {
			if s == "" || s[0] != c {
				return 0, bad
			}
			s = s[1:]
			continue
		}
		i++
		ok := true
		switch f[i] {
		case 'Y':
			y, ok = num(4)
		case 'y':
			y, ok = num(2)
			y += 2000
			if y > 2069 {
				y -= 100
			}
		case 'm', 'c':
			mo, ok = num(2)
		case 'd', 'e':
			d, ok = num(2)
		case 'H', 'k':
			h, ok = num(2)
		case 'h', 'I', 'l':
			h, ok = num(2)
			has12 = true
		case 'i':
			mi, ok = num(2)
		case 'S', 's':
			sec, ok = num(2)
		case 'f':
			var n int
			frac, n = scanInt(s, 1, 9)
			ok = n > 0
			s = s[n:]
			for k := n; k < 9; k++ {
				frac *= 10
			}
		case 'p':
			ok = len(s) >= 2
			if ok {
				switch strings.ToUpper(s[:2]) {
				case "AM":
				case "PM":
					pm = true
				default:
					ok = false
				}
				s = s[2:]
			}
		case 'T':
			if h, ok = num(2); ok && strings.HasPrefix(s, ":") {
				s = s[1:]
				if mi, ok = num(2); ok && strings.HasPrefix(s, ":") {
					s = s[1:]
					sec, ok = num(2)
				} else {
					ok = false
				}
			} else {
				ok = false
			}
		case 'b', 'M':
			j := 0
			for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			var m time.Month
			m, ok = monthNames[strings.ToLower(s[:j])]
			mo = int(m)
			s = s[j:]
		case '%':
			ok = strings.HasPrefix(s, "%")
			if ok {
				s = s[1:]
			}
		default:
			return 0, fmt.Errorf("%%%c not supported in date_parse format string", f[i])
		}
		if !ok {
			return 0, bad
		}
	}
	if s != "" {
		return 0, bad
	}
	if has12 {
		if h < 1 || h > 12 {
			return 0, bad
		}
		h %= 12
		if pm {
			h += 12
		}
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, time.Month(mo)) || h > 23 || mi > 59 || sec > 59 {
		return 0, bad
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, frac, time.UTC).UnixNano(), nil
}

// jodaFormat is format_datetime: a Joda-Time pattern over a UTC instant.
// Supported letters: y (year; yy two digits), M (M, MM, MMM, MMMM), d, D
// (day of year), H, h, k, K, m, s, S (fraction, as many digits as letters),
// a (AM/PM), E (EEE short, EEEE long day name), e (ISO day of week),
// Z (+0000; ZZ +00:00), z (UTC), and 'quoted text' (” for a quote).
// Other letters are an error; other characters print as they are.
func jodaFormat(ns int64, f string) (string, error) {
	t := utc(ns)
	b := make([]byte, 0, len(f)+16)
	num := func(v, width int) {
		s := strconv.Itoa(v)
		for k := len(s); k < width; k++ {
			b = append(b, '0')
		}
		b = append(b, s...)
	}
	for i := 0; i < len(f); {
		c := f[i]
		j := i
		for j < len(f) && f[j] == c {
			j++
		}
		n := j - i
		switch c {
		case '\'':
			if n >= 2 { // '' is a quote
				for k := 0; k < n/2; k++ {
					b = append(b, '\'')
				}
				i += n / 2 * 2
				continue
			}
			end := strings.IndexByte(f[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("Invalid pattern: unterminated quote in %q", f)
			}
			b = append(b, f[i+1:i+1+end]...)
			i += end + 2
			continue
		case 'y', 'Y', 'x':
			if n == 2 {
				num(t.Year()%100, 2)
			} else {
				num(t.Year(), n)
			}
		case 'M':
			switch {
			case n >= 4:
				b = append(b, t.Month().String()...)
			case n == 3:
				b = append(b, t.Month().String()[:3]...)
			default:
				num(int(t.Month()), n)
			}
		case 'd':
			num(t.Day(), n)
		case 'D':
			num(t.YearDay(), n)
		case 'H':
			num(t.Hour(), n)
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			num(h, n)
		case 'h':
			num(hour12(t.Hour()), n)
		case 'K':
			num(t.Hour()%12, n)
		case 'm':
			num(t.Minute(), n)
		case 's':
			num(t.Second(), n)
		case 'S':
			frac := fmt.Sprintf("%09d", t.Nanosecond())
			for k := 0; k < n; k++ {
				if k < 9 {
					b = append(b, frac[k])
				} else {
					b = append(b, '0')
				}
			}
		case 'a':
			if t.Hour() < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'E':
			if n >= 4 {
				b = append(b, t.Weekday().String()...)
			} else {
				b = append(b, t.Weekday().String()[:3]...)
			}
		case 'e':
			num(int(dayOfWeek(t)), n)
		case 'Z':
			if n == 1 {
				b = append(b, "+0000"...)
			} else {
				b = append(b, "+00:00"...)
			}
		case 'z':
			b = append(b, "UTC"...)
		default:
			if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
				return "", fmt.Errorf("Illegal pattern component: %s", f[i:j])
			}
			b = append(b, f[i:j]...)
		}
		i = j
	}
	return string(b), nil
}
