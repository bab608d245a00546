package planner

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	// Zone names resolve through the tz database embedded in the binary
	// when the host has none (containers, Windows), so AT TIME ZONE works
	// everywhere. Go prefers a host's /usr/share/zoneinfo when present.
	_ "time/tzdata"

	"github.com/apache/arrow/go/v17/arrow"
)

// LoadZone resolves a Trino time zone: an IANA name in any case
// (america/new_york), UTC (also Z, GMT, Etc/UTC), or a fixed offset +HH:MM,
// -HH, +HHMM. It returns the location and the zone's canonical name as
// Trino prints it (America/New_York, UTC, +02:00).
func LoadZone(name string) (*time.Location, string, error) {
	s := strings.TrimSpace(name)
	switch strings.ToUpper(s) {
	case "UTC", "Z", "GMT", "UT", "ETC/UTC", "ETC/GMT", "ZULU", "UCT", "UNIVERSAL", "GREENWICH":
		return time.UTC, "UTC", nil
	}
	if s != "" && (s[0] == '+' || s[0] == '-') {
		secs, canon, ok := parseOffset(s)
		if !ok {
			return nil, "", fmt.Errorf("invalid time zone offset '%s' (want +HH:MM)", name)
		}
		if secs == 0 {
			return time.UTC, "UTC", nil
		}
		return time.FixedZone(canon, secs), canon, nil
	}
	if s == "" || strings.Contains(s, "..") || strings.HasPrefix(s, "/") {
		return nil, "", fmt.Errorf("unknown time zone '%s'", name)
	}
	for _, cand := range []string{s, titleZone(s), strings.ToUpper(s)} {
		if loc, err := time.LoadLocation(cand); err == nil {
			return loc, cand, nil
		}
	}
	return nil, "", fmt.Errorf("unknown time zone '%s'", name)
}

// titleZone capitalises each word of a zone name: america/new_york →
// America/New_York, europe/isle_of_man → Europe/Isle_Of_Man (tried before
// giving up; the exact spelling is tried first).
func titleZone(s string) string {
	b := []byte(strings.ToLower(s))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}

// parseOffset reads +HH:MM, +HHMM or +HH.
func parseOffset(s string) (int, string, bool) {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	d := strings.ReplaceAll(s[1:], ":", "")
	if len(d) != 2 && len(d) != 4 {
		return 0, "", false
	}
	h, err1 := strconv.Atoi(d[:2])
	m := 0
	var err2 error
	if len(d) == 4 {
		m, err2 = strconv.Atoi(d[2:])
	}
	if err1 != nil || err2 != nil || h > 14 || m > 59 {
		return 0, "", false
	}
	return sign * (h*3600 + m*60), fmt.Sprintf("%c%02d:%02d", s[0], h, m), true
}

// OffsetZone names a fixed offset in seconds as Trino does (+02:00).
func OffsetZone(secs int) string {
	if secs == 0 {
		return "UTC"
	}
	sign := '+'
	if secs < 0 {
		sign, secs = '-', -secs
	}
	return fmt.Sprintf("%c%02d:%02d", sign, secs/3600, secs%3600/60)
}

// arrowZone is the Arrow time zone of a timestamp with time zone column.
// Plain timestamps are "UTC" in Arrow, so a with-time-zone column in UTC
// says "Etc/UTC" to stay distinguishable; zoneFromArrow undoes it.
func arrowZone(zone string) string {
	if zone == "" || zone == "UTC" {
		return "Etc/UTC"
	}
	return zone
}

func zoneFromArrow(tz string) string {
	if tz == "Etc/UTC" {
		return "UTC"
	}
	return tz
}

// ZoneOfArrow returns the zone of a timestamp with time zone Arrow type,
// and false for plain timestamps (and every other type).
func ZoneOfArrow(dt arrow.DataType) (string, bool) {
	t, ok := dt.(*arrow.TimestampType)
	if !ok || t.TimeZone == "" || t.TimeZone == "UTC" {
		return "", false
	}
	return zoneFromArrow(t.TimeZone), true
}

// FormatTimestampTZ prints an instant in zone as Trino does:
// 2024-05-03 06:20:30.000 America/New_York.
func FormatTimestampTZ(ns int64, zone string) string {
	loc, canon, err := LoadZone(zone)
	if err != nil {
		loc, canon = time.UTC, "UTC"
	}
	return time.Unix(0, ns).In(loc).Format("2006-01-02 15:04:05.000") + " " + canon
}

// FormatIntervalDS prints an interval day to second (ns) as Trino does:
// 0 00:55:32.000, -1 02:00:00.500. Precision is milliseconds.
func FormatIntervalDS(ns int64) string {
	sign := ""
	ms := ns / 1e6
	if ms < 0 {
		sign, ms = "-", -ms
	}
	return fmt.Sprintf("%s%d %02d:%02d:%02d.%03d", sign, ms/86400000, ms/3600000%24, ms/60000%60, ms/1000%60, ms%1000)
}

// FormatIntervalYM prints an interval year to month as Trino does: 1-2
// (one year, two months), -0-3.
func FormatIntervalYM(months int64) string {
	sign := ""
	if months < 0 {
		sign, months = "-", -months
	}
	return fmt.Sprintf("%s%d-%d", sign, months/12, months%12)
}

// FormatVarbinary prints bytes as Trino's CLI does: hex pairs separated by
// spaces (48 65 6c 6c 6f).
func FormatVarbinary(b string) string {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		if i > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "%02x", b[i])
	}
	return sb.String()
}
