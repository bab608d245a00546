package fn

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow/array"
	"regexp"
	"strings"

	"github.com/ctlake/ctlake/planner"
)

// Regular expressions use Go's RE2 syntax. Trino's default engine (joni)
// takes Java syntax; the differences that matter in practice: no
// backreferences (\1) and no lookaround ((?=…), (?<=…)) here; possessive
// quantifiers are not supported; named groups may be written (?P<name>…) or
// (?<name>…). Matching is linear-time, so no pattern can blow up a query.
// Replacement strings follow Java: $n and ${name} refer to groups and \$
// is a literal dollar.

// regexCache compiles each distinct pattern once per kernel call.
type regexCache struct {
	last string
	re   *regexp.Regexp
	m    map[string]*regexp.Regexp
}

func (c *regexCache) get(p string) (*regexp.Regexp, error) {
	if c.re != nil && p == c.last {
		return c.re, nil
	}
	if re, ok := c.m[p]; ok {
		c.last, c.re = p, re
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %w", p, err)
	}
	if c.m == nil {
		c.m = map[string]*regexp.Regexp{}
	}
	key := strings.Clone(p)
	if len(c.m) < 1024 {
		c.m[key] = re
	}
	c.last, c.re = key, re
	return re, nil
}

// javaReplacement rewrites a Java replacement string into a Go Expand
// template: $n → ${n}, ${name} kept, \x → x (a literal), $$ for a dollar.
func javaReplacement(r string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch c {
		case '\\':
			if i+1 >= len(r) {
				return "", fmt.Errorf("Illegal replacement string: trailing backslash in %q", r)
			}
			i++
			if r[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(r[i])
			}
		case '$':
			if i+1 < len(r) && r[i+1] == '{' {
				end := strings.IndexByte(r[i:], '}')
				if end < 0 {
					return "", fmt.Errorf("Illegal replacement string: unclosed group name in %q", r)
				}
				b.WriteString(r[i : i+end+1])
				i += end
				continue
			}
			j := i + 1
			for j < len(r) && r[j] >= '0' && r[j] <= '9' {
				j++
			}
			if j == i+1 {
				return "", fmt.Errorf("Illegal replacement string: illegal group reference in %q", r)
			}
			b.WriteString("${" + r[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func (c *Catalog) addRegexps() {
	c.fixed("regexp_like", ts(tV, tV), tB, func(ctx *Context, args []Vec, n int) (arrowArray, error) {
		var rc regexCache
		return rowKernel(ts(tV, tV), tB, false, func(a []planner.Value) (planner.Value, error) {
			re, err := rc.get(a[1].Str)
			if err != nil {
				return vnull, err
			}
			return vb(re.MatchString(a[0].Str)), nil
		})(ctx, args, n)
	})
	extract := func(group bool) Kernel {
		ps := ts(tV, tV)
		if group {
			ps = ts(tV, tV, tI)
		}
		return func(ctx *Context, args []Vec, n int) (arrowArray, error) {
			var rc regexCache
			return rowKernel(ps, tV, false, func(a []planner.Value) (planner.Value, error) {
				re, err := rc.get(a[1].Str)
				if err != nil {
					return vnull, err
				}
				g := int64(0)
				if group {
					g = a[2].Int
				}
				if g < 0 || g > int64(re.NumSubexp()) {
					return vnull, fmt.Errorf("Pattern has %d groups. Cannot access group %d", re.NumSubexp(), g)
				}
				m := re.FindStringSubmatchIndex(a[0].Str)
				if m == nil || m[2*g] < 0 {
					return vnull, nil
				}
				return v(a[0].Str[m[2*g]:m[2*g+1]]), nil
			})(ctx, args, n)
		}
	}
	c.fixed("regexp_extract", ts(tV, tV), tV, extract(false))
	c.fixed("regexp_extract", ts(tV, tV, tI), tV, extract(true))
	replace := func(withRepl bool) Kernel {
		ps := ts(tV, tV)
		if withRepl {
			ps = ts(tV, tV, tV)
		}
		return func(ctx *Context, args []Vec, n int) (arrowArray, error) {
			var rc regexCache
			lastRepl, lastTmpl := "", ""
			return rowKernel(ps, tV, false, func(a []planner.Value) (planner.Value, error) {
				re, err := rc.get(a[1].Str)
				if err != nil {
					return vnull, err
				}
				if !withRepl {
					return v(re.ReplaceAllLiteralString(a[0].Str, "")), nil
				}
				if a[2].Str != lastRepl || lastTmpl == "" && a[2].Str != "" {
					t, err := javaReplacement(a[2].Str)
					if err != nil {
						return vnull, err
					}
					lastRepl, lastTmpl = strings.Clone(a[2].Str), t
				}
				if err := checkRegexpReplace(re, a[0].Str, lastTmpl); err != nil {
					return vnull, err
				}
				return v(re.ReplaceAllString(a[0].Str, lastTmpl)), nil
			})(ctx, args, n)
		}
	}
	c.fixed("regexp_replace", ts(tV, tV), tV, replace(false))
	c.fixed("regexp_replace", ts(tV, tV, tV), tV, replace(true))
	c.fixed("regexp_extract_all", ts(tV, tV), planner.ArrayOf(tV), regexpListKernel(false, false))
	c.fixed("regexp_extract_all", ts(tV, tV, tI), planner.ArrayOf(tV), regexpListKernel(false, true))
	c.fixed("regexp_split", ts(tV, tV), planner.ArrayOf(tV), regexpListKernel(true, false))
	c.fixed("regexp_count", ts(tV, tV), tI, func(ctx *Context, args []Vec, n int) (arrowArray, error) {
		var rc regexCache
		return rowKernel(ts(tV, tV), tI, false, func(a []planner.Value) (planner.Value, error) {
			re, err := rc.get(a[1].Str)
			if err != nil {
				return vnull, err
			}
			return vi(int64(len(re.FindAllStringIndex(a[0].Str, -1)))), nil
		})(ctx, args, n)
	})
}

// regexpListKernel is regexp_extract_all (every match, or group g of every
// match; a non-participating group gives NULL) or regexp_split.
func regexpListKernel(split, group bool) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrowArray, error) {
		s, p := strsOf(args[0]), strsOf(args[1])
		var g ints
		if group {
			g = intsOf(args[2])
		}
		lb := newListOut(ctx.Mem, tV.Arrow())
		defer lb.Release()
		eb := lb.ValueBuilder().(*array.StringBuilder)
		var rc regexCache
		for i := 0; i < n; i++ {
			if s.null(i) || p.null(i) || (group && g.null(i)) {
				lb.AppendNull()
				continue
			}
			re, err := rc.get(p.at(i))
			if err != nil {
				return nil, err
			}
			str := s.at(i)
			if err := ctx.Poll(1 + len(str)>>10); err != nil {
				return nil, err
			}
			lb.Append(true)
			if split {
				for _, part := range re.Split(str, -1) {
					eb.Append(part)
				}
				continue
			}
			k := 0
			if group {
				k = int(g.at(i))
				if k < 0 || k > re.NumSubexp() {
					return nil, fmt.Errorf("Pattern has %d groups. Cannot access group %d", re.NumSubexp(), k)
				}
			}
			for _, m := range re.FindAllStringSubmatchIndex(str, -1) {
				if m[2*k] < 0 {
					eb.AppendNull()
				} else {
					eb.Append(str[m[2*k]:m[2*k+1]])
				}
			}
		}
		return lb.NewArray(), nil
	}
}
