package ingest

// parseTime parses the timestamp spellings CloudTrail data arrives with and
// returns Unix nanoseconds (UTC):
//
//	2023-07-10T11:45:03Z   2023-07-10T11:45:03.123Z   2023-07-10T11:45:03+02:00
//	2023-07-10T11:45:03    2023-07-10 11:45:03        2023-07-10 11:45:03.000000000
//
// The date and time may be separated by 'T', 't' or a space; the fraction
// has 1 to 9 digits (more are accepted and truncated); the zone is 'Z', 'z',
// ±HH:MM, ±HHMM, ±HH or absent (absent means UTC). It is hand-written
// because time.Parse costs more than the rest of an event's decoding, and
// because one layout string cannot cover the variants above.
func parseTime(b []byte) (int64, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	if c := b[10]; c != 'T' && c != 't' && c != ' ' {
		return 0, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, false
	}
	// int64 nanoseconds span 1677-09-21 .. 2262-04-11.
	if year < 1678 || year > 2261 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	rest := b[19:]
	var frac int64
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		scale := int64(100000000)
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			frac += int64(rest[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == 1 {
			return 0, false
		}
		rest = rest[i:]
	}
	var offset int64 // seconds east of UTC
	switch {
	case len(rest) == 0:
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case rest[0] == '+' || rest[0] == '-':
		var oh, om int
		var ok bool
		switch {
		case len(rest) == 3:
			oh, ok = digits(rest[1:3])
		case len(rest) == 6 && rest[3] == ':':
			oh, ok = digits(rest[1:3])
			var ok2 bool
			om, ok2 = digits(rest[4:6])
			ok = ok && ok2
		case len(rest) == 5:
			oh, ok = digits(rest[1:3])
			var ok2 bool
			om, ok2 = digits(rest[3:5])
			ok = ok && ok2
		}
		if !ok || oh > 23 || om > 59 {
			return 0, false
		}
		offset = int64(oh*3600 + om*60)
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, false
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec) - offset
	return secs*1e9 + frac, true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}
