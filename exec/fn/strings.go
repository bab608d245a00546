package fn

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// strMap builds a varchar → varchar kernel from f, which appends the result
// for s to dst (so ASCII fast paths need no allocation).
func strMap(f func(dst []byte, s string) []byte) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		s := strsOf(args[0])
		out := newStrOut(ctx.Mem, n, dataLen(&s, n))
		var buf []byte
		for i := 0; i < n; i++ {
			if s.null(i) {
				out.appendNull()
				continue
			}
			buf = f(buf[:0], s.at(i))
			out.appendBytes(buf)
		}
		return out.finish(), nil
	}
}

// strTo builds a kernel from varchar arguments to a bigint or boolean result
// computed by f (called only for non-NULL rows).
func strPred(f func(a, b string) bool) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		a, b := strsOf(args[0]), strsOf(args[1])
		out := newBoolOut(ctx.Mem, n)
		for i := 0; i < n; i++ {
			if a.null(i) || b.null(i) {
				out.setNull(i)
				continue
			}
			out.set(i, f(a.at(i), b.at(i)))
		}
		return out.finish(), nil
	}
}

func lowerBytes(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return append(dst[:0], strings.ToLower(s)...)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func upperBytes(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return append(dst[:0], strings.ToUpper(s)...)
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// substr is Trino's substring: 1-based code points, a negative start counts
// from the end, start 0 or a start past either end gives ”.
func substr(s string, start, length int64, hasLen bool) string {
	if start == 0 || s == "" || (hasLen && length <= 0) {
		return ""
	}
	if start < 0 {
		cps := int64(utf8.RuneCountInString(s))
		start += cps + 1
		if start < 1 {
			return ""
		}
	}
	// Skip start-1 code points.
	i := 0
	for k := int64(1); k < start; k++ {
		if i >= len(s) {
			return ""
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	if i >= len(s) {
		return ""
	}
	if !hasLen {
		return s[i:]
	}
	j := i
	for k := int64(0); k < length && j < len(s); k++ {
		_, w := utf8.DecodeRuneInString(s[j:])
		j += w
	}
	return s[i:j]
}

// strpos is 1-based in code points, 0 when absent, 1 for an empty needle.
func strpos(s, sub string) int64 {
	idx := strings.Index(s, sub)
	if idx < 0 {
		return 0
	}
	return int64(utf8.RuneCountInString(s[:idx])) + 1
}

func splitPart(s, delim string, idx int64) (string, bool, error) {
	if idx <= 0 {
		return "", false, errors.New("Index must be greater than zero")
	}
	if delim == "" { // every code point is a part
		k := int64(1)
		for _, r := range s {
			if k == idx {
				return string(r), true, nil
			}
			k++
		}
		return "", false, nil
	}
	k := int64(1)
	for {
		j := strings.Index(s, delim)
		if j < 0 {
			if k == idx {
				return s, true, nil
			}
			return "", false, nil
		}
		if k == idx {
			return s[:j], true, nil
		}
		s = s[j+len(delim):]
		k++
	}
}

func pad(s string, size int64, padStr string, left bool) (string, error) {
	if size < 0 || size > 1<<31-1 {
		return "", fmt.Errorf("Target length must be in the range [0..%d]", 1<<31-1)
	}
	if padStr == "" {
		return "", errors.New("Padding string must not be empty")
	}
	cps := int64(utf8.RuneCountInString(s))
	if cps >= size {
		return substr(s, 1, size, true), nil
	}
	need := size - cps
	per := int64(utf8.RuneCountInString(padStr))
	// The exact size, before anything is allocated: whole copies of the
	// pad string plus the first need%per characters of one more.
	bytes := int64(len(s)) + need/per*int64(len(padStr)) + int64(len(substr(padStr, 1, need%per, true)))
	if bytes > maxValueBytes {
		fn := "rpad"
		if left {
			fn = "lpad"
		}
		return "", errValueTooLarge(fn, bytes)
	}
	f := substr(strings.Repeat(padStr, int((need+per-1)/per)), 1, need, true)
	if left {
		return f + s, nil
	}
	return s + f, nil
}

func trimSet(s, chars string, left, right bool) string {
	in := func(r rune) bool { return strings.ContainsRune(chars, r) }
	if left {
		s = strings.TrimLeftFunc(s, in)
	}
	if right {
		s = strings.TrimRightFunc(s, in)
	}
	return s
}

func reverseRunes(dst []byte, s string) []byte {
	for i := len(s); i > 0; {
		r, w := utf8.DecodeLastRuneInString(s[:i])
		if r == utf8.RuneError && w == 1 {
			dst = append(dst, s[i-1])
		} else {
			dst = utf8.AppendRune(dst, r)
		}
		i -= w
	}
	return dst
}

func v(s string) planner.Value   { return planner.Value{Str: s} }
func vi(i int64) planner.Value   { return planner.Value{Int: i} }
func vb(b bool) planner.Value    { return planner.Value{Bool: b} }
func vf(f float64) planner.Value { return planner.Value{Float: f} }

var vnull = planner.Value{Null: true}

func (c *Catalog) addStrings() {
	c.fixed("lower", ts(tV), tV, strMap(lowerBytes))
	c.fixed("upper", ts(tV), tV, strMap(upperBytes))
	c.fixed("reverse", ts(tV), tV, strMap(reverseRunes))
	c.fixed("trim", ts(tV), tV, strMap(func(d []byte, s string) []byte { return append(d, strings.TrimFunc(s, unicode.IsSpace)...) }))
	c.fixed("ltrim", ts(tV), tV, strMap(func(d []byte, s string) []byte { return append(d, strings.TrimLeftFunc(s, unicode.IsSpace)...) }))
	c.fixed("rtrim", ts(tV), tV, strMap(func(d []byte, s string) []byte { return append(d, strings.TrimRightFunc(s, unicode.IsSpace)...) }))
	for _, t := range []struct {
		name        string
		left, right bool
	}{{"trim", true, true}, {"ltrim", true, false}, {"rtrim", false, true}} {
		t := t
		c.fixed(t.name, ts(tV, tV), tV, rowKernel(ts(tV, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
			return v(trimSet(a[0].Str, a[1].Str, t.left, t.right)), nil
		}))
	}
	c.fixed("length", ts(tV), tI, lengthKernel)
	c.fixed("starts_with", ts(tV, tV), tB, strPred(strings.HasPrefix))
	c.fixed("ends_with", ts(tV, tV), tB, strPred(strings.HasSuffix))
	c.fixed("strpos", ts(tV, tV), tI, rowKernel(ts(tV, tV), tI, false, func(a []planner.Value) (planner.Value, error) {
		return vi(strpos(a[0].Str, a[1].Str)), nil
	}))
	// position(substring IN string) binds as position(substring, string).
	c.fixed("position", ts(tV, tV), tI, rowKernel(ts(tV, tV), tI, false, func(a []planner.Value) (planner.Value, error) {
		return vi(strpos(a[1].Str, a[0].Str)), nil
	}))
	c.fixed("substr,substring", ts(tV, tI), tV, rowKernel(ts(tV, tI), tV, false, func(a []planner.Value) (planner.Value, error) {
		return v(substr(a[0].Str, a[1].Int, 0, false)), nil
	}))
	c.fixed("substr,substring", ts(tV, tI, tI), tV, rowKernel(ts(tV, tI, tI), tV, false, func(a []planner.Value) (planner.Value, error) {
		return v(substr(a[0].Str, a[1].Int, a[2].Int, true)), nil
	}))
	c.fixed("replace", ts(tV, tV), tV, rowKernel(ts(tV, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		return v(strings.ReplaceAll(a[0].Str, a[1].Str, "")), nil
	}))
	c.fixed("replace", ts(tV, tV, tV), tV, rowKernel(ts(tV, tV, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		if err := checkReplace(a[0].Str, a[1].Str, a[2].Str); err != nil {
			return vnull, err
		}
		return v(strings.ReplaceAll(a[0].Str, a[1].Str, a[2].Str)), nil
	}))
	c.fixed("split_part", ts(tV, tV, tI), tV, rowKernel(ts(tV, tV, tI), tV, false, func(a []planner.Value) (planner.Value, error) {
		s, ok, err := splitPart(a[0].Str, a[1].Str, a[2].Int)
		if err != nil || !ok {
			return vnull, err
		}
		return v(s), nil
	}))
	c.fixed("lpad", ts(tV, tI, tV), tV, rowKernel(ts(tV, tI, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		s, err := pad(a[0].Str, a[1].Int, a[2].Str, true)
		return v(s), err
	}))
	c.fixed("rpad", ts(tV, tI, tV), tV, rowKernel(ts(tV, tI, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		s, err := pad(a[0].Str, a[1].Int, a[2].Str, false)
		return v(s), err
	}))
	c.fixed("chr", ts(tI), tV, rowKernel(ts(tI), tV, false, func(a []planner.Value) (planner.Value, error) {
		if a[0].Int < 0 || a[0].Int > unicode.MaxRune {
			return vnull, fmt.Errorf("Not a valid Unicode code point: %d", a[0].Int)
		}
		return v(string(rune(a[0].Int))), nil
	}))
	c.fixed("codepoint", ts(tV), tI, rowKernel(ts(tV), tI, false, func(a []planner.Value) (planner.Value, error) {
		if utf8.RuneCountInString(a[0].Str) != 1 {
			return vnull, fmt.Errorf("Input string must be a single character string: %q", a[0].Str)
		}
		r, _ := utf8.DecodeRuneInString(a[0].Str)
		return vi(int64(r)), nil
	}))
	c.fixed("split", ts(tV, tV), planner.ArrayOf(tV), splitKernel)
	c.fixed("strpos", ts(tV, tV, tI), tI, rowKernel(ts(tV, tV, tI), tI, false, func(a []planner.Value) (planner.Value, error) {
		p, err := strposInstance(a[0].Str, a[1].Str, a[2].Int)
		return vi(p), err
	}))
	// concat_ws skips NULL arguments; a NULL separator gives NULL.
	c.add(&Scalar{FName: "concat_ws", Ps: ts(tV, tV), Variadic: true, Ret: tV, Kernel: rowKernel(ts(tV, tV), tV, true, func(a []planner.Value) (planner.Value, error) {
		if a[0].Null {
			return vnull, nil
		}
		b := cappedBuilder{fn: "concat_ws"}
		first := true
		for _, x := range a[1:] {
			if x.Null {
				continue
			}
			if !first {
				b.add(a[0].Str)
			}
			b.add(x.Str)
			first = false
		}
		return v(b.String()), b.err
	})})
	c.fixed("levenshtein_distance", ts(tV, tV), tI, rowKernel(ts(tV, tV), tI, false, func(a []planner.Value) (planner.Value, error) {
		return vi(int64(editDistanceRunes([]rune(a[0].Str), []rune(a[1].Str)))), nil
	}))
	c.fixed("hamming_distance", ts(tV, tV), tI, rowKernel(ts(tV, tV), tI, false, func(a []planner.Value) (planner.Value, error) {
		x, y := []rune(a[0].Str), []rune(a[1].Str)
		if len(x) != len(y) {
			return vnull, errors.New("The input strings to hamming_distance function must have the same length")
		}
		d := 0
		for i := range x {
			if x[i] != y[i] {
				d++
			}
		}
		return vi(int64(d)), nil
	}))
}

// strposInstance is strpos(s, sub, instance): the position of the n-th
// occurrence, counted from the end when instance is negative.
func strposInstance(s, sub string, instance int64) (int64, error) {
	if instance == 0 {
		return 0, errors.New("'instance' must be a positive or negative number.")
	}
	if sub == "" {
		return 1, nil
	}
	if instance > 0 {
		idx := -1
		for k := int64(0); k < instance; k++ {
			j := strings.Index(s[idx+1:], sub)
			if j < 0 {
				return 0, nil
			}
			idx += 1 + j
		}
		return int64(utf8.RuneCountInString(s[:idx])) + 1, nil
	}
	end := len(s)
	idx := -1
	for k := int64(0); k < -instance; k++ {
		j := strings.LastIndex(s[:end], sub)
		if j < 0 {
			return 0, nil
		}
		idx, end = j, j+len(sub)-1
	}
	return int64(utf8.RuneCountInString(s[:idx])) + 1, nil
}

func editDistanceRunes(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func lengthKernel(ctx *Context, args []Vec, n int) (arrow.Array, error) {
	s := strsOf(args[0])
	out := newFixedOut[int64](ctx.Mem, tI.Arrow(), n)
	for i := 0; i < n; i++ {
		if s.null(i) {
			out.setNull(i)
			continue
		}
		out.vals[i] = int64(utf8.RuneCountInString(s.at(i)))
	}
	return out.finish(), nil
}

// splitKernel is split(string, delimiter) → array(varchar); an empty
// delimiter is an error, as in Trino.
func splitKernel(ctx *Context, args []Vec, n int) (arrow.Array, error) {
	s, d := strsOf(args[0]), strsOf(args[1])
	lb := array.NewListBuilder(ctx.Mem, arrow.BinaryTypes.String)
	defer lb.Release()
	eb := lb.ValueBuilder().(*array.StringBuilder)
	for i := 0; i < n; i++ {
		if s.null(i) || d.null(i) {
			lb.AppendNull()
			continue
		}
		str, delim := s.at(i), d.at(i)
		if delim == "" {
			return nil, errors.New("The delimiter may not be the empty string")
		}
		lb.Append(true)
		for {
			j := strings.Index(str, delim)
			if j < 0 {
				eb.Append(str)
				break
			}
			eb.Append(str[:j])
			str = str[j+len(delim):]
		}
	}
	return lb.NewArray(), nil
}

// newListOut is shared by kernels returning arrays.
func newListOut(mem memory.Allocator, elem arrow.DataType) *array.ListBuilder {
	return array.NewListBuilder(mem, elem)
}
