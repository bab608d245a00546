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
