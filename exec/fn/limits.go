package fn

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Output size limits. A function whose result size is driven by an
// argument (lpad's length, replace's replacement, concat's arguments, a
// regexp replacement) checks the size before building the value, so
// lpad('x', 2000000000, 'y') is an error rather than a 4 GB allocation.
// Trino accepts strings up to 2 GB and relies on its per-query memory
// pools; ctlake kernels run outside the operators' memory accounting, so
// values are capped at a size no CloudTrail query needs (the largest
// events are about 256 KB).
const (
	// maxValueBytes caps one string a function builds.
	maxValueBytes = 64 << 20
	// maxBatchBytes caps the string data of one result array: Arrow's
	// varchar offsets are 32-bit, and overflowing them corrupts the array.
	maxBatchBytes = 1 << 30
	// maxArrayElements caps one array a function builds (concatenations).
	maxArrayElements = 64 << 20
)

// errValueTooLarge reports that fn would build a string of n bytes.
func errValueTooLarge(fn string, n int64) error {
	return fmt.Errorf("%s: result of %s is too large (a string value may hold at most %s)", fn, sizeText(n), sizeText(maxValueBytes))
}

// sizeText renders a byte count: 64 MiB, 3.7 GiB, 512 bytes.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// cappedBuilder is a strings.Builder that refuses to grow past
// maxValueBytes (concat_ws, array_join).
type cappedBuilder struct {
	strings.Builder
	fn  string
	err error
}

func (b *cappedBuilder) add(s string) {
	if b.err != nil {
		return
	}
	if n := int64(b.Len()) + int64(len(s)); n > maxValueBytes {
		b.err = errValueTooLarge(b.fn, n)
		return
	}
	b.WriteString(s)
}

// checkReplace refuses replace(s, from, to) results over maxValueBytes,
// counting occurrences before anything is built (an empty from inserts to
// between every character, as in Trino).
func checkReplace(s, from, to string) error {
	if len(to) <= len(from) {
		return nil
	}
	n := int64(strings.Count(s, from)) // runes+1 for an empty from
	if size := int64(len(s)) + n*int64(len(to)-len(from)); size > maxValueBytes {
		return errValueTooLarge("replace", size)
	}
	return nil
}

// checkRegexpReplace refuses regexp_replace results over maxValueBytes.
// tmpl is the Go replacement template; a $ reference expands to a group,
// at most its whole match. Short inputs pass on a bound without looking
// at matches; longer ones count matches first (searching from each
// match's end, which may see an anchor differently from the replacement
// pass: the count is an estimate, the batch limit the backstop).
func checkRegexpReplace(re *regexp.Regexp, s, tmpl string) error {
	refs := int64(strings.Count(tmpl, "$"))
	lit := int64(len(tmpl))
	n := int64(len(s))
	if n*(1+refs)+(n+1)*lit <= maxValueBytes {
		return nil
	}
	size := n
	for pos := 0; pos <= len(s); {
		loc := re.FindStringIndex(s[pos:])
		if loc == nil {
			break
		}
		m := int64(loc[1] - loc[0])
		if size += lit + refs*m - m; size > maxValueBytes {
			return errValueTooLarge("regexp_replace", size)
		}
		next := pos + loc[1]
		if loc[0] == loc[1] { // an empty match: the next search starts a character later
			if next >= len(s) {
				break
			}
			_, w := utf8.DecodeRuneInString(s[next:])
			next += w
		}
		pos = next
	}
	return nil
}
