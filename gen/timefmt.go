package gen

// CloudTrail writes eventTime as "2024-05-01T13:45:07Z" and many
// responseElements dates as "May 1, 2024, 1:45:07 PM". time.Format is too slow
// for every event, so both are assembled from civil-date parts here.

func append2(dst []byte, v int) []byte { return append(dst, byte('0'+v/10), byte('0'+v%10)) }

func append4(dst []byte, v int) []byte {
	return append(dst, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// civil converts Unix seconds (>= 0) to a UTC date and time of day.
func civil(sec int64) (y, mo, d, h, mi, s int) {
	days := sec / 86400
	rem := int(sec - days*86400)
	h, mi, s = rem/3600, rem/60%60, rem%60
	// Howard Hinnant's days-to-civil algorithm.
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		mo = int(mp + 3)
	} else {
		mo = int(mp - 9)
	}
	if mo <= 2 {
		yy++
	}
	return int(yy), mo, d, h, mi, s
}

// appendISO appends sec as 2006-01-02T15:04:05Z (no quotes).
func appendISO(dst []byte, sec int64) []byte {
	y, mo, d, h, mi, s := civil(sec)
	dst = append4(dst, y)
	dst = append(dst, '-')
	dst = append2(dst, mo)
	dst = append(dst, '-')
	dst = append2(dst, d)
	dst = append(dst, 'T')
	dst = append2(dst, h)
	dst = append(dst, ':')
	dst = append2(dst, mi)
	dst = append(dst, ':')
	dst = append2(dst, s)
	return append(dst, 'Z')
}

var monthAbbr = [...]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// appendHuman appends sec as "May 1, 2024, 1:45:07 PM".
func appendHuman(dst []byte, sec int64) []byte {
	y, mo, d, h, mi, s := civil(sec)
	dst = append(dst, monthAbbr[mo]...)
	dst = append(dst, ' ')
	if d >= 10 {
		dst = append2(dst, d)
	} else {
		dst = append(dst, byte('0'+d))
	}
	dst = append(dst, ',', ' ')
	dst = append4(dst, y)
	dst = append(dst, ',', ' ')
	h12, pm := h%12, h >= 12
	if h12 == 0 {
		h12 = 12
	}
	if h12 >= 10 {
		dst = append2(dst, h12)
	} else {
		dst = append(dst, byte('0'+h12))
	}
	dst = append(dst, ':')
	dst = append2(dst, mi)
	dst = append(dst, ':')
	dst = append2(dst, s)
	if pm {
		return append(dst, " PM"...)
	}
	return append(dst, " AM"...)
}

// compactStamp formats t as CloudTrail's file-name stamp 20240501T1345Z.
func compactStamp(sec int64) string {
	y, mo, d, h, mi, _ := civil(sec)
	b := make([]byte, 0, 14)
	b = append4(b, y)
	b = append2(b, mo)
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, h)
	b = append2(b, mi)
	return string(append(b, 'Z'))
}

// datePath formats sec as YYYY/MM/DD.
func datePath(sec int64) string {
	y, mo, d, _, _, _ := civil(sec)
	b := make([]byte, 0, 10)
	b = append4(b, y)
	b = append(b, '/')
	b = append2(b, mo)
	b = append(b, '/')
	b = append2(b, d)
	return string(b)
}
